import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './errors.js';

/** A department code: the store's `_id`, fixed once the department exists. */
export const DEPARTMENT_CODE = /^[A-Za-z0-9_-]{1,40}$/;

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

/**
 * A department as read back: `version` counts its saves (1 when created), so two admins editing it
 * at once are told instead of one silently undoing the other. A department stored before versions
 * existed reads as version 1.
 */
export type StoredDepartment = Department & { version: number };

type DepartmentDoc = Omit<Department, 'code'> & { _id: string; version?: number };

/** `_id` is the department code: looked up by it on every dispatch. */
const DepartmentSchema = new Schema<DepartmentDoc>(
  {
    _id: { type: String, required: true, match: DEPARTMENT_CODE },
    name: { type: String, required: true },
    nameEn: String,
    phones: [String],
    email: String,
    parent: String,
    regionCodes: [String],
    workingHours: [new Schema({ from: String, to: String }, { _id: false })],
    active: { type: Boolean, default: true },
    version: Number,
  },
  { versionKey: false, collection: 'departments' },
);

export class DepartmentRepository {
  readonly model: Model<DepartmentDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<DepartmentDoc>('Department', DepartmentSchema);
  }

  async findActive(code: string): Promise<StoredDepartment | undefined> {
    const doc = await this.model.findById(code).lean();
    return doc?.active ? toDepartment(doc) : undefined;
  }

  /** A department whether active or not (the admin page edits disabled ones too). */
  async find(code: string): Promise<StoredDepartment | undefined> {
    const doc = await this.model.findById(code).lean();
    return doc ? toDepartment(doc) : undefined;
  }

  async list(): Promise<StoredDepartment[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toDepartment);
  }

  /** Sets a department's working hours (its SLA clocks count in them); false when there is none. */
  async setWorkingHours(code: string, workingHours: Department['workingHours']): Promise<boolean> {
    // A new version, so an admin's form opened before this change is told rather than undoing it.
    const result = await this.model.updateOne(
      { _id: code, version: { $exists: true } },
      { $set: { workingHours }, $inc: { version: 1 } },
    );
    if (result.matchedCount === 1) return true;
    const unversioned = await this.model.updateOne(
      { _id: code, version: { $exists: false } },
      { $set: { workingHours, version: 2 } },
    );
    return unversioned.matchedCount === 1;
  }

  /** Creates or replaces a department by code, as its next version (seed and admin import). */
  async upsert(department: Department): Promise<void> {
    const { code, ...rest } = department;
    const version = ((await this.find(code))?.version ?? 0) + 1;
    await this.model.replaceOne(
      { _id: code },
      { ...rest, _id: code, version },
      { upsert: true, runValidators: true },
    );
  }

  /** Version 1 of a new department; false when the code is taken (the `_id` is the guard). */
  async create(department: Department): Promise<boolean> {
    const { code, ...rest } = department;
    try {
      await this.model.create({ ...rest, _id: code, version: 1 });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Replaces a department with its next version, only if it is still at `expectedVersion`; false
   * when it is gone or someone saved it meanwhile.
   */
  async replace(department: Department, expectedVersion: number): Promise<boolean> {
    const { code, ...rest } = department;
    const filter =
      expectedVersion === 1
        ? { _id: code, $or: [{ version: { $exists: false } }, { version: 1 }] }
        : { _id: code, version: expectedVersion };
    const result = await this.model.replaceOne(
      filter,
      { ...rest, _id: code, version: expectedVersion + 1 },
      { runValidators: true },
    );
    return result.matchedCount === 1;
  }
}

function toDepartment(doc: DepartmentDoc): StoredDepartment {
  const { _id, version, ...rest } = doc;
  return { ...rest, code: _id, version: version ?? 1 };
}
