import { Schema, type Connection, type Model } from 'mongoose';
import { maskResidentId, parseResidentId } from '../privacy/resident-id.js';
import { phoneKey } from '../subsidies/phone-key.js';
import { householdIdFor, idTailHash, normaliseIdTail } from '../subsidies/id-hash.js';
import type { HouseholdInput, PaymentInput, SubsidyHousehold, SubsidyPayment } from '../subsidies/types.js';
import { insertUnlessTaken } from './errors.js';
import { newestFirst, PaymentSchema, toPayment, type PaymentDoc } from './subsidy-payments.js';

/**
 * Subsidy households (惠农补贴 一折通) and their payments.
 *
 * A household is reachable only through a registered phone or the keyed hash of the head's ID
 * number — its `_id`, so the lookup by ID is one `_id` read. The plain ID number is never stored:
 * only its masked form, and a keyed hash of its last 6 characters to tell apart the households that
 * share a phone. Writes come from one import process at a time (FerretDB updates are
 * read-and-write-back, DESIGN §5a); re-running an import is a no-op.
 */

type HouseholdDoc = Omit<SubsidyHousehold, 'id'> & { _id: string; idTailHash: string };

const HouseholdSchema = new Schema<HouseholdDoc>(
  {
    _id: { type: String, required: true },
    headName: { type: String, required: true },
    idMasked: { type: String, required: true },
    idTailHash: { type: String, required: true },
    phones: [String],
    township: String,
    village: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'subsidy_households' },
);
// Equality on a string array (multikey, no nested arrays): an index on MongoDB, a scan on FerretDB.
// An array: the name tells the embedded database not to compare the field's whole text (its
// pushdown would miss a household whose list holds the phone); MongoDB ignores the name's meaning.
HouseholdSchema.index({ phones: 1 }, { name: 'phones_multikey' });

export class SubsidyRepository {
  readonly model: Model<HouseholdDoc>;
  readonly payments: Model<PaymentDoc>;

  /** `idHashKey`: `Config.idHashKey` (ID_HASH_KEY). */
  constructor(
    connection: Connection,
    private readonly idHashKey: string,
  ) {
    this.model = connection.model<HouseholdDoc>('SubsidyHousehold', HouseholdSchema);
    this.payments = connection.model<PaymentDoc>('SubsidyPayment', PaymentSchema);
  }

  /** The household id of a resident ID number (any valid spelling); undefined when it is invalid. */
  householdIdFor(idNumber: string): string | undefined {
    const parsed = parseResidentId(idNumber);
    return parsed.ok ? householdIdFor(this.idHashKey, parsed.id) : undefined;
  }

  /**
   * The households whose registered phones include this one (any spelling; normalised here), by
   * head name. With `idTail` (the last 6 of the head's ID number, `*` for X), only the household
   * that matches — for a phone that serves several. An invalid tail matches nothing.
   */
  async householdsByPhone(phone: string, options: { idTail?: string } = {}): Promise<SubsidyHousehold[]> {
    const normalised = phoneKey(phone);
    if (!normalised) return [];
    const filter: Record<string, string> = { phones: normalised };
    if (options.idTail !== undefined) {
      const tail = normaliseIdTail(options.idTail);
      if (!tail) return [];
      filter.idTailHash = idTailHash(this.idHashKey, tail);
    }
    const docs = await this.model.find(filter).sort({ headName: 1, _id: 1 }).lean();
    return docs.map(toHousehold);
  }

  /** The household whose head has this ID number (by its keyed hash); undefined when none or invalid. */
  async householdByIdNumber(idNumber: string): Promise<SubsidyHousehold | undefined> {
    const id = this.householdIdFor(idNumber);
    return id ? this.householdById(id) : undefined;
  }

  /** By the id a phone or ID lookup returned (ids are keyed hashes: they cannot be guessed). */
  async householdById(id: string): Promise<SubsidyHousehold | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toHousehold(doc) : undefined;
  }

  /**
   * Creates the household or updates its name, phones (replaced: the latest register wins, so a
   * number given up by a household stops reaching its data; none given keeps the registered ones)
   * and village. Throws on an invalid ID number or phone.
   */
  async upsertHousehold(input: HouseholdInput, at = new Date()): Promise<{ id: string; created: boolean }> {
    const parsed = parseResidentId(input.idNumber);
    if (!parsed.ok) throw new Error(`invalid resident ID number (${parsed.problem})`);
    const phones = input.phones.map((phone) => phoneKey(phone));
    if (phones.some((phone) => phone === undefined)) throw new Error('invalid registered phone');
    const id = householdIdFor(this.idHashKey, parsed.id);
    const set = {
      headName: input.headName,
      idMasked: maskResidentId(parsed.id),
      idTailHash: idTailHash(this.idHashKey, parsed.id.slice(-6)),
      township: input.township,
      village: input.village,
      updatedAt: at,
    };
    // No phones given: keep the registered ones (a payments-only register must not unlink them).
    const phoneUpdate =
      phones.length > 0 ? { $set: { ...set, phones: [...new Set(phones)] } } : { $set: set };
    const onInsert = phones.length > 0 ? { createdAt: at } : { createdAt: at, phones: [] };
    const result = await this.model.updateOne(
      { _id: id },
      { ...phoneUpdate, $setOnInsert: onInsert },
      { upsert: true, runValidators: true },
    );
    return { id, created: result.upsertedCount === 1 };
  }

  /** A household's payments, newest first (year, then paid date); `year` keeps one year only. */
  async paymentsOf(householdId: string, options: { year?: number } = {}): Promise<SubsidyPayment[]> {
    const filter = options.year === undefined ? { householdId } : { householdId, year: options.year };
    const docs = await this.payments.find(filter).lean();
    return docs.map(toPayment).sort(newestFirst);
  }

  /** The natural key of a payment: `householdId:year:type:batch`. */
  paymentIdFor(payment: Pick<PaymentInput, 'householdId' | 'year' | 'type' | 'batch'>): string {
    return `${payment.householdId}:${payment.year}:${payment.type}:${payment.batch}`;
  }

  async findPayment(id: string): Promise<SubsidyPayment | undefined> {
    const doc = await this.payments.findById(id).lean();
    return doc ? toPayment(doc) : undefined;
  }

  /** Adds a payment; false when one with the same key exists (the first write stands). */
  async insertPayment(input: PaymentInput, at = new Date()): Promise<boolean> {
    const doc = { ...input, _id: this.paymentIdFor(input), importedAt: at };
    await this.payments.validate(doc);
    return insertUnlessTaken(this.payments.collection, doc);
  }

  /** Replaces a payment by its key (a later register reporting a pending one paid or returned). */
  async replacePayment(input: PaymentInput, at = new Date()): Promise<void> {
    const _id = this.paymentIdFor(input);
    await this.payments.replaceOne(
      { _id },
      { ...input, _id, importedAt: at },
      { upsert: true, runValidators: true },
    );
  }

  async counts(): Promise<{ households: number; payments: number }> {
    const [households, payments] = await Promise.all([
      this.model.countDocuments({}),
      this.payments.countDocuments({}),
    ]);
    return { households, payments };
  }
}

function toHousehold(doc: HouseholdDoc): SubsidyHousehold {
  const { _id, idTailHash: _tail, ...rest } = doc;
  return { ...rest, id: _id };
}
