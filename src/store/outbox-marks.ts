import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Tickets with notifications still in flight: the reconciler's worklist. A mark is written *before*
 * the ticket write that adds outbox entries (so a crash in between leaves a mark with nothing to do,
 * never entries without a mark) and removed by the reconciler once every entry has settled. It keeps
 * the reconciler off the tickets collection, which the embedded database could only scan.
 */
interface OutboxMarkDoc {
  _id: string;
  /** Bumped by every write that adds entries: a removal only succeeds if none came in between. */
  seq: number;
  since: Date;
  updatedAt: Date;
  /** The outbox entries written under this mark (ids), for a cheap look at their jobs. */
  entries?: string[];
}

const OutboxMarkSchema = new Schema<OutboxMarkDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    since: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    entries: [String],
  },
  { versionKey: false, collection: 'outbox_marks' },
);

export interface OutboxMark {
  ticket: string;
  seq: number;
  since: Date;
  updatedAt: Date;
  entries: string[];
}

export class OutboxMarkRepository {
  readonly model: Model<OutboxMarkDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<OutboxMarkDoc>('OutboxMark', OutboxMarkSchema);
  }

  async mark(ticket: string, entryIds: readonly string[], at = new Date()): Promise<void> {
    await this.model.updateOne(
      { _id: ticket },
      {
        $inc: { seq: 1 },
        $set: { updatedAt: at },
        $setOnInsert: { since: at },
        $push: { entries: { $each: [...entryIds] } },
      },
      { upsert: true },
    );
  }

  /** Marks last touched before `before` (oldest first): the ones the relay should have settled by now. */
  async olderThan(before: Date, limit: number): Promise<OutboxMark[]> {
    const docs = await this.model
      .find({ updatedAt: { $lt: before } })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean();
    return docs.map(({ _id, entries, ...rest }) => ({ ticket: _id, entries: entries ?? [], ...rest }));
  }

  /** Removes the mark if no write added entries since it was read. */
  async clear(mark: Pick<OutboxMark, 'ticket' | 'seq'>): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: mark.ticket, seq: mark.seq });
    return result.deletedCount === 1;
  }

  /** Leaves the mark for later without counting as a new write. */
  async touch(ticket: string, at = new Date()): Promise<void> {
    await this.model.updateOne({ _id: ticket }, { $set: { updatedAt: at } });
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}
