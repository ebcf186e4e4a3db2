import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { translate } from './messages.js';
import { localDate } from '../../time/local-format.js';
import { categoryLabel, placeLabel } from './ticket-options.js';
import './words/board.js';
import './words/ticket.js';

/** Results per page: a feature phone scrolls, but not forever. */
export const BOARD_PAGE_SIZE = 10;

const BoardQuery = Type.Object({
  // The next page is read after `cursor` (the last row of the page before); `page` only numbers it.
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
});

/**
 * `GET /board` (办理结果公示): published results, newest first, from the small `disclosures`
 * collection the core's `publish` command fills — kind, category, district, the staff's summary
 * (personal data already removed), dates. Nothing else of the ticket is read. A page is read by
 * cursor on the board's index: plain links ("next page" carries the cursor, "newest" goes back to
 * the start), so a feature phone without JavaScript pages through it; a cursor that is not the
 * board's is a 400.
 */
export const boardRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.get('/board', { schema: { hide: true, querystring: BoardQuery } }, async (request, reply) => {
    const language = request.pageLanguage;
    const { cursor, page: current } = request.query;
    const page = await app.store.disclosures.listNewestFirst({
      limit: BOARD_PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const rows = page.items.map((row) => ({
      number: row.number,
      kind: translate(language, `kind.${row.kind}`),
      category: categoryLabel(language, row.category),
      place: row.districtCode ? placeLabel(language, { districtCode: row.districtCode }) : undefined,
      summary: row.summary,
      resolvedAt: row.resolvedAt ? localDate(row.resolvedAt, config.timezone) : undefined,
      publishedAt: localDate(row.publishedAt, config.timezone),
    }));
    const older =
      page.next === undefined
        ? undefined
        : `/board?${new URLSearchParams({ cursor: page.next, page: String(current + 1) }).toString()}`;
    return reply.page(
      'board',
      { rows, current, newest: cursor === undefined ? undefined : '/board', older },
      translate(language, 'board.title'),
    );
  });
};
