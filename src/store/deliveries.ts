import { Schema, type Connection, type Model } from 'mongoose';
import type { OutboxAudience } from '../tickets/types.js';
import { GroupedInserts, GroupedReads } from './grouped.js';
import {
  MAX_PAGE_SIZE,
  collectionOf,
  readPage,
  type ListOrder,
  type Page,
  type PageRequest,
} from './paging.js';

/**
 * Where a notification stands on one channel. Ranks only go up within a round (an admin's retry of
 * a dead letter starts the next round): queued → sending → sent → delivered | failed | skipped |
 * collapsed, whatever order provider callbacks arrive in.
 */
export const DELIVERY_RANK = {
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  failed: 4,
  skipped: 4,
  collapsed: 4,
} as const;
export type DeliveryStatus = keyof typeof DELIVERY_RANK;
/** Final: no report changes it any more (within its round). */
export const TERMINAL_RANK = 4;
/**
 * From `sent` on, a delivery is out of our hands: the provider holds it, and only its reports move
 * it further. Nothing re-sends a delivery that has reached this rank.
 */
export const HANDED_OVER_RANK = DELIVERY_RANK.sent;

/** One outbox entry (or broadcast recipient) on one channel. `_id` = the delivery id. */
export interface Delivery {
  id: string;
  channel: string;
  audience: OutboxAudience;
  template: string;
  ticket?: string;
  entryId?: string;
  broadcast?: string;
  contactId?: string;
  department?: string;
  status: DeliveryStatus;
  rank: number;
  round: number;
  /** Send attempts made (the claim before each counts). */
  attempts: number;
  /** The address, masked (a delivery record is shown to staff). */
  to?: string;
  provider?: string;
  providerId?: string;
  /** Why it was skipped, failed or collapsed (`opted_out`, `no_address`, `21211`, `into:<id>` …). */
  reason?: string;
  /** Failed for good: listed as a dead letter until an admin retries it. */
  dead: boolean;
  /** Waiting for quiet hours or a throttle window to end. */
  notBefore?: Date;
  claimedAt?: Date;
  /** This delivery stands in for a failed one (`<delivery id>`). */
  fallbackFor?: string;
  /** The channel a permanent failure handed this notification on to. */
  fallback?: string;
  createdAt: Date;
  updatedAt: Date;
}

type DeliveryDoc = Omit<Delivery, 'id'> & { _id: string };

const DeliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    audience: { type: String, required: true },
    template: { type: String, required: true },
    ticket: String,
    entryId: String,
    broadcast: String,
    contactId: String,
    department: String,
    status: { type: String, required: true },
    rank: { type: Number, required: true },
    round: { type: Number, required: true },
    attempts: { type: Number, required: true },
    to: String,
    provider: String,
    providerId: String,
    reason: String,
    dead: { type: Boolean, required: true },
    notBefore: Date,
    claimedAt: Date,
    fallbackFor: String,
    fallback: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'deliveries' },
);
// A ticket's deliveries in the order they were made (its counts by status use the same prefix).
DeliverySchema.index({ ticket: 1, createdAt: 1, _id: 1 });
DeliverySchema.index({ broadcast: 1 });
// The dead-letter list, newest first, and its count (equality on `dead`).
DeliverySchema.index({ dead: 1, updatedAt: -1, _id: -1 });

/** Insert-only: every send, skip, deferral and provider callback, as it happened. */
export interface DeliveryAttempt {
  delivery: string;
  round: number;
  kind: 'send' | 'skip' | 'defer' | 'callback' | 'recovered' | 'collapse' | 'retry';
  status: DeliveryStatus;
  ticket?: string;
  provider?: string;
  providerId?: string;
  code?: string;
  detail?: string;
  at: Date;
}

const AttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    delivery: { type: String, required: true },
    round: Number,
    kind: { type: String, required: true },
    status: { type: String, required: true },
    ticket: String,
    provider: String,
    providerId: String,
    code: String,
    detail: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'delivery_attempts' },
);
AttemptSchema.index({ delivery: 1, at: 1, _id: 1 });
AttemptSchema.index({ ticket: 1, at: 1, _id: 1 });

