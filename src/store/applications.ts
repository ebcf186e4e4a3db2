import { createHash, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { isValidApplicationNumber } from '../subsidies/application-number.js';
import { phoneKey } from '../subsidies/phone-key.js';
import type { ApplicationCase } from '../subsidies/types.js';
import { insertUnlessTaken } from './errors.js';
import { pageSize } from './paging.js';

/**
 * Application cases (办件), imported from the departments' approval systems. `_id` is the case number:
 * the status query (SMS `CX`, IVR 1, WAP) is one `_id` read, the one lookup the embedded database
 * answers through an index. Steps are an array of sub-documents (no nested arrays).
 */

type ApplicationDoc = Omit<ApplicationCase, 'number'> & { _id: string };

const Step = new Schema({ name: String, at: Date, by: String, note: String }, { _id: false });

const ApplicationSchema = new Schema<ApplicationDoc>(
  {
    _id: { type: String, required: true, match: /^9\d{11,16}$/ },
    queryCode: { type: String, required: true, match: /^\d{6}$/ },
    item: { type: String, required: true },
    applicantName: { type: String, required: true },
    applicantPhone: String,
    department: { type: String, required: true },
    steps: [Step],
    status: { type: String, required: true },
    acceptedAt: { type: Date, required: true },
    promisedDate: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    result: String,
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'applications' },
);
// An applicant's cases newest first: equality on the phone, then the sort, then `_id` (ties). The
// caller (the console's caller history) shows the latest few with a `limit`, so
// this stays a capped read rather than a paged list.
ApplicationSchema.index({ applicantPhone: 1, acceptedAt: -1, _id: -1 });

export class ApplicationRepository {
  readonly model: Model<ApplicationDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<ApplicationDoc>('Application', ApplicationSchema);
  }

  /** Adds a case; false when its number is taken (the first write stands). */
  async insert(application: ApplicationCase): Promise<boolean> {
    const doc = toDoc(application);
    await this.model.validate(doc);
    return insertUnlessTaken(this.model.collection, doc);
  }

  /**
   * Creates or replaces a case by number (import, seed). One writer per case: the import runs as
   * one process (FerretDB replaces are read-and-write-back, DESIGN §5a).
   */
  async upsert(application: ApplicationCase): Promise<void> {
    const { _id, ...rest } = toDoc(application);
    await this.model.replaceOne({ _id }, { ...rest, _id }, { upsert: true, runValidators: true });
  }

  /** The case with this number; undefined for a malformed number or a wrong check digit (no lookup). */
  async findByNumber(number: string): Promise<ApplicationCase | undefined> {
    if (!isValidApplicationNumber(number)) return undefined;
    const doc = await this.model.findById(number).lean();
    return doc ? toApplication(doc) : undefined;
  }

  /**
   * The case when the number exists and the query code matches (compared in constant time);
   * undefined otherwise, without saying which of the two was wrong.
   */
  async verify(number: string, queryCode: string): Promise<ApplicationCase | undefined> {
    const application = await this.findByNumber(number);
    if (!application) return undefined;
    return sameSecret(application.queryCode, queryCode) ? application : undefined;
  }

  /** The latest `limit` cases (at most 100) of an applicant phone (any spelling; normalised here), newest first. */
  async findByApplicantPhone(phone: string, limit = 20): Promise<ApplicationCase[]> {
    const normalised = phoneKey(phone);
    if (!normalised) return [];
    const docs = await this.model
      .find({ applicantPhone: normalised })
      .sort({ acceptedAt: -1, _id: -1 })
      .limit(pageSize(limit))
      .lean();
    return docs.map(toApplication);
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}

/** Equal-length digests, so neither the length nor the first differing character leaks through timing. */
function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function toDoc(application: ApplicationCase): ApplicationDoc {
  const { number, ...rest } = application;
  return { ...rest, _id: number, steps: rest.steps.map((step) => ({ ...step })) };
}

function toApplication(doc: ApplicationDoc): ApplicationCase {
  const { _id, ...rest } = doc;
  return { ...rest, number: _id };
}
