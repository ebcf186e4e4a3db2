import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken, isDuplicateKey } from './errors.js';
import { collectionOf, readPage, type ListOrder, type Page, type PageRequest } from './paging.js';

/** A notice sent to a list (e.g. the households of one subsidy payment batch) as one tracked job. */
export interface Broadcast {
  id: string;
  name: string;
  text: string;
  channel: 'sms' | 'voice' | 'email';
  urgent: boolean;
  total: number;
  /** Recipients handed to the channel queue so far (in `seq` order): where a restart resumes. */
  cursor: number;
  status: 'queued' | 'running' | 'done';
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

type BroadcastDoc = Omit<Broadcast, 'id'> & { _id: string };

const BroadcastSchema = new Schema<BroadcastDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    text: { type: String, required: true },
    channel: { type: String, required: true },
    urgent: { type: Boolean, default: false },
    total: { type: Number, required: true },
    cursor: { type: Number, required: true },
    status: { type: String, required: true },
    createdBy: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'broadcasts' },
);
// The list of broadcasts, newest first, paged by cursor.
BroadcastSchema.index({ createdAt: -1, _id: -1 });
const NEWEST_FIRST: ListOrder = { list: 'broadcasts', field: 'createdAt', type: 'date', direction: -1 };

/** One recipient of one broadcast: `_id` = `<broadcast>.<contact>`, so a contact is on a list once. */
interface RecipientDoc {
  _id: string;
  broadcast: string;
  seq: number;
  contactId: string;
}

const RecipientSchema = new Schema<RecipientDoc>(
  {
    _id: { type: String, required: true },
    broadcast: { type: String, required: true },
    seq: { type: Number, required: true },
    contactId: { type: String, required: true },
  },
  { versionKey: false, collection: 'broadcast_recipients' },
);
// The broadcast job reads its list in `seq` order from where it stopped (`seq` is unique within a
// broadcast, so `seq >= cursor` on this index is already keyset paging; the job keeps the cursor).
RecipientSchema.index({ broadcast: 1, seq: 1 });

export class BroadcastRepository {
  readonly model: Model<BroadcastDoc>;
  readonly recipients: Model<RecipientDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<BroadcastDoc>('Broadcast', BroadcastSchema);
    this.recipients = connection.model<RecipientDoc>('BroadcastRecipient', RecipientSchema);
  }

  /**
   * Stores the broadcast and its recipients (each contact once, in the order given; repeats
   * dropped). Recipients first: a broadcast document always has its whole list.
   */
  async create(
    broadcast: Omit<Broadcast, 'total' | 'cursor' | 'status' | 'updatedAt'>,
    contactIds: string[],
  ): Promise<Broadcast> {
    const unique = [...new Set(contactIds)];
    const docs = unique.map((contactId, seq) => ({
      _id: `${broadcast.id}.${contactId}`,
      broadcast: broadcast.id,
      seq,
      contactId,
    }));
    for (let i = 0; i < docs.length; i += 1000) {
      try {
        await this.recipients.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
      } catch (error) {
        // A retried create: the recipients already stored stand.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    const { id, ...rest } = broadcast;
    const doc: BroadcastDoc = {
      ...rest,
      _id: id,
      total: unique.length,
      cursor: 0,
      status: 'queued',
      updatedAt: broadcast.createdAt,
    };
    if (!(await insertUnlessTaken(this.model.collection, doc))) {
      // A twin request with the same id made it first: its broadcast stands.
      const first = await this.findById(id);
      if (first) return first;
    }
    return toBroadcast(doc);
  }

  async findById(id: string): Promise<Broadcast | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toBroadcast(doc) : undefined;
  }

  /** The broadcasts, newest first, one page at a time. */
  async list(request: PageRequest): Promise<Page<Broadcast>> {
    const page = await readPage(collectionOf<BroadcastDoc>(this.model), {}, NEWEST_FIRST, request);
    const items = page.items.map(toBroadcast);
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /**
   * The next `limit` recipients from position `cursor` (the number already handed on), in list
   * order: one indexed range read on `{ broadcast, seq }`, whatever the list's length.
   */
  async recipientsFrom(
    broadcast: string,
    cursor: number,
    limit: number,
  ): Promise<{ seq: number; contactId: string }[]> {
    return this.recipients
      .find({ broadcast, seq: { $gte: cursor } }, { _id: 0, seq: 1, contactId: 1 })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
  }

  async isRecipient(broadcast: string, contactId: string): Promise<boolean> {
    return (await this.recipients.exists({ _id: `${broadcast}.${contactId}` })) !== null;
  }

  /** One writer per broadcast (its job); the cursor only moves forward. */
  async advance(id: string, cursor: number, status: Broadcast['status']): Promise<void> {
    await this.model.updateOne(
      { _id: id, cursor: { $lte: cursor } },
      { $set: { cursor, status, updatedAt: new Date() } },
    );
  }
}

function toBroadcast(doc: BroadcastDoc): Broadcast {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
