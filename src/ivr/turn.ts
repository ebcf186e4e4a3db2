import type { CallEvent } from '../store/calls.js';
import type { IvrDeps } from './deps.js';
import { fillPrompt, findNode, type PromptKey, type StoredMenu } from './menu.js';
import type { CallInput, CallState, Instruction, Script, StepLink, StepName } from './script.js';

/** One request of a call: the menu version it runs on, the state from its URL, what the caller did. */
export interface Turn {
  deps: IvrDeps;
  menu: StoredMenu;
  state: CallState;
  input: CallInput;
}

export function say(text: string): Instruction {
  return { kind: 'say', text };
}

/** A prompt of the call's menu version with its placeholders filled. */
export function prompt(
  turn: Turn,
  key: PromptKey,
  values?: Record<string, string | number | undefined>,
): string {
  return fillPrompt(turn.menu.prompts[key], values);
}

/** A step URL: the menu version and node go along; strikes and flow fields only when given. */
export function link(turn: Turn, step: StepName, fields: Partial<Omit<CallState, 'v'>> = {}): StepLink {
  return { step, state: { v: turn.menu.version, n: turn.state.n, s: 0, ...fields } };
}

/** Appends a step to the call's path (call_events, insert-only). */
export async function note(turn: Turn, event: Omit<CallEvent, 'callSid' | 'at'>): Promise<void> {
  await turn.deps.store.calls.appendEvent({ ...event, callSid: turn.input.callSid, at: turn.deps.now() });
}

/** A menu node: its prompt inside a one-key gather whose answer goes to `choose`. */
export function playNode(turn: Turn, nodeId: string, strikes = 0, lead: string[] = []): Script {
  const node = findNode(turn.menu, nodeId) ?? findNode(turn.menu, turn.menu.root);
  const id = node?.id ?? turn.menu.root;
  return [
    ...lead.map(say),
    {
      kind: 'gather',
      action: { step: 'choose', state: { v: turn.menu.version, n: id, s: strikes } },
      say: [node?.prompt ?? ''],
      numDigits: 1,
      timeoutSeconds: turn.menu.timeoutSeconds,
    },
  ];
}

/** Back to the menu's root after a flow, `lead` said first. */
export function backToMain(turn: Turn, lead: string[] = []): Script {
  return playNode(turn, turn.menu.root, 0, lead);
}

/** Into the operator queue; its wait and end steps come back here. */
export async function toOperator(turn: Turn, lead: string[] = []): Promise<Script> {
  await note(turn, { type: 'enqueued', node: turn.state.n, detail: turn.deps.settings.operatorQueue });
  return [
    ...lead.map(say),
    say(prompt(turn, 'toOperator')),
    {
      kind: 'enqueue',
      queue: turn.deps.settings.operatorQueue,
      wait: link(turn, 'queue-wait'),
      action: link(turn, 'queue-done'),
    },
  ];
}

/**
 * A failed attempt at a prompt (silence, a key that means nothing, a wrong number): said why, then
 * asked again — or, at the menu's strike limit, sent to an operator, who can always help.
 */
export async function retry(
  turn: Turn,
  reason: PromptKey,
  ask: (strikes: number) => Script | Promise<Script>,
  detail?: string,
): Promise<Script> {
  const strikes = turn.state.s + 1;
  const nothing = turn.input.digits === undefined || turn.input.digits === '';
  await note(turn, {
    type: nothing ? 'no_input' : 'invalid_input',
    node: turn.state.n,
    detail: detail ?? `strike ${String(strikes)}`,
  });
  if (strikes >= turn.menu.maxStrikes) return toOperator(turn, [prompt(turn, reason)]);
  return [say(prompt(turn, reason)), ...(await ask(strikes))];
}

/** The reason to say when a gather came back: nothing pressed, or a key that means nothing here. */
export function failureReason(turn: Turn): PromptKey {
  return turn.input.digits === undefined || turn.input.digits === '' ? 'noInput' : 'invalidKey';
}
