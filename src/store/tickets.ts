import { Schema, type Connection, type Model } from 'mongoose';
import {
  ENDED_STATUSES,
  type Ticket,
  type TicketEvent,
  type OutboxEntry,
  type TicketStatus,
} from '../tickets/types.js';
import { insertUnlessTaken } from './errors.js';
import { GroupedReads } from './grouped.js';

/**
 * Tickets. One document holds the ticket, its events timeline and its outbox, so every change with
 * what the citizen must hear about is one single-document write (DESIGN §4.3).
 *
 * `_id` is the ticket number: every hot read and write is by `_id`, the one key the embedded
 * database looks up through an index (its other filters scan the collection).
 */

const Actor = new Schema({ kind: String, id: String, role: String, department: String }, { _id: false });
const Event = new Schema(
  {
    id: String,
    type: String,
    fromStatus: String,
    toStatus: String,
    actor: Actor,
    channel: String,
    visibility: String,
    at: Date,
    data: Schema.Types.Mixed,
  },
  { _id: false },
);
const Outbox = new Schema(
  {
    id: String,
    eventId: String,
    template: String,
    audience: String,
    contactId: String,
    department: String,
    status: String,
    createdAt: Date,
  },
  { _id: false },
);
const CoDepartment = new Schema(
  { department: String, status: String, dueAt: Date, opinion: String, signedAt: Date, answeredAt: Date },
  { _id: false },
);

const TicketSchema = new Schema(
  {
    _id: { type: String, required: true },
    numberDate: { type: String, required: true },
    numberSeq: { type: Number, required: true },
    queryCode: { type: String, required: true },
    channel: { type: String, required: true },
    kind: { type: String, required: true },
    category: String,
    subject: String,
    body: { type: String, required: true },
    attachments: [
      new Schema(
        { ref: String, name: String, contentType: String, size: Number, refused: String },
        { _id: false },
      ),
    ],
    contactId: String,
    anonymous: { type: Boolean, default: false },
    location: {
      districtCode: String,
      townshipCode: String,
      villageCode: String,
      text: String,
    },
    leadDepartment: String,
    coDepartments: { type: Map, of: CoDepartment, default: {} },
    assignee: String,
    priority: { type: String, required: true },
    status: { type: String, required: true },
    // Clocks, routing explanation and supervision flags are written whole by the ticket core.
    sla: { type: Schema.Types.Mixed, default: () => ({ clocks: {} }) },
    routing: Schema.Types.Mixed,
    supervision: { type: Schema.Types.Mixed, default: () => ({ flagged: false, flags: [] }) },
    tags: [String],
    events: [Event],
    outbox: { type: Map, of: Outbox, default: {} },
    rating: { value: String, comment: String, at: Date },
    disclosure: {
      public: { type: Boolean, default: false },
      consent: Boolean,
      summary: String,
      publishedAt: Date,
    },
    source: {
      channel: String,
      idempotencyKey: String,
      dedupeKey: { type: String, required: true },
      externalIds: [new Schema({ name: String, value: String }, { _id: false })],
      receivedAt: Date,
    },
    returnCount: { type: Number, default: 0 },
    mergedInto: String,
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'tickets' },
);

// Unique guards on insert (DESIGN §5a): the number is `_id`; the channel's idempotency key is the
// durable guard behind the Redis one (src/tickets/intake.ts).
TicketSchema.index({ 'source.dedupeKey': 1 }, { unique: true });
TicketSchema.index({ numberDate: 1, numberSeq: -1 });
TicketSchema.index({ status: 1, createdAt: -1 });
TicketSchema.index({ leadDepartment: 1, status: 1 });
TicketSchema.index({ contactId: 1, createdAt: -1 });

export type NewTicket = Ticket & { numberDate: string; numberSeq: number };
type TicketDoc = Omit<Ticket, 'number' | 'sla' | 'supervision' | 'tags'> & {
  _id: string;
  numberDate: string;
  numberSeq: number;
  // Absent on tickets stored before routing existed.
  sla?: Partial<Ticket['sla']>;
  supervision?: Ticket['supervision'];
  tags?: string[];
};

export interface TicketChange {
  set: Partial<Omit<Ticket, 'id' | 'events' | 'outbox' | 'version' | 'number'>>;
  event: TicketEvent;
  outbox: OutboxEntry[];
}

export interface TicketListFilter {
  status?: TicketStatus[];
  departments?: string[];
  channel?: string;
  kind?: string;
  contactId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Only tickets with a warning or a supervision (督办) flag. */
  supervision?: boolean;
}

/** Inserted, or which unique key was taken (FerretDB's E11000 does not say, so the caller asks). */
export type InsertResult = { ok: true; ticket: Ticket } | { ok: false };

export class TicketRepository {
  readonly model: Model<TicketDoc>;

