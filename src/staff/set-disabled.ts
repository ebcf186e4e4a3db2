import { HubErrors } from '../errors.js';
import type { Actor } from '../tickets/types.js';
import type { StaffDeps } from './deps.js';
import { staffActorId } from './roles.js';
import { withUserLock } from './user-lock.js';

/**
 * An admin disables or enables an account. Disabling ends every session of it at once (and
 * `sessionsNotBefore` voids any the revocation missed); an admin cannot disable themselves, so the
 * last admin cannot lock everyone out by a slip. Audited as `staff_user_disabled` / `_enabled`.
 */
export async function setDisabled(
  deps: StaffDeps,
  username: string,
  disabled: boolean,
  by: Actor,
): Promise<{ ok: true } | { ok: false; problem: 'self' }> {
  if (disabled && by.id === staffActorId(username)) return { ok: false, problem: 'self' };
  const now = new Date();
  await withUserLock(deps.redis, username, async () => {
    const user = await deps.store.staffUsers.findByUsername(username);
    if (!user) throw new HubErrors.NotFound();
    await deps.store.staffUsers.update(username, {
      disabled,
      updatedAt: now,
      ...(disabled ? { sessionsNotBefore: now } : {}),
    });
  });
  if (disabled) await deps.sessions.revokeUser(username);
  await deps.store.audit.append({
    actor: by,
    action: disabled ? 'staff_user_disabled' : 'staff_user_enabled',
    detail: username,
    at: now,
  });
  return { ok: true };
}
