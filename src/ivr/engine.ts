import { normalisePhone } from '../privacy/phone.js';
import type { IvrDeps } from './deps.js';
import { startDirectory, onDialDone, onDirectoryKey, onEntryKey } from './flows/directory.js';
import { onQueueDone, onQueueWait } from './flows/queue.js';
import { askNumber, onConfirm, onNumber } from './flows/status.js';
import { onIdTail, startSubsidy } from './flows/subsidy.js';
import { askMessage, onMessageDone } from './flows/voicemail.js';
import { isHotlineOpen } from './hours.js';
import { findNode } from './menu.js';
import type { CallInput, CallState, Script, StepName } from './script.js';
import {
  backToMain,
  failureReason,
  note,
  playNode,
  prompt,
  retry,
  say,
  toOperator,
  type Turn,
} from './turn.js';

/**
 * The IVR engine: the call's entry and one handler per step. Each answers a {@link Script} the
 * voice channel renders; state lives in the step URLs, the path in the call's record.
 */

/** Said when a step fails on our side (database away …): a person can still help. */
export const SYSTEM_BUSY = '系统繁忙，正在为您转接人工服务，请稍候。';

/** The answer to a step we could not run: no menu or database needed, straight to the operators. */
export function fallbackScript(operatorQueue: string): Script {
  return [say(SYSTEM_BUSY), { kind: 'enqueue', queue: operatorQueue }];
}

/** The call reaches the hotline: record it (insert-first on the CallSid), then menu or after hours. */
export async function enterCall(deps: IvrDeps, input: CallInput): Promise<Script> {
  const menu = await deps.menus.current();
  const at = deps.now();
  const from = input.from === undefined ? undefined : (normalisePhone(input.from) ?? undefined);
  const to = input.to === undefined ? undefined : (normalisePhone(input.to) ?? input.to);
  const { created } = await deps.store.calls.start({
    callSid: input.callSid,
    direction: 'inbound',
    from,
    to,
    menuVersion: menu.version,
    startedAt: at,
  });
  const turn: Turn = { deps, menu, state: { v: menu.version, n: menu.root, s: 0 }, input };
  const open = isHotlineOpen(deps.settings.hours, deps.calendar(), at, deps.settings.timeZone);
  await note(turn, {
    type: created ? 'entered' : 'entered_again',
    node: menu.root,
    detail: open ? 'open' : 'closed',
  });
  if (!open) {
    if (menu.afterHours === 'voicemail') return askMessage(turn, prompt(turn, 'afterHours'));
    return [say(prompt(turn, 'afterHours')), say(prompt(turn, 'goodbye')), { kind: 'hangup' }];
  }
  return playNode(turn, menu.root, 0, [prompt(turn, 'welcome')]);
}

type Handler = (turn: Turn) => Script | Promise<Script>;

const STEPS: Record<StepName, Handler> = {
  choose,
  status: onNumber,
  'status-confirm': onConfirm,
  'subsidy-id': onIdTail,
  directory: onDirectoryKey,
  'directory-entry': onEntryKey,
  'dial-done': onDialDone,
  'message-done': onMessageDone,
  'queue-wait': onQueueWait,
  'queue-done': onQueueDone,
};

/**
 * One step of a call, on the menu version its URL names. A version that cannot be found (it never
 * could: versions are never deleted) falls back to the current menu's root rather than failing.
 */
export async function runStep(
  deps: IvrDeps,
  step: StepName,
  state: CallState,
  input: CallInput,
): Promise<Script> {
  const menu = await deps.menus.version(state.v);
  if (!menu) {
    const current = await deps.menus.current();
    return backToMain({ deps, menu: current, state: { v: current.version, n: current.root, s: 0 }, input });
  }
  return STEPS[step]({ deps, menu, state, input });
}

/** `choose`: a key in a menu node. */
async function choose(turn: Turn): Promise<Script> {
  const node = findNode(turn.menu, turn.state.n);
  const key = turn.input.digits ?? '';
  const option = node?.options.find((o) => o.digit === key);
  if (!node || !option) return retry(turn, failureReason(turn), (s) => playNode(turn, turn.state.n, s));
  await note(turn, { type: 'key', node: node.id, digits: key, detail: option.action });
  // Past this point the caller chose well: the strikes start again at the next prompt.
  const next: Turn = { ...turn, state: { ...turn.state, s: 0 } };
  switch (option.action) {
    case 'status':
      return askNumber(next);
    case 'subsidy':
      return startSubsidy(next);
    case 'message':
      return askMessage(next, prompt(next, 'messageAsk'));
    case 'operator':
      return toOperator(next);
    case 'directory':
      return startDirectory(next);
    case 'repeat':
      return playNode(next, node.id);
    case 'submenu':
      return playNode(next, option.node ?? turn.menu.root);
    default:
      return backToMain(next);
  }
}
