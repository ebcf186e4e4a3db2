import { Schema, type Connection, type Model } from 'mongoose';
import type { Ticket, TicketEvent, OutboxEntry } from '../tickets/types.js';
import { insertUnlessTaken } from './errors.js';
import { CoTaskRepository } from './co-tasks.js';
import { GroupedReads } from './grouped.js';
import { collectionOf, readPage, type Page, type PageRequest } from './paging.js';
import {
  declareListIndexes,
  listKeys,
  listQuery,
  OPEN_LANES,
  type ListKeys,
  type TicketList,
} from './ticket-lists.js';

/**
 * Tickets. One document holds the ticket, its events timeline and its outbox, so every change with
 * what the citizen must hear about is one single-document write (DESIGN §4.3).
 *
 * `_id` is the ticket number: every single-ticket read and write is by `_id`. The lists staff see
 * are served by the indexes on the list keys every document carries (src/store/ticket-lists.ts).
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
    // List keys (src/store/ticket-lists.ts), derived from the ticket on every write.
    lane: { type: String, required: true },
    dueAt: { type: Date, required: true },
    flaggedAt: Date,
    titleKey: { type: String, required: true },
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
declareListIndexes(TicketSchema);

export type NewTicket = Ticket & { numberDate: string; numberSeq: number };
type TicketDoc = Omit<Ticket, 'number' | 'sla' | 'supervision' | 'tags'> &
  Partial<ListKeys> & {
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

/** Inserted, or which unique key was taken (FerretDB's E11000 does not say, so the caller asks). */
export type InsertResult = { ok: true; ticket: Ticket } | { ok: false };

export class TicketRepository {
  readonly model: Model<TicketDoc>;
  /** The co-departments' desk rows (并联), kept by {@link applyChange}. */
  readonly coTasks: CoTaskRepository;

  /** Reads by number, grouped with others of the moment (src/store/grouped.ts). */
  readonly #reads: GroupedReads<TicketDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<TicketDoc>('Ticket', TicketSchema);
    this.#reads = new GroupedReads(this.model.collection);
    this.coTasks = new CoTaskRepository(connection);
  }

  /**
   * Inserts a new ticket; a taken number or idempotency key is reported, not thrown. Written through
   * the driver, not a hydrated mongoose document: intake's hot path, and the document is built by
   * the ticket core from input the API schemas validated (building a document cost a third of the
   * API's CPU in the intake benchmark).
   */
  async insert(ticket: NewTicket): Promise<InsertResult> {
    const { number, ...rest } = ticket;
    const doc: TicketDoc = { ...rest, ...listKeys(ticket), _id: number };
    if (!(await insertUnlessTaken(this.model.collection, doc))) return { ok: false };
    return { ok: true, ticket: toTicket(doc) };
  }

  /**
   * Inserts many tickets at once, with their list keys (bulk loads: the scale benchmark's seed, a
   * migration). No duplicate guard beyond the unique indexes: a taken key fails that ticket only.
   */
  async insertBulk(tickets: readonly NewTicket[]): Promise<void> {
    const docs = tickets.map(({ number, ...rest }) => ({ ...rest, ...listKeys(rest), _id: number }));
    await this.model.collection.insertMany(docs as never[], { ordered: false });
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
   * only if nobody wrote since `before` was read (its version). The list keys are derived from the
   * ticket as it will be and written in the same update. Returns the new ticket, or undefined on a
   * version conflict.
   */
  async applyChange(before: Ticket, change: TicketChange): Promise<Ticket | undefined> {
    const set: Record<string, unknown> = { updatedAt: change.event.at };
    const unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(change.set) as [string, unknown][]) {
      if (value === undefined) unset[field] = '';
      else set[field] = value;
    }
    const keys = listKeys({ ...before, ...change.set });
    Object.assign(set, keys);
    if (keys.flaggedAt === undefined) unset.flaggedAt = '';
    for (const entry of change.outbox) set[`outbox.${entry.id}`] = entry;
    const update = { $set: set, $push: { events: change.event }, $inc: { version: 1 }, $unset: unset };
    const doc = await this.model
      .findOneAndUpdate({ _id: before.number, version: before.version }, update, { returnDocument: 'after' })
      .lean();
    if (!doc) return undefined;
    const after = toTicket(doc);
    const coHandled = Object.keys(before.coDepartments).length + Object.keys(after.coDepartments).length > 0;
    if (coHandled) await this.coTasks.sync(before, after);
    return after;
  }

  /** One page of a staff list, served by its index (src/store/ticket-lists.ts). */
  async page(list: TicketList, request: PageRequest): Promise<Page<Ticket>> {
    const { filter, order, scope } = listQuery(list);
    const page = await readPage(collectionOf<TicketDoc>(this.model), filter, order, request, scope);
    return { ...page, items: page.items.map(toTicket) };
  }

  /**
   * Writes the list keys of every ticket stored without them (a one-time migration: a scan, run once
   * per database by src/store/migrations.ts). A ticket written meanwhile got its keys from that write.
   */
  async backfillListKeys(): Promise<number> {
    let changed = 0;
    for await (const doc of this.model
      .find({ lane: { $exists: false } })
      .lean()
      .cursor()) {
      const ticket = toTicket(doc);
      const result = await this.model.updateOne(
        { _id: ticket.number, version: ticket.version },
        { $set: listKeys(ticket) },
      );
      changed += result.modifiedCount;
    }
    return changed;
  }

  /** A contact's most recent tickets, newest first (a citizen's own: conversation, rating). */
  async recentOfContact(contactId: string, limit: number): Promise<Ticket[]> {
    return (await this.page({ list: 'contact', contactId }, { limit })).items;
  }

  /** How many open tickets a department leads, whatever their lane (counted on the lane index). */
  async countOpenLed(department: string): Promise<number> {
    return this.model.countDocuments({
      leadDepartment: department,
      lane: { $in: ['triage', 'desk', 'review'] },
    });
  }

  /** How many tickets a list holds, counted on its index (a caller's history, a desk's tab). */
  async countList(list: TicketList): Promise<number> {
    return this.model.countDocuments(listQuery(list).filter);
  }

  /**
   * Number and SLA state of every ticket with a clock still running or paused, streamed (the timer
   * reconcile): the open lanes, read on the lane index, never the ended tickets.
   */
  async *withLiveClocks(): AsyncGenerator<Pick<Ticket, 'number' | 'sla'>> {
    const cursor = this.model
      .find({ lane: { $in: OPEN_LANES } }, { sla: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) {
      const { sla } = doc as Pick<TicketDoc, '_id' | 'sla'>;
      // Tickets never routed have no clock at all: nothing to schedule.
      if (sla?.clocks && Object.keys(sla.clocks).length > 0)
        yield { number: doc._id, sla: { ...sla, clocks: sla.clocks } };
    }
  }

  /** How many tickets are stored, counted by the database (tests and the seed report). */
  async count(): Promise<number> {
    return this.model.estimatedDocumentCount();
  }
}

function toTicket(doc: TicketDoc): Ticket {
  const {
    _id,
    numberDate: _d,
    numberSeq: _s,
    lane: _l,
    dueAt: _due,
    flaggedAt: _f,
    titleKey: _t,
    coDepartments,
    outbox,
    rating,
    ...rest
  } = doc;
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
