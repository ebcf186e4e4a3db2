import type { Department } from '../../store/departments.js';
import type { Script } from '../script.js';
import { spellPhone } from '../speech.js';
import { backToMain, failureReason, link, note, prompt, retry, say, type Turn } from '../turn.js';

/**
 * IVR 5 — department directory (查号). The active departments with a phone, eight to a page
 * (keys 1–8; 9 next page, 0 again, * main menu); a chosen one's numbers are read digit by digit,
 * then 1 connects (`dial`), 2 says them again, 0 goes back to the list.
 */

const PAGE_SIZE = 8;
/** Seconds a department line may ring. */
export const DIAL_TIMEOUT_SECONDS = 30;

async function listed(turn: Turn): Promise<Department[]> {
  const departments = await turn.deps.store.departments.list();
  return departments.filter((d) => d.active && d.phones.length > 0);
}

function pageOf(all: Department[], page: number): Department[] {
  return all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
}

export async function startDirectory(turn: Turn, page = 0, strikes = 0): Promise<Script> {
  const all = await listed(turn);
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const p = page % pages;
  const entries = pageOf(all, p).map((d, i) =>
    prompt(turn, 'directoryEntry', { name: d.name, digit: i + 1 }),
  );
  return [
    {
      kind: 'gather',
      action: link(turn, 'directory', { s: strikes, p }),
      say: [entries.join(''), prompt(turn, 'directoryTail')],
      numDigits: 1,
      timeoutSeconds: turn.menu.timeoutSeconds,
    },
  ];
}

/** `directory`: a department's key on the page, 9, 0 or *. */
export async function onDirectoryKey(turn: Turn): Promise<Script> {
  const page = turn.state.p ?? 0;
  const key = turn.input.digits ?? '';
  if (key === '9') return startDirectory(turn, page + 1);
  if (key === '0') return startDirectory(turn, page);
  if (key === '*') return backToMain(turn);
  const chosen = /^[1-8]$/.test(key) ? pageOf(await listed(turn), page)[Number(key) - 1] : undefined;
  if (!chosen) return retry(turn, failureReason(turn), (s) => startDirectory(turn, page, s));
  await note(turn, { type: 'directory_lookup', node: turn.state.n, detail: chosen.code });
  return entry(turn, chosen, page);
}

function entry(turn: Turn, department: Department, page: number, strikes = 0): Script {
  const phones = department.phones.map(spellPhone).join('，或');
  return [
    {
      kind: 'gather',
      action: link(turn, 'directory-entry', { s: strikes, p: page, d: department.code }),
      say: [prompt(turn, 'directoryNumber', { name: department.name, phone: phones })],
      numDigits: 1,
      timeoutSeconds: turn.menu.timeoutSeconds,
    },
  ];
}

/** `directory-entry`: 1 connects, 2 says the numbers again, 0 back to the list. */
export async function onEntryKey(turn: Turn): Promise<Script> {
  const page = turn.state.p ?? 0;
  const department = turn.state.d ? await turn.deps.store.departments.findActive(turn.state.d) : undefined;
  if (!department) return startDirectory(turn, page);
  const key = turn.input.digits ?? '';
  if (key === '0') return startDirectory(turn, page);
  if (key === '2') return entry(turn, department, page);
  if (key !== '1') return retry(turn, failureReason(turn), (s) => entry(turn, department, page, s));
  const number = dialable(department.phones);
  await note(turn, {
    type: 'dial',
    node: turn.state.n,
    detail: number ? department.code : `${department.code}:no_line`,
  });
  if (!number) return backToMain(turn, [prompt(turn, 'directoryDialFailed')]);
  return [
    say(prompt(turn, 'directoryConnecting', { name: department.name })),
    {
      kind: 'dial',
      number,
      timeoutSeconds: DIAL_TIMEOUT_SECONDS,
      action: link(turn, 'dial-done', { p: page, d: department.code }),
    },
  ];
}

/** `dial-done`: the department line ended; if nobody answered, the caller hears so and the menu. */
export async function onDialDone(turn: Turn): Promise<Script> {
  const outcome = turn.input.dialOutcome ?? 'failed';
  await note(turn, { type: 'dial_result', node: turn.state.n, detail: `${turn.state.d ?? ''}:${outcome}` });
  if (outcome === 'answered') return [say(prompt(turn, 'goodbye')), { kind: 'hangup' }];
  return backToMain(turn, [prompt(turn, 'directoryDialFailed')]);
}

/**
 * The first number a call can reach: E.164, or a mainland landline with its area code
 * (`0311-86681002` → `+8631186681002`). Short service numbers (12333) only work inside the
 * carrier's network, so they are said but not dialled.
 */
export function dialable(phones: readonly string[]): string | undefined {
  for (const phone of phones) {
    const compact = phone.replace(/[\s()-]/g, '');
    if (/^\+[1-9]\d{6,14}$/.test(compact)) return compact;
    if (/^0[1-9]\d{8,10}$/.test(compact)) return `+86${compact.slice(1)}`;
    if (/^1[3-9]\d{9}$/.test(compact)) return `+86${compact}`;
  }
  return undefined;
}
