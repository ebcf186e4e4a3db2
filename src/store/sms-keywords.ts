import { Schema, type Connection, type Model } from 'mongoose';
import type { TicketKind } from '../tickets/types.js';
import { insertUnlessTaken } from './errors.js';

/**
 * The hotline's own SMS keywords (`sms_keywords`, `_id` = a random id): initials and/or Chinese
 * words that open a ticket of a kind in a category. Which keywords may exist side by side is
 * src/channels/sms/custom-keyword-rules.ts' business, checked under one writer lock; this file
 * keeps them and refuses a write on top of a version it was not given (two admins at once).
 */
export interface StoredSmsKeyword {
  id: string;
  /** A–Z, upper case. */
  initials?: string;
  words: string[];
  kind: TicketKind;
  category: string;
  reply?: string;
  active: boolean;
  validFrom?: Date;
  validTo?: Date;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

type KeywordDoc = Omit<StoredSmsKeyword, 'id'> & { _id: string };

const KeywordSchema = new Schema<KeywordDoc>(
  {
    _id: { type: String, required: true },
    initials: String,
    words: { type: [String], required: true },
    kind: { type: String, required: true },
    category: { type: String, required: true },
    reply: String,
    active: { type: Boolean, required: true },
    validFrom: Date,
    validTo: Date,
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, minimize: false, collection: 'sms_keywords' },
);

/** Fields a new version may leave out: removed, not kept from the old version. */
const OPTIONAL = ['initials', 'reply', 'validFrom', 'validTo'] as const;

export type SmsKeywordWrite =
  { ok: true; keyword: StoredSmsKeyword } | { ok: false; reason: 'version_conflict' };

export class SmsKeywordRepository {
  readonly model: Model<KeywordDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<KeywordDoc>('SmsKeyword', KeywordSchema);
  }

  /** Every custom keyword, enabled or not, oldest first. */
  async list(): Promise<StoredSmsKeyword[]> {
    const docs = await this.model.find({}).sort({ updatedAt: 1, _id: 1 }).lean();
    return docs.map(toKeyword);
  }

  /** The enabled ones: what the SMS channel reads messages with (validity dates are the parser's). */
  async listActive(): Promise<StoredSmsKeyword[]> {
    const docs = await this.model.find({ active: true }).lean();
    return docs.map(toKeyword);
  }

  async findById(id: string): Promise<StoredSmsKeyword | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toKeyword(doc) : undefined;
  }

  /** Version 1 of a new keyword (its id is fresh: a clash is a conflict). */
  async create(keyword: StoredSmsKeyword): Promise<SmsKeywordWrite> {
    const stored = { ...keyword, version: 1 };
    if (!(await insertUnlessTaken(this.model.collection, toDoc(stored))))
      return { ok: false, reason: 'version_conflict' };
    return { ok: true, keyword: stored };
  }

  /** The next version, only if the stored one is still `expectedVersion`. */
  async update(keyword: StoredSmsKeyword, expectedVersion: number): Promise<SmsKeywordWrite> {
    const { _id, ...set } = toDoc({ ...keyword, version: expectedVersion + 1 });
    const unset = Object.fromEntries(OPTIONAL.filter((f) => set[f] === undefined).map((f) => [f, '']));
    const doc = await this.model
      .findOneAndUpdate(
        { _id, version: expectedVersion },
        Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set },
        { returnDocument: 'after' },
      )
      .lean();
    return doc ? { ok: true, keyword: toKeyword(doc) } : { ok: false, reason: 'version_conflict' };
  }

  /** Removes the keyword if it is still `expectedVersion`; false otherwise (changed or gone). */
  async remove(id: string, expectedVersion: number): Promise<boolean> {
    const { deletedCount } = await this.model.deleteOne({ _id: id, version: expectedVersion });
    return deletedCount === 1;
  }
}

function toDoc(keyword: StoredSmsKeyword): KeywordDoc {
  const { id, initials, reply, validFrom, validTo, ...rest } = keyword;
  // Optional fields only when given: $set must not see undefined ones (they are $unset).
  return {
    ...rest,
    words: [...rest.words],
    _id: id,
    ...(initials === undefined ? {} : { initials }),
    ...(reply === undefined ? {} : { reply }),
    ...(validFrom === undefined ? {} : { validFrom }),
    ...(validTo === undefined ? {} : { validTo }),
  };
}

function toKeyword(doc: KeywordDoc): StoredSmsKeyword {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
