import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlaClock } from '../../src/routing/sla-clock.js';
import type { BoardEvent, BoardTicket } from '../../src/store/ticket-board.js';
import {
  clockStage,
  flaggedList,
  overdueList,
  ticketAlert,
  warningList,
} from '../../src/supervision/alerts.js';
import { buildBoard } from '../../src/supervision/board.js';
import { arrivedAt, bottlenecks, median } from '../../src/supervision/bottlenecks.js';
import { boardCounts } from '../../src/supervision/counts.js';
import { dailyVolume } from '../../src/supervision/daily-volume.js';
import { resolutionRate, responseRate, satisfactionRate } from '../../src/supervision/rates.js';
import { reopenedList, returnedList } from '../../src/supervision/returns.js';
import { boardScope, scopeTickets } from '../../src/supervision/scope.js';
import { boardWindow } from '../../src/supervision/window.js';
import type { Actor } from '../../src/tickets/types.js';

const TZ = 'Asia/Shanghai';
/** A China-time instant: cst('2026-03-10 12:00'). */
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const HOUR = 3_600_000;
/** Tuesday 2026-03-10 12:00 China time; a 7-day window starts Wednesday 2026-03-04 00:00. */
const NOW = cst('2026-03-10 12:00');
const WINDOW = boardWindow(NOW, 7, TZ);

let serial = 0;
function ticket(fields: Partial<BoardTicket> = {}): BoardTicket {
  serial += 1;
  return {
    number: `2603${String(serial).padStart(6, '0')}`,
    channel: 'web',
    kind: 'complaint',
    priority: 'normal',
    status: 'received',
    clocks: {},
    supervision: { flagged: false, flags: [] },
    returnCount: 0,
    events: [],
    createdAt: cst('2026-03-09 10:00'),
    ...fields,
  };
}

/** A running clock from `start` to `due`, yellow at half, red at 80 %. */
function clock(start: string, due: string, fields: Partial<SlaClock> = {}): SlaClock {
  const startedAt = cst(start);
  const dueAt = cst(due);
  const span = dueAt.getTime() - startedAt.getTime();
  return {
    unit: 'hours',
    startedAt,
    dueAt,
    limitMs: span,
    thresholds: { yellow: 0.5, red: 0.8 },
    yellowAt: new Date(startedAt.getTime() + span * 0.5),
    redAt: new Date(startedAt.getTime() + span * 0.8),
    state: 'running',
    pausedMs: 0,
    version: 1,
    ...fields,
  };
}

const event = (type: string, at: string, fields: Partial<BoardEvent> = {}): BoardEvent => ({
  type,
  toStatus: 'dispatched',
  at: cst(at),
  ...fields,
});

