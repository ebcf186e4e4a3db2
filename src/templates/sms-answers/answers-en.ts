import type { AnswerSources } from './names.js';

/**
 * The SMS answers in English (GSM-7: 160 characters in one part). Data from Chinese registers (item
 * names, head names) stays Chinese, which makes such an answer UCS-2; lists are cut to fit anyway.
 */
export const ANSWERS_EN: AnswerSources = {
  help:
    '12345 by text: CX+ticket or case number for its status; BT for subsidies; TS/ZX/JY/QZ+text for a ' +
    'complaint/enquiry/suggestion/request for help; PJ 1/2/3 to rate; TD to stop.' +
    '{{#if others}} Also: {{others}} (keyword+text).{{/if}}',
  'usage.status':
    'For a status send CX and the ticket or case number, e.g. CX 26112100425; for someone else add the query code.',
  'usage.subsidy':
    'For subsidies send BT; if this phone serves several households, BT and the last 6 of the head ID, e.g. BT 12345X.',
  'usage.rate': 'To rate, send PJ 1 (satisfied), PJ 2 (basically satisfied) or PJ 3 (dissatisfied).',
  'usage.open':
    'Please write your {{kindLabel kind}} after {{initials}}, e.g. {{initials}} street light out.',
  'status.bad_number': 'The number {{number}} is wrong (check digit). Please check it and send again.',
  'status.not_found':
    'Nothing found for {{number}} on this phone. For someone else, send CX, the number and its query code.',
  'status.ticket':
    'Ticket {{number}} ({{kindLabel kind}}): {{ticketStatus status}}' +
    '{{#if departmentName}}, handled by {{departmentName}}{{/if}}, updated {{updatedAt}}.' +
    '{{#if canRate}} Please rate it: PJ 1/2/3.{{/if}}',
  'status.application':
    'Case {{number}} ({{item}}): {{applicationStatus status}}.' +
    '{{#if step}} Latest step: {{step}}{{#if stepAt}} {{stepAt}}{{/if}}.{{/if}}' +
    '{{#if promisedDate}} Due {{promisedDate}}.{{/if}}{{#if result}} Result: {{result}}{{/if}}',
  'subsidy.unregistered': 'This phone is not registered for farm subsidies. Questions: call 12345.',
  'subsidy.no_match':
    'No subsidy record matches this phone and those 6 ID characters. Please check, or call 12345.',
  'subsidy.choose':
    'This phone serves {{count}} households: send BT and the last 6 of the head ID number, e.g. BT 12345X.',
  'subsidy.head': 'Subsidies of the {{head}} household{{#if account}} (account {{account}}){{/if}}: ',
  'subsidy.item':
    '{{year}} {{subsidyType type}} {{amount}} yuan, {{paymentStatus status}}' +
    '{{#if paidDate}} {{paidDate}}{{/if}}{{#if account}}, account {{account}}{{/if}}',
  'subsidy.none': 'No subsidy payments for the {{head}} household yet. Questions: call 12345.',
  'list.more': '... {{total}} in all',
  'rate.done':
    'Thank you for rating ticket {{number}} ({{rating value}}).{{#if reopened}} We will have it handled again.{{/if}}',
  'rate.none': 'You have no answered ticket to rate. Once one is answered, send PJ 1/2/3.',
  'conversation.added': 'Your message was added to ticket {{number}}; the department will see it.',
  listSeparator: '; ',
  listEnd: '.',
};
