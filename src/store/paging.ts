import { createHash } from 'node:crypto';
import { mongo } from 'mongoose';
import { HubErrors } from '../errors.js';

type Document = mongo.Document;
type Collection<D extends Document> = mongo.Collection<D>;
type Filter<D extends Document> = mongo.Filter<D>;

/**
 * Keyset (cursor) paging for every list the hub serves: no `skip`, so the 50th page costs what the
 * first does. A list is sorted by one field and then `_id` (unique, so the order is total); a page
 * is read as at most two indexed queries after the last row shown:
 *   1. rows with the same sort value and a later `_id` (ties: few or none),
 *   2. rows with a later sort value.
 * Both are a SEARCH on an index whose keys are the list's equality fields, then the sort field
 * (DESIGN §5a; the embedded database pushes such filters, sorts and limits down to SQLite).
 *
 * The cursor is opaque to clients: base64url JSON of the list's name, a digest of its filter and the
 * last row's sort key. A cursor that does not decode, belongs to another list or another filter, or
 * whose key has the wrong types is refused with `HUB_ERR_VALIDATION` (400) and reads nothing.
 */

/**
 * Tells the embedded database that a list's sort keys sort alike as JSON text — 13-digit dates,
 * ObjectIDs, strings without spaces, '!' or characters JSON escapes (every list's sort field and
 * `_id` here) — so it may apply the LIMIT without reading every matching row to check
 * (src/store/embedded-db/patches/003). MongoDB only records the comment.
 */
const PLAIN_SORT_KEYS = 'sort-keys-plain';

/**
 * The first page's condition on the sort field: a range over every value of its type, so that it
 * reads the index as a range (SEARCH) from its first or last entry. Dates start at 2001-09-09:
 * every time the hub keeps is later, and the embedded database compares dates as 13-digit texts.
 */
const EVERY_VALUE: Record<SortValueType, Record<string, unknown>> = {
  date: { $gte: new Date(1_000_000_000_000) },
  string: { $gte: '' },
  number: { $exists: true },
};

/** Rows per page when the client does not say. */
export const DEFAULT_PAGE_SIZE = 20;
/** The most rows one page may ask for. */
export const MAX_PAGE_SIZE = 100;

export type SortValueType = 'string' | 'date' | 'number';

export interface ListOrder {
  /** The list's name, written into its cursors (a cursor of another list is refused). */
  list: string;
  /** The sort field (a path) and its type; `_id` follows it in the same direction. */
  field: string;
  type: SortValueType;
  direction: 1 | -1;
  /**
   * The type of the collection's `_id` (default `string`). An `objectId` list (a collection whose
   * documents get the driver's ids, such as the audit log) compares its cursor's id as an ObjectId:
   * MongoDB never orders a string against an ObjectId.
   */
  id?: 'string' | 'objectId';
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; absent on the last page. */
  next?: string;
}

type SortValue = string | number | Date;
interface Position {
  value: SortValue;
  id: string | mongo.ObjectId;
}

/** The page size asked for, checked against the cap (a larger one is refused, not cut). */
export function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new HubErrors.Validation(`limit must be an integer from 1 to ${String(MAX_PAGE_SIZE)}`);
  }
  return size;
}

/**
 * A model's driver collection typed as its documents (mongoose types it as any document): what
 * {@link readPage} reads, so a page's rows come back as the model's documents.
 */
export function collectionOf<D extends Document>(model: { collection: unknown }): Collection<D> {
  return model.collection as Collection<D>;
}

/**
 * One page of `collection` under `filter` in `order`. `scope` names what the filter depends on
 * (a department, a contact, the statuses asked for…): a cursor made under another scope is refused.
 */
export async function readPage<D extends Document>(
  collection: Collection<D>,
  filter: Filter<D>,
  order: ListOrder,
  request: PageRequest,
  scope: unknown = null,
): Promise<Page<D>> {
  const limit = pageSize(request.limit);
  const digest = scopeDigest(order, scope);
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, order, digest);
  const sort = { [order.field]: order.direction, _id: order.direction } as Record<string, 1 | -1>;
  const later = order.direction === 1 ? '$gt' : '$lt';
  const wanted = limit + 1;

  const rows: D[] = [];
  if (after) {
    const ties = { [order.field]: after.value, _id: { [later]: after.id } };
    rows.push(...(await find(collection, and(filter, ties), sort, wanted)));
  }
  if (rows.length < wanted) {
    const rest = { [order.field]: after ? { [later]: after.value } : EVERY_VALUE[order.type] };
    rows.push(...(await find(collection, and(filter, rest), sort, wanted - rows.length)));
  }

  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next = rows.length > limit && last ? encodeCursor(order, digest, positionOf(last, order)) : undefined;
  return next ? { items, next } : { items };
}

function find<D extends Document>(
  collection: Collection<D>,
  filter: Filter<D>,
  sort: Record<string, 1 | -1>,
  limit: number,
): Promise<D[]> {
  return collection.find(filter, { sort, limit, comment: PLAIN_SORT_KEYS }).toArray() as Promise<D[]>;
}

/** The filter with the cursor's condition added, without overwriting a condition on the same field. */
function and<D extends Document>(filter: Filter<D>, extra: Record<string, unknown>): Filter<D> {
  const clash = Object.keys(extra).some((key) => key in filter);
  return (clash ? { $and: [filter, extra] } : { ...filter, ...extra }) as Filter<D>;
}

function positionOf(doc: Document, order: ListOrder): Position {
  let value: unknown = doc;
  for (const part of order.field.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return { value: value as SortValue, id: String(doc._id) };
}

function scopeDigest(order: ListOrder, scope: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([order.list, order.field, order.direction, scope]))
    .digest('base64url')
    .slice(0, 12);
}

function encodeCursor(order: ListOrder, digest: string, position: Position): string {
  const value = position.value instanceof Date ? position.value.getTime() : position.value;
  return Buffer.from(JSON.stringify([order.list, digest, value, String(position.id)])).toString('base64url');
}

function decodeCursor(token: string, order: ListOrder, digest: string): Position {
  const refuse = (why: string): never => {
    throw new HubErrors.Validation(`cursor ${why}`);
  };
  if (token.length > 512 || !/^[A-Za-z0-9_-]+$/.test(token)) refuse('is malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return refuse('is malformed');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return refuse('is malformed');
  const [list, cursorDigest, value, id] = parsed as unknown[];
  if (list !== order.list || cursorDigest !== digest) refuse('belongs to another list');
  if (typeof id !== 'string' || id.length === 0) return refuse('is malformed');
  if (order.id === 'objectId' && !/^[0-9a-f]{24}$/.test(id)) return refuse('is malformed');
  const key = order.id === 'objectId' ? new mongo.ObjectId(id) : id;
  return { value: sortValue(value, order.type) ?? refuse('is malformed'), id: key };
}

function sortValue(value: unknown, type: SortValueType): SortValue | undefined {
  if (type === 'string') return typeof value === 'string' ? value : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return type === 'date' ? new Date(value) : value;
}
