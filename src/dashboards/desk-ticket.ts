import { contactView, mayKnowContact } from '../api/ticket-view.js';
import { CLOCK_NAMES } from '../routing/sla-clock.js';
import type { WorkingTimeOptions } from '../routing/working-time.js';
import type { Contact } from '../store/contacts.js';
import type { Delivery } from '../store/deliveries.js';
import { localMinute } from '../time/local-format.js';
import type { Actor, AttachmentRef, Ticket, TicketEvent } from '../tickets/types.js';
import {
  actionFields,
  offeredActions,
  pendingCoDepartments,
  type DeskAction,
  type FieldProblem,
} from './desk-actions.js';
import { countdownView } from './desk-format.js';
import { countdownOf } from './desk-inbox.js';
import { staffText, type StaffLanguage } from './messages.js';

/**
 * The desk's ticket page as data for its view (pure: the routes load, this arranges): the summary,
 * the clocks, the citizen's contact masked (or revealed after the audited POST), attachments, the
 * whole timeline with internal events marked, every notification with its delivery, and the forms
 * of the actions this department may run now. Everything a citizen typed stays a string: the view
 * escapes it.
 */
export interface TicketPageInput {
  ticket: Ticket;
  actor: Actor;
  language: StaffLanguage;
  timeZone: string;
  now: Date;
  hours: (department?: string) => WorkingTimeOptions;
  /** Department code → name in the page's language. */
  departments: ReadonlyMap<string, string>;
  contact?: Contact;
  /** The unmasked contact is shown (the audited POST). */
  revealed?: boolean;
  deliveries: readonly Delivery[];
  /** Other tickets the timeline names that this actor may see (others are not even numbered). */
  visibleTickets: ReadonlySet<string>;
  /** A refused action, to show again with what was typed. */
  failed?: {
    action: DeskAction;
    values: Record<string, string>;
    problems: Partial<Record<string, FieldProblem>>;
  };
}

export function ticketPage(input: TicketPageInput): Record<string, unknown> {
  const { ticket, language } = input;
  const word = (key: string, values?: Record<string, string | number>) => staffText(language, key, values);
  const when = (at: Date) => localMinute(at, input.timeZone);
  const name = (code: string | undefined) => (code ? (input.departments.get(code) ?? code) : undefined);
  return {
    number: ticket.number,
    status: ticket.status,
    priority: ticket.priority,
    kind: ticket.kind,
    category: ticket.category,
    channel: ticket.channel,
    subject: ticket.subject,
    body: ticket.body,
    received: when(ticket.createdAt),
    location: ticket.location.text,
    lead: name(ticket.leadDepartment),
    assignee: ticket.assignee ? actorName(ticket.assignee) : undefined,
    tags: ticket.tags.join('、'),
    returnCount: ticket.returnCount > 0 ? ticket.returnCount : undefined,
    supervised: ticket.supervision.flagged,
    co: Object.values(ticket.coDepartments).map((c) => ({
      name: name(c.department),
      status: c.status,
      due: c.dueAt ? word('desk.co.due', { time: when(c.dueAt) }) : undefined,
      opinion: c.opinion,
      mine: c.department === input.actor.department,
    })),
    clocks: clocks(input, word, when),
    pause: ticket.sla.pause && {
      reason: word(`desk.pause.${ticket.sla.pause.reason}`),
      since: when(ticket.sla.pause.since),
      text: ticket.sla.pause.text,
    },
    extension: ticket.sla.extension && {
      status: ticket.sla.extension.status,
      text: word(`desk.extension.${ticket.sla.extension.status}`, { days: ticket.sla.extension.workingDays }),
      reason: ticket.sla.extension.reason,
    },
    contact: contactBlock(input),
    attachments: attachments(ticket),
    timeline: ticket.events.map((event) => timelineItem(input, event, word, when, name)),
    notifications: input.deliveries.map((d) => ({
      at: when(d.updatedAt),
      about: templateWord(language, d.template),
      audience: word(`desk.audience.${d.audience}`),
      channel: word(`ticket.channel.${d.channel}`),
      to: d.to,
      status: d.status,
      statusWord: word(`desk.delivery.${d.status}`),
      attempts: d.attempts,
      reason: d.reason,
      bad: d.status === 'failed' || d.dead,
    })),
    notificationsWaiting: waitingEntries(ticket, input.deliveries),
    actions: actionForms(input, word),
  };
}

