import { Schema, type Connection, type Model } from 'mongoose';

/** A department tickets are routed to (人社局, 民政局 …). `code` is the key used everywhere else. */
export interface Department {
  code: string;
  name: string;
  nameEn?: string;
  phones: string[];
  email?: string;
  parent?: string;
  /** Region code prefixes (district / township / village) the department serves. */
  regionCodes: string[];
  /** Weekday working hours in China time, e.g. 09:00–12:00 and 13:30–17:30. */
  workingHours: { from: string; to: string }[];
  active: boolean;
}

type DepartmentDoc = Omit<Department, 'code'> & { _id: string };

/** `_id` is the department code: looked up by it on every dispatch. */
const DepartmentSchema = new Schema<DepartmentDoc>(
  {
    _id: { type: String, required: true, match: /^[A-Za-z0-9_-]{1,40}$/ },
    name: { type: String, required: true },
    nameEn: String,
    phones: [String],
    email: String,
    parent: String,
    regionCodes: [String],
    workingHours: [new Schema({ from: String, to: String }, { _id: false })],
    active: { type: Boolean, default: true },
  },
  { versionKey: false, collection: 'departments' },
);

export class DepartmentRepository {
  readonly model: Model<DepartmentDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<DepartmentDoc>('Department', DepartmentSchema);
  }

  async findActive(code: string): Promise<Department | undefined> {
    const doc = await this.model.findById(code).lean();
    return doc?.active ? toDepartment(doc) : undefined;
  }

  async list(): Promise<Department[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toDepartment);
  }

  /** Sets a department's working hours (its SLA clocks count in them); false when there is none. */
  async setWorkingHours(code: string, workingHours: Department['workingHours']): Promise<boolean> {
    const result = await this.model.updateOne({ _id: code }, { $set: { workingHours } });
    return result.matchedCount === 1;
  }

  /** Creates or replaces a department by code (seed and admin import). */
  async upsert(department: Department): Promise<void> {
    const { code, ...rest } = department;
    await this.model.replaceOne({ _id: code }, { ...rest, _id: code }, { upsert: true, runValidators: true });
  }
}

function toDepartment(doc: DepartmentDoc): Department {
  const { _id, ...rest } = doc;
  return { ...rest, code: _id };
}
