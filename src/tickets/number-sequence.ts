import type { Redis } from 'ioredis';
import type { TicketRepository } from '../store/tickets.js';
import { datePartOf, formatTicketNumber } from './ticket-number.js';

/** INCR only when the day's counter exists; nil means Redis lost it (restart, flush, new day). */
const INCR_IF_EXISTS = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) else return false end`;
const COUNTER_TTL_S = 3 * 24 * 3600;

export interface IssuedNumber {
  number: string;
  numberDate: string;
  numberSeq: number;
}

/**
 * Hands out ticket numbers: Redis INCR for speed, the database for truth. When the day's counter is
 * missing, it is re-seeded from the highest sequence stored that day (SET NX, so racing processes
 * agree), and the unique index on `number` catches anything left (the caller then asks again).
 */
export class NumberSequence {
  constructor(
    private readonly redis: Redis,
    private readonly tickets: TicketRepository,
    private readonly timeZone: string,
  ) {}

  async next(at = new Date()): Promise<IssuedNumber> {
    const numberDate = datePartOf(at, this.timeZone);
    const key = `seq:${numberDate}`;
    for (;;) {
      const seq = (await this.redis.eval(INCR_IF_EXISTS, 1, key)) as number | null;
      if (seq !== null) return { number: formatTicketNumber(numberDate, seq), numberDate, numberSeq: seq };
      await this.reseed(numberDate);
    }
  }

  /** After a duplicate number: move the counter past what the database holds. */
  async reseed(numberDate: string): Promise<void> {
    const key = `seq:${numberDate}`;
    const stored = await this.tickets.maxSequenceOn(numberDate);
    const set = await this.redis.set(key, stored, 'EX', COUNTER_TTL_S, 'NX');
    if (set !== 'OK') {
      // Someone seeded it first; make sure it is not behind the database.
      const current = Number(await this.redis.get(key));
      if (current < stored) await this.redis.set(key, stored, 'EX', COUNTER_TTL_S);
    }
  }
}
