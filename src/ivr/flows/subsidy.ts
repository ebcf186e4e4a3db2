import { normalisePhone } from '../../privacy/phone.js';
import { PAYMENT_STATUSES, SUBSIDY_TYPES, type SubsidyHousehold } from '../../subsidies/types.js';
import type { Script } from '../script.js';
import { dateText, yuanText } from '../speech.js';
import { SubsidyLock } from '../subsidy-lock.js';
import { backToMain, link, note, prompt, retry, say, type Turn } from '../turn.js';

/**
 * IVR 2 — subsidy payments (惠农补贴). The caller ID is the key: it must be a registered phone of a
 * household. One household → its payments at once; a phone serving several → the caller keys the
 * last 6 of the head's ID number (`*` for X) to say which. Nothing is ever looked up by the ID tail
 * alone: with tens of thousands of households a guessed tail would often hit someone else's. Three
 * wrong tails lock that caller until China-time midnight (subsidy-lock.ts); the lock is checked
 * before anything else. Amounts are said in yuan, accounts not at all.
 */

/** Payments read out at most: the newest ones (a caller stops listening after a few). */
const SPOKEN_PAYMENTS = 6;

export async function startSubsidy(turn: Turn): Promise<Script> {
  const phone = turn.input.from === undefined ? undefined : normalisePhone(turn.input.from);
  if (!phone) {
    await note(turn, { type: 'subsidy_query', node: turn.state.n, detail: 'no_caller_id' });
    return backToMain(turn, [prompt(turn, 'subsidyNoCallerId')]);
  }
  if (await lockOf(turn).isLocked(callerKey(turn, phone), turn.deps.now())) {
    await note(turn, { type: 'subsidy_query', node: turn.state.n, detail: 'locked' });
    return backToMain(turn, [prompt(turn, 'subsidyLocked')]);
  }
  const households = await turn.deps.store.subsidies.householdsByPhone(phone);
  const [only] = households;
  if (!only) {
    await note(turn, { type: 'subsidy_query', node: turn.state.n, detail: 'not_registered' });
    return backToMain(turn, [prompt(turn, 'subsidyNotRegistered')]);
  }
  if (households.length === 1) return speakPayments(turn, only, 'caller_id');
  return askIdTail(turn);
}

function askIdTail(turn: Turn, strikes = 0, lead: string[] = []): Script {
  return [
    ...lead.map(say),
    {
      kind: 'gather',
      action: link(turn, 'subsidy-id', { s: strikes }),
      say: [prompt(turn, 'subsidyAskIdTail')],
      finishOnKey: '#',
      timeoutSeconds: turn.menu.timeoutSeconds + 2,
    },
  ];
}

/** `subsidy-id`: the keyed ID tail, matched only among the households of the caller's phone. */
export async function onIdTail(turn: Turn): Promise<Script> {
  const phone = turn.input.from === undefined ? undefined : normalisePhone(turn.input.from);
  if (!phone) return startSubsidy(turn);
  const tail = turn.input.digits ?? '';
  if (tail === '') return retry(turn, 'noInput', (s) => askIdTail(turn, s));
  const lock = lockOf(turn);
  const caller = callerKey(turn, phone);
  // Checked again: a second call of the same caller may have used up the day's attempts meanwhile.
  if (await lock.isLocked(caller, turn.deps.now())) return backToMain(turn, [prompt(turn, 'subsidyLocked')]);
  const [match, ...more] = await turn.deps.store.subsidies.householdsByPhone(phone, { idTail: tail });
  if (match && more.length === 0) return speakPayments(turn, match, 'id_tail');
  // The tail itself is never written down: it is part of an ID number.
  const locked = await lock.fail(caller, turn.deps.now());
  await note(turn, { type: 'subsidy_query', node: turn.state.n, detail: locked ? 'locked_now' : 'mismatch' });
  if (locked) return backToMain(turn, [prompt(turn, 'subsidyMismatch'), prompt(turn, 'subsidyLocked')]);
  return askIdTail(turn, turn.state.s, [prompt(turn, 'subsidyMismatch')]);
}

async function speakPayments(turn: Turn, household: SubsidyHousehold, by: string): Promise<Script> {
  const payments = await turn.deps.store.subsidies.paymentsOf(household.id);
  await note(turn, { type: 'subsidy_query', node: turn.state.n, detail: `spoken_by_${by}` });
  if (payments.length === 0) return backToMain(turn, [prompt(turn, 'subsidyNone')]);
  const spoken = payments.slice(0, SPOKEN_PAYMENTS);
  const lines = spoken.map((p) =>
    prompt(turn, 'subsidyPayment', {
      year: p.year,
      type: SUBSIDY_TYPES[p.type],
      amount: yuanText(p.amountFen),
      status: PAYMENT_STATUSES[p.status],
      date: p.paidDate ? `，${dateText(p.paidDate)}` : '',
    }),
  );
  return backToMain(turn, [prompt(turn, 'subsidyIntro', { count: spoken.length }), ...lines]);
}

function lockOf(turn: Turn): SubsidyLock {
  return new SubsidyLock(turn.deps.redis, turn.deps.settings.timeZone);
}

/** The caller as the lock knows them: the contact id (a keyed hash of the phone), never the phone. */
function callerKey(turn: Turn, phone: string): string {
  return turn.deps.store.contacts.idFor({ phone });
}
