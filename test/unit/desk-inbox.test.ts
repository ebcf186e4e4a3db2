import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inboxRow } from '../../src/dashboards/desk-inbox.js';
import { countdownView, durationText } from '../../src/dashboards/desk-format.js';
import { DESK_WORDS } from '../../src/dashboards/words/desk.js';
import { addStaffMessages } from '../../src/dashboards/messages.js';
import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { pauseClock, startClock, type SlaClock } from '../../src/routing/sla-clock.js';
import type { Ticket } from '../../src/tickets/types.js';
import { deskTicket } from '../helpers/ticket.js';

addStaffMessages(DESK_WORDS);

const options = {
  calendar: buildCalendar(CN_HOLIDAYS),
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { from: '09:00', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
};
const hours = () => options;
const thresholds = { yellow: 0.5, red: 0.8 };
/** A China-time instant: cst('2026-03-02 09:00') (a Monday, a working day). */
const cst = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const MIN = 60_000;
const HOUR = 60 * MIN;

const ticket = (overrides: Partial<Ticket> = {}): Ticket => deskTicket(cst('2026-03-02 09:00'), overrides);

/** A clock started Monday 09:00: 4 working hours are due at 14:30 (3 h before lunch, 1 h after). */
const signClock = (): SlaClock =>
  startClock(cst('2026-03-02 09:00'), { amount: 4, unit: 'working_hours' }, thresholds, options);

describe('desk inbox rows', () => {
  it('a new ticket of the lead counts its sign clock down in working time', () => {
    const row = inboxRow(
      ticket({ sla: { clocks: { sign: signClock() } } }),
      'CGJ',
      cst('2026-03-02 11:00'),
      hours,
    );
    assert.equal(row?.tab, 'new');
    assert.equal(row.part, 'lead');
    assert.equal(row.overdue, false);
    assert.deepEqual(
      { ...row.countdown, dueAt: row.countdown?.dueAt.toISOString() },
      {
        clock: 'sign',
        state: 'running',
        dueAt: cst('2026-03-02 14:30').toISOString(),
        working: true,
        leftMs: 2 * HOUR,
        overdueMs: undefined,
        stage: 'yellow',
      },
    );
    // Over lunch no working time passes: at 13:00 and at 13:30 one working hour is left.
    const lunch = inboxRow(
      ticket({ sla: { clocks: { sign: signClock() } } }),
      'CGJ',
      cst('2026-03-02 13:00'),
      hours,
    );
    assert.equal(lunch?.countdown?.leftMs, HOUR);
    assert.equal(lunch.countdown.stage, 'yellow');
    // Red at 80 % of the limit: 3 h 12 min of working time, 13:42.
    const red = inboxRow(
      ticket({ sla: { clocks: { sign: signClock() } } }),
      'CGJ',
      cst('2026-03-02 13:45'),
      hours,
    );
    assert.equal(red?.countdown?.leftMs, 45 * MIN);
    assert.equal(red.countdown.stage, 'red');
  });

  it('past the due moment it is overdue by real time, in the overdue tab too', () => {
    const row = inboxRow(
      ticket({ sla: { clocks: { sign: signClock() } } }),
      'CGJ',
      cst('2026-03-02 15:10'),
      hours,
    );
    assert.equal(row?.overdue, true);
    assert.equal(row.countdown?.overdueMs, 40 * MIN);
    assert.equal(row.countdown.leftMs, 0);
    assert.equal(row.countdown.stage, 'overdue');
  });

  it('a paused completion clock (waiting for the citizen) keeps what was left at the pause', () => {
    const started = startClock(
      cst('2026-03-02 09:00'),
      { amount: 10, unit: 'working_hours' },
      thresholds,
      options,
    );
    const paused = pauseClock(started, cst('2026-03-02 10:00'));
    const row = inboxRow(
      ticket({ status: 'waiting_citizen', sla: { clocks: { completion: paused } } }),
      'CGJ',
      cst('2026-03-05 16:00'),
      hours,
    );
    assert.equal(row?.tab, 'waiting');
    assert.equal(row.countdown?.state, 'paused');
    assert.equal(row.countdown.leftMs, 9 * HOUR);
    assert.equal(row.overdue, false);
  });

  it('a dispatched ticket whose completion clock ran out shows that clock, overdue', () => {
    const completion = startClock(cst('2026-03-02 09:00'), { amount: 2, unit: 'hours' }, thresholds, options);
    const row = inboxRow(
      ticket({ sla: { clocks: { sign: signClock(), completion } } }),
      'CGJ',
      cst('2026-03-02 11:30'),
      hours,
    );
    assert.equal(row?.countdown?.clock, 'completion');
    assert.equal(row.countdown.overdueMs, 30 * MIN);
    assert.equal(row.countdown.working, false);
  });

  it('replied tickets wait to be resolved without a clock; other departments see nothing', () => {
    const replied = inboxRow(ticket({ status: 'replied' }), 'CGJ', cst('2026-03-02 11:00'), hours);
    assert.equal(replied?.tab, 'replied');
    assert.equal(replied.countdown, undefined);
    assert.equal(inboxRow(ticket(), 'MZJ', cst('2026-03-02 11:00'), hours), undefined);
    assert.equal(
      inboxRow(ticket({ status: 'return_review' }), 'CGJ', cst('2026-03-02 11:00'), hours),
      undefined,
    );
  });

  it('a co-department sees its part until it has answered, against its own opinion limit', () => {
    const co = (status: 'pending' | 'signed' | 'answered', lead: Ticket['status'] = 'in_progress') =>
      ticket({
        status: lead,
        coDepartments: { MZJ: { department: 'MZJ', status, dueAt: cst('2026-03-03 17:30') } },
      });
    const pending = inboxRow(co('pending'), 'MZJ', cst('2026-03-03 17:00'), hours);
    assert.equal(pending?.part, 'co');
    assert.equal(pending.tab, 'co');
    assert.equal(pending.coStatus, 'pending');
    assert.equal(pending.countdown?.clock, 'co_opinion');
    assert.equal(pending.countdown.leftMs, 30 * MIN);
    assert.equal(inboxRow(co('signed'), 'MZJ', cst('2026-03-03 17:00'), hours)?.coStatus, 'signed');
    const late = inboxRow(co('signed'), 'MZJ', cst('2026-03-03 18:00'), hours);
    assert.equal(late?.overdue, true);
    assert.equal(late.countdown?.overdueMs, 30 * MIN);
    assert.equal(inboxRow(co('answered'), 'MZJ', cst('2026-03-03 17:00'), hours), undefined);
    assert.equal(inboxRow(co('pending', 'replied'), 'MZJ', cst('2026-03-03 17:00'), hours), undefined);
  });
});

describe('desk countdown words', () => {
  it('has every desk word in both languages', () => {
    assert.deepEqual(Object.keys(DESK_WORDS.en).sort(), Object.keys(DESK_WORDS['zh-CN']).sort());
  });

  it('says time left and time overdue in both languages', () => {
    assert.equal(durationText('zh-CN', 2 * HOUR + 5 * MIN, { working: true, round: 'up' }), '2小时5分钟');
    assert.equal(durationText('en', 2 * HOUR + 5 * MIN, { working: true, round: 'up' }), '2 h 5 min');
    assert.equal(durationText('zh-CN', 27 * HOUR + 59 * MIN, { working: false, round: 'down' }), '1天3小时');
    assert.equal(durationText('zh-CN', 27 * HOUR, { working: true, round: 'up' }), '27小时');
    assert.equal(durationText('zh-CN', 30_000, { working: false, round: 'up' }), '1分钟');
    assert.equal(durationText('en', 30_000, { working: false, round: 'down' }), 'under 1 min');
    assert.equal(durationText('zh-CN', 0, { working: false, round: 'down' }), '0分钟');
    const base = { clock: 'sign' as const, dueAt: new Date(0), working: true };
    assert.deepEqual(countdownView('zh-CN', { ...base, state: 'running', leftMs: 90 * MIN, stage: 'red' }), {
      text: '剩余 1小时30分钟（工作时间）',
      level: 'red',
    });
    assert.deepEqual(
      countdownView('zh-CN', { ...base, state: 'running', leftMs: 0, overdueMs: 3 * HOUR, stage: 'overdue' }),
      { text: '超期 3小时', level: 'overdue' },
    );
    assert.deepEqual(countdownView('en', { ...base, state: 'paused', leftMs: HOUR }), {
      text: 'paused · 1 h working time left',
      level: 'paused',
    });
  });
});
