import type { Redis } from 'ioredis';
import type { TicketRepository } from '../store/tickets.js';
import { datePartOf, formatTicketNumber, ticketNumberDate, ticketNumberSequence } from './ticket-number.js';

/** INCR only when the day's counter exists; nil means Redis lost it (restart, flush, new day). */
const INCR_IF_EXISTS = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) else return false end`;

/**
 * One round trip, atomic: the number an idempotency key already has, or the next number of the day
 * claimed for it. KEYS: claim, day counter. ARGV: day (YYMMDD), claim TTL in seconds.
 * Returns { "day:seq", 1 when fresh }, or nil when the day's counter must be re-seeded first.
 */
const CLAIM = `
local known = redis.call('GET', KEYS[1])
if known then return { known, 0 } end
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local claimed = ARGV[1] .. ':' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], claimed, 'EX', ARGV[2])
return { claimed, 1 }`;

const COUNTER_TTL_S = 3 * 24 * 3600;
/** How long Redis remembers an idempotency key's number; the database's unique index, for ever. */
const CLAIM_TTL_S = 7 * 24 * 3600;

export interface IssuedNumber {
  number: string;
  numberDate: string;
  numberSeq: number;
}

/**
 * Hands out ticket numbers: Redis INCR for speed, the database for truth. When the day's counter is
 * missing, it is re-seeded from the highest sequence stored that day (SET NX, so racing processes
 * agree), and the `_id` of the ticket catches anything left (the caller then asks again).
 */
export class NumberSequence {
  constructor(
    private readonly redis: Redis,
    private readonly tickets: TicketRepository,
    private readonly timeZone: string,
  ) {}

  async next(at = new Date()): Promise<IssuedNumber> {
    const numberDate = datePartOf(at, this.timeZone);
    for (;;) {
      const seq = (await this.redis.eval(INCR_IF_EXISTS, 1, counterKey(numberDate))) as number | null;
      if (seq !== null) return issued(numberDate, seq);
      await this.reseed(numberDate);
    }
  }

  /**
   * The number of the ticket an idempotency key makes: the one claimed before (`fresh: false`, a
   * replay) or a new one claimed now. The first claim wins, also between concurrent requests.
   */
  async claim(dedupeKey: string, at = new Date()): Promise<{ issued: IssuedNumber; fresh: boolean }> {
    const numberDate = datePartOf(at, this.timeZone);
    for (;;) {
      const answer = (await this.redis.eval(
        CLAIM,
        2,
        claimKey(dedupeKey),
        counterKey(numberDate),
        numberDate,
        CLAIM_TTL_S,
      )) as [string, number] | null;
      if (answer) return { issued: parseClaim(answer[0]), fresh: answer[1] === 1 };
      await this.reseed(numberDate);
    }
  }

  /** Points a key's claim at another number (after a collision, or when found in the database). */
  async reclaim(dedupeKey: string, number: string): Promise<void> {
    const claim = `${ticketNumberDate(number)}:${ticketNumberSequence(number)}`;
    await this.redis.set(claimKey(dedupeKey), claim, 'EX', CLAIM_TTL_S);
  }

  /** After a duplicate number: move the counter past what the database holds. */
  async reseed(numberDate: string): Promise<void> {
    const key = counterKey(numberDate);
    const stored = await this.tickets.maxSequenceOn(numberDate);
    const set = await this.redis.set(key, stored, 'EX', COUNTER_TTL_S, 'NX');
    if (set !== 'OK') {
      // Someone seeded it first; make sure it is not behind the database.
      const current = Number(await this.redis.get(key));
      if (current < stored) await this.redis.set(key, stored, 'EX', COUNTER_TTL_S);
    }
  }
}

function counterKey(numberDate: string): string {
  return `seq:${numberDate}`;
}

function claimKey(dedupeKey: string): string {
  return `idem:${dedupeKey}`;
}

function issued(numberDate: string, numberSeq: number): IssuedNumber {
  return { number: formatTicketNumber(numberDate, numberSeq), numberDate, numberSeq };
}

function parseClaim(claim: string): IssuedNumber {
  const [numberDate = '', seq = ''] = claim.split(':');
  return issued(numberDate, Number(seq));
}