describe('board window', () => {
  it('is the last N local days, today included, from local midnight', () => {
    assert.equal(WINDOW.from.toISOString(), '2026-03-03T16:00:00.000Z');
    assert.deepEqual(WINDOW.dates, [
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
  });
});

describe('department scoping', () => {
  const staff = (role: Actor['role'], department?: string): Actor => ({
    kind: 'staff',
    id: 'x',
    role,
    department,
  });

  it('supervisors and admins see all, a department its own, operators and citizens nothing', () => {
    assert.deepEqual(boardScope(staff('supervisor')), { kind: 'all' });
    assert.deepEqual(boardScope(staff('admin')), { kind: 'all' });
    assert.deepEqual(boardScope(staff('department', 'ZJJ')), { kind: 'department', department: 'ZJJ' });
    assert.deepEqual(boardScope(staff('department')), { kind: 'department', department: '' });
    assert.throws(() => boardScope(staff('operator')), { code: 'HUB_ERR_FORBIDDEN', statusCode: 403 });
    assert.throws(() => boardScope({ kind: 'citizen', id: 'c1' }), { code: 'HUB_ERR_FORBIDDEN' });
  });

  it('keeps only the tickets the department leads', () => {
    const a = ticket({ leadDepartment: 'ZJJ' });
    const b = ticket({ leadDepartment: 'CGJ' });
    const none = ticket();
    const all = [a, b, none];
    assert.deepEqual(
      scopeTickets(all, { kind: 'department', department: 'ZJJ' }).map((t) => t.number),
      [a.number],
    );
    assert.deepEqual(scopeTickets(all, { kind: 'department', department: '' }), []);
    assert.equal(scopeTickets(all, { kind: 'all' }).length, 3);
  });

  it("a department's whole board never mentions another department's ticket", () => {
    const mine = ticket({
      leadDepartment: 'ZJJ',
      status: 'signed',
      clocks: { completion: clock('2026-03-05 09:00', '2026-03-06 09:00') },
      supervision: { flagged: true, flags: [{ kind: 'overdue', at: cst('2026-03-06 09:00') }] },
      events: [event('dispatched', '2026-03-05 09:00'), event('returned', '2026-03-05 10:00')],
    });
    const theirs = ticket({
      leadDepartment: 'CGJ',
      status: 'in_progress',
      rating: 'dissatisfied',
      clocks: { completion: clock('2026-03-05 09:00', '2026-03-06 09:00') },
      supervision: { flagged: true, flags: [{ kind: 'manual', at: cst('2026-03-07 09:00') }] },
      events: [event('dispatched', '2026-03-05 09:00'), event('returned', '2026-03-05 11:00')],
    });
    const board = buildBoard([mine, theirs], WINDOW, { kind: 'department', department: 'ZJJ' });
    const json = JSON.stringify(board);
    assert.ok(json.includes(mine.number));
    assert.ok(!json.includes(theirs.number));
    assert.equal(board.counts.total, 1);
    assert.deepEqual(board.counts.byDepartment, [{ department: 'ZJJ', count: 1 }]);
    assert.equal(board.rates.satisfaction.denominator, 0);
    assert.deepEqual(
      board.bottlenecks.map((b) => b.department),
      ['ZJJ'],
    );
  });
});

describe('counts by state, channel and department', () => {
  it('counts the tickets created in the window; open counts every open ticket', () => {
    const tickets = [
      ticket({ status: 'received', channel: 'sms' }),
      ticket({ status: 'dispatched', channel: 'sms', leadDepartment: 'ZJJ' }),
      ticket({ status: 'closed', channel: 'ivr', leadDepartment: 'ZJJ' }),
      ticket({ status: 'signed', channel: 'web', leadDepartment: 'CGJ' }),
      // Open but created before the window: in `open`, not in the window's counts.
      ticket({
        status: 'in_progress',
        channel: 'email',
        leadDepartment: 'STJ',
        createdAt: cst('2026-03-03 23:59'),
      }),
      // Ended before the window: in nothing.
      ticket({
        status: 'closed',
        channel: 'email',
        leadDepartment: 'STJ',
        createdAt: cst('2026-02-01 10:00'),
      }),
    ];
    const counts = boardCounts(tickets, WINDOW);
    assert.equal(counts.total, 4);
    assert.equal(counts.open, 4);
    assert.deepEqual(counts.byStatus, {
      received: 1,
      dispatched: 1,
      signed: 1,
      in_progress: 0,
      waiting_citizen: 0,
      replied: 0,
      closed: 1,
      reopened: 0,
      return_review: 0,
      merged: 0,
      cancelled: 0,
      rejected: 0,
    });
    assert.deepEqual(counts.byChannel, { ivr: 1, hotline: 0, sms: 2, web: 1, email: 0, api: 0, open311: 0 });
    assert.deepEqual(counts.byDepartment, [
      { department: 'ZJJ', count: 2 },
      { department: 'CGJ', count: 1 },
      { department: null, count: 1 },
    ]);
  });
});

describe('SLA stages, warnings and overdue', () => {
  it('a clock is judged by its stage times, a paused one by what fired, a stopped one not at all', () => {
    const c = clock('2026-03-10 08:00', '2026-03-10 18:00'); // yellow 13:00, red 16:00
    assert.equal(clockStage(c, cst('2026-03-10 12:59')), undefined);
    assert.equal(clockStage(c, cst('2026-03-10 13:00')), 'yellow');
    assert.equal(clockStage(c, cst('2026-03-10 16:00')), 'red');
    assert.equal(clockStage(c, cst('2026-03-10 18:00')), 'overdue');
    const paused = { ...c, state: 'paused' as const, pausedAt: cst('2026-03-10 14:00') };
    assert.equal(clockStage(paused, cst('2026-03-11 12:00')), undefined, 'no stage fired before the pause');
    assert.equal(
      clockStage({ ...paused, yellowFiredAt: cst('2026-03-10 13:00') }, cst('2026-03-11 12:00')),
      'yellow',
    );
    const stopped = { ...c, state: 'stopped' as const, overdueFiredAt: cst('2026-03-10 18:00') };
    assert.equal(clockStage(stopped, cst('2026-03-11 12:00')), undefined);
    // The timer fired although the stage times say otherwise (an extension moved them): fired counts.
    assert.equal(clockStage({ ...c, redFiredAt: cst('2026-03-10 11:00') }, cst('2026-03-10 11:00')), 'red');
  });

  it("a ticket's alert is its worst clock; equal stages: the one due first", () => {
    const t = ticket({
      status: 'dispatched',
      clocks: {
        sign: clock('2026-03-10 08:00', '2026-03-10 11:00'),
        completion: clock('2026-03-10 08:00', '2026-03-10 14:00'),
      },
    });
    assert.deepEqual(ticketAlert(t, NOW), {
      clock: 'sign',
      stage: 'overdue',
      dueAt: cst('2026-03-10 11:00'),
    });
    // Both red at 12:00 (response: red from 11:36, completion: red from 12:00).
    const tie = ticket({
      clocks: {
        response: clock('2026-03-10 02:00', '2026-03-10 14:00'),
        completion: clock('2026-03-10 08:00', '2026-03-10 13:00'),
      },
    });
    assert.deepEqual(ticketAlert(tie, NOW), {
      clock: 'completion',
      stage: 'red',
      dueAt: cst('2026-03-10 13:00'),
    });
  });

  it('lists open overdue tickets longest overdue first, warnings next due first', () => {
    const late2h = ticket({
      status: 'signed',
      leadDepartment: 'ZJJ',
      category: '供水',
      clocks: { completion: clock('2026-03-09 10:00', '2026-03-10 10:00') },
      supervision: { flagged: true, flags: [{ kind: 'overdue', at: cst('2026-03-10 10:00') }] },
    });
    const late30m = ticket({
      status: 'dispatched',
      leadDepartment: 'CGJ',
      clocks: { sign: clock('2026-03-10 09:00', '2026-03-10 11:30') },
    });
    const yellow = ticket({
      status: 'in_progress',
      leadDepartment: 'ZJJ',
      clocks: { completion: clock('2026-03-10 08:00', '2026-03-10 15:00') }, // yellow 11:30, red 13:36
    });
    const red = ticket({
      status: 'in_progress',
      leadDepartment: 'STJ',
      clocks: { completion: clock('2026-03-10 02:00', '2026-03-10 14:00') }, // red 11:36
    });
    const calm = ticket({
      status: 'signed',
      clocks: { completion: clock('2026-03-10 11:00', '2026-03-12 11:00') },
    });
    const closedLate = ticket({
      status: 'closed',
      clocks: { completion: clock('2026-03-09 10:00', '2026-03-10 10:00') },
    });
    const all = [calm, yellow, late30m, closedLate, red, late2h];
    const overdue = overdueList(all, NOW);
    assert.deepEqual(
      overdue.map((r) => [r.number, r.clock, r.overdueMs, r.supervised, r.leadDepartment]),
      [
        [late2h.number, 'completion', 2 * HOUR, true, 'ZJJ'],
        [late30m.number, 'sign', 0.5 * HOUR, false, 'CGJ'],
      ],
    );
    assert.equal(overdue[0]?.category, '供水');
    assert.deepEqual(
      warningList(all, NOW).map((r) => [r.number, r.stage, r.dueAt.toISOString(), r.overdueMs]),
      [
        [red.number, 'red', cst('2026-03-10 14:00').toISOString(), 0],
        [yellow.number, 'yellow', cst('2026-03-10 15:00').toISOString(), 0],
      ],
    );
  });

  it('lists open flagged (督办) tickets, most recently flagged first', () => {
    const a = ticket({
      status: 'in_progress',
      leadDepartment: 'ZJJ',
      supervision: {
        flagged: true,
        flags: [
          { kind: 'manual', at: cst('2026-03-09 09:00') },
          { kind: 'overdue', at: cst('2026-03-08 09:00'), clock: 'completion' },
        ],
      },
    });
    const b = ticket({
      status: 'return_review',
      supervision: { flagged: true, flags: [{ kind: 'returned', at: cst('2026-03-10 09:00') }] },
    });
    const ended = ticket({
      status: 'closed',
      supervision: { flagged: true, flags: [{ kind: 'dissatisfied', at: cst('2026-03-10 10:00') }] },
    });
    const plain = ticket({ status: 'signed' });
    const rows = flaggedList([a, b, ended, plain]);
    assert.deepEqual(
      rows.map((r) => [r.number, r.flags, r.kinds, r.lastKind, r.lastFlaggedAt.toISOString()]),
      [
        [b.number, 1, ['returned'], 'returned', cst('2026-03-10 09:00').toISOString()],
        [a.number, 2, ['overdue', 'manual'], 'manual', cst('2026-03-09 09:00').toISOString()],
      ],
    );
  });
});

describe('bottleneck departments', () => {
  it('median and max age of the tickets each department holds, oldest first', () => {
    const held = (department: string, since: string, fields: Partial<BoardTicket> = {}) =>
      ticket({
        leadDepartment: department,
        status: 'signed',
        createdAt: cst('2026-03-01 08:00'),
        events: [event('received', '2026-03-01 08:00'), event('dispatched', since)],
        ...fields,
      });
    const z1 = held('ZJJ', '2026-03-10 10:00'); // 2 h
    const z2 = held('ZJJ', '2026-03-10 08:00', { status: 'dispatched' }); // 4 h
    const z3 = held('ZJJ', '2026-03-09 12:00', { status: 'in_progress' }); // 24 h
    const z4 = held('ZJJ', '2026-03-10 11:00'); // 1 h
    // Transferred later: its age counts from the transfer.
    const c1 = held('CGJ', '2026-03-01 09:00', {
      events: [event('dispatched', '2026-03-01 09:00'), event('transferred', '2026-03-10 06:00')],
    }); // 6 h
    const c2 = held('CGJ', '2026-03-10 09:00'); // 3 h
    const c3 = held('CGJ', '2026-03-10 00:00'); // 12 h
    // Not held by the department: waiting for the citizen, back at the hotline, ended.
    const waiting = held('CGJ', '2026-03-01 09:00', { status: 'waiting_citizen' });
    const review = held('CGJ', '2026-03-01 09:00', { status: 'return_review' });
    const closed = held('STJ', '2026-03-01 09:00', { status: 'closed' });
    const rows = bottlenecks([z1, z2, z3, z4, c1, c2, c3, waiting, review, closed], NOW);
    assert.deepEqual(rows, [
      { department: 'ZJJ', count: 4, medianAgeMs: 3 * HOUR, maxAgeMs: 24 * HOUR, oldest: z3.number },
      { department: 'CGJ', count: 3, medianAgeMs: 6 * HOUR, maxAgeMs: 12 * HOUR, oldest: c3.number },
    ]);
    assert.equal(arrivedAt(c1).toISOString(), cst('2026-03-10 06:00').toISOString());
    assert.equal(
      arrivedAt(ticket({ createdAt: cst('2026-03-02 08:00') })).toISOString(),
      cst('2026-03-02 08:00').toISOString(),
    );
  });

  it('median of odd, even and empty lists', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), 0);
  });
});

