import type { Ticket, OutboxEntry } from '../tickets/types.js';
import type { NotifySettings } from './deps.js';
import { ratingToken } from './recipient.js';

const DATE_FORMAT = new Map<string, Intl.DateTimeFormat>();

function formatDate(at: Date, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = DATE_FORMAT.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    DATE_FORMAT.set(key, format);
  }
  return format.format(at);
}

/**
 * The data a notification template sees, from the ticket as it is now and the event the entry was
 * made for: the number and query code, the department's name, the text of a reply or question, the
 * due date an extension set, links to track and to rate. Never an address or an ID number.
 */
export function renderData(
  settings: NotifySettings,
  ticket: Ticket,
  entry: OutboxEntry,
  extra: { departmentName?: string; language: string; collapsed: number },
): Record<string, unknown> {
  const event = ticket.events.find((e) => e.id === entry.eventId);
  const data = event?.data ?? {};
  const due =
    ticket.sla.extension?.status === 'approved' && entry.template === 'extension_approved'
      ? ticket.sla.extension.dueAt
      : typeof data.dueAt === 'string'
        ? new Date(data.dueAt)
        : ticket.sla.clocks.completion?.dueAt;
  const base = settings.publicUrl;
  return {
    number: ticket.number,
    queryCode: ticket.queryCode,
    kind: ticket.kind,
    status: ticket.status,
    departmentName: extra.departmentName,
    text: typeof data.text === 'string' ? data.text : undefined,
    dueAt: due ? formatDate(new Date(due), extra.language, settings.timezone) : undefined,
    ratingUrl: `${base}/rate/${ticket.number}?t=${ratingToken(settings.secret, ticket)}`,
    trackUrl: `${base}/track?n=${ticket.number}`,
    stage: entry.template.startsWith('sla.') ? entry.template.slice(4) : undefined,
    clock: typeof data.clock === 'string' ? data.clock : undefined,
    collapsed: extra.collapsed,
  };
}