type Word = (key: string, values?: Record<string, string | number>) => string;

function clocks(input: TicketPageInput, word: Word, when: (at: Date) => string) {
  const { ticket } = input;
  const options = input.hours(ticket.sla.department ?? ticket.leadDepartment);
  return CLOCK_NAMES.flatMap((name) => {
    const clock = ticket.sla.clocks[name];
    if (!clock) return [];
    const due = word('desk.due', { time: when(clock.dueAt) });
    if (clock.state === 'stopped') {
      return [
        {
          name: word(`desk.clock.${name}`),
          due,
          text: word(clock.met ? 'desk.clock.met' : 'desk.clock.missed'),
          level: clock.met ? 'met' : 'missed',
        },
      ];
    }
    const view = countdownView(input.language, countdownOf(name, clock, input.now, options));
    return [{ name: word(`desk.clock.${name}`), due, text: view.text, level: view.level }];
  });
}

function contactBlock(input: TicketPageInput) {
  const { ticket, contact, actor } = input;
  if (!mayKnowContact(actor, ticket)) return { anonymous: true };
  if (!contact) return { none: true };
  const shown = contactView(contact, !input.revealed);
  return {
    name: shown.name,
    phones: shown.phones,
    emails: shown.emails,
    revealed: input.revealed === true,
  };
}

/** The ticket's files and those of the citizen's later messages; refused files are listed too. */
function attachments(ticket: Ticket) {
  const fromEvents = ticket.events.flatMap((e) =>
    Array.isArray(e.data?.attachments) ? (e.data.attachments as AttachmentRef[]) : [],
  );
  return [...ticket.attachments, ...fromEvents].map((a) => {
    const sha = /^att:([0-9a-f]{64})$/.exec(a.ref)?.[1];
    return {
      name: a.name ?? a.ref,
      type: a.contentType,
      size: a.size === undefined ? undefined : `${String(Math.max(1, Math.round(a.size / 1024)))} KB`,
      refused: a.refused,
      href: sha && !a.refused ? `/api/v1/tickets/${ticket.number}/attachments/${sha}` : undefined,
    };
  });
}

const DETAIL_KEYS = [
  'text',
  'reason',
  'basis',
  'overrideReason',
  'workingDays',
  'department',
  'coDepartments',
  'dueAt',
  'clock',
  'pauseReason',
  'value',
  'comment',
  'summary',
  'into',
  'ticket',
  'late',
] as const;

function timelineItem(
  input: TicketPageInput,
  event: TicketEvent,
  word: Word,
  when: (at: Date) => string,
  name: (code: string | undefined) => string | undefined,
) {
  const data = event.data ?? {};
  const details: { label: string; value: string; long: boolean }[] = [];
  for (const key of DETAIL_KEYS) {
    const value = detailValue(input, key, data, word, name);
    if (value !== undefined) details.push({ label: word(`desk.data.${key}`), value, long: LONG.has(key) });
  }
  const type = known(input.language, `desk.event.${event.type}`);
  return {
    at: when(event.at),
    type: event.type,
    label: type ?? event.type,
    actor: actorLabel(event, word, name),
    channel: word(`ticket.channel.${event.channel}`),
    internal: event.visibility === 'internal',
    change:
      event.fromStatus && event.fromStatus !== event.toStatus
        ? `${word(`ticket.status.${event.fromStatus}`)} → ${word(`ticket.status.${event.toStatus}`)}`
        : undefined,
    details,
  };
}

const LONG = new Set<string>(['text', 'basis', 'summary', 'comment']);

