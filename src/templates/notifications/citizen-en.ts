import type { LocaleCatalog, TemplateParts } from './parts.js';

/**
 * What citizens are told, in English. The SMS signature is the same as in Chinese (【12345】), which
 * makes every SMS UCS-2: English texts are kept short too.
 */

const HELLO = 'Hello, this is the 12345 government service hotline. ';
const BYE = ' Thank you, goodbye.';
const MORE = '{{moreUpdates collapsed}}';
const DEPARTMENT_OR = (otherwise: string) =>
  `{{#if departmentName}}{{departmentName}}{{else}}${otherwise}{{/if}}`;

function email(subject: string, main: string): TemplateParts {
  return {
    subject,
    body:
      'Dear {{#if citizenName}}{{citizenName}}{{else}}resident{{/if}},\n\n' +
      `${main}${MORE}\n\n` +
      'Ticket: {{number}}\nQuery code: {{queryCode}}\nFollow it here: {{trackUrl}}\n\n' +
      '12345 Government Service Hotline\n(Sent automatically. Reply to this email to add information.)\n',
  };
}

const say = (main: string): TemplateParts => ({ body: `${HELLO}${main}${MORE}${BYE}` });
const text = (body: string): TemplateParts => ({ body });

export const CITIZEN_EN: LocaleCatalog = {
  received: {
    sms: text(
      'Your {{kindLabel kind}} was received. Ticket {{number}}, query code {{queryCode}}' +
        '{{#if departmentName}}, sent to {{departmentName}}{{/if}}.' +
        MORE,
    ),
    voice: say(
      'Your {{kindLabel kind}} was received. Ticket number {{digits number}}, query code {{digits queryCode}}.' +
        '{{#if departmentName}} It was sent to {{departmentName}}.{{/if}}' +
        ' You can follow it with the ticket number and query code.',
    ),
    email: email(
      'Your {{kindLabel kind}} was received (ticket {{number}})',
      'Your {{kindLabel kind}} was received{{#if departmentName}} and sent to {{departmentName}}{{/if}}.' +
        ' You can follow it at any time with the ticket number and query code.',
    ),
    push: text(
      'Your {{kindLabel kind}} was received: ticket {{number}}{{#if departmentName}}, sent to {{departmentName}}{{/if}}.' +
        MORE,
    ),
  },
  dispatched: {
    sms: text(`Ticket {{number}} was sent to ${DEPARTMENT_OR('the department in charge')}.${MORE}`),
    voice: say(
      `Your ticket {{digits number}} was sent to ${DEPARTMENT_OR('the department in charge')}. We will tell you the result.`,
    ),
    email: email(
      'Ticket {{number}} was sent to the department in charge',
      `Your {{kindLabel kind}} was sent to ${DEPARTMENT_OR('the department in charge')}. We will tell you the result.`,
    ),
    push: text(`Ticket {{number}} was sent to ${DEPARTMENT_OR('the department in charge')}.${MORE}`),
  },
  transferred: {
    sms: text(`Ticket {{number}} is now handled by ${DEPARTMENT_OR('another department')}.${MORE}`),
    voice: say(`Your ticket {{digits number}} is now handled by ${DEPARTMENT_OR('another department')}.`),
    email: email(
      'Ticket {{number}} moved to another department',
      `Your {{kindLabel kind}} is now handled by ${DEPARTMENT_OR('another department')}. We will tell you the result.`,
    ),
    push: text(`Ticket {{number}} is now handled by ${DEPARTMENT_OR('another department')}.${MORE}`),
  },
  signed: {
    sms: text(
      `Ticket {{number}} was accepted by ${DEPARTMENT_OR('the department')} and is in progress.${MORE}`,
    ),
    voice: say(
      `Your ticket {{digits number}} was accepted by ${DEPARTMENT_OR('the department')} and is in progress.`,
    ),
    email: email(
      'Ticket {{number}} is in progress',
      `Your {{kindLabel kind}} was accepted by ${DEPARTMENT_OR('the department')} and is in progress.`,
    ),
    push: text(`Ticket {{number}} is in progress.${MORE}`),
  },
  asked_citizen: {
    sms: text(`Ticket {{number}}: the department asks: {{text}}\nReply to this SMS or call 12345.${MORE}`),
    voice: say(
      'The department handling your ticket {{digits number}} needs more information. It asks:\n' +
        '{{truncate text 120}}\nPlease reply by SMS or call 12345.',
    ),
    email: email(
      'Ticket {{number}}: please tell us more',
      'The department handling your {{kindLabel kind}} needs more information:\n\n{{text}}\n\n' +
        'Please reply to this email or call 12345. The time limit is paused until you answer.',
    ),
    push: text(`Ticket {{number}}: please tell us more: {{truncate text 60}}${MORE}`),
  },
  replied: {
    sms: text(`Ticket {{number}} has an answer: {{text}}\nMore: {{trackUrl}}${MORE}`),
    voice: say(
      `${DEPARTMENT_OR('The department')} answered your ticket {{digits number}}:\n{{truncate text 120}}\n` +
        'The full answer is in your messages and on our website.',
    ),
    email: email(
      'Ticket {{number}} has an answer',
      `${DEPARTMENT_OR('The department')} answered your {{kindLabel kind}}:\n\n{{text}}\n\nQuestions? Call 12345.`,
    ),
    push: text(`Ticket {{number}} has an answer: {{truncate text 60}}${MORE}`),
  },
  resolved: {
    sms: text(`Ticket {{number}} is resolved.${MORE}{{#if ratingUrl}} Rate it: {{ratingUrl}}{{/if}}`),
    voice: say('Your ticket {{digits number}} is resolved. Please rate the result by SMS or on our website.'),
    email: email(
      'Ticket {{number}} is resolved: please rate it',
      'Your {{kindLabel kind}} is resolved.{{#if ratingUrl}}\n\nPlease rate the result: {{ratingUrl}}{{/if}}',
    ),
    push: text(`Ticket {{number}} is resolved. Please rate the result.${MORE}`),
  },
  reopened: {
    sms: text(`Ticket {{number}} was reopened; we will see that it is handled again.${MORE}`),
    voice: say('Your ticket {{digits number}} was reopened. We will see that it is handled again.'),
    email: email(
      'Ticket {{number}} was reopened',
      'Your {{kindLabel kind}} was reopened. We will see that it is handled again and tell you the result.',
    ),
    push: text(`Ticket {{number}} was reopened.${MORE}`),
  },
  extension_approved: {
    sms: text(`Ticket {{number}} needs more time: now due {{dueAt}}. Thank you for your patience.${MORE}`),
    voice: say('Your ticket {{digits number}} needs more time. It is now due {{dueAt}}.'),
    email: email(
      'Ticket {{number}} is now due {{dueAt}}',
      'Your {{kindLabel kind}} needs more time to handle. The new due date is {{dueAt}}. Thank you for your patience.',
    ),
    push: text(`Ticket {{number}} is now due {{dueAt}}.${MORE}`),
  },
  cancelled: {
    sms: text(`Ticket {{number}} was cancelled. Call 12345 if you still need help.${MORE}`),
    voice: say('Your ticket {{digits number}} was cancelled. Call 12345 if you still need help.'),
    email: email(
      'Ticket {{number}} was cancelled',
      'Your {{kindLabel kind}} was cancelled. Call 12345 if you still need help.',
    ),
    push: text(`Ticket {{number}} was cancelled.${MORE}`),
  },
  rejected: {
    sms: text(
      `Ticket {{number}} is outside what 12345 handles{{#if text}} ({{text}}){{/if}}. Questions: call 12345.${MORE}`,
    ),
    voice: say('Your ticket {{digits number}} is outside what 12345 handles. Questions: call 12345.'),
    email: email(
      'Ticket {{number}} cannot be accepted',
      'Your {{kindLabel kind}} is outside what 12345 handles. Questions: call 12345.{{#if text}}\n\nReason: {{text}}{{/if}}',
    ),
    push: text(`Ticket {{number}} cannot be accepted.${MORE}`),
  },
  merged: {
    sms: text(
      `Ticket {{number}} was merged with a report of the same problem; you will hear the result.${MORE}`,
    ),
    voice: say(
      'Your ticket {{digits number}} was merged with a report of the same problem. You will hear the result.',
    ),
    email: email(
      'Ticket {{number}} was merged',
      'Someone reported the same problem already: both are handled together and you will hear the result.',
    ),
    push: text(`Ticket {{number}} was merged with the same problem.${MORE}`),
  },
  rated: {
    sms: text(`Thank you for rating ticket {{number}}.${MORE}`),
    voice: say('Thank you for rating ticket {{digits number}}.'),
    email: email(
      'Thank you for your rating (ticket {{number}})',
      'Thank you for rating the result. It helps us improve.',
    ),
    push: text(`Thank you for rating ticket {{number}}.${MORE}`),
  },
  broadcast: {
    sms: text('{{text}}\nReply TD to unsubscribe'),
    voice: { body: `${HELLO}Here is a notice:\n{{text}}\n${BYE.trim()}` },
    email: {
      subject: 'Notice from the 12345 hotline',
      body: '{{text}}\n\n12345 Government Service Hotline\n',
    },
    push: text('{{text}}'),
  },
};
