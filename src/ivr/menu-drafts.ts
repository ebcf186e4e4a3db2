import type { Redis } from 'ioredis';
import type { IvrMenu } from './menu.js';

/**
 * Admins' menu drafts (the IVR admin page): one per admin, in Redis, edited step by step and then
 * published as the next version through the store's save with `baseVersion`. A draft is nobody
 * else's business and nothing a call reads, so it lives beside the other short-lived IVR state
 * (subsidy-lock.ts) rather than in the database; it expires after {@link DRAFT_DAYS} untouched.
 *
 * Every write names the revision it was made on (a page's forms carry it): a write on a revision
 * that is no longer the draft's — another window of the same admin edited, discarded or published
 * meanwhile — is refused, never applied to a draft the admin did not see.
 */
export interface MenuDraftRecord {
  /** The published version the draft started on: Publish saves on top of it, or is refused. */
  baseVersion: number;
  /** When restored from an older version: that version. */
  restoredFrom?: number;
  menu: IvrMenu;
  /** 1 for a new draft, one more per change; 0 means "no draft" in a write's expectation. */
  rev: number;
  updatedAt: Date;
}

export const DRAFT_DAYS = 30;

/**
 * Compare-and-set on the draft's hash: `rev` must still be ARGV[1] ('0': no draft). ARGV[2] is the
 * new body ('' deletes), ARGV[3] the new revision, ARGV[4] the time to live in ms.
 */
const WRITE = `
local rev = redis.call('HGET', KEYS[1], 'rev') or '0'
if rev ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'rev', ARGV[3], 'body', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

interface DraftBody {
  baseVersion: number;
  restoredFrom?: number;
  menu: IvrMenu;
  updatedAt: string;
}

export class MenuDrafts {
  constructor(private readonly redis: Redis) {}

  /** The admin's draft, if any. */
  async get(owner: string): Promise<MenuDraftRecord | undefined> {
    const stored = await this.redis.hgetall(key(owner));
    if (stored.rev === undefined || stored.body === undefined) return undefined;
    // Written only by `put` below.
    const body = JSON.parse(stored.body) as DraftBody;
    return { ...body, rev: Number(stored.rev), updatedAt: new Date(body.updatedAt) };
  }

  /**
   * Writes the admin's draft if its revision is still `expected` (0: there is none yet); the new
   * record, or undefined when the draft changed meanwhile.
   */
  async put(
    owner: string,
    expected: number,
    draft: Omit<MenuDraftRecord, 'rev' | 'updatedAt'>,
    at: Date,
  ): Promise<MenuDraftRecord | undefined> {
    const body: DraftBody = {
      baseVersion: draft.baseVersion,
      ...(draft.restoredFrom === undefined ? {} : { restoredFrom: draft.restoredFrom }),
      menu: draft.menu,
      updatedAt: at.toISOString(),
    };
    const rev = expected + 1;
    const ttl = DRAFT_DAYS * 86_400_000;
    const written = await this.redis.eval(
      WRITE,
      1,
      key(owner),
      String(expected),
      JSON.stringify(body),
      String(rev),
      String(ttl),
    );
    return written === 1 ? { ...draft, rev, updatedAt: at } : undefined;
  }

  /** Drops the admin's draft if its revision is still `expected`; false when it changed meanwhile. */
  async discard(owner: string, expected: number): Promise<boolean> {
    return (await this.redis.eval(WRITE, 1, key(owner), String(expected), '', '0', '0')) === 1;
  }
}

function key(owner: string): string {
  return `ivr:menu-draft:${owner}`;
}
