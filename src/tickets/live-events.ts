import type { Redis } from 'ioredis';
import type { Ticket, TicketEvent } from './types.js';

/**
 * Live updates for staff pages and sockets. FerretDB has no change streams, so every change is
 * published on a Redis channel after it is stored (DESIGN §5a). Best effort: the stored event is the
 * truth; a missed publish only delays a screen.
 */
export interface LiveTicketEvent {
  number: string;
  status: string;
  leadDepartment?: string;
  coDepartments: string[];
  /**
   * Departments that saw the ticket before this event and no longer do (a transfer, a return): told
   * once, so the ticket leaves their lists live. They knew its number already.
   */
  formerDepartments: string[];
  event: Pick<TicketEvent, 'id' | 'type' | 'fromStatus' | 'toStatus' | 'visibility' | 'channel'> & {
    at: string;
  };
}

export class LiveEvents {
  constructor(
    private readonly redis: Redis,
    readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Publishes `event` of `ticket`; `before` is the ticket as it was, when it existed. */
  publish(ticket: Ticket, event: TicketEvent, before?: Ticket): void {
    const now = departmentsOf(ticket);
    const message: LiveTicketEvent = {
      number: ticket.number,
      status: ticket.status,
      leadDepartment: ticket.leadDepartment,
      coDepartments: Object.keys(ticket.coDepartments),
      formerDepartments: before ? [...departmentsOf(before)].filter((code) => !now.has(code)) : [],
      event: {
        id: event.id,
        type: event.type,
        fromStatus: event.fromStatus,
        toStatus: event.toStatus,
        visibility: event.visibility,
        channel: event.channel,
        at: event.at.toISOString(),
      },
    };
    this.redis.publish(this.channel, JSON.stringify(message)).catch(this.onError);
  }
}

function departmentsOf(ticket: Ticket): Set<string> {
  const codes = new Set(Object.keys(ticket.coDepartments));
  if (ticket.leadDepartment) codes.add(ticket.leadDepartment);
  return codes;
}
