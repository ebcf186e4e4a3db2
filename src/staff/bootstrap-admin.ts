import type { StaffUserRepository } from '../store/staff-users.js';
import type { AuditLogRepository } from '../store/audit-log.js';
import { hashPassword } from './password.js';

export const BOOTSTRAP_ADMIN = 'admin';

/**
 * DESIGN §5: `HUB_ADMIN_PASSWORD` makes the `admin` account on first start. The unique `_id` insert
 * decides: when `admin` exists (made before, perhaps with another password since), nothing changes
 * — the variable is not a way to reset a password.
 */
export async function bootstrapAdmin(
  store: { staffUsers: StaffUserRepository; audit: AuditLogRepository },
  password: string,
): Promise<'created' | 'exists'> {
  if (await store.staffUsers.findByUsername(BOOTSTRAP_ADMIN)) return 'exists';
  const now = new Date();
  const created = await store.staffUsers.insert({
    username: BOOTSTRAP_ADMIN,
    name: 'Administrator',
    role: 'admin',
    disabled: false,
    passwordHash: await hashPassword(password),
    failedLogins: 0,
    sessionsNotBefore: now,
    createdAt: now,
    createdBy: 'HUB_ADMIN_PASSWORD',
    updatedAt: now,
    passwordChangedAt: now,
  });
  if (!created) return 'exists';
  await store.audit.append({
    actor: { kind: 'system', id: 'bootstrap' },
    action: 'staff_user_created',
    detail: BOOTSTRAP_ADMIN,
    at: now,
  });
  return 'created';
}
