import type { Ticket } from '../../src/tickets/types.js';

/**
 * A ticket as the desk sees it, built in memory for the unit tests of the desk's pure parts: a
 * normal-priority SMS complaint dispatched to CGJ at `at`, no clocks; `overrides` set the rest.
 */
export function deskTicket(at: Date, overrides: Partial<Ticket> = {}): Ticket {
  return {
    number: '2026030200011',
    queryCode: '1234',
    channel: 'sms',
    kind: 'complaint',
    body: '路灯不亮已经一周',
    attachments: [],
    anonymous: false,
    location: {},
    leadDepartment: 'CGJ',
    coDepartments: {},
    priority: 'normal',
    status: 'dispatched',
    sla: { department: 'CGJ', clocks: {} },
    supervision: { flagged: false, flags: [] },
    tags: [],
    events: [],
    outbox: {},
    disclosure: { public: false },
    source: { channel: 'sms', idempotencyKey: 'k', dedupeKey: 'sms:k', externalIds: [], receivedAt: at },
    returnCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
