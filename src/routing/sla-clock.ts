import { addDays, fromLocal, toLocal } from '../time/zoned-time.js';
import {
  addWorkingDays,
  addWorkingHours,
  workingMsBetween,
  type WorkingTimeOptions,
} from './working-time.js';

/**
 * One SLA clock (签收 · 首次响应 · 办结 · 回访) as data, and what happens to it: start, pause,
 * resume, extend, stop. Pure: the ticket core stores the clock on the ticket and BullMQ timers fire
 * at its stage times.
 *
 * A clock measures time in its own metric: real time for `hours` and `calendar_days`, working time
 * (the department's working hours on the calendar's working days) for `working_hours` and
 * `working_days`. Warnings come when a share of the limit has been used (yellow, red), overdue when
 * all of it has. A pause stops the metric; the due time moves by the time the clock stood still.
 */

export const CLOCK_NAMES = ['sign', 'response', 'completion', 'callback'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export const CLOCK_UNITS = ['hours', 'working_hours', 'calendar_days', 'working_days'] as const;
export type ClockUnit = (typeof CLOCK_UNITS)[number];

export const STAGES = ['yellow', 'red', 'overdue'] as const;
export type Stage = (typeof STAGES)[number];

export interface Duration {
  amount: number;
  unit: ClockUnit;
}

/** Shares of the limit used when the yellow and red warnings come, 0 < yellow < red < 1. */
export interface Thresholds {
  yellow: number;
  red: number;
}

export interface SlaClock {
  unit: ClockUnit;
  startedAt: Date;
  dueAt: Date;
  /** The limit in the clock's metric, pauses excluded. */
  limitMs: number;
  thresholds: Thresholds;
  /** When each stage falls due (overdue = dueAt). */
  yellowAt: Date;
  redAt: Date;
  state: 'running' | 'paused' | 'stopped';
  pausedAt?: Date;
  /** Metric that stood still in finished pauses. */
  pausedMs: number;
  stoppedAt?: Date;
  /** Stopped by the due time (or never overdue while paused). */
  met?: boolean;
  /** Bumped whenever a stage time moves: timer jobs of an older version do nothing. */
  version: number;
  yellowFiredAt?: Date;
  redFiredAt?: Date;
  overdueFiredAt?: Date;
}

const HOUR = 3_600_000;

function isWorking(unit: ClockUnit): boolean {
  return unit === 'working_hours' || unit === 'working_days';
}

/** The due time of a limit started at `from`. Days: the day of receipt does not count. */
export function deadline(from: Date, duration: Duration, options: WorkingTimeOptions): Date {
  switch (duration.unit) {
    case 'hours':
      return new Date(from.getTime() + duration.amount * HOUR);
    case 'working_hours':
      return addWorkingHours(from, duration.amount, options);
    case 'calendar_days': {
      // The end (24:00) of the N-th calendar day after the day of receipt.
      const day = toLocal(from, options.timeZone).date;
      return fromLocal(addDays(day, Math.ceil(duration.amount) + 1), 0, options.timeZone);
    }
    case 'working_days':
      return addWorkingDays(from, Math.ceil(duration.amount), options);
  }
}

/** Metric between two instants. */
function measure(unit: ClockUnit, from: Date, to: Date, options: WorkingTimeOptions): number {
  if (to <= from) return 0;
  return isWorking(unit) ? workingMsBetween(from, to, options) : to.getTime() - from.getTime();
}

/** The instant when `ms` of metric have passed after `from`. */
function after(unit: ClockUnit, from: Date, ms: number, options: WorkingTimeOptions): Date {
  if (ms <= 0) return from;
  return isWorking(unit) ? addWorkingHours(from, ms / HOUR, options) : new Date(from.getTime() + ms);
}

export function startClock(
  from: Date,
  duration: Duration,
  thresholds: Thresholds,
  options: WorkingTimeOptions,
): SlaClock {
  const dueAt = deadline(from, duration, options);
  const limitMs = measure(duration.unit, from, dueAt, options);
  return {
    unit: duration.unit,
    startedAt: from,
    dueAt,
    limitMs,
    thresholds,
    yellowAt: after(duration.unit, from, limitMs * thresholds.yellow, options),
    redAt: after(duration.unit, from, limitMs * thresholds.red, options),
    state: 'running',
    pausedMs: 0,
    version: 1,
  };
}

/** Metric used so far, pauses excluded. */
export function usedMs(clock: SlaClock, at: Date, options: WorkingTimeOptions): number {
  const until = clock.state === 'paused' && clock.pausedAt ? clock.pausedAt : (clock.stoppedAt ?? at);
  return measure(clock.unit, clock.startedAt, until, options) - clock.pausedMs;
}

export function pauseClock(clock: SlaClock, at: Date): SlaClock {
  if (clock.state !== 'running') return clock;
  return { ...clock, state: 'paused', pausedAt: at, version: clock.version + 1 };
}

/** Resumes a paused clock: every stage still to come moves by the time the clock stood still. */
export function resumeClock(clock: SlaClock, at: Date, options: WorkingTimeOptions): SlaClock {
  if (clock.state !== 'paused' || !clock.pausedAt) return clock;
  const stood = measure(clock.unit, clock.pausedAt, at, options);
  const resumed: SlaClock = {
    ...clock,
    state: 'running',
    pausedAt: undefined,
    pausedMs: clock.pausedMs + stood,
    version: clock.version + 1,
  };
  return reschedule(resumed, at, clock.limitMs, options);
}

/** A new due time (an approved extension): the limit grows, stages not yet fired move with it. */
export function extendClock(clock: SlaClock, dueAt: Date, at: Date, options: WorkingTimeOptions): SlaClock {
  const limitMs = measure(clock.unit, clock.startedAt, dueAt, options) - clock.pausedMs;
  return reschedule({ ...clock, version: clock.version + 1 }, at, limitMs, options, dueAt);
}

export function stopClock(clock: SlaClock, at: Date): SlaClock {
  if (clock.state === 'stopped') return clock;
  return {
    ...clock,
    state: 'stopped',
    stoppedAt: at,
    met: clock.overdueFiredAt === undefined && (clock.state === 'paused' || at <= clock.dueAt),
    version: clock.version + 1,
  };
}

function reschedule(
  clock: SlaClock,
  at: Date,
  limitMs: number,
  options: WorkingTimeOptions,
  dueAt?: Date,
): SlaClock {
  const used = usedMs(clock, at, options);
  const stageAt = (share: number): Date => after(clock.unit, at, limitMs * share - used, options);
  return {
    ...clock,
    limitMs,
    yellowAt: clock.yellowFiredAt ? clock.yellowAt : stageAt(clock.thresholds.yellow),
    redAt: clock.redFiredAt ? clock.redAt : stageAt(clock.thresholds.red),
    dueAt: clock.overdueFiredAt ? (dueAt ?? clock.dueAt) : (dueAt ?? stageAt(1)),
  };
}

/** When a stage falls due, and whether it has fired. */
export function stageAt(clock: SlaClock, stage: Stage): Date {
  if (stage === 'yellow') return clock.yellowAt;
  if (stage === 'red') return clock.redAt;
  return clock.dueAt;
}

export function firedAt(clock: SlaClock, stage: Stage): Date | undefined {
  if (stage === 'yellow') return clock.yellowFiredAt;
  if (stage === 'red') return clock.redFiredAt;
  return clock.overdueFiredAt;
}

/** The stages of a running clock that have not fired yet, with their times. */
export function pendingStages(clock: SlaClock): { stage: Stage; at: Date }[] {
  if (clock.state !== 'running') return [];
  return STAGES.filter((stage) => !firedAt(clock, stage)).map((stage) => ({
    stage,
    at: stageAt(clock, stage),
  }));
}

/** Marks a stage fired; the stages before it count as fired too (a late timer never warns backwards). */
export function fireStage(clock: SlaClock, stage: Stage, at: Date): SlaClock {
  const fired = { ...clock };
  for (const s of STAGES.slice(0, STAGES.indexOf(stage) + 1)) {
    if (s === 'yellow') fired.yellowFiredAt ??= at;
    if (s === 'red') fired.redFiredAt ??= at;
    if (s === 'overdue') fired.overdueFiredAt ??= at;
  }
  return fired;
}