function detailValue(
  input: TicketPageInput,
  key: (typeof DETAIL_KEYS)[number],
  data: Record<string, unknown>,
  word: Word,
  name: (code: string | undefined) => string | undefined,
): string | undefined {
  const raw =
    key === 'overrideReason' ? (data.override as { reason?: unknown } | undefined)?.reason : data[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  switch (key) {
    case 'department':
      return typeof raw === 'string' ? name(raw) : undefined;
    case 'coDepartments':
      return Array.isArray(raw) ? raw.map((c) => name(String(c)) ?? '').join('、') : undefined;
    case 'dueAt':
      return typeof raw === 'string' ? localMinute(new Date(raw), input.timeZone) : undefined;
    case 'clock':
      return typeof raw === 'string' ? word(`desk.clock.${raw}`) : undefined;
    case 'pauseReason':
      return typeof raw === 'string' ? word(`desk.pause.${raw}`) : undefined;
    case 'value':
      return typeof raw === 'string' ? word(`desk.rating.${raw}`) : undefined;
    case 'late':
      return raw === true ? word('desk.yes') : undefined;
    case 'into':
    case 'ticket':
      // Another department's ticket is not even named (DESIGN §4.4).
      return typeof raw === 'string' && input.visibleTickets.has(raw) ? raw : word('desk.otherTicket');
    default:
      return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
  }
}

function actorLabel(event: TicketEvent, word: Word, name: (code: string | undefined) => string | undefined) {
  const { actor } = event;
  if (actor.kind === 'citizen') return word('desk.actor.citizen');
  if (actor.kind === 'system') {
    return word(
      actor.id === 'routing' || actor.id === 'sla' ? `desk.actor.${actor.id}` : 'desk.actor.system',
    );
  }
  const who = actor.id.startsWith('user:') ? actor.id.slice('user:'.length) : word('desk.actor.token');
  const department = name(actor.department);
  return department ? `${who} · ${department}` : who;
}

/** `user:zhang` → `zhang` (API tokens keep their id). */
function actorName(id: string): string {
  return id.startsWith('user:') ? id.slice('user:'.length) : id;
}

function templateWord(language: StaffLanguage, template: string): string {
  return known(language, `desk.template.${template}`) ?? template;
}

/** The word for a key, or undefined when there is none (a template or event type added later). */
function known(language: StaffLanguage, key: string): string | undefined {
  const text = staffText(language, key);
  return text === key ? undefined : text;
}

/** Outbox entries the relay has not turned into deliveries yet (a moment after each command). */
function waitingEntries(ticket: Ticket, deliveries: readonly Delivery[]): number {
  const started = new Set(deliveries.map((d) => d.entryId));
  return Object.values(ticket.outbox).filter((e) => e.status === 'pending' && !started.has(e.id)).length;
}

function actionForms(input: TicketPageInput, word: Word) {
  const { ticket, failed } = input;
  const pending = pendingCoDepartments(ticket);
  const offered = offeredActions(ticket, input.actor);
  return offered.map((action, index) => {
    const mine = failed?.action === action;
    const fields = actionFields(action)
      // Going on without the co-departments is only a question while some have not answered.
      .filter((f) => f.name !== 'overrideReason' || pending.length > 0)
      .map((field) => {
        const problem = mine ? failed.problems[field.name] : undefined;
        const specific = `desk.label.${action}.${field.name}`;
        return {
          ...field,
          id: `${action}-${field.name}`,
          label: known(input.language, specific) ?? word(`desk.label.${field.name}`),
          value: mine ? failed.values[field.name] : undefined,
          problem:
            problem &&
            word(`desk.problem.${problem}`, {
              max: field.maxLength ?? field.maximum ?? '',
              min: field.minimum ?? '',
            }),
        };
      });
    return {
      action,
      label: word(`desk.action.${action}`),
      hint: word(`desk.hint.${action}`),
      fields,
      coPending:
        fields.some((f) => f.name === 'overrideReason') &&
        word('desk.coPending', { departments: pending.map((c) => input.departments.get(c) ?? c).join('、') }),
      open: mine || (failed === undefined && index === 0),
    };
  });
}
