import type { DirectoryEntry } from '../store/directory-entries.js';
import type { Actor } from '../tickets/types.js';
import { withEntryLock, type DirectoryDeps } from './entry-lock.js';

export type DeleteEntryOutcome =
  | { ok: true; entry: DirectoryEntry }
  | { ok: false; problem: 'not_found' | 'busy' }
  /** Saved meanwhile by someone else: nothing was deleted; `current` is what is there now. */
  | { ok: false; problem: 'version_conflict'; current: DirectoryEntry };

/**
 * Deletes a directory entry — only the version the admin confirmed (`baseVersion`; the API may
 * leave it out to delete whatever is there). Audited as `delete_directory_entry` (`id@version`).
 * To take an entry out of the console for a while, disable it instead.
 */
export async function deleteDirectoryEntry(
  deps: DirectoryDeps,
  id: string,
  baseVersion: number | undefined,
  by: Actor,
): Promise<DeleteEntryOutcome> {
  const done = await withEntryLock(deps.redis, id, async (): Promise<DeleteEntryOutcome> => {
    const current = await deps.store.directoryEntries.findById(id);
    if (!current) return { ok: false, problem: 'not_found' };
    if (baseVersion !== undefined && current.version !== baseVersion)
      return { ok: false, problem: 'version_conflict', current };
    if (!(await deps.store.directoryEntries.remove(id, current.version))) {
      const now = await deps.store.directoryEntries.findById(id);
      return now
        ? { ok: false, problem: 'version_conflict', current: now }
        : { ok: false, problem: 'not_found' };
    }
    return { ok: true, entry: current };
  });
  if (!done) return { ok: false, problem: 'busy' };
  const outcome = done.value;
  if (outcome.ok) {
    await deps.store.audit.append({
      actor: by,
      action: 'delete_directory_entry',
      fields: [`${id}@${String(outcome.entry.version)}`],
      at: new Date(),
    });
  }
  return outcome;
}
