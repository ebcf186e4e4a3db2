import { Schema, type Connection, type Model } from 'mongoose';
import type { DirectoryCategory } from '../directory/entry-rules.js';
import { insertUnlessTaken } from './errors.js';

/**
 * 查号 numbers that are not departments (the water company's repair line, 110, a hospital), in
 * `directory_entries` (`_id` = entry id). Each save bumps `version`; a write names the version it
 * replaces, so an edit made from an old version changes nothing (src/directory checks and locks).
 */
export interface DirectoryEntry {
  id: string;
  name: string;
  nameEn?: string;
  phones: string[];
  hours?: string;
  note?: string;
  aliases: string[];
  category: DirectoryCategory;
  active: boolean;
  version: number;
  updatedAt: Date;
  /** The actor id (`user:admin`, `token:…`). */
  updatedBy: string;
}

type EntryDoc = Omit<DirectoryEntry, 'id'> & { _id: string };

const EntrySchema = new Schema<EntryDoc>(
  {
    _id: { type: String, required: true, match: /^[A-Za-z0-9_-]{1,40}$/ },
    name: { type: String, required: true },
    nameEn: String,
    phones: { type: [String], required: true },
    hours: String,
    note: String,
    aliases: { type: [String], default: [] },
    category: { type: String, required: true },
    active: { type: Boolean, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'directory_entries' },
);

export class DirectoryEntryRepository {
  readonly model: Model<EntryDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<EntryDoc>('DirectoryEntry', EntrySchema);
  }

  /** Every entry, disabled ones too (the admin page), by id. */
  async list(): Promise<DirectoryEntry[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean();
    return docs.map(toEntry);
  }

  /** What the console's 查号 searches. */
  async listActive(): Promise<DirectoryEntry[]> {
    const docs = await this.model.find({ active: true }).sort({ _id: 1 }).lean();
    return docs.map(toEntry);
  }

  async findById(id: string): Promise<DirectoryEntry | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toEntry(doc) : undefined;
  }

  /** A new entry; false when the id is taken (the first one stands). */
  async insert(entry: DirectoryEntry): Promise<boolean> {
    return insertUnlessTaken(this.model.collection, toDoc(entry));
  }

  /** Replaces the entry only if it is still at `expectedVersion`; false otherwise (or when gone). */
  async replace(entry: DirectoryEntry, expectedVersion: number): Promise<boolean> {
    const doc = toDoc(entry);
    const result = await this.model.replaceOne({ _id: doc._id, version: expectedVersion }, doc, {
      runValidators: true,
    });
    return result.matchedCount === 1;
  }

  /** Deletes the entry only if it is still at `expectedVersion`; false otherwise (or when gone). */
  async remove(id: string, expectedVersion: number): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id, version: expectedVersion });
    return result.deletedCount === 1;
  }
}

function toDoc(entry: DirectoryEntry): EntryDoc {
  const { id, ...rest } = entry;
  return { ...rest, _id: id };
}

function toEntry(doc: EntryDoc): DirectoryEntry {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
