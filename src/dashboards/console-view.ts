import { CATEGORIES, DISTRICTS, placeLabel } from '../channels/web/ticket-options.js';
import type { LiveCall } from '../channels/voice/live-calls.js';
import { maskPhone } from '../privacy/phone.js';
import { redactPersonalData } from '../privacy/redact.js';
import type { Department } from '../store/departments.js';
import type { StaffUserRole } from '../store/staff-users.js';
import type { RoutePreview } from '../tickets/route-preview.js';
import { KINDS, PRIORITIES, type Ticket } from '../tickets/types.js';
import { localMinute } from '../time/local-format.js';
import type { ConsoleTicketForm, ConsoleTicketProblems } from './console-ticket.js';
import { CONSOLE_TEXT_MAX } from './console-ticket.js';
import { staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';

/** Who may open the console: operators, and admins (who run the centre and stand in for them). */
export const CONSOLE_ROLES: readonly StaffUserRole[] = [...AREAS.console.roles, 'admin'];

/** Characters of a ticket's text in a list row. */
const ROW_EXCERPT = 50;

/** `09:41:07` in the hub's time zone: calls are watched by the second. */
export function localClock(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** `3:05`: minutes and seconds since `since` (the console's script keeps it ticking). */
export function waitedText(since: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  return `${String(Math.floor(seconds / 60))}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A live call as a row of the console's list: the phone masked. */
export function callRow(language: StaffLanguage, live: LiveCall, timeZone: string, now: Date) {
  const since = live.queuedAt ?? live.call.startedAt;
  return {
    callSid: live.call.callSid,
    href: `/staff/console/calls/${live.call.callSid}`,
    caller: live.call.from ? maskPhone(live.call.from) : staffText(language, 'console.calls.withheld'),
    state: live.state,
    started: localClock(live.call.startedAt, timeZone),
    since: since.toISOString(),
    waited: waitedText(since, now),
  };
}

/** Code → name in the page's language. */
export function departmentNames(
  language: StaffLanguage,
  departments: readonly Department[],
): Map<string, string> {
  return new Map(departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]));
}

/** The departments a select offers: active ones, by code. */
export function departmentOptions(
  language: StaffLanguage,
  departments: readonly Department[],
  selected?: string,
): { code: string; name: string; selected: boolean }[] {
  const names = departmentNames(language, departments);
  return departments
    .filter((d) => d.active)
    .map((d) => ({ code: d.code, name: names.get(d.code) ?? d.code, selected: d.code === selected }));
}

/** A ticket of a list (triage), its text cut short with personal data redacted. */
export function ticketRow(language: StaffLanguage, ticket: Ticket, timeZone: string) {
  const text = Array.from(
    redactPersonalData(ticket.subject ? `${ticket.subject}：${ticket.body}` : ticket.body),
  );
  return {
    number: ticket.number,
    created: localMinute(ticket.createdAt, timeZone),
    channel: ticket.channel,
    kind: ticket.kind,
    category: categoryKey(ticket.category),
    categoryText: ticket.category,
    place: placeLabel(language, ticket.location),
    excerpt: text.length > ROW_EXCERPT ? `${text.slice(0, ROW_EXCERPT).join('')}…` : text.join(''),
  };
}

/** The words key of a known category (`social_security`), or undefined: the stored value is shown. */
export function categoryKey(value: string | undefined): string | undefined {
  return value === undefined ? undefined : CATEGORIES.find((c) => c.value === value)?.key;
}

/** The ticket form's selects and fields, as typed, with each refused field's message. */
export function ticketFormView(
  language: StaffLanguage,
  form: ConsoleTicketForm,
  problems: ConsoleTicketProblems = {},
) {
  const district = (name: string, nameEn: string) => (language === 'en' ? nameEn : name);
  return {
    kinds: KINDS.map((kind) => ({ kind, selected: form.kind === kind })),
    priorities: PRIORITIES.map((priority) => ({
      priority,
      selected: form.priority === priority || (form.priority === '' && priority === 'normal'),
    })),
    categories: CATEGORIES.map((c) => ({ value: c.value, key: c.key, selected: form.category === c.value })),
    places: DISTRICTS.map((d) => ({
      label: district(d.name, d.nameEn),
      options: [
        {
          value: d.code,
          label: staffText(language, 'console.ticket.wholeDistrict', {
            district: district(d.name, d.nameEn),
          }),
          selected: form.place === d.code,
        },
        ...d.townships.map((t) => ({
          value: t.code,
          label: `${district(d.name, d.nameEn)} ${district(t.name, t.nameEn)}`,
          selected: form.place === t.code,
        })),
      ],
    })),
    text: form.text,
    max: CONSOLE_TEXT_MAX,
    problems: Object.fromEntries(
      Object.entries(problems).map(([field, code]) => [
        field,
        staffText(language, `console.ticket.problem.${code}`, { max: CONSOLE_TEXT_MAX }),
      ]),
    ),
    invalid: problems,
  };
}

/** The routing preview in words: rule, departments by name, SLA deadlines in local time. */
export function previewView(
  language: StaffLanguage,
  preview: RoutePreview | undefined,
  names: Map<string, string>,
  timeZone: string,
) {
  if (!preview) return { empty: true };
  const name = (code: string) => `${names.get(code) ?? code} (${code})`;
  const t = (key: string, values?: Record<string, string | number>) => staffText(language, key, values);
  const due = Object.entries(preview.sla?.dueAt ?? {}).map(([clock, at]) =>
    t(`console.preview.due.${clock}`, { at: localMinute(new Date(at), timeZone) }),
  );
  return {
    empty: false,
    matched: preview.matched,
    rule: preview.rule && t('console.preview.rule', { ...preview.rule }),
    lead: preview.routeTo && t('console.preview.lead', { department: name(preview.routeTo.leadDepartment) }),
    leadCode: preview.routeTo?.leadDepartment,
    co:
      preview.routeTo && preview.routeTo.coDepartments.length > 0
        ? t('console.preview.co', { departments: preview.routeTo.coDepartments.map(name).join('、') })
        : undefined,
    priority:
      preview.routeTo &&
      t('console.preview.priority', { priority: t(`ticket.priority.${preview.routeTo.priority}`) }),
    tags:
      preview.routeTo && preview.routeTo.tags.length > 0
        ? t('console.preview.tags', { tags: preview.routeTo.tags.join('、') })
        : undefined,
    sla: preview.sla && `${t('console.preview.sla', { policy: preview.sla.policy })} ${due.join('；')}`,
    reasons: preview.reasons,
    considered: t('console.preview.considered', {
      considered: preview.considered,
      notInForce: preview.notInForce,
      window: t(`console.window.${preview.timeWindow}`),
    }),
  };
}
