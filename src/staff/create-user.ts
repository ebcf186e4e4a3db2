import type { StaffUser } from '../store/staff-users.js';
import type { Actor } from '../tickets/types.js';
import type { StaffDeps } from './deps.js';
import { hashPassword, passwordProblem } from './password.js';
import { isStaffRole, needsDepartment } from './roles.js';
import { normalizeUsername, USERNAME_PATTERN } from './usernames.js';

/** The users page's form, as typed. */
export interface NewUserForm {
  username: string;
  name: string;
  role: string;
  department?: string;
  password: string;
}

/** Per form field, why it was refused (the page words each code). */
export type UserFormProblems = Partial<Record<keyof NewUserForm, string>>;

const MAX_NAME = 60;

/**
 * An admin creates a staff account: every field checked (a clerk or head needs an active
 * department; the others get none), the username unique by the `_id` insert, the password kept as
 * scrypt only, the creation audited (`staff_user_created`).
 */
export async function createUser(
  deps: StaffDeps,
  form: NewUserForm,
  by: Actor,
): Promise<{ ok: true; user: StaffUser } | { ok: false; problems: UserFormProblems }> {
  const problems: UserFormProblems = {};
  const username = normalizeUsername(form.username);
  if (!username) problems.username = 'required';
  else if (!USERNAME_PATTERN.test(username)) problems.username = 'invalid';
  const name = form.name.trim();
  if (!name) problems.name = 'required';
  else if (Array.from(name).length > MAX_NAME) problems.name = 'too_long';
  const role = isStaffRole(form.role) ? form.role : undefined;
  if (!role) problems.role = 'required';
  const code = form.department?.trim() ?? '';
  let department: string | undefined;
  if (role && needsDepartment(role)) {
    if (!code) problems.department = 'required';
    else if (!(await deps.store.departments.findActive(code))) problems.department = 'unknown';
    else department = code;
  }
  const weak = passwordProblem(form.password, username);
  if (weak) problems.password = weak;
  if (Object.keys(problems).length > 0 || !role) return { ok: false, problems };

  const now = new Date();
  const user: StaffUser = {
    username,
    name,
    role,
    ...(department ? { department } : {}),
    disabled: false,
    passwordHash: await hashPassword(form.password),
    failedLogins: 0,
    sessionsNotBefore: now,
    createdAt: now,
    createdBy: by.id,
    updatedAt: now,
    passwordChangedAt: now,
  };
  if (!(await deps.store.staffUsers.insert(user))) return { ok: false, problems: { username: 'taken' } };
  await deps.store.audit.append({
    actor: by,
    action: 'staff_user_created',
    detail: `${username} ${role}${department ? ` ${department}` : ''}`,
    at: now,
  });
  return { ok: true, user };
}
