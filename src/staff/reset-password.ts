import { HubErrors } from '../errors.js';
import type { Actor } from '../tickets/types.js';
import type { StaffDeps } from './deps.js';
import { hashPassword, passwordProblem, type PasswordProblem } from './password.js';
import { withUserLock } from './user-lock.js';

/**
 * An admin sets a new password for an account: kept as scrypt only, every session of the account
 * ended (whoever knew the old password is out), the wrong-password count and any lock cleared.
 * Audited as `staff_password_reset`.
 */
export async function resetPassword(
  deps: StaffDeps,
  username: string,
  password: string,
  by: Actor,
): Promise<{ ok: true } | { ok: false; problem: PasswordProblem }> {
  const problem = passwordProblem(password, username);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(password);
  const now = new Date();
  await withUserLock(deps.redis, username, async () => {
    const user = await deps.store.staffUsers.findByUsername(username);
    if (!user) throw new HubErrors.NotFound();
    await deps.store.staffUsers.update(username, {
      passwordHash,
      passwordChangedAt: now,
      sessionsNotBefore: now,
      failedLogins: 0,
      updatedAt: now,
    });
  });
  await deps.sessions.revokeUser(username);
  await deps.guard.clear(username);
  await deps.store.audit.append({ actor: by, action: 'staff_password_reset', detail: username, at: now });
  return { ok: true };
}
