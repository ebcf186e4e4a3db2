import { maskName } from '../../subsidies/mask.js';
import { formatYuan } from '../../subsidies/money.js';
import type { SubsidyHousehold, SubsidyPayment } from '../../subsidies/types.js';
import { translate, type PageLanguage } from './messages.js';

/** One payment as the page lists it (all words already in the page's language). */
export interface PaymentRow {
  heading: string;
  amount: string;
  status: string;
  /** `status problem` for a payment the bank sent back. */
  statusClass: string;
  batch?: string;
  paid?: string;
  account?: string;
  bank?: string;
}

/**
 * What the result page shows of a household and its payments: as much as the SMS answer (year,
 * type, yuan, status, paid date, account as `****1234`) plus the batch and the bank; the head's name
 * and ID number masked.
 */
export function subsidyResultView(
  language: PageLanguage,
  household: SubsidyHousehold,
  payments: readonly SubsidyPayment[],
): { head: string; idMasked: string; village?: string; payments: PaymentRow[]; count: string } {
  const t = (key: string, values?: Record<string, string | number>): string =>
    translate(language, key, values);
  return {
    head: maskName(household.headName),
    idMasked: household.idMasked,
    village: [household.township, household.village].filter(Boolean).join(' ') || undefined,
    count: t('subsidy.count', { count: payments.length }),
    payments: payments.map((payment) => ({
      heading: `${String(payment.year)} ${t(`subsidy.type.${payment.type}`)}`,
      amount: t('subsidy.amount', { amount: formatYuan(payment.amountFen) }),
      status: t(`subsidy.status.${payment.status}`),
      statusClass: payment.status === 'returned' ? 'status problem' : 'status',
      // A single yearly batch (`1`) says nothing; a month or half-year does.
      ...(payment.batch === '1' ? {} : { batch: t('subsidy.batch', { batch: payment.batch }) }),
      ...(payment.paidDate ? { paid: t('subsidy.paidOn', { date: payment.paidDate }) } : {}),
      ...(payment.accountMasked ? { account: t('subsidy.account', { account: payment.accountMasked }) } : {}),
      ...(payment.bank ? { bank: payment.bank } : {}),
    })),
  };
}
