import type { StaffUserRole } from '../../src/store/staff-users.js';
import type { TestHub } from './hub.js';
import { WebVisitor } from './web-form.js';

/** A stored password: scrypt, N=2^15, r=8, p=1, 16-byte salt, 32-byte key, base64. */
export const SCRYPT_STRING = /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/;

/** The bootstrap admin's password in the staff tests (HUB_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'admin-pass-0123456';

/** Makes an account through the same use-case the users page calls (as the bootstrap admin). */
export async function makeStaffUser(
  hub: TestHub,
  username: string,
  role: StaffUserRole,
  department?: string,
  password = `${username}-pass-0123`,
): Promise<string> {
  const outcome = await hub.app.staff.createUser(
    { username, name: `${username} name`, role, department, password },
    { kind: 'staff', id: 'user:admin', role: 'admin' },
  );
  if (!outcome.ok) throw new Error(`makeStaffUser ${username}: ${JSON.stringify(outcome.problems)}`);
  return password;
}

/**
 * A staff browser without a browser (cookies and the CSRF token kept by WebVisitor), signed in
 * through the real sign-in form; throws unless the sign-in redirected.
 */
export async function signIn(
  hub: TestHub,
  username: string,
  password: string,
  ip = '198.51.100.7',
): Promise<WebVisitor> {
  const visitor = new WebVisitor(hub, ip);
  await visitor.get('/staff/login');
  const response = await visitor.post('/staff/login', { username, password });
  if (response.statusCode !== 303) throw new Error(`signIn ${username}: ${response.statusCode}`);
  return visitor;
}

/** The `Cookie` header of a visitor's staff session alone (for the API and the live socket). */
export function sessionCookie(visitor: WebVisitor): Record<string, string> {
  const value = visitor.cookie('hub_staff');
  if (!value) throw new Error('no staff session cookie');
  return { cookie: `hub_staff=${encodeURIComponent(value)}` };
}