  /** Reads by number, grouped with others of the moment (src/store/grouped.ts). */
  readonly #reads: GroupedReads<TicketDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<TicketDoc>('Ticket', TicketSchema);
    this.#reads = new GroupedReads(this.model.collection);
  }

  /**
   * Inserts a new ticket; a taken number or idempotency key is reported, not thrown. Written through
   * the driver, not a hydrated mongoose document: intake's hot path, and the document is built by
   * the ticket core from input the API schemas validated (building a document cost a third of the
   * API's CPU in the intake benchmark).
   */
  async insert(ticket: NewTicket): Promise<InsertResult> {
    const { number, ...rest } = ticket;
    const doc: TicketDoc = { ...rest, _id: number };
    if (!(await insertUnlessTaken(this.model.collection, doc))) return { ok: false };
    return { ok: true, ticket: toTicket(doc) };
  }

  async findByNumber(number: string): Promise<Ticket | undefined> {
    const doc = await this.#reads.findById(number);
    return doc ? toTicket(doc) : undefined;
  }

  /**
   * The ticket an idempotency key made. Scans on the embedded database: only used when Redis has
   * forgotten the key (see intake).
   */
  async findBySourceKey(dedupeKey: string): Promise<Ticket | undefined> {
    const doc = await this.model.findOne({ 'source.dedupeKey': dedupeKey }).lean();
    return doc ? toTicket(doc) : undefined;
  }

  /** The highest sequence used on a day: where the number sequence restarts after Redis lost it. */
  async maxSequenceOn(numberDate: string): Promise<number> {
    const doc = await this.model.findOne({ numberDate }, { numberSeq: 1 }).sort({ numberSeq: -1 }).lean();
    return doc?.numberSeq ?? 0;
  }

  /**
   * Appends the event, adds the outbox entries and sets the fields in one single-document write,
   * only if nobody wrote since `expectedVersion`. Returns the new ticket, or undefined on a version
   * conflict.
   */
  async applyChange(
    number: string,
    expectedVersion: number,
    change: TicketChange,
  ): Promise<Ticket | undefined> {
    const set: Record<string, unknown> = { updatedAt: change.event.at };
    const unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(change.set) as [string, unknown][]) {
      if (value === undefined) unset[field] = '';
      else set[field] = value;
    }
    for (const entry of change.outbox) set[`outbox.${entry.id}`] = entry;
    const update = { $set: set, $push: { events: change.event }, $inc: { version: 1 } };
    const doc = await this.model
      .findOneAndUpdate(
        { _id: number, version: expectedVersion },
        Object.keys(unset).length > 0 ? { ...update, $unset: unset } : update,
        { returnDocument: 'after' },
      )
      .lean();
    return doc ? toTicket(doc) : undefined;
  }

  async list(
    filter: TicketListFilter,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; items: Ticket[] }> {
    const query = toQuery(filter);
    const [total, docs] = await Promise.all([
      this.model.countDocuments(query),
      this.model.find(query).sort({ createdAt: -1, _id: -1 }).skip(page.offset).limit(page.limit).lean(),
    ]);
    return { total, items: docs.map(toTicket) };
  }

  /**
   * Number and SLA state of every ticket with a clock still running or paused, streamed (the timer
   * reconcile at boot; a scan on the embedded database, which is why it runs once, not as a poll).
   */
  async *withLiveClocks(): AsyncGenerator<Pick<Ticket, 'number' | 'sla'>> {
    const cursor = this.model
      .find({ status: { $nin: [...ENDED_STATUSES] } }, { sla: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) {
      const { sla } = doc as Pick<TicketDoc, '_id' | 'sla'>;
      // Tickets never routed have no clock at all: nothing to schedule.
      if (sla?.clocks && Object.keys(sla.clocks).length > 0)
        yield { number: doc._id, sla: { ...sla, clocks: sla.clocks } };
    }
  }

  /** How many tickets match (all of them without a filter), counted by the database. */
  async count(filter: TicketListFilter = {}): Promise<number> {
    return this.model.countDocuments(toQuery(filter));
  }
}

function toQuery(filter: TicketListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.status?.length) query.status = { $in: filter.status };
  if (filter.channel) query.channel = filter.channel;
  if (filter.kind) query.kind = filter.kind;
  if (filter.contactId) query.contactId = filter.contactId;
  const and: Record<string, unknown>[] = [];
  if (filter.departments) {
    // A department sees tickets it leads and tickets it co-handles.
    and.push({
      $or: [
        { leadDepartment: { $in: filter.departments } },
        ...filter.departments.map((code) => ({ [`coDepartments.${code}.department`]: code })),
      ],
    });
  }
  if (filter.supervision) {
    and.push({ $or: [{ 'supervision.flagged': true }, { 'supervision.warning': { $exists: true } }] });
  }
  if (and.length > 0) query.$and = and;
  if (filter.createdFrom ?? filter.createdTo) {
    query.createdAt = {
      ...(filter.createdFrom ? { $gte: filter.createdFrom } : {}),
      ...(filter.createdTo ? { $lt: filter.createdTo } : {}),
    };
  }
  return query;
}

function toTicket(doc: TicketDoc): Ticket {
  const { _id, numberDate: _d, numberSeq: _s, coDepartments, outbox, rating, ...rest } = doc;
  return {
    ...rest,
    number: _id,
    // Nested paths come back as {} when never set.
    rating: rating?.at ? rating : undefined,
    coDepartments: plain(coDepartments),
    outbox: plain(outbox),
    sla: { ...rest.sla, clocks: rest.sla?.clocks ?? {} },
    supervision: rest.supervision ?? { flagged: false, flags: [] },
    tags: rest.tags ?? [],
  };
}

/** Maps come back as Map from documents and as plain objects from lean queries. */
function plain<T>(value: Record<string, T> | Map<string, T> | undefined): Record<string, T> {
  if (!value) return {};
  return value instanceof Map ? Object.fromEntries(value) : value;
}
