import type { LocaleCatalog, TemplateParts } from './parts.js';

/** What departments and supervisors are told, in English; see staff-zh.ts. */

const MORE = '{{moreUpdates collapsed}}';
const DEPARTMENT = '{{#if departmentName}} ({{departmentName}}){{/if}}';
const YOU = '{{#if departmentName}}{{departmentName}}{{else}}your department{{/if}}';

function email(subject: string, main: string): TemplateParts {
  return {
    subject,
    body:
      `${main}${MORE}\n\n` +
      'Ticket: {{number}}\nType: {{kindLabel kind}}\n{{#if dueAt}}Due: {{dueAt}}\n{{/if}}' +
      'Open the ticket: {{trackUrl}}\n\n12345 Government Service Hotline (sent automatically)\n',
  };
}

const text = (body: string): TemplateParts => ({ body });

function warning(title: string, line: string): Partial<Record<'email' | 'push' | 'sms', TemplateParts>> {
  return {
    sms: text(`${title}: ${line}${MORE}`),
    email: email(`${title}: ticket {{number}}, {{clockLabel clock}} due {{dueAt}}`, line),
    push: text(`${title}: ${line}${MORE}`),
  };
}

export const STAFF_EN: LocaleCatalog = {
  'department.new_ticket': {
    sms: text(`New ticket {{number}} ({{kindLabel kind}}) for ${YOU}: please accept it.${MORE}`),
    email: email(
      'New ticket {{number}}: please accept it',
      `The 12345 hotline sent a new ticket to ${YOU}. Please accept and handle it.`,
    ),
    push: text(`New ticket {{number}} ({{kindLabel kind}}): please accept it.${MORE}`),
  },
  'department.co_ticket': {
    sms: text(`Ticket {{number}} needs the opinion of ${YOU}{{#if dueAt}} by {{dueAt}}{{/if}}.${MORE}`),
    email: email(
      'Ticket {{number}}: your opinion is needed',
      `The 12345 hotline asks ${YOU} to help with this ticket: please accept it and give your opinion{{#if dueAt}} by {{dueAt}}{{/if}}.`,
    ),
    push: text(`Ticket {{number}}: your opinion is needed.${MORE}`),
  },
  'department.co_answered': {
    sms: text(
      `Ticket {{number}}: {{#if departmentName}}{{departmentName}}{{else}}a co-department{{/if}} gave its opinion.${MORE}`,
    ),
    email: email(
      'Ticket {{number}}: a co-department gave its opinion',
      '{{#if departmentName}}{{departmentName}}{{else}}A co-department{{/if}} gave its opinion on ticket {{number}}.' +
        ' Please read it before you answer the citizen.{{#if text}}\n\nOpinion: {{text}}{{/if}}',
    ),
    push: text(
      `Ticket {{number}}: {{#if departmentName}}{{departmentName}}{{else}}a co-department{{/if}} gave its opinion.${MORE}`,
    ),
  },
  'sla.yellow': warning(
    'Warning',
    `Ticket {{number}}${DEPARTMENT}: the {{clockLabel clock}} limit ends {{dueAt}}.`,
  ),
  'sla.red': warning(
    'Urgent',
    `Ticket {{number}}${DEPARTMENT}: the {{clockLabel clock}} limit ends {{dueAt}}. Act now.`,
  ),
  'sla.overdue': warning(
    'Overdue',
    `Ticket {{number}}${DEPARTMENT}: the {{clockLabel clock}} limit passed ({{dueAt}}). It is now supervised.`,
  ),
  'sla.extension_requested': {
    sms: text(`Ticket {{number}}${DEPARTMENT}: more time is requested. Please decide.${MORE}`),
    email: email(
      'Extension requested: ticket {{number}}',
      `{{#if departmentName}}{{departmentName}}{{else}}The department{{/if}} asks for more time on ticket {{number}}. Please decide.{{#if text}}\n\nReason: {{text}}{{/if}}`,
    ),
    push: text(`Ticket {{number}}${DEPARTMENT}: more time is requested.${MORE}`),
  },
  'sla.extension_approved': {
    sms: text(`Ticket {{number}}: extension approved, now due {{dueAt}}.${MORE}`),
    email: email(
      'Extension approved: ticket {{number}}',
      'More time was approved for ticket {{number}}: it is now due {{dueAt}}.',
    ),
    push: text(`Ticket {{number}}: extension approved, due {{dueAt}}.${MORE}`),
  },
  'sla.extension_denied': {
    sms: text(`Ticket {{number}}: extension denied, the original due date stands.${MORE}`),
    email: email(
      'Extension denied: ticket {{number}}',
      'More time was not approved for ticket {{number}}{{#if text}} ({{text}}){{/if}}. The original due date stands.',
    ),
    push: text(`Ticket {{number}}: extension denied.${MORE}`),
  },
  'supervision.flagged': {
    sms: text(
      `Supervision: ticket {{number}}${DEPARTMENT} is under supervision. Please act and report.${MORE}`,
    ),
    email: email(
      'Supervision: ticket {{number}}',
      `Ticket {{number}}${DEPARTMENT} is under supervision. Please act on it and report back.{{#if text}}\n\nWhy: {{text}}{{/if}}`,
    ),
    push: text(`Supervision: ticket {{number}}${DEPARTMENT}.${MORE}`),
  },
};
