/**
 * The hotline's IVR menu as data (语音导航菜单): admins edit it through the API, every save is a new
 * version, and a call keeps the version it started with (the version travels in the step URLs).
 * Nothing here speaks Twilio: the voice channel turns what the engine decides into TwiML.
 */

/** What a key does in a menu node. Flows (status … directory) are fixed code with editable prompts. */
export const IVR_ACTIONS = [
  /** 1: status of a ticket or an application (办件) by keyed number. */
  'status',
  /** 2: subsidy payments (惠农补贴) of the caller's household. */
  'subsidy',
  /** 3: leave a message: a recording becomes a ticket. */
  'message',
  /** 4: into the operator queue. */
  'operator',
  /** 5: department directory (查号): hear a department's number, connect to it. */
  'directory',
  /** 0: say this node's prompt again. */
  'repeat',
  /** Go to another node (its id in `node`). */
  'submenu',
  /** Back to the root node. */
  'main',
] as const;
export type IvrAction = (typeof IVR_ACTIONS)[number];

/** Keys a caller can press to choose in a node. `#` ends keyed numbers, so it is not a choice. */
export const MENU_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*'] as const;

export interface MenuOption {
  digit: string;
  action: string;
  /** For `submenu`: the id of the node to go to. */
  node?: string;
}

export interface MenuNode {
  /** `[a-z][a-z0-9_-]{0,31}`: it travels in step URLs. */
  id: string;
  /** Said while waiting for a key; it should name every option. */
  prompt: string;
  options: MenuOption[];
}

/**
 * The prompts of the fixed flows, each with the placeholders it may use (`{name}`); the required
 * ones must appear. Keys a flow listens to (1 / 2 / 0 / 9 / *) are fixed by the engine, so a prompt
 * that names them must keep naming the same keys.
 */
export const PROMPTS = {
  /** Said once when a call enters during opening hours. */
  welcome: { allowed: [], required: [] },
  /** Before a node's prompt again after an invalid key. */
  invalidKey: { allowed: [], required: [] },
  /** Before a prompt again after no key was pressed. */
  noInput: { allowed: [], required: [] },
  /** Before joining the operator queue (option or three strikes). */
  toOperator: { allowed: [], required: [] },
  /** The queue's wait message, said again and again: `{position}` 1 = next. */
  queueWait: { allowed: ['position'], required: ['position'] },
  /** The queue could not connect (left it, full, error): a message is offered instead. */
  queueFailed: { allowed: [], required: [] },
  statusAsk: { allowed: [], required: [] },
  /** The keyed number fails its check digit: never looked up. */
  statusWrongNumber: { allowed: [], required: [] },
  /** Read back digit by digit; then 1 key again, 2 confirm. */
  statusReadBack: { allowed: ['digits'], required: ['digits'] },
  statusNotFound: { allowed: ['digits'], required: [] },
  ticketStatus: { allowed: ['digits', 'status', 'department'], required: ['status'] },
  applicationStatus: {
    allowed: ['digits', 'item', 'status', 'department', 'promised'],
    required: ['status'],
  },
  /** Withheld caller ID: no subsidy query. */
  subsidyNoCallerId: { allowed: [], required: [] },
  /** Caller ID is no household's registered phone: nothing is looked up by ID alone. */
  subsidyNotRegistered: { allowed: [], required: [] },
  /** The phone serves several households: key the head's ID tail to say which. */
  subsidyAskIdTail: { allowed: [], required: [] },
  subsidyMismatch: { allowed: [], required: [] },
  subsidyLocked: { allowed: [], required: [] },
  subsidyIntro: { allowed: ['count'], required: [] },
  subsidyPayment: { allowed: ['year', 'type', 'amount', 'status', 'date'], required: ['amount'] },
  subsidyNone: { allowed: [], required: [] },
  messageAsk: { allowed: [], required: [] },
  messageThanks: { allowed: [], required: [] },
  /** One department in the directory list: `{digit}` is its key on this page. */
  directoryEntry: { allowed: ['name', 'digit'], required: ['name', 'digit'] },
  /** After the page's entries: 9 next page, 0 again, * main menu. */
  directoryTail: { allowed: [], required: [] },
  /** The chosen department's number; then 1 connect, 2 again, 0 back to the list. */
  directoryNumber: { allowed: ['name', 'phone'], required: ['phone'] },
  directoryConnecting: { allowed: ['name'], required: [] },
  directoryDialFailed: { allowed: [], required: [] },
  /** Said when the hotline is closed (IVR_HOURS), before voicemail or goodbye. */
  afterHours: { allowed: [], required: [] },
  goodbye: { allowed: [], required: [] },
} as const satisfies Record<string, { allowed: readonly string[]; required: readonly string[] }>;

export type PromptKey = keyof typeof PROMPTS;
export const PROMPT_KEYS = Object.keys(PROMPTS) as PromptKey[];

export type Prompts = Record<PromptKey, string>;

/** What an admin saves: everything but the version bookkeeping. */
export interface IvrMenu {
  /** The node a call starts in (and `main` goes back to). */
  root: string;
  nodes: MenuNode[];
  prompts: Prompts;
  /** Seconds to wait for a key before re-prompting. */
  timeoutSeconds: number;
  /** Invalid keys or silences in a row before the caller goes to an operator. */
  maxStrikes: number;
  /** Longest voicemail, in seconds. */
  recordMaxSeconds: number;
  /** Closed hours: take a message (`voicemail`) or only say `afterHours` and hang up. */
  afterHours: 'voicemail' | 'hangup';
}

/** A menu as an admin sent it, before it is checked: prompts may be missing or unknown. */
export type MenuDraft = Omit<IvrMenu, 'prompts'> & { prompts: Partial<Record<string, string>> };

export interface StoredMenu extends IvrMenu {
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

/** Fills `{name}` placeholders; a missing value says nothing rather than "{name}". */
export function fillPrompt(text: string, values: Record<string, string | number | undefined> = {}): string {
  return text.replace(/\{([a-z]+)\}/g, (_all, name: string) => {
    const value = values[name];
    return value === undefined ? '' : String(value);
  });
}

/** The placeholders a prompt text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

export function findNode(menu: IvrMenu, id: string): MenuNode | undefined {
  return menu.nodes.find((node) => node.id === id);
}
