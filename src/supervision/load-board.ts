import type { Store } from '../store/store.js';
import { findBoardTickets } from '../store/ticket-board.js';
import type { Actor } from '../tickets/types.js';
import { buildBoard, type Board } from './board.js';
import { boardScope } from './scope.js';
import { boardWindow } from './window.js';

export interface LoadBoardOptions {
  days: number;
  timeZone: string;
  now?: Date;
}

/**
 * The board this actor may see: supervisors and admins the whole hub, department staff their own
 * department (the store reads only that department's tickets), operators none (403).
 */
export async function loadBoard(
  store: Pick<Store, 'tickets'>,
  actor: Actor,
  options: LoadBoardOptions,
): Promise<Board> {
  const scope = boardScope(actor);
  const window = boardWindow(options.now ?? new Date(), options.days, options.timeZone);
  const tickets = await findBoardTickets(store.tickets, {
    createdFrom: window.from,
    leadDepartment: scope.kind === 'department' ? scope.department : undefined,
  });
  return buildBoard(tickets, window, scope);
}
