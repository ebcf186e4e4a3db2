import { maskName } from '../../subsidies/mask.js';
import { formatYuan } from '../../subsidies/money.js';
import type { SubsidyHousehold, SubsidyPayment } from '../../subsidies/types.js';
import type { Outcome, Sender, SmsDeps } from './deps.js';

/**
 * BT / 补贴: the latest subsidy payments of the household whose registered phone is the sender's,
 * answered at once. Never another household's: the only key is the sender's own number, narrowed by
 * the last 6 of the head's ID number when the phone serves several households (the answer then asks
 * for them and names none). A phone not registered gets a polite answer with the hotline.
 * Every lookup is audited (全程留痕), whatever it found; the answer shows the head's name and the
 * bank account masked.
 */
export async function querySubsidy(
  deps: SmsDeps,
  sender: Sender,
  idTail: string | undefined,
): Promise<Outcome> {
  const outcome = (reply: string): Outcome => ({ keyword: 'subsidy', reply });
  const { answers } = deps;
  if (sender.phone === undefined) return outcome(answers.text('subsidy.unregistered', sender.locale, {}));
  const households = await deps.store.subsidies.householdsByPhone(
    sender.phone,
    idTail === undefined ? {} : { idTail },
  );
  const [household] = households;
  if (households.length !== 1 || !household) {
    await audit(deps, sender, [`households:${String(households.length)}`]);
    if (households.length > 1) {
      return outcome(answers.text('subsidy.choose', sender.locale, { count: households.length }));
    }
    // A tail that matches none: is the phone registered at all?
    const registered =
      idTail !== undefined && (await deps.store.subsidies.householdsByPhone(sender.phone)).length > 0;
    return outcome(answers.text(registered ? 'subsidy.no_match' : 'subsidy.unregistered', sender.locale, {}));
  }
  const payments = await deps.store.subsidies.paymentsOf(household.id);
  await audit(deps, sender, [`household:${household.id}`, 'payments']);
  return outcome(paymentsAnswer(deps, sender, household, payments));
}

function paymentsAnswer(
  deps: SmsDeps,
  sender: Sender,
  household: SubsidyHousehold,
  payments: readonly SubsidyPayment[],
): string {
  const head = maskName(household.headName);
  if (payments.length === 0) return deps.answers.text('subsidy.none', sender.locale, { head });
  // One account for all: said once in the head; otherwise each payment names its own.
  const accounts = new Set(payments.map((p) => p.accountMasked));
  const [shared] = accounts.size === 1 ? [...accounts] : [];
  const items = payments.map((payment) => ({
    year: payment.year,
    type: payment.type,
    amount: formatYuan(payment.amountFen),
    status: payment.status,
    paidDate: payment.paidDate,
    account: shared === undefined ? payment.accountMasked : undefined,
  }));
  return deps.answers.list(
    sender.locale,
    { name: 'subsidy.head', data: { head, account: shared } },
    'subsidy.item',
    items,
  );
}

/** A citizen's look into the subsidy register, kept like a staff member's view of personal data. */
async function audit(deps: SmsDeps, sender: Sender, fields: string[]): Promise<void> {
  await deps.store.audit.append({
    actor: { kind: 'citizen', id: sender.contactId ?? sender.from },
    action: 'sms_subsidy_query',
    contactId: sender.contactId,
    fields,
    at: new Date(),
  });
}
