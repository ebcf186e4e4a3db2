import type { Redis } from 'ioredis';
import { withLock, type LockOptions } from '../../redis/lock.js';
import { newId } from '../../store/ids.js';
import type { StoredSmsKeyword } from '../../store/sms-keywords.js';
import type { Store } from '../../store/store.js';
import type { Actor } from '../../tickets/types.js';
import {
  customKeywordProblems,
  isTicketKind,
  type KeywordDraft,
  type KeywordProblems,
  type ReplyLimit,
} from './custom-keyword-rules.js';
import type { SmsKeywordTable } from './keyword-table.js';

/** What adding, changing and removing custom SMS keywords needs; built once by its caller. */
export interface KeywordAdminDeps {
  store: Pick<Store, 'smsKeywords' | 'audit'>;
  /** The hub's prefixed client: the keyword table's writer lock. */
  redis: Redis;
  lock: LockOptions;
  /** SMS_SIGNATURE and SMS_MAX_PARTS: the reply must fit. */
  limit: ReplyLimit;
  /** Every process reads messages with the new table once the change is stored. */
  table: Pick<SmsKeywordTable, 'changed'>;
}

/** The version an admin edited: a save on top of another is refused. */
export interface KeywordTarget {
  id: string;
  baseVersion: number;
}

export type KeywordOutcome =
  | { ok: true; keyword: StoredSmsKeyword }
  | { ok: false; reason: 'invalid'; problems: KeywordProblems }
  /** Someone saved (or enabled, disabled) it since the admin opened it: what is there now. */
  | { ok: false; reason: 'version_conflict'; current: StoredSmsKeyword }
  | { ok: false; reason: 'not_found' | 'busy' };

export const SAVE_AUDIT = 'save_sms_keyword';
export const DELETE_AUDIT = 'delete_sms_keyword';

/**
 * One writer at a time for the whole table: whether a keyword collides with another is a question
 * about every keyword, and FerretDB has neither transactions nor atomic updates (DESIGN §5a).
 */
const LOCK_KEY = 'lock:sms-keywords';

/**
 * Adds a custom keyword (no target) or saves the next version of one: checked against the built-ins
 * and every other custom keyword, stored, audited (`save_sms_keyword`), and then read by every
 * process. Nothing is stored when a check fails or the version edited is no longer the current one.
 */
export async function saveSmsKeyword(
  deps: KeywordAdminDeps,
  draft: KeywordDraft & { active: boolean },
  target: KeywordTarget | undefined,
  actor: Actor,
): Promise<KeywordOutcome> {
  return writeTable(deps, async (all) => {
    const current = target && all.find((k) => k.id === target.id);
    if (target && !current) return { ok: false, reason: 'not_found' };
    if (target && current && current.version !== target.baseVersion)
      return { ok: false, reason: 'version_conflict', current };
    const others = all.filter((k) => k.id !== current?.id);
    const problems = customKeywordProblems(draft, others, deps.limit);
    if (Object.keys(problems).length > 0 || !isTicketKind(draft.kind))
      return { ok: false, reason: 'invalid', problems };
    const keyword: StoredSmsKeyword = {
      id: current?.id ?? newId(),
      initials: draft.initials,
      words: [...draft.words],
      kind: draft.kind,
      category: draft.category.trim(),
      reply: draft.reply,
      active: draft.active,
      validFrom: draft.validFrom,
      validTo: draft.validTo,
      version: current?.version ?? 0,
      updatedAt: new Date(),
      updatedBy: actor.id,
    };
    const written = current
      ? await deps.store.smsKeywords.update(keyword, current.version)
      : await deps.store.smsKeywords.create(keyword);
    if (!written.ok) return lostRace(deps, keyword.id);
    await audit(deps, actor, SAVE_AUDIT, written.keyword, current ? 'updated' : 'created');
    return written;
  });
}

/**
 * Disables a keyword (always possible) or enables it again (checked again first: the SMS limit may
 * have changed since), audited as a save.
 */
export async function setSmsKeywordActive(
  deps: KeywordAdminDeps,
  target: KeywordTarget,
  active: boolean,
  actor: Actor,
): Promise<KeywordOutcome> {
  return writeTable(deps, async (all) => {
    const current = all.find((k) => k.id === target.id);
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.version !== target.baseVersion) return { ok: false, reason: 'version_conflict', current };
    if (active) {
      const others = all.filter((k) => k.id !== current.id);
      const problems = customKeywordProblems(current, others, deps.limit);
      if (Object.keys(problems).length > 0) return { ok: false, reason: 'invalid', problems };
    }
    const written = await deps.store.smsKeywords.update(
      { ...current, active, updatedAt: new Date(), updatedBy: actor.id },
      current.version,
    );
    if (!written.ok) return lostRace(deps, current.id);
    await audit(deps, actor, SAVE_AUDIT, written.keyword, active ? 'enabled' : 'disabled');
    return written;
  });
}

/** Removes a keyword, if it is still the version the admin confirmed; audited (`delete_sms_keyword`). */
export async function deleteSmsKeyword(
  deps: KeywordAdminDeps,
  target: KeywordTarget,
  actor: Actor,
): Promise<KeywordOutcome> {
  return writeTable(deps, async (all) => {
    const current = all.find((k) => k.id === target.id);
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.version !== target.baseVersion) return { ok: false, reason: 'version_conflict', current };
    if (!(await deps.store.smsKeywords.remove(current.id, current.version)))
      return lostRace(deps, current.id);
    await audit(deps, actor, DELETE_AUDIT, current, 'deleted');
    return { ok: true, keyword: current };
  });
}

/** `GN/供暖`: how the audit names a keyword (its id may be gone later). */
export function spelling(keyword: Pick<StoredSmsKeyword, 'initials' | 'words'>): string {
  return [...(keyword.initials ? [keyword.initials] : []), ...keyword.words].join('/');
}

/** The stored version moved under us (the lock had expired): what is there now, or gone. */
async function lostRace(deps: KeywordAdminDeps, id: string): Promise<KeywordOutcome> {
  const current = await deps.store.smsKeywords.findById(id);
  return current ? { ok: false, reason: 'version_conflict', current } : { ok: false, reason: 'not_found' };
}

async function writeTable(
  deps: KeywordAdminDeps,
  work: (all: StoredSmsKeyword[]) => Promise<KeywordOutcome>,
): Promise<KeywordOutcome> {
  const locked = await withLock(deps.redis, LOCK_KEY, deps.lock, async () =>
    work(await deps.store.smsKeywords.list()),
  );
  if (!locked) return { ok: false, reason: 'busy' };
  if (locked.value.ok) await deps.table.changed();
  return locked.value;
}

async function audit(
  deps: KeywordAdminDeps,
  actor: Actor,
  action: string,
  keyword: StoredSmsKeyword,
  detail: string,
): Promise<void> {
  await deps.store.audit.append({
    actor,
    action,
    fields: [keyword.id, spelling(keyword)],
    detail,
    at: new Date(),
  });
}