const TICKET_DELIVERIES: ListOrder = {
  list: 'ticket-deliveries',
  field: 'createdAt',
  type: 'date',
  direction: 1,
};
const DEAD_LETTERS: ListOrder = { list: 'dead-letters', field: 'updatedAt', type: 'date', direction: -1 };
const DELIVERY_ATTEMPTS: ListOrder = { list: 'delivery-attempts', field: 'at', type: 'date', direction: 1 };
const TICKET_ATTEMPTS: ListOrder = { list: 'ticket-attempts', field: 'at', type: 'date', direction: 1 };

export type NewDelivery = Omit<
  Delivery,
  'id' | 'rank' | 'round' | 'attempts' | 'dead' | 'createdAt' | 'updatedAt'
> &
  Partial<Pick<Delivery, 'attempts'>>;

export class DeliveryRepository {
  readonly model: Model<DeliveryDoc>;
  readonly attemptModel: Model<DeliveryAttempt & { _id: string }>;
  // Grouped (src/store/grouped.ts): the notification workers read and write these many at a time.
  readonly #reads: GroupedReads<DeliveryDoc>;
  readonly #inserts: GroupedInserts<DeliveryDoc>;
  readonly #attemptInserts: GroupedInserts<DeliveryAttempt & { _id: string }>;

  constructor(connection: Connection) {
    this.model = connection.model<DeliveryDoc>('Delivery', DeliverySchema);
    this.attemptModel = connection.model<DeliveryAttempt & { _id: string }>('DeliveryAttempt', AttemptSchema);
    this.#reads = new GroupedReads(this.model.collection);
    this.#inserts = new GroupedInserts(this.model.collection);
    this.#attemptInserts = new GroupedInserts(this.attemptModel.collection);
  }

  async findById(id: string): Promise<Delivery | undefined> {
    const doc = await this.#reads.findById(id);
    return doc ? toDelivery(doc) : undefined;
  }

  /** Several by id (grouped into one `_id $in` with other reads of the moment). */
  async findMany(ids: string[]): Promise<Delivery[]> {
    const found = await Promise.all(ids.map(async (id) => this.findById(id)));
    return found.filter((d): d is Delivery => d !== undefined);
  }

