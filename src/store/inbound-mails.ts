import { Schema, type Connection, type Model } from 'mongoose';
import type { NamedValue } from '../tickets/types.js';
import { toBuffer } from './binary.js';
import { insertUnlessTaken } from './errors.js';

/**
 * Every mail that reached the mailbox (市长信箱), raw, keyed by its idempotency key (`_id` =
 * `mid:<Message-ID>` or `sha256:<hex of the raw bytes>` for a mail without one): the insert is the
 * duplicate guard and the proof that the mail was kept before the sender heard 250 (DESIGN §4.1).
 * Written once on arrival (`received`), then settled by the one process that holds the mail's lock:
 * `processed` (a ticket or thread message), `ignored` (a bounce, our own mail) or `failed` (tried,
 * will be tried again when the mail is sent again). Headers are name/value pairs (no keys with dots).
 */
export const INBOUND_MAIL_STATUSES = ['received', 'processed', 'ignored', 'failed'] as const;
export type InboundMailStatus = (typeof INBOUND_MAIL_STATUSES)[number];

export interface InboundMailOutcome {
  kind: 'ticket' | 'thread' | 'linked' | 'ignored';
  ticketNumber?: string;
  reason?: string;
}

export interface InboundMail {
  /** The idempotency key (see above). */
  id: string;
  raw: Buffer;
  size: number;
  envelope: { from: string; to: string[]; via: 'smtp' | 'imap'; remoteAddress?: string };
  status: InboundMailStatus;
  outcome?: InboundMailOutcome;
  /** Processing attempts made. */
  attempts: number;
  /** The last failure's code (never a stack or a driver message). */
  error?: string;
  /** Read from the mail once parsed. */
  messageId?: string;
  subject?: string;
  /** The sender's address, normalised (the contact it maps to is on the ticket). */
  from?: string;
  headers?: NamedValue[];
  /** The HTML part, sanitised (sanitize-html): the only form of it that is ever shown. */
  html?: string;
  receivedAt: Date;
  updatedAt: Date;
}

type InboundMailDoc = Omit<InboundMail, 'id'> & { _id: string };

const InboundMailSchema = new Schema<InboundMailDoc>(
  {
    _id: { type: String, required: true },
    raw: { type: Buffer, required: true },
    size: { type: Number, required: true },
    envelope: {
      from: { type: String, default: '' },
      to: [String],
      via: { type: String, required: true },
      remoteAddress: String,
    },
    status: { type: String, required: true, enum: INBOUND_MAIL_STATUSES },
    outcome: { kind: String, ticketNumber: String, reason: String },
    attempts: { type: Number, required: true },
    error: String,
    messageId: String,
    subject: String,
    from: String,
    headers: [new Schema({ name: String, value: String }, { _id: false })],
    html: String,
    receivedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'inbound_mails' },
);

export type NewInboundMail = Pick<InboundMail, 'id' | 'raw' | 'envelope' | 'receivedAt'>;

/** What parsing learnt, kept beside the raw mail when it settles. */
export type ParsedFields = Partial<Pick<InboundMail, 'messageId' | 'subject' | 'from' | 'headers' | 'html'>>;

export class InboundMailRepository {
  readonly model: Model<InboundMailDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<InboundMailDoc>('InboundMail', InboundMailSchema);
  }

  /**
   * Keeps the raw mail unless a mail with this key is kept already. `stored: false` → the one that
   * stands (the first) is returned, with its status and outcome.
   */
  async receive(mail: NewInboundMail): Promise<{ stored: boolean; mail: InboundMail }> {
    const { id, ...rest } = mail;
    const doc: InboundMailDoc = {
      ...rest,
      _id: id,
      size: mail.raw.length,
      status: 'received',
      attempts: 0,
      updatedAt: mail.receivedAt,
    };
    if (await insertUnlessTaken(this.model.collection, doc)) return { stored: true, mail: toMail(doc) };
    const first = await this.findById(id);
    if (!first) throw new Error(`inbound mail ${id} was taken but cannot be read`);
    return { stored: false, mail: first };
  }

  async findById(id: string): Promise<InboundMail | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toMail(doc) : undefined;
  }

  /** The caller holds the mail's lock (one writer per mail). */
  async settle(
    id: string,
    status: 'processed' | 'ignored',
    outcome: InboundMailOutcome,
    fields: ParsedFields,
  ): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      {
        $set: { ...fields, status, outcome, updatedAt: new Date() },
        $inc: { attempts: 1 },
        $unset: { error: '' },
      },
    );
  }

  /** Records a failed attempt (the mail stays kept; a resend is processed again). */
  async fail(id: string, error: string): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      { $set: { status: 'failed', error, updatedAt: new Date() }, $inc: { attempts: 1 } },
    );
  }
}

function toMail(doc: InboundMailDoc): InboundMail {
  const { _id, raw, ...rest } = doc;
  const bytes = toBuffer(raw);
  return { ...rest, id: _id, raw: bytes };
}
