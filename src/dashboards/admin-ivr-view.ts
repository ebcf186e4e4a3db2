import { optionsLeadingTo, placeOf, type EditProblemCode, type ProblemPlace } from '../ivr/edit-menu.js';
import {
  IVR_ACTIONS,
  PROMPT_KEYS,
  PROMPTS,
  type IvrMenu,
  type MenuNode,
  type MenuOption,
  type StoredMenu,
} from '../ivr/menu.js';
import type { MenuDraftRecord } from '../ivr/menu-drafts.js';
import type { MenuProblem } from '../ivr/validate-menu.js';
import { staffText, type StaffLanguage } from './messages.js';

/**
 * The IVR admin page's view of a menu: the tree (root first, a submenu nested under the key that
 * leads to it, nodes no key reaches listed apart), the fixed flows' prompts with their placeholder
 * rules, and every problem placed beside what it is about, in the page's language. Pure: the
 * routes (admin-ivr.ts) read the store and call these.
 */

/** Keys in phone-pad order. */
export const PAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
/** The keys a menu option may use, in phone-pad order (`#` ends keyed numbers). */
const OPTION_KEYS = PAD_KEYS.filter((k) => k !== '#');

export interface PlacedProblem {
  code: EditProblemCode;
  message: string;
  place: ProblemPlace;
}

/** A refused edit: which form, what was typed in it, why. */
export interface Refused {
  form: string;
  values: Record<string, string>;
  problems: PlacedProblem[];
}

export interface ProblemView {
  code: string;
  text: string;
  /** The rule's own words where they say more than the code (which placeholder, which range). */
  detail?: string;
}

interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface TreeOptions {
  language: StaffLanguage;
  menu: IvrMenu;
  /** The version in force, when `menu` is a draft: nodes and prompts that differ are marked. */
  published?: IvrMenu;
  /** The menu's own problems (the draft's). */
  problems: MenuProblem[];
  refused?: Refused;
}

/** A form's id in the page (and its anchor): `*` is not a friendly id character. */
export function formId(...parts: string[]): string {
  return parts.map((p) => p.replace('*', 'star').replace('#', 'hash')).join('-');
}

export function placed(menu: IvrMenu, problems: MenuProblem[]): PlacedProblem[] {
  return problems.map((p) => ({ ...p, place: placeOf(menu, p.path) }));
}

const DETAILED: ReadonlySet<string> = new Set([
  'unknown_placeholder',
  'missing_placeholder',
  'out_of_range',
  'invalid_node_id',
  'prompt_too_long',
]);

export function problemView(language: StaffLanguage, menu: IvrMenu, problem: PlacedProblem): ProblemView {
  const { node, digit } = problem.place;
  const keys =
    problem.code === 'node_in_use' && node !== undefined
      ? optionsLeadingTo(menu, node)
          .map((o) => `${o.node} ${o.digit}`)
          .join('、')
      : undefined;
  return {
    code: problem.code,
    text: staffText(language, `ivr.problem.${problem.code}`, { node, digit, keys }),
    ...(DETAILED.has(problem.code) ? { detail: problem.message } : {}),
  };
}

/** The tree: the root's subtree, then every node no key reaches (each with what hangs under it). */
export function menuTree(options: TreeOptions): {
  root?: Record<string, unknown>;
  unreachable: Record<string, unknown>[];
} {
  const { menu } = options;
  const problems = placed(menu, options.problems);
  const shown = new Set<string>();
  const rootNode = menu.nodes.find((n) => n.id === menu.root);
  const root = rootNode
    ? nodeView(options, problems, rootNode, shown, { depth: 0, unreachable: false })
    : undefined;
  const unreachable: Record<string, unknown>[] = [];
  for (const node of menu.nodes) {
    if (!shown.has(node.id)) {
      unreachable.push(nodeView(options, problems, node, shown, { depth: 0, unreachable: true }));
    }
  }
  return { ...(root ? { root } : {}), unreachable };
}

function nodeView(
  options: TreeOptions,
  problems: PlacedProblem[],
  node: MenuNode,
  shown: Set<string>,
  at: { depth: number; unreachable: boolean },
): Record<string, unknown> {
  const { language, menu, refused } = options;
  shown.add(node.id);
  const own = problems.filter((p) => p.place.node === node.id);
  const view = (list: PlacedProblem[]) => list.map((p) => problemView(language, menu, p));
  const promptForm = formForm(refused, formId('prompt', node.id), language, menu);
  const addForm = formForm(refused, formId('add-option', node.id), language, menu);
  const removeForm = formForm(refused, formId('remove-node', node.id), language, menu);
  const free = OPTION_KEYS.find((k) => !node.options.some((o) => o.digit === k)) ?? '';
  return {
    id: node.id,
    prompt: node.prompt,
    root: node.id === menu.root,
    depth: at.depth,
    unreachable: at.unreachable,
    change: changeOf(options.published, node),
    problems: view(own.filter((p) => p.place.digit === undefined)),
    promptForm: { ...promptForm, text: promptForm.values.prompt ?? node.prompt },
    options: node.options.map((option) => {
      const child = option.action === 'submenu' ? menu.nodes.find((n) => n.id === option.node) : undefined;
      const below = { depth: at.depth + 1, unreachable: at.unreachable };
      const nested =
        child && !shown.has(child.id) ? nodeView(options, problems, child, shown, below) : undefined;
      const form = formForm(refused, formId('option', node.id, option.digit), language, menu);
      const removeOption = formForm(refused, formId('remove-option', node.id, option.digit), language, menu);
      const chosen = {
        digit: option.digit,
        action: option.action,
        target: option.node ?? '',
        ...form.values,
      };
      return {
        digit: option.digit,
        action: option.action,
        actionText: actionText(language, option.action),
        target: option.node,
        child: nested,
        shownAbove: child && !nested ? child.id : undefined,
        problems: view(own.filter((p) => p.place.digit === option.digit)),
        form: { ...form, ...choices(language, menu, chosen) },
        removeForm: removeOption,
        editOpen: form.open || removeOption.open,
      };
    }),
    addForm: {
      ...addForm,
      ...choices(language, menu, { digit: free, action: 'submenu', target: '', ...addForm.values }),
    },
    removeForm,
  };
}

