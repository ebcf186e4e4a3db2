import { Value } from 'typebox/value';
import { COMMAND_BODIES } from '../api/schemas.js';
import { canSee } from '../tickets/access.js';
import type { CommandInput } from '../tickets/execute-command.js';
import { isAllowed, roleMayRun, type CommandName } from '../tickets/state-machine.js';
import type { Actor, Ticket } from '../tickets/types.js';

/**
 * The desk's actions: each is one command of the ticket core (src/tickets/state-machine.ts), posted
 * by a CSRF-checked form. The fields of each form and their limits are the staff API's own body
 * schemas (src/api/schemas.ts COMMAND_BODIES), so a form accepts exactly what the API accepts; the
 * core still decides every command — what is offered here only hides buttons that would be refused.
 */
export const DESK_ACTIONS = [
  'sign',
  'co_sign',
  'start',
  'resume',
  'reply',
  'co_answer',
  'ask',
  'note',
  'request_extension',
  'return',
  'resolve',
] as const satisfies readonly CommandName[];
export type DeskAction = (typeof DESK_ACTIONS)[number];

export function isDeskAction(value: unknown): value is DeskAction {
  return typeof value === 'string' && (DESK_ACTIONS as readonly string[]).includes(value);
}

/**
 * What this department clerk or head may do now: the state machine allows the command in this
 * status for the department role, the lead department does its work, a co-department (并联) signs
 * and gives its opinion once, anyone who sees the ticket adds notes.
 */
export function offeredActions(ticket: Ticket, actor: Actor): DeskAction[] {
  const department = actor.department;
  if (actor.kind !== 'staff' || actor.role !== 'department' || !department || !canSee(actor, ticket)) {
    return [];
  }
  const lead = ticket.leadDepartment === department;
  const co = ticket.coDepartments[department];
  return DESK_ACTIONS.filter((action) => {
    if (!roleMayRun(action, 'department') || !isAllowed(action, ticket.status)) return false;
    switch (action) {
      case 'co_sign':
        return co?.status === 'pending';
      case 'co_answer':
        return co !== undefined && co.status !== 'answered';
      case 'note':
        return true;
      case 'request_extension':
        return lead && mayAskExtension(ticket);
      default:
        return lead;
    }
  });
}

/** An extension needs a completion clock still counting and no request already waiting. */
function mayAskExtension(ticket: Ticket): boolean {
  const completion = ticket.sla.clocks.completion;
  return (
    completion !== undefined && completion.state !== 'stopped' && ticket.sla.extension?.status !== 'pending'
  );
}

/** Co-departments the lead still waits for: replying or resolving without them needs a reason. */
export function pendingCoDepartments(ticket: Ticket): string[] {
  return Object.values(ticket.coDepartments)
    .filter((c) => c.status !== 'answered')
    .map((c) => c.department);
}

export type FieldProblem = 'required' | 'too_long' | 'invalid';

export interface ActionField {
  name: keyof CommandInput;
  required: boolean;
  widget: 'textarea' | 'number' | 'line' | 'choice';
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** Long texts get a text area, short reasons a line, day counts a number box. */
const WIDGETS: Partial<Record<keyof CommandInput, ActionField['widget']>> = {
  text: 'textarea',
  basis: 'textarea',
  reason: 'line',
  overrideReason: 'line',
  workingDays: 'number',
};

interface ObjectSchema {
  properties: Record<string, { maxLength?: number; minimum?: number; maximum?: number }>;
  required?: string[];
}

/** The fields of an action's form, read from the API's body schema of its command. */
export function actionFields(action: DeskAction): ActionField[] {
  const schema = COMMAND_BODIES[action] as unknown as ObjectSchema;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name: name as keyof CommandInput,
    required: required.has(name),
    widget: WIDGETS[name as keyof CommandInput] ?? 'line',
    maxLength: property.maxLength,
    minimum: property.minimum,
    maximum: property.maximum,
  }));
}

export type FormValues = Record<string, string | undefined>;

/**
 * The command input a form posted, checked against the API's schema: blank fields are left out,
 * day counts read as numbers. Each refused field is named with why, and then nothing is run.
 */
export function readActionForm(
  action: DeskAction,
  form: FormValues,
): { ok: true; input: CommandInput } | { ok: false; problems: Partial<Record<string, FieldProblem>> } {
  const input: Record<string, unknown> = {};
  for (const field of actionFields(action)) {
    const raw = form[field.name]?.trim();
    if (!raw) continue;
    input[field.name] = field.widget === 'number' && /^\d{1,6}$/.test(raw) ? Number(raw) : raw;
  }
  const problems: Partial<Record<string, FieldProblem>> = {};
  for (const error of Value.Errors(COMMAND_BODIES[action], input)) {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) problems[name] ??= 'required';
      continue;
    }
    const name = error.instancePath.split('/')[1];
    if (name) problems[name] ??= error.keyword === 'maxLength' ? 'too_long' : 'invalid';
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, input };
}
