import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionFields, offeredActions, readActionForm } from '../../src/dashboards/desk-actions.js';
import { startClock } from '../../src/routing/sla-clock.js';
import { buildCalendar } from '../../src/routing/calendar.js';
import type { Actor, Ticket } from '../../src/tickets/types.js';
import { deskTicket } from '../helpers/ticket.js';

const clerk = (department: string): Actor => ({
  kind: 'staff',
  id: 'user:li',
  role: 'department',
  department,
});
const at = new Date('2026-03-02T01:00:00Z');
const completion = startClock(
  at,
  { amount: 5, unit: 'hours' },
  { yellow: 0.5, red: 0.8 },
  { calendar: buildCalendar([]), timeZone: 'Asia/Shanghai', workingHours: [] },
);

const ticket = (overrides: Partial<Ticket> = {}): Ticket =>
  deskTicket(at, { body: 'x', sla: { clocks: { completion } }, ...overrides });

describe('desk actions offered', () => {
  it('follows the state machine for the lead department', () => {
    assert.deepEqual(offeredActions(ticket(), clerk('CGJ')), ['sign', 'note', 'return']);
    assert.deepEqual(offeredActions(ticket({ status: 'signed' }), clerk('CGJ')), [
      'start',
      'reply',
      'ask',
      'note',
      'request_extension',
      'return',
    ]);
    assert.deepEqual(offeredActions(ticket({ status: 'waiting_citizen' }), clerk('CGJ')), [
      'resume',
      'reply',
      'note',
      'request_extension',
    ]);
    assert.deepEqual(offeredActions(ticket({ status: 'replied' }), clerk('CGJ')), ['note', 'resolve']);
    assert.deepEqual(offeredActions(ticket({ status: 'closed' }), clerk('CGJ')), ['note']);
  });

  it('offers no second extension request and none without a running completion clock', () => {
    const pending = ticket({
      status: 'in_progress',
      sla: {
        clocks: { completion },
        extension: {
          status: 'pending',
          workingDays: 2,
          reason: 'r',
          requestedAt: at,
          requestedBy: 'user:li',
        },
      },
    });
    assert.equal(offeredActions(pending, clerk('CGJ')).includes('request_extension'), false);
    const stopped = ticket({
      status: 'in_progress',
      sla: { clocks: { completion: { ...completion, state: 'stopped' } } },
    });
    assert.equal(offeredActions(stopped, clerk('CGJ')).includes('request_extension'), false);
  });

  it('a co-department signs and answers once; other departments and other roles get nothing', () => {
    const co = (status: 'pending' | 'signed' | 'answered') =>
      ticket({ status: 'in_progress', coDepartments: { MZJ: { department: 'MZJ', status } } });
    assert.deepEqual(offeredActions(co('pending'), clerk('MZJ')), ['co_sign', 'co_answer', 'note']);
    assert.deepEqual(offeredActions(co('signed'), clerk('MZJ')), ['co_answer', 'note']);
    assert.deepEqual(offeredActions(co('answered'), clerk('MZJ')), ['note']);
    assert.deepEqual(offeredActions(ticket(), clerk('MZJ')), []);
    assert.deepEqual(offeredActions(ticket(), { kind: 'staff', id: 'user:op', role: 'operator' }), []);
  });
});

describe('desk action forms', () => {
  it('take their fields and limits from the API body schemas', () => {
    assert.deepEqual(actionFields('return'), [
      {
        name: 'reason',
        required: true,
        widget: 'line',
        maxLength: 500,
        minimum: undefined,
        maximum: undefined,
      },
      {
        name: 'basis',
        required: true,
        widget: 'textarea',
        maxLength: 1000,
        minimum: undefined,
        maximum: undefined,
      },
    ]);
    assert.deepEqual(actionFields('sign'), []);
    assert.deepEqual(
      actionFields('request_extension').map((f) => [f.name, f.widget, f.required, f.minimum, f.maximum]),
      [
        ['workingDays', 'number', true, 1, 60],
        ['reason', 'line', true, undefined, undefined],
      ],
    );
  });

  it('read what was typed, trimmed, and name each refused field', () => {
    assert.deepEqual(readActionForm('reply', { text: '  已修复。 ', overrideReason: '' }), {
      ok: true,
      input: { text: '已修复。' },
    });
    assert.deepEqual(readActionForm('reply', { text: '   ' }), { ok: false, problems: { text: 'required' } });
    assert.deepEqual(readActionForm('return', { reason: 'x'.repeat(501) }), {
      ok: false,
      problems: { basis: 'required', reason: 'too_long' },
    });
    assert.deepEqual(readActionForm('request_extension', { workingDays: '0', reason: '需要现场勘查' }), {
      ok: false,
      problems: { workingDays: 'invalid' },
    });
    assert.deepEqual(readActionForm('request_extension', { workingDays: '3天', reason: '需要现场勘查' }), {
      ok: false,
      problems: { workingDays: 'invalid' },
    });
    assert.deepEqual(readActionForm('request_extension', { workingDays: '3', reason: '需要现场勘查' }), {
      ok: true,
      input: { workingDays: 3, reason: '需要现场勘查' },
    });
    assert.deepEqual(readActionForm('sign', {}), { ok: true, input: {} });
  });
});