/** A form's state: open and marked invalid with its problems when it is the one just refused. */
function formForm(
  refused: Refused | undefined,
  id: string,
  language: StaffLanguage,
  menu: IvrMenu,
): { id: string; open: boolean; values: Record<string, string>; problems: ProblemView[] } {
  if (refused?.form !== id) return { id, open: false, values: {}, problems: [] };
  return {
    id,
    open: true,
    values: refused.values,
    problems: refused.problems.map((p) => problemView(language, menu, p)),
  };
}

function choices(
  language: StaffLanguage,
  menu: IvrMenu,
  chosen: Record<string, string>,
): { digits: Choice[]; actions: Choice[]; targets: Choice[] } {
  const { digit = '', action = '', target = '' } = chosen;
  return {
    digits: OPTION_KEYS.map((k) => ({ value: k, label: k, selected: k === digit })),
    actions: IVR_ACTIONS.map((a) => ({ value: a, label: actionText(language, a), selected: a === action })),
    targets: [
      { value: '', label: staffText(language, 'ivr.noTarget'), selected: target === '' },
      ...menu.nodes.map((n) => ({ value: n.id, label: n.id, selected: n.id === target })),
    ],
  };
}

export function actionText(language: StaffLanguage, action: string): string {
  return (IVR_ACTIONS as readonly string[]).includes(action)
    ? staffText(language, `ivr.action.${action}`)
    : action;
}

function changeOf(published: IvrMenu | undefined, node: MenuNode): 'new' | 'changed' | undefined {
  if (!published) return undefined;
  const before = published.nodes.find((n) => n.id === node.id);
  if (!before) return 'new';
  return sameNode(before, node) ? undefined : 'changed';
}

function sameNode(a: MenuNode, b: MenuNode): boolean {
  const key = (o: MenuOption) => `${o.digit}:${o.action}:${o.node ?? ''}`;
  return a.prompt === b.prompt && a.options.map(key).join('|') === b.options.map(key).join('|');
}

/** The fixed flows' prompts in PROMPTS order, each with its placeholder rule and problems. */
export function flowPrompts(options: TreeOptions): Record<string, unknown>[] {
  const { language, menu, refused } = options;
  const problems = placed(menu, options.problems);
  const list = (names: readonly string[]) => names.map((n) => `{${n}}`).join(' ');
  return PROMPT_KEYS.map((key) => {
    const rule = PROMPTS[key];
    const form = formForm(refused, formId('flow', key), language, menu);
    const text = menu.prompts[key];
    return {
      key,
      label: staffText(language, `ivr.flow.${key}`),
      text,
      changed: options.published !== undefined && options.published.prompts[key] !== text,
      required: rule.required.length > 0 ? list(rule.required) : undefined,
      allowed: rule.allowed.length > 0 ? list(rule.allowed) : undefined,
      problems: problems.filter((p) => p.place.prompt === key).map((p) => problemView(language, menu, p)),
      form: { ...form, text: form.values.text ?? text },
    };
  });
}

/** Problems about the menu as a whole (its root, its settings). */
export function menuProblems(options: TreeOptions): ProblemView[] {
  return placed(options.menu, options.problems)
    .filter((p) => p.place.field !== undefined)
    .map((p) => problemView(options.language, options.menu, p));
}

/** The draft's line above the tree: its base, whether a newer version was published, its problems. */
export function draftStatus(
  language: StaffLanguage,
  draft: MenuDraftRecord,
  published: StoredMenu,
  problems: MenuProblem[],
  when: (at: Date) => string,
): Record<string, unknown> {
  return {
    line: staffText(language, 'ivr.draft', { base: draft.baseVersion, at: when(draft.updatedAt) }),
    restored:
      draft.restoredFrom === undefined
        ? undefined
        : staffText(language, 'ivr.draftRestored', { version: draft.restoredFrom }),
    stale:
      draft.baseVersion < published.version
        ? staffText(language, 'ivr.draftStale', { version: published.version })
        : undefined,
    rebase: staffText(language, 'ivr.rebase', { version: published.version }),
    problems: placed(draft.menu, problems).map((p) => problemView(language, draft.menu, p)),
    problemsLine: staffText(language, 'ivr.draftProblems', { count: problems.length }),
  };
}

/** The settings form: the menu's values, or what was typed when it was just refused. */
export function settingsView(menu: IvrMenu, refused: Refused | undefined): Record<string, unknown> {
  const values = { ...settingsOf(menu), ...refused?.values };
  return {
    values,
    open: refused !== undefined,
    afterHours: (['voicemail', 'hangup'] as const).map((value) => ({
      value,
      selected: value === values.afterHours,
    })),
  };
}

export function settingsOf(menu: IvrMenu): Record<string, string> {
  return {
    timeoutSeconds: String(menu.timeoutSeconds),
    maxStrikes: String(menu.maxStrikes),
    recordMaxSeconds: String(menu.recordMaxSeconds),
    afterHours: menu.afterHours,
  };
}