describe('the three assessment rates', () => {
  it('响应率: signed in time / dispatched with the sign-off decided', () => {
    const sign = (fields: Partial<SlaClock> = {}) => clock('2026-03-09 09:00', '2026-03-09 17:00', fields);
    const onTime = ticket({
      clocks: { sign: sign({ state: 'stopped' }) },
      events: [event('signed', '2026-03-09 10:00')],
    });
    const atDue = ticket({
      clocks: { sign: sign({ state: 'stopped' }) },
      events: [event('signed', '2026-03-09 17:00')],
    });
    const late = ticket({
      clocks: { sign: sign({ state: 'stopped' }) },
      events: [event('signed', '2026-03-09 18:00')],
    });
    const neverSigned = ticket({ clocks: { sign: sign() } });
    const stillInTime = ticket({ clocks: { sign: clock('2026-03-10 11:00', '2026-03-10 15:00') } });
    const cancelledInTime = ticket({
      status: 'cancelled',
      clocks: { sign: sign({ state: 'stopped', stoppedAt: cst('2026-03-09 12:00'), met: true }) },
    });
    const cancelledLate = ticket({
      status: 'cancelled',
      clocks: { sign: sign({ state: 'stopped', stoppedAt: cst('2026-03-09 20:00'), met: false }) },
    });
    // Signed by the first department in time, transferred; the new department has not signed and is late.
    const transferred = ticket({
      clocks: { sign: clock('2026-03-09 12:00', '2026-03-09 16:00') },
      events: [event('signed', '2026-03-09 10:00'), event('transferred', '2026-03-09 12:00')],
    });
    const noPolicy = ticket({ events: [event('signed', '2026-03-09 10:00')] });
    const beforeWindow = ticket({
      createdAt: cst('2026-03-01 09:00'),
      clocks: { sign: clock('2026-03-01 09:00', '2026-03-01 17:00', { state: 'stopped' }) },
      events: [event('signed', '2026-03-01 10:00')],
    });
    const all = [
      onTime,
      atDue,
      late,
      neverSigned,
      stillInTime,
      cancelledInTime,
      cancelledLate,
      transferred,
      noPolicy,
      beforeWindow,
    ];
    assert.deepEqual(responseRate(all, WINDOW), {
      numerator: 2,
      denominator: 6,
      rate: 0.3333,
      dispatched: 8,
    });
    assert.deepEqual(responseRate([], WINDOW), { numerator: 0, denominator: 0, rate: null, dispatched: 0 });
  });

  it('解决率: closed / completion due', () => {
    const completion = (fields: Partial<SlaClock> = {}) =>
      clock('2026-03-05 09:00', '2026-03-09 17:00', fields);
    const closed = ticket({
      status: 'closed',
      clocks: { completion: completion({ state: 'stopped', met: true }) },
    });
    const closedLate = ticket({
      status: 'closed',
      clocks: { completion: completion({ state: 'stopped', met: false }) },
    });
    const runningLate = ticket({ status: 'in_progress', clocks: { completion: completion() } });
    const answeredLate = ticket({
      status: 'replied',
      clocks: { completion: completion({ state: 'stopped', met: false }) },
    });
    const answeredInTime = ticket({
      status: 'replied',
      clocks: { completion: completion({ state: 'stopped', met: true }) },
    });
    const inTime = ticket({
      status: 'signed',
      clocks: { completion: clock('2026-03-09 09:00', '2026-03-12 17:00') },
    });
    const pausedOverdue = ticket({
      status: 'waiting_citizen',
      clocks: { completion: completion({ state: 'paused', overdueFiredAt: cst('2026-03-09 17:00') }) },
    });
    const pausedInTime = ticket({
      status: 'waiting_citizen',
      clocks: { completion: completion({ state: 'paused' }) },
    });
    const cancelled = ticket({
      status: 'cancelled',
      clocks: { completion: completion({ state: 'stopped', met: false }) },
    });
    const undispatched = ticket({ status: 'received' });
    const all = [
      closed,
      closedLate,
      runningLate,
      answeredLate,
      answeredInTime,
      inTime,
      pausedOverdue,
      pausedInTime,
      cancelled,
      undispatched,
    ];
    assert.deepEqual(resolutionRate(all, WINDOW), { numerator: 2, denominator: 5, rate: 0.4 });
  });

  it('满意率: (satisfied + basically satisfied) / rated', () => {
    const all = [
      ticket({ rating: 'satisfied' }),
      ticket({ rating: 'satisfied' }),
      ticket({ rating: 'basically_satisfied' }),
      ticket({ rating: 'dissatisfied' }),
      ticket({ rating: 'dissatisfied' }),
      ticket({ rating: 'dissatisfied' }),
      ticket({ status: 'replied' }),
      ticket({ rating: 'dissatisfied', createdAt: cst('2026-02-01 09:00') }),
    ];
    assert.deepEqual(satisfactionRate(all, WINDOW), {
      numerator: 3,
      denominator: 6,
      rate: 0.5,
      satisfied: 2,
      basicallySatisfied: 1,
      dissatisfied: 3,
    });
  });
});

