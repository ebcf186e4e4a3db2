import { Schema, type Connection, type Model } from 'mongoose';
import type { Ticket, TicketEvent, OutboxEntry, TicketStatus } from '../tickets/types.js';
import { isDuplicateKey } from './errors.js';

/**
 * Tickets. One document holds the ticket, its events timeline and its outbox, so every change with
 * what the citizen must hear about is one single-document write (DESIGN §4.3).
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
    number: { type: String, required: true },
    numberDate: { type: String, required: true },
    numberSeq: { type: Number, required: true },
    queryCode: { type: String, required: true },
    channel: { type: String, required: true },
    kind: { type: String, required: true },
    category: String,
    subject: String,
    body: { type: String, required: true },
    attachments: [
      new Schema({ ref: String, name: String, contentType: String, size: Number }, { _id: false }),
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
    sla: {
      policy: String,
      signDueAt: Date,
      responseDueAt: Date,
      dueAt: Date,
      callbackDueAt: Date,
      pausedAt: Date,
    },
    events: [Event],
    outbox: { type: Map, of: Outbox, default: {} },
    rating: { value: String, comment: String, at: Date },
    disclosure: { public: { type: Boolean, default: false }, summary: String, publishedAt: Date },
    source: {
      channel: String,
      idempotencyKey: String,
      dedupeKey: { type: String, required: true },
      inboundId: String,
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

// Unique guards on insert (DESIGN §5a): ticket numbers and the channel's idempotency key.
TicketSchema.index({ number: 1 }, { unique: true });
TicketSchema.index({ 'source.dedupeKey': 1 }, { unique: true });
TicketSchema.index({ numberDate: 1, numberSeq: -1 });
TicketSchema.index({ status: 1, createdAt: -1 });
TicketSchema.index({ leadDepartment: 1, status: 1 });
TicketSchema.index({ contactId: 1, createdAt: -1 });

export type NewTicket = Omit<Ticket, 'id'> & { numberDate: string; numberSeq: number };

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
}

export type InsertResult = { ok: true; ticket: Ticket } | { ok: false; duplicate: 'number' | 'source' };

export class TicketRepository {
  readonly model: Model<NewTicket>;

  constructor(connection: Connection) {
    this.model = connection.model<NewTicket>('Ticket', TicketSchema);
  }

  /** Inserts a new ticket; a duplicate number or idempotency key is reported, not thrown. */
  async insert(ticket: NewTicket): Promise<InsertResult> {
    try {
      const created = await this.model.create(ticket);
      return { ok: true, ticket: toTicket(created.toObject()) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Which unique index? The idempotency key wins: a replay must return the first ticket.
      if (await this.model.exists({ 'source.dedupeKey': ticket.source.dedupeKey })) {
        return { ok: false, duplicate: 'source' };
      }
      if (await this.model.exists({ number: ticket.number })) return { ok: false, duplicate: 'number' };
      throw error;
    }
  }

  async findByNumber(number: string): Promise<Ticket | undefined> {
    const doc = await this.model.findOne({ number }).lean();
    return doc ? toTicket(doc) : undefined;
  }

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
  async applyChange(id: string, expectedVersion: number, change: TicketChange): Promise<Ticket | undefined> {
    const set: Record<string, unknown> = { updatedAt: change.event.at };
    const unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(change.set) as [string, unknown][]) {
      if (value === undefined) unset[field] = '';
      else set[field] = value;
    }
    for (const entry of change.outbox) set[`outbox.${entry.id}`] = entry;
    const update = { $set: set, $push: { events: change.event }, $inc: { version: 1 } };
    const result = await this.model.updateOne(
      { _id: id, version: expectedVersion },
      Object.keys(unset).length > 0 ? { ...update, $unset: unset } : update,
    );
    if (result.matchedCount !== 1) return undefined;
    const doc = await this.model.findById(id).lean();
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

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}

function toQuery(filter: TicketListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.status?.length) query.status = { $in: filter.status };
  if (filter.channel) query.channel = filter.channel;
  if (filter.kind) query.kind = filter.kind;
  if (filter.contactId) query.contactId = filter.contactId;
  if (filter.departments) {
    // A department sees tickets it leads and tickets it co-handles.
    query.$or = [
      { leadDepartment: { $in: filter.departments } },
      ...filter.departments.map((code) => ({ [`coDepartments.${code}.department`]: code })),
    ];
  }
  if (filter.createdFrom ?? filter.createdTo) {
    query.createdAt = {
      ...(filter.createdFrom ? { $gte: filter.createdFrom } : {}),
      ...(filter.createdTo ? { $lt: filter.createdTo } : {}),
    };
  }
  return query;
}

type TicketDoc = NewTicket & { _id: unknown };

function toTicket(doc: TicketDoc): Ticket {
  const { _id, numberDate: _d, numberSeq: _s, coDepartments, outbox, rating, ...rest } = doc;
  return {
    ...rest,
    // Nested paths come back as {} when never set.
    rating: rating?.at ? rating : undefined,
    id: String(_id),
    coDepartments: plain(coDepartments),
    outbox: plain(outbox),
  };
}

/** Maps come back as Map from documents and as plain objects from lean queries. */
function plain<T>(value: Record<string, T> | Map<string, T> | undefined): Record<string, T> {
  if (!value) return {};
  return value instanceof Map ? Object.fromEntries(value) : value;
}
