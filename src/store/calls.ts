import { Schema, type Connection, type Model } from 'mongoose';
import { maskPhone } from '../privacy/phone.js';
import { insertUnlessTaken } from './errors.js';
import { newId } from './ids.js';

/**
 * Hotline calls (DESIGN §4.2: the CallSid is the idempotency key). Two collections:
 * - `calls`: one record per CallSid, inserted first (`_id` = CallSid, so a replayed call entry finds
 *   the record it made); afterwards only its status fields change, by the call status callback;
 * - `call_events`: insert-only, the path through the menu (keys, steps, queue, dial, recordings) and
 *   the tickets linked to the call. Insert-only needs no lock: FerretDB's non-atomic updates
 *   (DESIGN §5a) cannot lose an event, and two writers (the IVR, an operator) never collide.
 * Phones are stored normalised and unmasked (an operator may call back); {@link callView} masks them.
 */

/** Twilio's call statuses, which are also the words of our record. */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** Statuses only move forward: a late `ringing` never undoes `completed`. */
const RANK: Record<CallStatus, number> = {
  queued: 0,
  ringing: 1,
  'in-progress': 2,
  completed: 3,
  busy: 3,
  'no-answer': 3,
  failed: 3,
  canceled: 3,
};
const FINAL = 3;

export interface CallRecord {
  callSid: string;
  direction: 'inbound' | 'outbound';
  /** Normalised phone (E.164 for mainland mobiles); absent when the caller ID was withheld. */
  from?: string;
  to?: string;
  /** Outbound legs (transfers): the caller's call. */
  parentCallSid?: string;
  /** The IVR menu version the call was answered with. */
  menuVersion?: number;
  status: CallStatus;
  startedAt: Date;
  answeredAt?: Date;
  endedAt?: Date;
  durationSeconds?: number;
  updatedAt: Date;
}

export type NewCall = Pick<
  CallRecord,
  'callSid' | 'direction' | 'from' | 'to' | 'parentCallSid' | 'menuVersion'
> & {
  status?: CallStatus;
  startedAt: Date;
};

/** One step on the call's path. `digits` holds menu keys and ticket/application numbers only, never
 * ID-number tails or phone numbers a caller keyed. */
export interface CallEvent {
  callSid: string;
  type: string;
  at: Date;
  node?: string;
  digits?: string;
  /** Free detail: the step's outcome (`found`, `wrong_check_digit`, `bridged` …), a department code. */
  detail?: string;
  /** The ticket this event is about (linked, created from a recording, queried). */
  ticket?: string;
}

/** A call as staff see it: phones masked, with its path and linked tickets. */
export interface CallView extends Omit<CallRecord, 'from' | 'to'> {
  from?: string;
  to?: string;
  tickets: string[];
  events: Omit<CallEvent, 'callSid'>[];
}

type CallDoc = Omit<CallRecord, 'callSid'> & { _id: string; statusRank: number };
type EventDoc = CallEvent & { _id: string };

const CallSchema = new Schema<CallDoc>(
  {
    _id: { type: String, required: true },
    direction: { type: String, required: true },
    from: String,
    to: String,
    parentCallSid: String,
    menuVersion: Number,
    status: { type: String, required: true },
    statusRank: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    answeredAt: Date,
    endedAt: Date,
    durationSeconds: Number,
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'calls' },
);
CallSchema.index({ from: 1, startedAt: -1 });

const EventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    callSid: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    node: String,
    digits: String,
    detail: String,
    ticket: String,
  },
  { versionKey: false, collection: 'call_events' },
);
// A call's path in order (and its linked tickets): the whole list is read, as a call's events are
// naturally few (one per IVR step, recording and link, within a call of at most a few hours).
EventSchema.index({ callSid: 1, at: 1, _id: 1 });
// The calls a ticket is linked to, in order: a handful per ticket.
EventSchema.index({ ticket: 1, type: 1, at: 1, _id: 1 });

/** The Redis lock key a status writer holds: one writer per call record (DESIGN §5a). */
export function callLockKey(callSid: string): string {
  return `lock:call:${callSid}`;
}

export type StatusUpdate = { status: CallStatus; at: Date; durationSeconds?: number };

