import { PROMPTS, type IvrMenu, type MenuNode, type MenuOption, type StoredMenu } from './menu.js';
import { validateMenu, type MenuProblem, type MenuProblemCode } from './validate-menu.js';

/**
 * One change to a menu draft (the IVR admin page), checked by the same rules as a save
 * (validate-menu.ts). A draft is built step by step, so two problems are allowed in it meanwhile —
 * a new node nobody reaches yet, a node without keys yet — and refused only at Publish; an edit
 * that adds any other problem is refused and changes nothing.
 */
export type MenuEdit =
  | { kind: 'node_prompt'; node: string; prompt: string }
  | { kind: 'add_option'; node: string; option: MenuOption }
  /** The option keyed `digit` becomes `option` (its key may change too), in the same place. */
  | { kind: 'change_option'; node: string; digit: string; option: MenuOption }
  | { kind: 'remove_option'; node: string; digit: string }
  | { kind: 'add_node'; node: MenuNode }
  /** Refused while an option leads to the node, and for the root. */
  | { kind: 'remove_node'; node: string }
  | { kind: 'flow_prompt'; key: string; text: string }
  | { kind: 'settings'; settings: MenuSettings };

export type MenuSettings = Pick<IvrMenu, 'timeoutSeconds' | 'maxStrikes' | 'recordMaxSeconds' | 'afterHours'>;

/** Why an edit cannot be made at all, besides the menu's own problems. */
export type EditProblemCode = MenuProblemCode | 'unknown_option' | 'node_in_use' | 'root_node';

export interface EditProblem {
  path: string;
  code: EditProblemCode;
  message: string;
  /** Where it is, in the menu the path points into (the edited one, or the one refused). */
  place: ProblemPlace;
}

/** Problems a draft may have while it is being built; Publish (checkMenu) still refuses them. */
export const DRAFT_PROBLEMS: readonly MenuProblemCode[] = ['unreachable_node', 'no_options'];

export type EditOutcome =
  { ok: true; menu: IvrMenu; problems: MenuProblem[] } | { ok: false; problems: EditProblem[] };

/** The menu with `edit` made, and its problems; or why it cannot be made (the menu unchanged). */
export function applyEdit(menu: IvrMenu, edit: MenuEdit): EditOutcome {
  const refused = refusal(menu, edit);
  if (refused) return { ok: false, problems: [refused] };
  const next = edited(menu, edit);
  const problems = validateMenu(next);
  const before = new Set(
    validateMenu(menu)
      .filter(isHard)
      .map((p) => problemKey(menu, p)),
  );
  const added = problems.filter((p) => isHard(p) && !before.has(problemKey(next, p)));
  if (added.length === 0) return { ok: true, menu: next, problems };
  return { ok: false, problems: added.map((p) => ({ ...p, place: placeOf(next, p.path) })) };
}

/** The options (node and key) that lead to a node. */
export function optionsLeadingTo(menu: IvrMenu, id: string): { node: string; digit: string }[] {
  return menu.nodes.flatMap((node) =>
    node.options
      .filter((o) => o.action === 'submenu' && o.node === id)
      .map((o) => ({ node: node.id, digit: o.digit })),
  );
}

function refusal(menu: IvrMenu, edit: MenuEdit): EditProblem | undefined {
  if (edit.kind === 'flow_prompt') {
    if (edit.key in PROMPTS) return undefined;
    const message = `no flow says "${edit.key}"`;
    return { path: `/prompts/${edit.key}`, code: 'unknown_prompt', message, place: { prompt: edit.key } };
  }
  if (edit.kind === 'add_node' || edit.kind === 'settings') return undefined;
  const at = menu.nodes.findIndex((n) => n.id === edit.node);
  const node = menu.nodes[at];
  if (!node) return { path: '/nodes', code: 'unknown_node', message: `no node "${edit.node}"`, place: {} };
  const path = `/nodes/${String(at)}`;
  const place = { node: node.id };
  if (edit.kind === 'change_option' || edit.kind === 'remove_option') {
    if (!node.options.some((o) => o.digit === edit.digit)) {
      const message = `node "${node.id}" has no key ${edit.digit}`;
      return {
        path: `${path}/options`,
        code: 'unknown_option',
        message,
        place: { ...place, digit: edit.digit },
      };
    }
  }
  if (edit.kind === 'remove_node') {
    if (node.id === menu.root) {
      return { path, code: 'root_node', message: 'the root node cannot be removed', place };
    }
    const leading = optionsLeadingTo(menu, node.id).filter((o) => o.node !== node.id);
    if (leading.length > 0) {
      const keys = leading.map((o) => `${o.node} ${o.digit}`).join(', ');
      return { path, code: 'node_in_use', message: `keys lead to node "${node.id}": ${keys}`, place };
    }
  }
  return undefined;
}

