import { caseNumberKind } from '../../subsidies/application-number.js';
import { APPLICATION_STATUSES } from '../../subsidies/types.js';
import { dateText, spellDigits, TICKET_STATUS_WORDS } from '../speech.js';
import type { Script } from '../script.js';
import { backToMain, failureReason, link, note, prompt, retry, type Turn } from '../turn.js';

/**
 * IVR 1 — status of a ticket or an application (办件) by keyed number. The number ends with `#`; its
 * check digit is verified before anything is looked up (a mistyped or someone else's number with a
 * wrong check digit hears "号码有误" and is asked again, never another case's data). A valid number
 * is read back digit by digit: 1 keys it again, 2 confirms and hears the status.
 */

/** The keyed number, longest we accept: ticket and application numbers are at most 17 digits. */
const MAX_DIGITS = 20;

export function askNumber(turn: Turn, strikes = 0): Script {
  return [
    {
      kind: 'gather',
      action: link(turn, 'status', { s: strikes }),
      say: [prompt(turn, 'statusAsk')],
      finishOnKey: '#',
      // Keying 11–17 digits takes longer than one key: more time between keys.
      timeoutSeconds: turn.menu.timeoutSeconds + 4,
    },
  ];
}

function readBack(turn: Turn, number: string, strikes = 0): Script {
  return [
    {
      kind: 'gather',
      action: link(turn, 'status-confirm', { s: strikes, num: number }),
      say: [prompt(turn, 'statusReadBack', { digits: spellDigits(number) })],
      numDigits: 1,
      timeoutSeconds: turn.menu.timeoutSeconds,
    },
  ];
}

/** `status`: the keyed number came back (or nothing did). */
export async function onNumber(turn: Turn): Promise<Script> {
  const digits = (turn.input.digits ?? '').replace(/\D/g, '');
  if (digits === '') return retry(turn, failureReason(turn), (s) => askNumber(turn, s));
  const kind = digits.length <= MAX_DIGITS ? caseNumberKind(digits) : undefined;
  if (!kind) {
    // Never looked up: the check digit says it is not a number we issued (DESIGN §5).
    return retry(turn, 'statusWrongNumber', (s) => askNumber(turn, s), 'wrong_check_digit');
  }
  await note(turn, { type: 'number_keyed', node: turn.state.n, digits, detail: kind });
  return readBack(turn, digits);
}

/** `status-confirm`: 2 hears the status, 1 keys the number again. */
export async function onConfirm(turn: Turn): Promise<Script> {
  const number = turn.state.num;
  if (number === undefined || !caseNumberKind(number)) return askNumber(turn);
  if (turn.input.digits === '1') return askNumber(turn);
  if (turn.input.digits !== '2') {
    return retry(turn, failureReason(turn), (s) => readBack(turn, number, s));
  }
  const spoken = await statusText(turn, number);
  await note(turn, { type: 'status_query', node: turn.state.n, digits: number, detail: spoken.outcome });
  return backToMain(turn, [spoken.text]);
}

async function statusText(turn: Turn, number: string): Promise<{ text: string; outcome: string }> {
  const { store } = turn.deps;
  const digits = spellDigits(number);
  if (caseNumberKind(number) === 'application') {
    const application = await store.applications.findByNumber(number);
    if (!application) return { text: prompt(turn, 'statusNotFound', { digits }), outcome: 'not_found' };
    const department = await store.departments.findActive(application.department);
    const open = !['completed', 'rejected', 'withdrawn'].includes(application.status);
    return {
      text: prompt(turn, 'applicationStatus', {
        digits,
        item: application.item,
        status: APPLICATION_STATUSES[application.status],
        department: department ? `承办单位：${department.name}。` : '',
        promised:
          open && application.promisedDate ? `承诺办结日期：${dateText(application.promisedDate)}。` : '',
      }),
      outcome: 'application',
    };
  }
  const ticket = await store.tickets.findByNumber(number);
  if (!ticket) return { text: prompt(turn, 'statusNotFound', { digits }), outcome: 'not_found' };
  const department = ticket.leadDepartment
    ? await store.departments.findActive(ticket.leadDepartment)
    : undefined;
  return {
    text: prompt(turn, 'ticketStatus', {
      digits,
      status: TICKET_STATUS_WORDS[ticket.status],
      department: department ? `承办单位：${department.name}。` : '',
    }),
    outcome: 'ticket',
  };
}
