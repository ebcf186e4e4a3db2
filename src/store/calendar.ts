import { Schema, type Connection, type Model } from 'mongoose';
import type { HolidayYear } from '../routing/holidays-cn.js';
import { insertUnlessTaken } from './errors.js';

/**
 * The working-day calendar as data, one document a year (`_id` = the year): official holidays and
 * make-up workdays. Shipped years are inserted on first start; admins edit them through the API and
 * the admin page. Each save bumps the year's version (a year saved before versions counts as 1).
 */
export interface StoredYear extends HolidayYear {
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

type YearDoc = Omit<StoredYear, 'year' | 'version'> & { _id: number; version?: number };

const YearSchema = new Schema<YearDoc>(
  {
    _id: { type: Number, required: true },
    version: Number,
    source: { type: String, required: true },
    holidays: [new Schema({ name: String, from: String, to: String }, { _id: false })],
    makeupWorkdays: [String],
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'calendar_years' },
);

/** Refused: the year is no longer the version the edit started from (`current`: what it is now). */
export type YearSaveResult = { ok: true; year: StoredYear } | { ok: false; current?: StoredYear };

export class CalendarRepository {
  readonly model: Model<YearDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<YearDoc>('CalendarYear', YearSchema);
  }

  async list(): Promise<StoredYear[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toYear);
  }

  async find(year: number): Promise<StoredYear | undefined> {
    const doc = await this.model.findById(year).lean();
    return doc ? toYear(doc) : undefined;
  }

  async insertMissing(years: readonly HolidayYear[], at: Date): Promise<number> {
    let inserted = 0;
    for (const year of years) {
      const doc = toDoc({ ...year, version: 1, updatedAt: at, updatedBy: 'system' });
      if (await insertUnlessTaken(this.model.collection, doc)) inserted++;
    }
    return inserted;
  }

  /**
   * Replaces a year as its next version. With `expectedVersion` only if the stored year is still that
   * version (0: only if the year is not stored yet): a concurrent edit is refused, not overwritten.
   */
  async save(year: HolidayYear, at: Date, by: string, expectedVersion?: number): Promise<YearSaveResult> {
    if (expectedVersion === 0) {
      const next = { ...year, version: 1, updatedAt: at, updatedBy: by };
      if (await insertUnlessTaken(this.model.collection, toDoc(next))) return { ok: true, year: next };
      return { ok: false, current: await this.find(year.year) };
    }
    const base = expectedVersion ?? (await this.find(year.year))?.version ?? 0;
    const next = { ...year, version: base + 1, updatedAt: at, updatedBy: by };
    if (expectedVersion === undefined) {
      await this.model.replaceOne({ _id: year.year }, toDoc(next), { upsert: true });
      return { ok: true, year: next };
    }
    const filter =
      base === 1
        ? { _id: year.year, $or: [{ version: 1 }, { version: { $exists: false } }] }
        : { _id: year.year, version: base };
    const { _id, ...set } = toDoc(next);
    const doc = await this.model.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' }).lean();
    if (!doc) return { ok: false, current: await this.find(year.year) };
    return { ok: true, year: toYear(doc) };
  }
}

function toDoc(year: StoredYear): YearDoc {
  return {
    _id: year.year,
    version: year.version,
    source: year.source,
    holidays: year.holidays.map((h) => ({ name: h.name, from: h.from, to: h.to })),
    makeupWorkdays: [...year.makeupWorkdays],
    updatedAt: year.updatedAt,
    updatedBy: year.updatedBy,
  };
}

function toYear(doc: YearDoc): StoredYear {
  return {
    year: doc._id,
    version: doc.version ?? 1,
    source: doc.source,
    holidays: doc.holidays,
    makeupWorkdays: doc.makeupWorkdays,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
  };
}
