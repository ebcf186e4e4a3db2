import {
  IVR_ACTIONS,
  MENU_DIGITS,
  PROMPTS,
  PROMPT_KEYS,
  placeholdersOf,
  type IvrMenu,
  type MenuDraft,
  type MenuNode,
} from './menu.js';

/** Why a menu cannot be saved; `code` is what clients and tests rely on, `path` a JSON pointer. */
export const MENU_PROBLEM_CODES = [
  'unknown_action',
  'missing_prompt',
  'unknown_prompt',
  'unknown_placeholder',
  'missing_placeholder',
  'prompt_too_long',
  'duplicate_digit',
  'invalid_digit',
  'duplicate_node',
  'invalid_node_id',
  'unknown_node',
  'missing_node',
  'unreachable_node',
  'no_options',
  'out_of_range',
] as const;
export type MenuProblemCode = (typeof MENU_PROBLEM_CODES)[number];

export interface MenuProblem {
  path: string;
  code: MenuProblemCode;
  message: string;
}

const NODE_ID = /^[a-z][a-z0-9_-]{0,31}$/;
/** Twilio's `<Say>` takes up to 4096 characters; a caller stops listening long before. */
const MAX_PROMPT = 1000;
const ACTIONS: ReadonlySet<string> = new Set(IVR_ACTIONS);
const DIGITS: ReadonlySet<string> = new Set(MENU_DIGITS);
const RANGES = {
  timeoutSeconds: [1, 30],
  maxStrikes: [1, 5],
  recordMaxSeconds: [10, 600],
} as const;

/** The draft as a menu when nothing is wrong with it, else every problem. */
export function checkMenu(
  draft: MenuDraft,
): { ok: true; menu: IvrMenu } | { ok: false; problems: MenuProblem[] } {
  const problems = validateMenu(draft);
  // Every prompt key is present and none is unknown: the draft's prompts are a full set.
  return problems.length === 0 ? { ok: true, menu: draft as IvrMenu } : { ok: false, problems };
}

/** Everything wrong with a menu, in document order; empty when it may be saved. */
export function validateMenu(menu: MenuDraft): MenuProblem[] {
  const problems: MenuProblem[] = [];
  const add = (path: string, code: MenuProblemCode, message: string) => {
    problems.push({ path, code, message });
  };
  checkNodes(menu, add);
  checkPrompts(menu, add);
  for (const [field, [min, max]] of Object.entries(RANGES) as [
    keyof typeof RANGES,
    readonly [number, number],
  ][]) {
    const value = menu[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      add(`/${field}`, 'out_of_range', `${field} must be an integer from ${String(min)} to ${String(max)}`);
    }
  }
  return problems;
}

type Add = (path: string, code: MenuProblemCode, message: string) => void;

function checkNodes(menu: MenuDraft, add: Add): void {
  const ids = new Set<string>();
  menu.nodes.forEach((node, i) => {
    const at = `/nodes/${String(i)}`;
    if (!NODE_ID.test(node.id))
      add(`${at}/id`, 'invalid_node_id', `node id "${node.id}" must match ${NODE_ID.source}`);
    if (ids.has(node.id)) add(`${at}/id`, 'duplicate_node', `node id "${node.id}" is used twice`);
    ids.add(node.id);
    checkText(`${at}/prompt`, node.prompt, [], [], add);
    checkOptions(node, at, add);
  });
  if (!ids.has(menu.root)) add('/root', 'unknown_node', `root "${menu.root}" is not a node`);
  menu.nodes.forEach((node, i) => {
    node.options.forEach((option, j) => {
      if (option.action === 'submenu' && option.node !== undefined && !ids.has(option.node)) {
        add(`/nodes/${String(i)}/options/${String(j)}/node`, 'unknown_node', `no node "${option.node}"`);
      }
    });
  });
  const reachable = reachableFrom(menu);
  menu.nodes.forEach((node, i) => {
    if (ids.has(menu.root) && !reachable.has(node.id)) {
      add(`/nodes/${String(i)}`, 'unreachable_node', `no key leads to node "${node.id}"`);
    }
  });
}

function checkOptions(node: MenuNode, at: string, add: Add): void {
  if (node.options.length === 0) add(`${at}/options`, 'no_options', `node "${node.id}" offers no key`);
  const used = new Set<string>();
  node.options.forEach((option, j) => {
    const path = `${at}/options/${String(j)}`;
    if (!DIGITS.has(option.digit)) {
      add(`${path}/digit`, 'invalid_digit', `"${option.digit}" is not a key (0-9 or *)`);
    } else if (used.has(option.digit)) {
      add(`${path}/digit`, 'duplicate_digit', `key ${option.digit} is used twice in node "${node.id}"`);
    }
    used.add(option.digit);
    if (!ACTIONS.has(option.action)) {
      add(`${path}/action`, 'unknown_action', `"${option.action}" is not one of ${IVR_ACTIONS.join(', ')}`);
    } else if (option.action === 'submenu' && option.node === undefined) {
      add(`${path}/node`, 'missing_node', 'a submenu option names the node it goes to');
    }
  });
}

function checkPrompts(menu: MenuDraft, add: Add): void {
  const given = menu.prompts;
  for (const key of PROMPT_KEYS) {
    const rule = PROMPTS[key];
    checkText(`/prompts/${key}`, given[key], rule.allowed, rule.required, add);
  }
  for (const key of Object.keys(given)) {
    if (!(key in PROMPTS)) add(`/prompts/${key}`, 'unknown_prompt', `no flow says a prompt "${key}"`);
  }
}

function checkText(
  path: string,
  text: string | undefined,
  allowed: readonly string[],
  required: readonly string[],
  add: Add,
): void {
  if (text === undefined || text.trim() === '') {
    add(path, 'missing_prompt', 'a prompt is required here');
    return;
  }
  if (text.length > MAX_PROMPT) add(path, 'prompt_too_long', `at most ${String(MAX_PROMPT)} characters`);
  const used = placeholdersOf(text);
  for (const name of used) {
    if (!allowed.includes(name)) {
      const may = allowed.length > 0 ? `may use ${allowed.map((a) => `{${a}}`).join(' ')}` : 'takes none';
      add(path, 'unknown_placeholder', `{${name}} is not known here; this prompt ${may}`);
    }
  }
  for (const name of required) {
    if (!used.includes(name)) add(path, 'missing_placeholder', `must say {${name}}`);
  }
}

function reachableFrom(menu: MenuDraft): Set<string> {
  const seen = new Set<string>();
  const queue = [menu.root];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const node = menu.nodes.find((n) => n.id === id);
    for (const option of node?.options ?? []) {
      if (option.action === 'submenu' && option.node !== undefined) queue.push(option.node);
    }
  }
  return seen;
}
