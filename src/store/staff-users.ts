import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './errors.js';

/** What a staff account may be (src/staff/roles.ts maps them onto the ticket core's roles). */
export type StaffUserRole = 'operator' | 'clerk' | 'head' | 'supervisor' | 'admin';

/**
 * A person who signs in to the staff pages. `username` is the `_id`, lower-cased: signing in is one
 * lookup by `_id`, and the unique `_id` insert is the guard against two accounts of one name.
 * Only the scrypt string of the password is kept (src/staff/password.ts).
 */
export interface StaffUser {
  username: string;
  name: string;
  role: StaffUserRole;
  /** Department code, for clerks and heads only. */
  department?: string;
  disabled: boolean;
  passwordHash: string;
  /** Wrong passwords since the last good sign-in (the 15-minute lock itself is a Redis key). */
  failedLogins: number;
  /** Sessions made before this moment are void (password changed, account disabled). */
  sessionsNotBefore: Date;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  passwordChangedAt: Date;
  lastLoginAt?: Date;
}

type StaffUserDoc = Omit<StaffUser, 'username'> & { _id: string };

const StaffUserSchema = new Schema<StaffUserDoc>(
  {
    _id: { type: String, required: true, match: /^[a-z0-9][a-z0-9._-]{1,31}$/ },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ['operator', 'clerk', 'head', 'supervisor', 'admin'] },
    department: String,
    disabled: { type: Boolean, required: true },
    passwordHash: { type: String, required: true, match: /^scrypt\$/ },
    failedLogins: { type: Number, required: true },
    sessionsNotBefore: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    passwordChangedAt: { type: Date, required: true },
    lastLoginAt: Date,
  },
  { versionKey: false, collection: 'staff_users' },
);

/**
 * Staff accounts. Every write goes through one writer per account (src/staff/user-lock.ts): the
 * embedded database applies updates by reading and writing the whole document back.
 */
export class StaffUserRepository {
  readonly model: Model<StaffUserDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<StaffUserDoc>('StaffUser', StaffUserSchema);
  }

  /** Inserts a new account; false when the username is taken (the unique `_id` decides). */
  async insert(user: StaffUser): Promise<boolean> {
    const { username, ...rest } = user;
    try {
      await this.model.create({ ...rest, _id: username });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findByUsername(username: string): Promise<StaffUser | undefined> {
    const doc = await this.model.findById(username).lean();
    return doc ? toUser(doc) : undefined;
  }

  /** Every account, by username (a hotline centre has tens to a few hundred). */
  async list(): Promise<StaffUser[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toUser);
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }

  /** Sets fields of one account (under its writer lock); false when there is none. */
  async update(
    username: string,
    changes: Partial<Omit<StaffUser, 'username' | 'createdAt' | 'createdBy'>>,
  ): Promise<boolean> {
    const result = await this.model.updateOne({ _id: username }, { $set: changes });
    return result.matchedCount === 1;
  }
}

function toUser(doc: StaffUserDoc): StaffUser {
  const { _id, ...rest } = doc;
  return { ...rest, username: _id };
}