export class CallRepository {
  readonly model: Model<CallDoc>;
  readonly events: Model<EventDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<CallDoc>('Call', CallSchema);
    this.events = connection.model<EventDoc>('CallEvent', EventSchema);
  }

  /**
   * Records a call when it reaches us, insert-first: `created` is false when the CallSid was known
   * (a replayed webhook, a second process), and `call` is then the first record, unchanged.
   */
  async start(call: NewCall): Promise<{ created: boolean; call: CallRecord }> {
    const status = call.status ?? 'in-progress';
    const doc: CallDoc = {
      _id: call.callSid,
      direction: call.direction,
      ...(call.from ? { from: call.from } : {}),
      ...(call.to ? { to: call.to } : {}),
      ...(call.parentCallSid ? { parentCallSid: call.parentCallSid } : {}),
      ...(call.menuVersion === undefined ? {} : { menuVersion: call.menuVersion }),
      status,
      statusRank: RANK[status],
      startedAt: call.startedAt,
      ...(status === 'in-progress' ? { answeredAt: call.startedAt } : {}),
      updatedAt: call.startedAt,
    };
    if (await insertUnlessTaken(this.model.collection, doc)) return { created: true, call: toCall(doc) };
    const first = await this.find(call.callSid);
    if (!first) throw new Error(`call ${call.callSid} was taken but cannot be read`);
    return { created: false, call: first };
  }

  async find(callSid: string): Promise<CallRecord | undefined> {
    const doc = await this.model.findById(callSid).lean();
    return doc ? toCall(doc) : undefined;
  }

  /**
   * Appends one step of the call's path (insert-only, no lock needed). With `once`, a key unique
   * within the call (`recording:<id>`), a replay adds nothing; returns false then.
   */
  async appendEvent(event: CallEvent, once?: string): Promise<boolean> {
    const _id = once === undefined ? newId() : `${event.callSid}:${once}`;
    return insertUnlessTaken(this.events.collection, { ...event, _id });
  }

  /** The call's path, oldest first (one call's few events, on the `{ callSid, at, _id }` index). */
  async eventsOf(callSid: string): Promise<CallEvent[]> {
    const docs = await this.events.find({ callSid }).sort({ at: 1, _id: 1 }).lean();
    return docs.map(({ _id: _key, ...event }) => event);
  }

  /**
   * Links a ticket to the call (a voicemail's ticket, one an operator opened while talking).
   * Idempotent: the link's id is `<CallSid>:ticket:<number>`, so a replay links once; true when new.
   */
  async linkTicket(callSid: string, number: string, at: Date, detail?: string): Promise<boolean> {
    const doc: EventDoc = {
      _id: `${callSid}:ticket:${number}`,
      callSid,
      type: 'ticket_linked',
      at,
      ticket: number,
      ...(detail ? { detail } : {}),
    };
    return insertUnlessTaken(this.events.collection, doc);
  }

  /** Ticket numbers linked to the call, in the order they were linked. */
  async ticketsOf(callSid: string): Promise<string[]> {
    const docs = await this.events.find({ callSid, type: 'ticket_linked' }).sort({ at: 1, _id: 1 }).lean();
    return docs.flatMap((d) => (d.ticket ? [d.ticket] : []));
  }

  /** CallSids of the calls a ticket is linked to (the console shows them beside the ticket). */
  async callsOfTicket(number: string): Promise<string[]> {
    const docs = await this.events
      .find({ ticket: number, type: 'ticket_linked' })
      .sort({ at: 1, _id: 1 })
      .lean();
    return docs.map((d) => d.callSid);
  }

  /**
   * The call status callback's change: status, answer time, end time and duration. Statuses only
   * move forward (`ringing` → `in-progress` → a final one), so late or replayed callbacks change
   * nothing ('stale'); 'unknown' when there is no such call. One writer per call: the caller holds
   * {@link callLockKey} (FerretDB applies updates by reading and writing back).
   */
  async recordStatus(callSid: string, update: StatusUpdate): Promise<'updated' | 'stale' | 'unknown'> {
    const current = await this.model.findById(callSid).lean();
    if (!current) return 'unknown';
    const rank = RANK[update.status];
    if (current.statusRank >= FINAL || rank < current.statusRank) return 'stale';
    if (rank === current.statusRank && update.durationSeconds === undefined) return 'stale';
    const set: Partial<CallDoc> = { status: update.status, statusRank: rank, updatedAt: update.at };
    if (update.status === 'in-progress' && !current.answeredAt) set.answeredAt = update.at;
    if (rank === FINAL) set.endedAt = update.at;
    if (update.durationSeconds !== undefined) set.durationSeconds = update.durationSeconds;
    const result = await this.model.updateOne(
      { _id: callSid, statusRank: current.statusRank },
      { $set: set },
    );
    return result.matchedCount === 1 ? 'updated' : 'stale';
  }

  /** The call with its path and tickets, phones masked: what staff screens show. */
  async view(callSid: string): Promise<CallView | undefined> {
    const call = await this.find(callSid);
    if (!call) return undefined;
    const [events, tickets] = await Promise.all([this.eventsOf(callSid), this.ticketsOf(callSid)]);
    return callView(call, events, tickets);
  }
}

/** Masks the phones of a call for display (DESIGN §4.4). */
export function callView(call: CallRecord, events: CallEvent[], tickets: string[]): CallView {
  return {
    ...call,
    from: call.from === undefined ? undefined : maskPhone(call.from),
    to: call.to === undefined ? undefined : maskPhone(call.to),
    tickets,
    events: events.map(({ callSid: _sid, ...event }) => event),
  };
}

function toCall(doc: CallDoc): CallRecord {
  const { _id, statusRank: _rank, ...rest } = doc;
  return { ...rest, callSid: _id };
}
