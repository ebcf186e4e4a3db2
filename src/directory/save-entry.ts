import { randomBytes } from 'node:crypto';
import type { DirectoryEntry } from '../store/directory-entries.js';
import type { Actor } from '../tickets/types.js';
import { checkDirectoryEntry, type DirectoryEntryInput, type EntryProblem } from './entry-rules.js';
import { withEntryLock, type DirectoryDeps } from './entry-lock.js';

export interface SaveEntryRequest {
  /** The entry's id; a new entry without one gets `e-` and 12 hex digits. */
  id?: string;
  /** The version the admin edited; absent: a new entry (refused when the id is taken). */
  baseVersion?: number;
  input: DirectoryEntryInput;
}

export type SaveEntryOutcome =
  /** `was`: the version this one replaced (none for a new entry). */
  | { ok: true; entry: DirectoryEntry; created: boolean; was?: DirectoryEntry }
  | { ok: false; problem: 'invalid'; problems: EntryProblem[] }
  | { ok: false; problem: 'exists' | 'not_found' | 'busy' }
  /** Saved meanwhile by someone else: nothing was written; `current` is what is there now. */
  | { ok: false; problem: 'version_conflict'; current: DirectoryEntry };

/**
 * Creates a directory entry (version 1) or saves the next version of one — only if it is still at
 * the version the admin edited, so two admins editing at once cannot overwrite each other. An
 * update without `active` keeps the entry's. Audited as `save_directory_entry` (`id@version`;
 * detail `created`, `updated`, `disabled` or `enabled`). The console reads entries straight from
 * the store, so a save is seen by every process at once.
 */
export async function saveDirectoryEntry(
  deps: DirectoryDeps,
  request: SaveEntryRequest,
  by: Actor,
): Promise<SaveEntryOutcome> {
  const checked = checkDirectoryEntry(request.input);
  if (!checked.ok) return { ok: false, problem: 'invalid', problems: checked.problems };
  const id = request.id ?? `e-${randomBytes(6).toString('hex')}`;
  const { baseVersion } = request;
  const stamp = { updatedAt: new Date(), updatedBy: by.id };

  const done = await withEntryLock(deps.redis, id, async (): Promise<SaveEntryOutcome> => {
    const current = await deps.store.directoryEntries.findById(id);
    if (baseVersion === undefined) {
      const entry: DirectoryEntry = { ...checked.content, id, version: 1, ...stamp };
      if (current || !(await deps.store.directoryEntries.insert(entry)))
        return { ok: false, problem: 'exists' };
      return { ok: true, entry, created: true };
    }
    if (!current) return { ok: false, problem: 'not_found' };
    if (current.version !== baseVersion) return { ok: false, problem: 'version_conflict', current };
    const active = request.input.active ?? current.active;
    const entry: DirectoryEntry = { ...checked.content, active, id, version: current.version + 1, ...stamp };
    if (!(await deps.store.directoryEntries.replace(entry, current.version))) {
      const now = await deps.store.directoryEntries.findById(id);
      return now
        ? { ok: false, problem: 'version_conflict', current: now }
        : { ok: false, problem: 'not_found' };
    }
    return { ok: true, entry, created: false, was: current };
  });
  if (!done) return { ok: false, problem: 'busy' };
  const outcome = done.value;
  if (!outcome.ok) return outcome;
  await deps.store.audit.append({
    actor: by,
    action: 'save_directory_entry',
    fields: [`${outcome.entry.id}@${String(outcome.entry.version)}`],
    detail: changeWord(outcome.entry, outcome.was),
    at: stamp.updatedAt,
  });
  return outcome;
}

/**
 * Disables or enables an entry (a disabled one stays on the admin page and out of the console's
 * 查号): the same save, with the entry's content as it is and only `active` changed.
 */
export async function setDirectoryEntryActive(
  deps: DirectoryDeps,
  id: string,
  active: boolean,
  baseVersion: number,
  by: Actor,
): Promise<SaveEntryOutcome> {
  const current = await deps.store.directoryEntries.findById(id);
  if (!current) return { ok: false, problem: 'not_found' };
  if (current.version !== baseVersion) return { ok: false, problem: 'version_conflict', current };
  const { id: _id, version: _version, updatedAt: _at, updatedBy: _by, ...content } = current;
  return saveDirectoryEntry(deps, { id, baseVersion, input: { ...content, active } }, by);
}

/** The audit's word for a save: what an admin reading the log wants to know first. */
function changeWord(entry: DirectoryEntry, was: DirectoryEntry | undefined): string {
  if (!was) return 'created';
  if (was.active !== entry.active) return entry.active ? 'enabled' : 'disabled';
  return 'updated';
}
