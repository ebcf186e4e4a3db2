import { Schema, type Connection, type Model } from 'mongoose';
import type { HolidayYear } from '../routing/holidays-cn.js';
import { insertUnlessTaken } from './errors.js';

/**
 * The working-day calendar as data, one document a year (`_id` = the year): official holidays and
 * make-up workdays. Shipped years are inserted on first start; admins edit them through the API.
 */
type YearDoc = Omit<HolidayYear, 'year'> & { _id: number; updatedAt: Date; updatedBy: string };

const YearSchema = new Schema<YearDoc>(
  {
    _id: { type: Number, required: true },
    source: { type: String, required: true },
    holidays: [new Schema({ name: String, from: String, to: String }, { _id: false })],
    makeupWorkdays: [String],
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'calendar_years' },
);

export class CalendarRepository {
  readonly model: Model<YearDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<YearDoc>('CalendarYear', YearSchema);
  }

  async list(): Promise<HolidayYear[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toYear);
  }

  async insertMissing(years: readonly HolidayYear[], at: Date): Promise<number> {
    let inserted = 0;
    for (const year of years) {
      if (await insertUnlessTaken(this.model.collection, toDoc(year, at, 'system'))) inserted++;
    }
    return inserted;
  }

  async save(year: HolidayYear, at: Date, by: string): Promise<void> {
    await this.model.replaceOne({ _id: year.year }, toDoc(year, at, by), { upsert: true });
  }
}

function toDoc(year: HolidayYear, at: Date, by: string): YearDoc {
  return {
    _id: year.year,
    source: year.source,
    holidays: year.holidays.map((h) => ({ ...h })),
    makeupWorkdays: [...year.makeupWorkdays],
    updatedAt: at,
    updatedBy: by,
  };
}

function toYear(doc: YearDoc): HolidayYear {
  return { year: doc._id, source: doc.source, holidays: doc.holidays, makeupWorkdays: doc.makeupWorkdays };
}
