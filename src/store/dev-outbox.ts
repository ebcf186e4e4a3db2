import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken } from './errors.js';
import { MAX_PAGE_SIZE, collectionOf, readPage, type ListOrder, type Page } from './paging.js';

/**
 * The development outbox (DESIGN §5): every SMS, call, mail and push a channel without a real
 * provider would have sent, kept for people to read at `/dev/outbox`. `_id` = the delivery id, so a
 * retried send (same delivery id) is stored once: the unique `_id` is the duplicate guard.
 */
export interface DevOutboxItem {
  /** The delivery id (`<outbox entry id>.<channel>`). */
  id: string;
  channel: string;
  to: string;
  subject?: string;
  body: string;
  html?: string;
  ticketNumber?: string;
  at: Date;
}

type DevOutboxDoc = Omit<DevOutboxItem, 'id'> & { _id: string };

const DevOutboxSchema = new Schema<DevOutboxDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    to: { type: String, required: true },
    subject: String,
    body: { type: String, required: true },
    html: String,
    ticketNumber: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'dev_outbox' },
);
// Newest first is the only order anyone reads it in: all of it, one channel, or one address.
DevOutboxSchema.index({ at: -1, _id: -1 });
DevOutboxSchema.index({ channel: 1, at: -1, _id: -1 });
DevOutboxSchema.index({ to: 1, at: -1, _id: -1 });
// `_id` breaks ties between messages kept in the same millisecond, so the order is total.
const NEWEST_FIRST: ListOrder = { list: 'dev-outbox', field: 'at', type: 'date', direction: -1 };

export interface DevOutboxQuery {
  /** 1 … {@link DEV_OUTBOX_MAX_LIST}. */
  limit: number;
  /** The `next` of the page before. */
  cursor?: string;
  channel?: string;
  to?: string;
}

export const DEV_OUTBOX_MAX_LIST = MAX_PAGE_SIZE;

export class DevOutboxRepository {
  readonly model: Model<DevOutboxDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<DevOutboxDoc>('DevOutboxItem', DevOutboxSchema);
  }

  /** Keeps one message; false when this delivery id is already kept (the first one stands). */
  async add(item: DevOutboxItem): Promise<boolean> {
    const { id, ...rest } = item;
    // Bodies may quote what a citizen wrote; the embedded database refuses `\0` in strings (§5a).
    const doc: DevOutboxDoc = {
      ...rest,
      _id: id,
      body: stripNul(rest.body),
      ...(rest.subject === undefined ? {} : { subject: stripNul(rest.subject) }),
      ...(rest.html === undefined ? {} : { html: stripNul(rest.html) }),
    };
    return insertUnlessTaken(this.model.collection, doc);
  }

  async findById(id: string): Promise<DevOutboxItem | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toItem(doc) : undefined;
  }

  /** Newest first, optionally one channel and/or one exact address, one page at a time. */
  async page(query: DevOutboxQuery): Promise<Page<DevOutboxItem>> {
    const filter: Partial<Pick<DevOutboxDoc, 'channel' | 'to'>> = {};
    if (query.channel !== undefined) filter.channel = query.channel;
    if (query.to !== undefined) filter.to = query.to;
    const request = { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) };
    const page = await readPage(
      collectionOf<DevOutboxDoc>(this.model),
      filter,
      NEWEST_FIRST,
      request,
      filter,
    );
    const items = page.items.map(toItem);
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /** The first page's messages (what tests and the simulator look at: the latest few). */
  async list(query: DevOutboxQuery): Promise<DevOutboxItem[]> {
    return (await this.page(query)).items;
  }
}

function stripNul(text: string): string {
  return text.replaceAll('\0', '');
}

function toItem(doc: DevOutboxDoc): DevOutboxItem {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
