import type { BoardTicket } from '../store/ticket-board.js';
import { flaggedList, overdueList, warningList, type AlertRow, type FlaggedRow } from './alerts.js';
import { bottlenecks, type Bottleneck } from './bottlenecks.js';
import { boardCounts, type BoardCounts } from './counts.js';
import { dailyVolume, type VolumeRow } from './daily-volume.js';
import { resolutionRate, responseRate, satisfactionRate } from './rates.js';
import { reopenedList, returnedList, type ReopenedRow, type ReturnedRow } from './returns.js';
import { scopeTickets, type BoardScope } from './scope.js';
import type { BoardWindow } from './window.js';

/** Everything the supervision board shows (效能监察), computed from the tickets in one pass of code. */
export interface Board {
  window: BoardWindow;
  scope: BoardScope;
  counts: BoardCounts;
  rates: {
    response: ReturnType<typeof responseRate>;
    resolution: ReturnType<typeof resolutionRate>;
    satisfaction: ReturnType<typeof satisfactionRate>;
  };
  warnings: AlertRow[];
  overdue: AlertRow[];
  flagged: FlaggedRow[];
  bottlenecks: Bottleneck[];
  dailyVolume: VolumeRow[];
  returned: ReturnedRow[];
  reopened: ReopenedRow[];
}

/** Pure: the board of `scope` from the tickets the store returned (scoped again here, by the rule). */
export function buildBoard(tickets: readonly BoardTicket[], window: BoardWindow, scope: BoardScope): Board {
  const mine = scopeTickets(tickets, scope);
  const { now } = window;
  return {
    window,
    scope,
    counts: boardCounts(mine, window),
    rates: {
      response: responseRate(mine, window),
      resolution: resolutionRate(mine, window),
      satisfaction: satisfactionRate(mine, window),
    },
    warnings: warningList(mine, now),
    overdue: overdueList(mine, now),
    flagged: flaggedList(mine),
    bottlenecks: bottlenecks(mine, now),
    dailyVolume: dailyVolume(mine, window),
    returned: returnedList(mine, window),
    reopened: reopenedList(mine, window),
  };
}
