import type { Actor } from '../tickets/types.js';
import type { StaffDeps } from './deps.js';

/** Signs out: the session is deleted from Redis (the cookie alone is worth nothing after), audited. */
export async function logout(
  deps: StaffDeps,
  token: string | undefined,
  actor: Actor,
  ip: string,
): Promise<void> {
  await deps.sessions.destroy(token);
  await deps.store.audit.append({ actor, action: 'staff_logout', ip, at: new Date() });
}
