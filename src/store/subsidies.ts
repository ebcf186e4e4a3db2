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

/** A phone shared by more households than this is not a household's own (a village office's). */
const MAX_HOUSEHOLDS_PER_PHONE = 50;

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
// An array: the name tells the embedded database never to push an equality on it down (it would
// compare the whole list's text and miss households whose list holds the phone). Lookups by phone
// go through subsidy_household_phones below, on both databases.
HouseholdSchema.index({ phones: 1 }, { name: 'phones_multikey' });

/**
 * One row per registered phone of a household, `_id` = `<phone key>|<household id>`: the index of
 * "households of this phone" as a range of `_id`, which every database serves from its `_id` index
 * (a household's phones are an array, which the embedded database cannot index). Written by
 * {@link SubsidyRepository.upsertHousehold} after the household, from the phones it replaced; a
 * lookup reads the households again and keeps only those that still list the phone.
 */
interface PhoneRowDoc {
  _id: string;
  householdId: string;
}
const PhoneRowSchema = new Schema<PhoneRowDoc>(
  { _id: { type: String, required: true }, householdId: { type: String, required: true } },
  { versionKey: false, collection: 'subsidy_household_phones' },
);
const phoneRowId = (phone: string, householdId: string): string => `${phone}|${householdId}`;

export class SubsidyRepository {
  readonly model: Model<HouseholdDoc>;
  readonly payments: Model<PaymentDoc>;
  readonly phoneRows: Model<PhoneRowDoc>;

  /** `idHashKey`: `Config.idHashKey` (ID_HASH_KEY). */
  constructor(
    connection: Connection,
    private readonly idHashKey: string,
  ) {
    this.model = connection.model<HouseholdDoc>('SubsidyHousehold', HouseholdSchema);
    this.payments = connection.model<PaymentDoc>('SubsidyPayment', PaymentSchema);
    this.phoneRows = connection.model<PhoneRowDoc>('SubsidyHouseholdPhone', PhoneRowSchema);
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
    let tailHash: string | undefined;
    if (options.idTail !== undefined) {
      const tail = normaliseIdTail(options.idTail);
      if (!tail) return [];
      tailHash = idTailHash(this.idHashKey, tail);
    }
    const rows = await this.phoneRows
      .find({ _id: { $gte: phoneRowId(normalised, ''), $lt: `${normalised}}` } }, { householdId: 1 })
      .limit(MAX_HOUSEHOLDS_PER_PHONE)
      .lean();
    if (rows.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: rows.map((row) => row.householdId) } }).lean();
    return docs
      .filter(
        (doc) => doc.phones.includes(normalised) && (tailHash === undefined || doc.idTailHash === tailHash),
      )
      .sort((a, b) => (a.headName < b.headName ? -1 : a.headName > b.headName ? 1 : a._id < b._id ? -1 : 1))
      .map(toHousehold);
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
    const before = await this.model
      .findOneAndUpdate(
        { _id: id },
        { ...phoneUpdate, $setOnInsert: onInsert },
        { upsert: true, runValidators: true },
      )
      .lean();
    if (phones.length > 0)
      await this.syncPhoneRows(id, before?.phones ?? [], [...new Set(phones)] as string[]);
    return { id, created: before === null };
  }

  /**
   * Writes the phone rows of every household (a one-time migration: a scan, run once per database by
   * src/store/migrations.ts; rows that exist are written again, unchanged).
   */
  async backfillPhoneRows(): Promise<number> {
    let changed = 0;
    for await (const doc of this.model.find({}, { phones: 1 }).lean().cursor()) {
      const phones = (doc as Pick<HouseholdDoc, '_id' | 'phones'>).phones;
      if (phones.length === 0) continue;
      await this.syncPhoneRows(doc._id, [], phones);
      changed++;
    }
    return changed;
  }

  /** The phone rows of a household after its phones changed from `was` to `now`. */
  private async syncPhoneRows(
    householdId: string,
    was: readonly string[],
    now: readonly string[],
  ): Promise<void> {
    const gone = was.filter((phone) => !now.includes(phone)).map((phone) => phoneRowId(phone, householdId));
    if (gone.length > 0) await this.phoneRows.deleteMany({ _id: { $in: gone } });
    await Promise.all(
      now.map((phone) =>
        this.phoneRows.replaceOne({ _id: phoneRowId(phone, householdId) }, { householdId }, { upsert: true }),
      ),
    );
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
