import type { CallEvent, CallRecord, NewCall } from '../store/calls.js';
import type { CallLog, IvrDeps, MenuVersions } from './deps.js';
import { enterCall, runStep } from './engine.js';
import { findNode, type MenuOption, type StoredMenu } from './menu.js';
import type { Script, StepLink, StepName } from './script.js';

/**
 * A call through the real engine (`enterCall`, `runStep`) on a menu that need not be saved — an
 * admin's draft — for the admin page's simulator. No provider and no call record: the engine's
 * writes go to a log kept in memory, and the menu comes from here. The simulated caller only
 * presses menu keys; where a flow takes over (a keyed number, the subsidy query, a voicemail, the
 * queue, the directory) the simulation stops after what the flow says first: the rest needs a real
 * call (or the channel simulator, which drives the webhooks).
 */

/** A simulated caller who presses nothing: the menu's gather times out. */
export const SILENCE = '-';
/** The keys a simulated caller may press: a menu answers every one of these (`#` included). */
export const SIMULATED_KEYS = /^[0-9*#-]$/;
/** A longer path stops: nobody needs forty keys to try a menu. */
export const MAX_SIMULATED_KEYS = 40;

/** The menu actions after which a flow of its own runs. */
export const FLOW_ACTIONS = ['status', 'subsidy', 'message', 'operator', 'directory'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** What the call waits for after a step. */
export type SimulatedWait =
  /** A key in a menu node (its options), after `strikes` failed tries. */
  | { kind: 'menu'; node: string; strikes: number; options: MenuOption[] }
  /** A flow's own keys (`status`: a number, `subsidy-id`: an ID tail, `directory`: a department). */
  | { kind: 'flow'; step: StepName }
  /** A voicemail after the beep (the message option, after hours, the queue could not help). */
  | { kind: 'voicemail' }
  | { kind: 'queue' }
  | { kind: 'dial' }
  | { kind: 'ended' };

export interface SimulatedStep {
  /** The key that led here: undefined at the call's entry, {@link SILENCE} for nothing pressed. */
  key?: string;
  /** What the caller hears, in order, up to where the call waits (a gather's prompts included). */
  said: string[];
  next: SimulatedWait;
  /** The flow the key chose (the simulation stops there). */
  flow?: FlowAction;
}

/** The engine's deps without the menu and the call log: the simulation brings its own. */
export type SimulationDeps = Omit<IvrDeps, 'menus' | 'store'> & { store: Omit<IvrDeps['store'], 'calls'> };

/** A fixed caller: withheld caller ID, so the subsidy flow looks nothing up. */
const SIMULATED_CALL = 'CA-simulated';

/**
 * The steps of a simulated call on `menu`: the entry, then one step per key while the call waits
 * in a menu node. Keys after the call left the menu are ignored (the result is shorter).
 */
export async function simulateCall(
  base: SimulationDeps,
  menu: StoredMenu,
  keys: readonly string[],
): Promise<SimulatedStep[]> {
  const deps: IvrDeps = { ...base, store: { ...base.store, calls: new NoCallLog() }, menus: only(menu) };
  const first = await enterCall(deps, { callSid: SIMULATED_CALL });
  const steps: SimulatedStep[] = [describe(menu, first)];
  let action = menuLink(first);
  for (const key of keys.slice(0, MAX_SIMULATED_KEYS)) {
    if (!action) break;
    const digits = key === SILENCE ? '' : key;
    const chosen = findNode(menu, action.state.n)?.options.find((o) => o.digit === digits);
    const script = await runStep(deps, action.step, action.state, { callSid: SIMULATED_CALL, digits });
    const flow = FLOW_ACTIONS.find((f) => f === chosen?.action);
    steps.push({ key, ...describe(menu, script), ...(flow ? { flow } : {}) });
    action = flow ? undefined : menuLink(script);
  }
  return steps;
}

/** Whether the call still waits for a menu key after this step. */
export function waitsForMenuKey(step: SimulatedStep): boolean {
  return step.flow === undefined && step.next.kind === 'menu';
}

/** What is said up to the instruction the call waits at, and what it waits for. */
function describe(menu: StoredMenu, script: Script): Omit<SimulatedStep, 'key' | 'flow'> {
  const said: string[] = [];
  for (const instruction of script) {
    switch (instruction.kind) {
      case 'say':
        said.push(instruction.text);
        break;
      case 'gather': {
        said.push(...instruction.say);
        const { step, state } = instruction.action;
        if (step !== 'choose') return { said, next: { kind: 'flow', step } };
        const options = findNode(menu, state.n)?.options ?? [];
        return { said, next: { kind: 'menu', node: state.n, strikes: state.s, options } };
      }
      case 'record':
        return { said, next: { kind: 'voicemail' } };
      case 'enqueue':
        return { said, next: { kind: 'queue' } };
      case 'dial':
        return { said, next: { kind: 'dial' } };
      case 'hangup':
      case 'leave':
        return { said, next: { kind: 'ended' } };
      case 'pause':
      case 'redirect':
        break;
    }
  }
  return { said, next: { kind: 'ended' } };
}

/** The `choose` step a menu gather sends its key to, if the script ends in one. */
function menuLink(script: Script): StepLink | undefined {
  const gather = script.find((i) => i.kind === 'gather');
  return gather?.kind === 'gather' && gather.action.step === 'choose' ? gather.action : undefined;
}

/** The one menu under test, whatever version a step names. */
function only(menu: StoredMenu): MenuVersions {
  return {
    current: () => Promise.resolve(menu),
    version: () => Promise.resolve(menu),
  };
}

/** Where the engine's writes about the call go: nowhere, a simulated call leaves no record. */
class NoCallLog implements CallLog {
  start(call: NewCall): Promise<{ created: boolean; call: CallRecord }> {
    const { startedAt } = call;
    return Promise.resolve({
      created: true,
      call: { ...call, status: 'in-progress', answeredAt: startedAt, updatedAt: startedAt },
    });
  }

  find(): Promise<CallRecord | undefined> {
    return Promise.resolve(undefined);
  }

  appendEvent(_event: CallEvent): Promise<boolean> {
    return Promise.resolve(true);
  }

  linkTicket(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
