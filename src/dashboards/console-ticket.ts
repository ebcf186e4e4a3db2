import { CATEGORIES, categoryByValue, locationOf } from '../channels/web/ticket-options.js';
import type { RoutingTables } from '../routing/tables.js';
import type { CallRecord, CallRepository } from '../store/calls.js';
import type { TicketCore } from '../tickets/plugin.js';
import { previewRoute, type RoutePreview } from '../tickets/route-preview.js';
import {
  KINDS,
  PRIORITIES,
  type Actor,
  type Location,
  type Priority,
  type TicketKind,
} from '../tickets/types.js';

/** The longest request an operator types while talking (the API allows more; a call is short). */
export const CONSOLE_TEXT_MAX = 2000;

/** The console's ticket form as posted (every field a string; empty = not chosen). */
export interface ConsoleTicketForm {
  kind: string;
  category: string;
  priority: string;
  place: string;
  text: string;
}

export type ConsoleTicketField = keyof ConsoleTicketForm;
/** Per field, why it was refused: `required`, `unknown` or `too_long` (the page words each). */
export type ConsoleTicketProblems = Partial<Record<ConsoleTicketField, 'required' | 'unknown' | 'too_long'>>;

export interface ConsoleTicket {
  kind: TicketKind;
  category?: string;
  priority: Priority;
  location?: Location;
  text: string;
}

/**
 * Reads the form: a known kind and priority, a category and place from the lists the citizen pages
 * offer (src/channels/web/ticket-options.ts: what routing rules match on), and some text. For the
 * preview an empty text is no error (there is just nothing to route yet): `textRequired` says which.
 */
export function readTicketForm(
  form: ConsoleTicketForm,
  textRequired: boolean,
): { ok: true; ticket: ConsoleTicket } | { ok: false; problems: ConsoleTicketProblems } {
  const problems: ConsoleTicketProblems = {};
  const kind = oneOf(KINDS, form.kind);
  if (!kind) problems.kind = form.kind ? 'unknown' : 'required';
  // Not chosen: normal (a rule may raise it).
  const priority = form.priority === '' ? 'normal' : oneOf(PRIORITIES, form.priority);
  if (!priority) problems.priority = 'unknown';
  const category = form.category.trim();
  if (category && !categoryByValue(category)) problems.category = 'unknown';
  const place = form.place.trim();
  const location = place ? locationOf(place) : undefined;
  if (place && !location) problems.place = 'unknown';
  const text = form.text.replace(/\0/g, '').trim();
  if (!text && textRequired) problems.text = 'required';
  if (Array.from(text).length > CONSOLE_TEXT_MAX) problems.text = 'too_long';
  if (!kind || !priority || Object.keys(problems).length > 0) return { ok: false, problems };
  return {
    ok: true,
    ticket: { kind, priority, text, ...(category ? { category } : {}), ...(location ? { location } : {}) },
  };
}

/**
 * Where the ticket would go if opened now (派单预演): the routing dry-run itself, for the hotline
 * channel and the caller's number; undefined while there is no text to route.
 */
export function consolePreview(
  tables: RoutingTables,
  ticket: ConsoleTicket,
  callerPhone: string | undefined,
  at: Date,
): RoutePreview | undefined {
  if (!ticket.text) return undefined;
  return previewRoute(tables, {
    channel: 'hotline',
    kind: ticket.kind,
    category: ticket.category,
    priority: ticket.priority,
    text: ticket.text,
    location: ticket.location ?? {},
    callerPhone,
    at,
  });
}

export interface OpenForCallDeps {
  intake: TicketCore['intake'];
  calls: Pick<CallRepository, 'linkTicket'>;
  now: () => Date;
}

/**
 * An operator opens a ticket while talking: the core's intake (channel `hotline`, the caller's
 * number as the contact, routed by the same rules the preview showed), then the ticket is linked to
 * the call as `POST /api/v1/calls/{CallSid}/ticket` links it. `formKey` is the form's one-time key:
 * a double click or a resent form finds the first ticket (intake is idempotent per key).
 */
export async function openTicketForCall(
  deps: OpenForCallDeps,
  input: { call: CallRecord; ticket: ConsoleTicket; formKey: string; actor: Actor },
): Promise<{ number: string; created: boolean }> {
  const { call, ticket, actor } = input;
  const result = await deps.intake(
    {
      channel: 'hotline',
      idempotencyKey: `console:${call.callSid}:${input.formKey}`,
      sender: { ...(call.from ? { phone: call.from } : {}), language: 'zh-CN' },
      text: ticket.text,
      kind: ticket.kind,
      ...(ticket.category ? { category: ticket.category } : {}),
      priority: ticket.priority,
      ...(ticket.location ? { location: ticket.location } : {}),
      externalIds: [{ name: 'CallSid', value: call.callSid }],
    },
    actor,
  );
  await deps.calls.linkTicket(call.callSid, result.ticket.number, deps.now(), `operator:${actor.id}`);
  return { number: result.ticket.number, created: result.created };
}

function oneOf<T extends string>(values: readonly T[], value: string): T | undefined {
  return (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The category list of the form (values are what tickets store; words come from the page). */
export const CONSOLE_CATEGORIES = CATEGORIES;
