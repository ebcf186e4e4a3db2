import { Schema, type Connection, type Model } from 'mongoose';
import type { InboundMessage } from '../tickets/types.js';
import { isDuplicateKey } from './errors.js';

/**
 * Every inbound message as it arrived, written before we acknowledge it (DESIGN §4.1) and keyed by
 * channel + idempotency key, so a retry by Twilio, a mail server or a browser is recognised.
 */
export interface StoredInbound {
  id: string;
  dedupeKey: string;
  message: InboundMessage;
  receivedAt: Date;
}

interface InboundDoc {
  dedupeKey: string;
  message: InboundMessage;
  receivedAt: Date;
}

const InboundSchema = new Schema<InboundDoc>(
  {
    dedupeKey: { type: String, required: true },
    message: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
  },
  // minimize: false — the message is kept exactly as received, empty objects included.
  { versionKey: false, minimize: false, collection: 'inbound_messages' },
);
InboundSchema.index({ dedupeKey: 1 }, { unique: true });

export class InboundMessageRepository {
  readonly model: Model<InboundDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<InboundDoc>('InboundMessage', InboundSchema);
  }

  /** Stores the message once; a replay gets the first stored copy back with `replay: true`. */
  async record(
    dedupeKey: string,
    message: InboundMessage,
  ): Promise<{ stored: StoredInbound; replay: boolean }> {
    try {
      const doc = await this.model.create({
        dedupeKey,
        message,
        receivedAt: message.receivedAt ?? new Date(),
      });
      return { stored: toStored(doc.toObject()), replay: false };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const first = await this.model.findOne({ dedupeKey }).lean();
      if (!first) throw error;
      return { stored: toStored(first), replay: true };
    }
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}

function toStored(doc: InboundDoc & { _id: unknown }): StoredInbound {
  return { id: String(doc._id), dedupeKey: doc.dedupeKey, message: doc.message, receivedAt: doc.receivedAt };
}