  /**
   * Creates the record on first sight; false when it exists (the first one stands). `updatedAt`
   * differs from `at` for a record first written after its send (src/notify/send-first.ts).
   */
  async create(delivery: NewDelivery, at = new Date(), updatedAt = at): Promise<boolean> {
    const { id, ...rest } = delivery as NewDelivery & { id: string };
    return this.#inserts.insert({
      ...rest,
      _id: id,
      rank: DELIVERY_RANK[delivery.status],
      round: 1,
      attempts: delivery.attempts ?? 0,
      dead: false,
      createdAt: at,
      updatedAt,
    });
  }

  /**
   * Moves a delivery to `status` only if that is further than where it stands in its round (the
   * caller holds the delivery's lock: FerretDB applies updates by read-and-write-back). Fields set
   * alongside (providerId, reason …) go with the status. True when it moved.
   */
  async advance(
    id: string,
    round: number,
    status: DeliveryStatus,
    fields: Partial<Omit<Delivery, 'id' | 'status' | 'rank' | 'round'>> = {},
    at = new Date(),
  ): Promise<boolean> {
    const rank = DELIVERY_RANK[status];
    const result = await this.model.updateOne(
      { _id: id, round, rank: { $lt: rank } },
      { $set: { ...fields, status, rank, updatedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  /** Sets fields without moving the status (a deferral's `notBefore`, the fallback it handed on to). */
  async note(
    id: string,
    fields: Partial<Pick<Delivery, 'notBefore' | 'fallback' | 'to' | 'reason'>>,
  ): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { ...fields, updatedAt: new Date() } });
  }

  /** The claim before a send: `sending`, one more attempt, when. */
  async claim(id: string, round: number, at = new Date()): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, round, rank: { $lt: DELIVERY_RANK.sent } },
      {
        $set: { status: 'sending', rank: DELIVERY_RANK.sending, claimedAt: at, updatedAt: at },
        $inc: { attempts: 1 },
      },
    );
    return result.matchedCount === 1;
  }

  /** An admin's retry of a dead letter: the next round starts queued. */
  async restart(id: string): Promise<Delivery | undefined> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, dead: true },
        {
          $set: { status: 'queued', rank: DELIVERY_RANK.queued, dead: false, updatedAt: new Date() },
          $inc: { round: 1 },
          $unset: { reason: '', claimedAt: '', notBefore: '' },
        },
        { returnDocument: 'after' },
      )
      .lean();
    return doc ? toDelivery(doc) : undefined;
  }

  /** A ticket's deliveries, oldest first, one page at a time. */
  async pageForTicket(ticket: string, request: PageRequest): Promise<Page<Delivery>> {
    const page = await readPage(
      collectionOf<DeliveryDoc>(this.model),
      { ticket },
      TICKET_DELIVERIES,
      request,
      ticket,
    );
    return withItems(page, page.items.map(toDelivery));
  }

  /**
   * The first {@link MAX_PAGE_SIZE} deliveries of a ticket, for the desk's ticket page. A ticket's
   * deliveries are naturally few (its notifications × the citizen's channels); the page shows one
   * indexed page of them, never the whole collection. The API pages through all of them.
   */
  async forTicket(ticket: string): Promise<Delivery[]> {
    return (await this.pageForTicket(ticket, { limit: MAX_PAGE_SIZE })).items;
  }

  /** Dead letters, the latest failure first, one page at a time. */
  async deadLetters(request: PageRequest): Promise<Page<Delivery>> {
    const page = await readPage(collectionOf<DeliveryDoc>(this.model), { dead: true }, DEAD_LETTERS, request);
    return withItems(page, page.items.map(toDelivery));
  }

  /** How many dead letters there are: a count on the `dead` equality of their index. */
  async countDeadLetters(): Promise<number> {
    return this.model.countDocuments({ dead: true });
  }

  async countByStatus(filter: { broadcast?: string; ticket?: string }): Promise<Record<string, number>> {
    const rows = await this.model.aggregate<{ _id: string; n: number }>([
      { $match: filter },
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]);
    return Object.fromEntries(rows.map((row) => [row._id, row.n]));
  }

  /** Records one attempt, callback or decision. Insert-only; a repeated `key` (a provider's retried callback) is stored once. */
  async record(attempt: DeliveryAttempt, key?: string): Promise<boolean> {
    return this.#attemptInserts.insert({ ...attempt, _id: key ?? newAttemptId(attempt) });
  }

  /** A delivery's attempts and reports in the order they happened, one page at a time. */
  async attemptsOf(
    delivery: string,
    request: PageRequest = { limit: MAX_PAGE_SIZE },
  ): Promise<DeliveryAttempt[]> {
    return (await this.pageAttemptsOf(delivery, request)).items;
  }

  async pageAttemptsOf(delivery: string, request: PageRequest): Promise<Page<DeliveryAttempt>> {
    const page = await readPage(
      collectionOf<DeliveryAttempt & { _id: string }>(this.attemptModel),
      { delivery },
      DELIVERY_ATTEMPTS,
      request,
      delivery,
    );
    return withItems(page, page.items.map(toAttempt));
  }

  /** Every attempt of a ticket's deliveries in the order they happened, one page at a time. */
  async attemptsForTicket(ticket: string, request: PageRequest): Promise<Page<DeliveryAttempt>> {
    const page = await readPage(
      collectionOf<DeliveryAttempt & { _id: string }>(this.attemptModel),
      { ticket },
      TICKET_ATTEMPTS,
      request,
      ticket,
    );
    return withItems(page, page.items.map(toAttempt));
  }
}

let sequence = 0;
function newAttemptId(attempt: DeliveryAttempt): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${attempt.delivery}.${attempt.round}.${attempt.at.getTime()}.${process.pid}.${sequence}`;
}

function withItems<T>(page: Page<unknown>, items: T[]): Page<T> {
  return page.next === undefined ? { items } : { items, next: page.next };
}

function toAttempt(doc: DeliveryAttempt & { _id: string }): DeliveryAttempt {
  const { _id, ...rest } = doc;
  return rest;
}

function toDelivery(doc: DeliveryDoc): Delivery {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