describe('daily volume by channel', () => {
  it('counts each local day of the window, China time', () => {
    const all = [
      ticket({ channel: 'sms', createdAt: cst('2026-03-04 00:00') }),
      // 2026-03-09 23:59 in Beijing is still the 9th, though it is 15:59 UTC.
      ticket({ channel: 'sms', createdAt: cst('2026-03-09 23:59') }),
      ticket({ channel: 'ivr', createdAt: cst('2026-03-10 00:30') }),
      ticket({ channel: 'web', createdAt: cst('2026-03-10 11:00') }),
      ticket({ channel: 'web', createdAt: cst('2026-03-03 23:59') }),
    ];
    const rows = dailyVolume(all, WINDOW);
    assert.equal(rows.length, 7);
    const zero = { ivr: 0, hotline: 0, sms: 0, web: 0, email: 0, api: 0, open311: 0 };
    assert.deepEqual(rows[0], { date: '2026-03-04', byChannel: { ...zero, sms: 1 }, total: 1 });
    assert.deepEqual(rows[1], { date: '2026-03-05', byChannel: zero, total: 0 });
    assert.deepEqual(rows[5], { date: '2026-03-09', byChannel: { ...zero, sms: 1 }, total: 1 });
    assert.deepEqual(rows[6], { date: '2026-03-10', byChannel: { ...zero, ivr: 1, web: 1 }, total: 2 });
  });
});

