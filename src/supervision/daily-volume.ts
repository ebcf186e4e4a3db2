import type { BoardTicket } from '../store/ticket-board.js';
import { localDate } from '../time/local-format.js';
import { CHANNELS, type Channel } from '../tickets/types.js';
import { inWindow, type BoardWindow } from './window.js';

export interface VolumeRow {
  /** Local date (China time), `YYYY-MM-DD`. */
  date: string;
  byChannel: Record<Channel, number>;
  total: number;
}

/** Tickets created each local day of the window, by channel; every day listed, oldest first. */
export function dailyVolume(tickets: readonly BoardTicket[], window: BoardWindow): VolumeRow[] {
  const rows = new Map<string, VolumeRow>(
    window.dates.map((date) => [
      date,
      {
        date,
        byChannel: Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>,
        total: 0,
      },
    ]),
  );
  for (const ticket of tickets) {
    if (!inWindow(window, ticket.createdAt)) continue;
    const row = rows.get(localDate(ticket.createdAt, window.timeZone));
    if (!row) continue;
    row.byChannel[ticket.channel] += 1;
    row.total += 1;
  }
  return [...rows.values()];
}
