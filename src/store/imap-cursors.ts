import { Schema, type Connection, type Model } from 'mongoose';

/**
 * How far the IMAP poller has read one mailbox: the mailbox's UIDVALIDITY and the highest UID whose
 * mail the intake has accepted. `_id` names account and mailbox (`imap://user@host:port/mailbox`,
 * never the password), and the UIDs still to retry. One writer per cursor: the poller, under a Redis
 * lock (DESIGN §5a).
 */
export interface ImapCursor {
  key: string;
  uidValidity: number;
  lastUid: number;
  /** How often the mailbox's UIDVALIDITY changed under us (each time it was read again from UID 1). */
  resets: number;
  /** UIDs at or below `lastUid` that the intake refused: tried again every round until taken or gone. */
  retry: number[];
  updatedAt: Date;
}

type ImapCursorDoc = Omit<ImapCursor, 'key'> & { _id: string };

const ImapCursorSchema = new Schema<ImapCursorDoc>(
  {
    _id: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    lastUid: { type: Number, required: true },
    resets: { type: Number, required: true },
    retry: { type: [Number], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'imap_cursors' },
);

export class ImapCursorRepository {
  readonly model: Model<ImapCursorDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<ImapCursorDoc>('ImapCursor', ImapCursorSchema);
  }

  async find(key: string): Promise<ImapCursor | undefined> {
    const doc = await this.model.findById(key).lean();
    if (!doc) return undefined;
    const { _id, retry, ...rest } = doc;
    return { key: _id, ...rest, retry: [...retry] };
  }

  /** Records that everything up to `lastUid` under `uidValidity` has been accepted. */
  async save(cursor: Omit<ImapCursor, 'updatedAt'>, at = new Date()): Promise<void> {
    const { key, ...rest } = cursor;
    await this.model.updateOne({ _id: key }, { $set: { ...rest, updatedAt: at } }, { upsert: true });
  }
}
