import type { SlaClock } from '../routing/sla-clock.js';
import type { BoardTicket } from '../store/ticket-board.js';
import type { TicketStatus } from '../tickets/types.js';
import { inWindow, type BoardWindow } from './window.js';

/**
 * The three rates of the 12345 hotline assessment (考核), over the tickets created in the window.
 * Each is `numerator / denominator`; `rate` is that share rounded to four decimals, null when the
 * denominator is 0 (nothing to judge yet is not 0 %).
 */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

export function rate(numerator: number, denominator: number): Rate {
  return {
    numerator,
    denominator,
    rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
  };
}

/**
 * 响应率 (response rate: signed in time): tickets signed (签收) within the sign-off limit, out of the
 * dispatched tickets whose sign-off has been decided.
 *
 * - Counted: tickets with a sign clock — dispatched to a department under a policy with a sign-off
 *   limit (a transfer starts the clock afresh: the current department's sign-off counts).
 * - Signed in time (numerator): the first `signed` event after that clock started is at or before
 *   its due time.
 * - Decided (denominator): signed, or never signed and the clock ran past its due time (still
 *   running, or stopped after it). A ticket still inside its limit, or cancelled inside it, is
 *   neither in time nor late and is left out.
 */
export function responseRate(
  tickets: readonly BoardTicket[],
  window: BoardWindow,
): Rate & { dispatched: number } {
  let dispatched = 0;
  let decided = 0;
  let onTime = 0;
  for (const ticket of tickets) {
    const clock = ticket.clocks.sign;
    if (!clock || !inWindow(window, ticket.createdAt)) continue;
    dispatched += 1;
    const signed = ticket.events.find((e) => e.type === 'signed' && e.at >= clock.startedAt);
    if (signed) {
      decided += 1;
      if (signed.at <= clock.dueAt) onTime += 1;
    } else if ((clock.stoppedAt ?? window.now) > clock.dueAt) {
      decided += 1;
    }
  }
  return { ...rate(onTime, decided), dispatched };
}

/** Ended without an answer being owed (撤销, 不予受理, 合并). */
const NOT_OWED: readonly TicketStatus[] = ['cancelled', 'merged', 'rejected'];

/** The completion limit has passed: overdue fired, running past due, or stopped late. */
function pastDue(clock: SlaClock, now: Date): boolean {
  if (clock.overdueFiredAt) return true;
  if (clock.state === 'running') return now > clock.dueAt;
  return clock.state === 'stopped' && clock.met === false;
}

/**
 * 解决率 (resolution rate): tickets closed (办结: resolved by the hotline or closed by the citizen's
 * rating), out of the tickets whose completion is due (应办结).
 *
 * - Due (denominator): dispatched to a department (a completion clock exists), not cancelled, merged
 *   or rejected, and either closed or past the completion limit (overdue fired, running past its due
 *   time, or stopped late). A ticket inside its limit — or answered inside it and waiting for the
 *   callback (回访) — is not due yet and is left out.
 * - Resolved (numerator): due tickets whose status is `closed`.
 */
export function resolutionRate(tickets: readonly BoardTicket[], window: BoardWindow): Rate {
  let due = 0;
  let closed = 0;
  for (const ticket of tickets) {
    const clock = ticket.clocks.completion;
    if (!clock || !inWindow(window, ticket.createdAt) || NOT_OWED.includes(ticket.status)) continue;
    const isClosed = ticket.status === 'closed';
    if (!isClosed && !pastDue(clock, window.now)) continue;
    due += 1;
    if (isClosed) closed += 1;
  }
  return rate(closed, due);
}

/**
 * 满意率 (satisfaction rate): (satisfied + basically satisfied) / rated — the citizen's current rating
 * (回访) of the tickets created in the window; unrated tickets count in neither.
 */
export function satisfactionRate(
  tickets: readonly BoardTicket[],
  window: BoardWindow,
): Rate & { satisfied: number; basicallySatisfied: number; dissatisfied: number } {
  const counts = { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 };
  for (const ticket of tickets) {
    if (!ticket.rating || !inWindow(window, ticket.createdAt)) continue;
    if (ticket.rating === 'satisfied') counts.satisfied += 1;
    else if (ticket.rating === 'basically_satisfied') counts.basicallySatisfied += 1;
    else counts.dissatisfied += 1;
  }
  const rated = counts.satisfied + counts.basicallySatisfied + counts.dissatisfied;
  return { ...rate(counts.satisfied + counts.basicallySatisfied, rated), ...counts };
}
