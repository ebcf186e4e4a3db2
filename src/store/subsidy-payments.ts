import { Schema } from 'mongoose';
import type { SubsidyPayment } from '../subsidies/types.js';

/**
 * Schema of subsidy payments (one document per household × year × type × batch). `_id` is that
 * natural key, so the insert is the duplicate guard (DESIGN §5a) and a re-import finds its rows by
 * `_id`. Only the masked account is kept.
 */

export type PaymentDoc = Omit<SubsidyPayment, 'id'> & { _id: string };

export const PaymentSchema = new Schema<PaymentDoc>(
  {
    _id: { type: String, required: true },
    householdId: { type: String, required: true },
    year: { type: Number, required: true, min: 1990, max: 2100 },
    type: { type: String, required: true },
    batch: { type: String, required: true, match: /^[A-Za-z0-9_-]{1,20}$/ },
    amountFen: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
    status: { type: String, required: true },
    paidDate: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    accountMasked: { type: String, match: /^\*{4}\d{4}$/ },
    bank: String,
    source: { type: String, required: true },
    importedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'subsidy_payments' },
);
// A household's payments by equality (and one year of them). Read whole and ordered in code
// (`newestFirst`: a pending payment sorts before the paid ones, which no index order gives): a
// household has a few payments a year, so the list is naturally small and needs no cursor.
PaymentSchema.index({ householdId: 1, year: -1 });

export function toPayment(doc: PaymentDoc): SubsidyPayment {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}

/** Newest first: year, then paid date (a pending payment, not yet paid, before the paid ones), then batch. */
export function newestFirst(a: SubsidyPayment, b: SubsidyPayment): number {
  if (a.year !== b.year) return b.year - a.year;
  const dateA = a.paidDate ?? '9999-99-99';
  const dateB = b.paidDate ?? '9999-99-99';
  if (dateA !== dateB) return dateA < dateB ? 1 : -1;
  if (a.batch !== b.batch) return a.batch < b.batch ? 1 : -1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}
