import type { StaffUser, StaffUserRole } from '../store/staff-users.js';
import type { Actor } from '../tickets/types.js';

/** The staff roles of issue 7, in the order the users page lists them. */
export const STAFF_ROLES: readonly StaffUserRole[] = ['operator', 'clerk', 'head', 'supervisor', 'admin'];

export function isStaffRole(value: unknown): value is StaffUserRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Clerks (承办人) and heads (负责人) belong to one department; the other roles to none. */
export function needsDepartment(role: StaffUserRole): boolean {
  return role === 'clerk' || role === 'head';
}

/** The actor id of a staff account in events and audit entries (API tokens are `token:<id>`). */
export function staffActorId(username: string): string {
  return `user:${username}`;
}

/**
 * The ticket core's view of an account: clerks and heads are both its `department` role (so
 * src/tickets/access.ts scopes them to their department), the head marked with `head: true`.
 */
export function actorFor(user: Pick<StaffUser, 'username' | 'role' | 'department'>): Actor {
  const id = staffActorId(user.username);
  if (needsDepartment(user.role)) {
    return {
      kind: 'staff',
      id,
      role: 'department',
      department: user.department,
      ...(user.role === 'head' ? { head: true } : {}),
    };
  }
  return { kind: 'staff', id, role: user.role as Exclude<StaffUserRole, 'clerk' | 'head'> };
}