function edited(menu: IvrMenu, edit: MenuEdit): IvrMenu {
  const withNode = (id: string, change: (node: MenuNode) => MenuNode): IvrMenu => ({
    ...menu,
    nodes: menu.nodes.map((n) => (n.id === id ? change(n) : n)),
  });
  switch (edit.kind) {
    case 'node_prompt':
      return withNode(edit.node, (n) => ({ ...n, prompt: edit.prompt }));
    case 'add_option':
      return withNode(edit.node, (n) => ({ ...n, options: [...n.options, tidy(edit.option)] }));
    case 'change_option':
      return withNode(edit.node, (n) => ({
        ...n,
        options: n.options.map((o) => (o.digit === edit.digit ? tidy(edit.option) : o)),
      }));
    case 'remove_option':
      return withNode(edit.node, (n) => ({ ...n, options: n.options.filter((o) => o.digit !== edit.digit) }));
    case 'add_node':
      return { ...menu, nodes: [...menu.nodes, { ...edit.node, options: edit.node.options.map(tidy) }] };
    case 'remove_node':
      return { ...menu, nodes: menu.nodes.filter((n) => n.id !== edit.node) };
    case 'flow_prompt':
      return { ...menu, prompts: { ...menu.prompts, [edit.key]: edit.text } };
    case 'settings':
      return { ...menu, ...edit.settings };
  }
}

/** Only a submenu names a node. */
function tidy(option: MenuOption): MenuOption {
  const { digit, action, node } = option;
  return action === 'submenu' && node !== undefined && node !== ''
    ? { digit, action, node }
    : { digit, action };
}

function isHard(problem: MenuProblem): boolean {
  return !DRAFT_PROBLEMS.includes(problem.code);
}

/**
 * A problem's identity across edits: node positions shift when a node is removed, so the path names
 * the node by its id.
 */
function problemKey(menu: IvrMenu, problem: MenuProblem): string {
  const path = problem.path.replace(/^\/nodes\/(\d+)/, (all, i: string) => {
    const node = menu.nodes[Number(i)];
    return node ? `/nodes/${node.id}` : all;
  });
  return `${problem.code} ${path} ${problem.message}`;
}

/** Where a problem is: the node (by id), the option's key, the flow prompt — for showing it there. */
export interface ProblemPlace {
  node?: string;
  digit?: string;
  prompt?: string;
  field?: string;
}

export function placeOf(menu: IvrMenu, path: string): ProblemPlace {
  const inNode = /^\/nodes\/(\d+)(?:\/options\/(\d+))?/.exec(path);
  if (inNode) {
    const node = menu.nodes[Number(inNode[1])];
    const option = inNode[2] === undefined ? undefined : node?.options[Number(inNode[2])];
    return { ...(node ? { node: node.id } : {}), ...(option ? { digit: option.digit } : {}) };
  }
  const prompt = /^\/prompts\/(.+)$/.exec(path)?.[1];
  if (prompt !== undefined) return { prompt };
  const field = /^\/(\w+)$/.exec(path)?.[1];
  return field === undefined ? {} : { field };
}

/** A saved version's menu without its version bookkeeping: what a draft starts from. */
export function menuOf(stored: StoredMenu): IvrMenu {
  const { root, nodes, prompts, timeoutSeconds, maxStrikes, recordMaxSeconds, afterHours } = stored;
  return { root, nodes, prompts, timeoutSeconds, maxStrikes, recordMaxSeconds, afterHours };
}
