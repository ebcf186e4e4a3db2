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

const DepartmentSchema = new Schema<Department>(
  {
    code: { type: String, required: true, match: /^[A-Za-z0-9_-]{1,40}$/ },
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
DepartmentSchema.index({ code: 1 }, { unique: true });

export class DepartmentRepository {
  readonly model: Model<Department>;

  constructor(connection: Connection) {
    this.model = connection.model<Department>('Department', DepartmentSchema);
  }

  async findActive(code: string): Promise<Department | undefined> {
    const doc = await this.model.findOne({ code, active: true }, { _id: 0 }).lean();
    return doc ?? undefined;
  }

  async list(): Promise<Department[]> {
    return this.model.find({}, { _id: 0 }).sort({ code: 1 }).lean();
  }

  /** Creates or replaces a department by code (seed and admin import). */
  async upsert(department: Department): Promise<void> {
    await this.model.replaceOne({ code: department.code }, department, { upsert: true, runValidators: true });
  }
}
