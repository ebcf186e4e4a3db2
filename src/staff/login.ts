import type { StaffUser } from '../store/staff-users.js';
import type { Actor } from '../tickets/types.js';
import type { StaffDeps } from './deps.js';
import { LOCK_MS } from './login-guard.js';
import { decoyHash, MAX_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { actorFor, staffActorId } from './roles.js';
import { withUserLock } from './user-lock.js';
import { normalizeUsername } from './usernames.js';

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  /** The session the browser held before, ended here: a sign-in always gets a new session id. */
  previousToken?: string;
}

export type LoginOutcome =
  | { ok: true; user: StaffUser; token: string }
  /** Unknown user, wrong password and disabled account all look the same. */
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; minutes: number }
  | { ok: false; reason: 'too_many' };

/**
 * Signs a staff member in. Order matters: the per-username attempt limit, then the lock (a right
 * password is refused while it lasts), then the password, checked against a decoy hash when the
 * account does not exist so both take the same time. The fifth wrong password in 15 minutes locks
 * the account for 15 minutes. Every outcome is audited (`staff_login`, `staff_login_failed`,
 * `staff_locked`).
 */
export async function login(deps: StaffDeps, input: LoginInput): Promise<LoginOutcome> {
  const username = normalizeUsername(input.username);
  const who: Actor = { kind: 'staff', id: staffActorId(username) };
  const audit = (action: string, detail?: string, actor: Actor = who) =>
    deps.store.audit.append({ actor, action, ip: input.ip, detail, at: new Date() });

  if (!(await deps.guard.allowAttempt(username))) {
    await audit('staff_login_failed', 'too_many_attempts');
    return { ok: false, reason: 'too_many' };
  }
  const lockedMs = await deps.guard.lockedForMs(username);
  if (lockedMs > 0) {
    await audit('staff_login_failed', 'locked');
    return { ok: false, reason: 'locked', minutes: Math.ceil(lockedMs / 60_000) };
  }

  const user = username ? await deps.store.staffUsers.findByUsername(username) : undefined;
  // No password can be longer than MAX_PASSWORD_LENGTH: a longer one is wrong without hashing it.
  const matches =
    Array.from(input.password).length <= MAX_PASSWORD_LENGTH &&
    (await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash())));
  if (!user || !matches || user.disabled) {
    const detail = !user ? 'unknown_user' : user.disabled && matches ? 'disabled' : 'wrong_password';
    await audit('staff_login_failed', detail);
    const locked = await deps.guard.recordFailure(username);
    if (user) await countFailure(deps, user.username);
    if (!locked) return { ok: false, reason: 'invalid' };
    await audit('staff_locked', `${LOCK_MS / 60_000}min`);
    return { ok: false, reason: 'locked', minutes: LOCK_MS / 60_000 };
  }

  await deps.guard.clear(username);
  await deps.sessions.destroy(input.previousToken);
  const now = new Date();
  await withUserLock(deps.redis, user.username, () =>
    deps.store.staffUsers.update(user.username, { lastLoginAt: now, failedLogins: 0 }),
  );
  const token = await deps.sessions.create(user.username);
  await audit('staff_login', undefined, actorFor(user));
  return { ok: true, user, token };
}

/** The account's own count of wrong passwords (shown to admins; the lock is the Redis key). */
async function countFailure(deps: StaffDeps, username: string): Promise<void> {
  await withUserLock(deps.redis, username, async () => {
    const current = await deps.store.staffUsers.findByUsername(username);
    if (current) await deps.store.staffUsers.update(username, { failedLogins: current.failedLogins + 1 });
  });
}
