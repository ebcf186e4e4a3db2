import type Handlebars from 'handlebars';
import type { Locale } from '../renderer.js';
import { NOTIFICATION_FIELDS, type NotificationData } from './data.js';
import { BLOCK_HELPERS, COMPILE_OPTIONS, INLINE_HELPERS } from './helpers.js';
import { PART_NAMES, type PartName, type TemplateParts } from './parts.js';

type Node = hbs.AST.Node;

/** What is wrong with a template, where (part and line, when known), in words an admin can act on. */
export interface TemplateProblem {
  field: PartName | 'event' | 'channel' | 'locale';
  line?: number;
  message: string;
  /** SMS over the limit: the parts its sample takes. */
  parts?: number;
}

type Delegate = Handlebars.TemplateDelegate<NotificationData>;
export type CompiledParts = Partial<Record<PartName, Delegate>> & { body: Delegate };
export type RenderedParts = Partial<Record<PartName, string>> & { body: string };

const FIELDS = new Set<string>(NOTIFICATION_FIELDS);
const INLINE = new Set<string>(INLINE_HELPERS);
const BLOCKS = new Set<string>(BLOCK_HELPERS);

/**
 * Checks and compiles each part. Before Handlebars compiles a part, its syntax tree is walked: only
 * our fields by plain name, only our helpers, only `if`/`unless` blocks, no partials, and no
 * unescaped output in HTML. compile() is lazy: the first render (the checks' sample render) builds
 * the function, and a compile error there still carries its line.
 */
export function compileParts(
  hbs: typeof Handlebars,
  parts: TemplateParts,
): { compiled?: CompiledParts; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const compiled: Partial<Record<PartName, Delegate>> = {};
  for (const field of PART_NAMES) {
    const source = parts[field];
    if (source === undefined) continue;
    const { program, problems: found } = parsePart(hbs, field, source);
    problems.push(...found);
    if (!program) continue;
    // Only HTML is escaped: SMS, voice, push and email text are plain text.
    compiled[field] = hbs.compile<NotificationData>(program, {
      ...COMPILE_OPTIONS,
      noEscape: field !== 'html',
    });
  }
  const body = compiled.body;
  if (problems.length > 0 || !body) return { problems };
  return { compiled: { ...compiled, body }, problems };
}

/** Renders every compiled part with the locale the helpers read as `@locale`. */
export function renderParts(compiled: CompiledParts, data: NotificationData, locale: Locale): RenderedParts {
  const options = { data: { locale } };
  const rendered: RenderedParts = { body: compiled.body(data, options) };
  if (compiled.subject) rendered.subject = compiled.subject(data, options).trim();
  if (compiled.html) rendered.html = compiled.html(data, options);
  return rendered;
}

function parsePart(
  hbs: typeof Handlebars,
  field: PartName,
  source: string,
): { program?: hbs.AST.Program; problems: TemplateProblem[] } {
  let program: hbs.AST.Program;
  try {
    program = hbs.parse(source);
  } catch (error) {
    return { problems: [handlebarsProblem(field, error)] };
  }
  const problems: TemplateProblem[] = [];
  walkProgram(program, field, problems);
  return problems.length > 0 ? { problems } : { program, problems };
}

/** A Handlebars error as a problem: its line from the error, or from "Parse error on line N". */
export function handlebarsProblem(field: PartName, error: unknown): TemplateProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const lineNumber = (error as { lineNumber?: unknown }).lineNumber;
  const line = typeof lineNumber === 'number' ? lineNumber : Number(/line (\d+)/.exec(raw)?.[1] ?? NaN);
  const message = raw
    .replace(/ - \d+:\d+$/, '')
    .replace(/ in \[object Object\]$/, '')
    .replace(/^("[^"]+") not defined$/, 'unknown variable $1');
  return { field, ...(Number.isInteger(line) && line > 0 ? { line } : {}), message };
}

function walkProgram(program: hbs.AST.Program | undefined, field: PartName, out: TemplateProblem[]): void {
  for (const statement of program?.body ?? []) walkStatement(statement, field, out);
}

function walkStatement(node: Node, field: PartName, out: TemplateProblem[]): void {
  const problem = (message: string) => out.push({ field, line: node.loc.start.line, message });
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      if (field === 'html' && !mustache.escaped)
        problem('HTML output must be escaped: use {{x}}, not {{{x}}}');
      call(mustache, field, out);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const name = block.path.original;
      if (!BLOCKS.has(name)) {
        problem(`only {{#if}} and {{#unless}} blocks are available, not {{#${name}}}`);
        return;
      }
      if (block.params.length !== 1 || hashSize(block) > 0) {
        problem(`{{#${name}}} takes one field, e.g. {{#${name} departmentName}}`);
      }
      for (const param of block.params) value(param, field, out);
      walkProgram(block.program, field, out);
      walkProgram(block.inverse, field, out);
      return;
    }
    default:
      problem(`${node.type.replace(/Statement|Block/g, '').toLowerCase()}s are not available in templates`);
  }
}

/** `{{field}}`, `{{helper args}}` or `(helper args)`. */
function call(
  node: hbs.AST.MustacheStatement | hbs.AST.SubExpression,
  field: PartName,
  out: TemplateProblem[],
) {
  const path = node.path;
  if (path.type !== 'PathExpression') return;
  const name = (path as hbs.AST.PathExpression).original;
  if (node.params.length === 0 && hashSize(node) === 0) {
    if (INLINE.has(name)) {
      out.push({
        field,
        line: path.loc.start.line,
        message: `${name} needs a value, e.g. {{${name} number}}`,
      });
    } else {
      value(path, field, out);
    }
    return;
  }
  if (!INLINE.has(name)) {
    out.push({ field, line: path.loc.start.line, message: `unknown helper "${name}"` });
    return;
  }
  for (const param of node.params) value(param, field, out);
}

function value(node: hbs.AST.Expression, field: PartName, out: TemplateProblem[]): void {
  if (node.type === 'SubExpression') {
    call(node as hbs.AST.SubExpression, field, out);
    return;
  }
  if (node.type !== 'PathExpression') return;
  const path = node as hbs.AST.PathExpression;
  const name = path.original;
  // `this.x`, `../x`, `@root.x` and `x.y` are refused: data is flat and never changes context.
  const plain = !path.data && path.depth === 0 && path.parts.length === 1 && path.parts[0] === name;
  if (!plain || !FIELDS.has(name)) {
    out.push({ field, line: path.loc.start.line, message: `unknown variable "${path.original}"` });
  }
}

/** The AST types say `hash` is always there; the parser leaves it out when there is none. */
function hashSize(node: { hash?: hbs.AST.Hash }): number {
  return node.hash?.pairs.length ?? 0;
}