describe('returned and reopened tickets', () => {
  it('lists tickets with returns in the window, with the returning department', () => {
    const twice = ticket({
      status: 'dispatched',
      leadDepartment: 'STJ',
      returnCount: 3,
      events: [
        event('returned', '2026-03-02 10:00', { toStatus: 'return_review', department: 'ZJJ' }),
        event('returned', '2026-03-05 10:00', { toStatus: 'return_review', department: 'CGJ' }),
        event('returned', '2026-03-08 10:00', { toStatus: 'return_review', department: 'ZJJ' }),
      ],
    });
    const once = ticket({
      status: 'return_review',
      leadDepartment: 'CGJ',
      returnCount: 1,
      events: [event('returned', '2026-03-09 10:00', { toStatus: 'return_review', department: 'CGJ' })],
    });
    const beforeWindow = ticket({
      returnCount: 1,
      events: [event('returned', '2026-03-01 10:00', { toStatus: 'return_review', department: 'CGJ' })],
    });
    const rows = returnedList([twice, once, beforeWindow, ticket()], WINDOW);
    assert.deepEqual(
      rows.map((r) => [r.number, r.returns, r.returnCount, r.lastReturnedAt.toISOString(), r.lastReturnedBy]),
      [
        [once.number, 1, 1, cst('2026-03-09 10:00').toISOString(), 'CGJ'],
        [twice.number, 2, 3, cst('2026-03-08 10:00').toISOString(), 'ZJJ'],
      ],
    );
  });

  it('lists reopened tickets: by the hotline or by a dissatisfied rating; notes on a reopened ticket do not count', () => {
    const byHotline = ticket({
      status: 'reopened',
      events: [
        event('reopened', '2026-03-08 10:00', { toStatus: 'reopened' }),
        event('noted', '2026-03-09 10:00', { toStatus: 'reopened' }),
      ],
    });
    const byRating = ticket({
      status: 'dispatched',
      leadDepartment: 'ZJJ',
      events: [
        event('reopened', '2026-03-05 10:00', { toStatus: 'reopened' }),
        event('rated', '2026-03-07 10:00', { toStatus: 'reopened' }),
        event('rated', '2026-03-07 11:00', { toStatus: 'closed' }),
      ],
    });
    const rows = reopenedList([byHotline, byRating, ticket()], WINDOW);
    assert.deepEqual(
      rows.map((r) => [r.number, r.reopens, r.lastReopenedAt.toISOString(), r.lastCause]),
      [
        [byHotline.number, 1, cst('2026-03-08 10:00').toISOString(), 'reopen'],
        [byRating.number, 2, cst('2026-03-07 10:00').toISOString(), 'rating'],
      ],
    );
  });
});
