import { Type, type TSchema } from 'typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../store/paging.js';

/**
 * The query and reply of every cursor-paged list of the API (src/store/paging.ts): `limit` rows,
 * at most {@link MAX_PAGE_SIZE} (a larger one is a 400 HUB_ERR_VALIDATION, not cut), after `cursor`,
 * the opaque `next` of the page before. `next` is absent on the last page.
 */
export const pageQueryFields = {
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 512, description: 'the `next` of the page before' }),
  ),
};

export const PageQuery = Type.Object(pageQueryFields, { additionalProperties: false });

export const pageReplyFields = <T extends TSchema>(item: T) => ({
  items: Type.Array(item),
  next: Type.Optional(Type.String({ description: 'the cursor of the next page; absent on the last' })),
});

export const PageReply = <T extends TSchema>(item: T) => Type.Object(pageReplyFields(item));
