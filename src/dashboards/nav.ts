import type { StaffUserRole } from '../store/staff-users.js';

export type AreaName = 'console' | 'desk' | 'supervision' | 'admin' | 'audit';

/**
 * The staff areas, where they live and who may open them: one table, read by the navigation and by
 * the routes' role checks (`config: { staffRoles: AREAS.x.roles }`), so a link is shown exactly
 * where the page would open.
 */
export const AREAS: Record<AreaName, { path: string; roles: readonly StaffUserRole[] }> = {
  console: { path: '/staff/console', roles: ['operator'] },
  desk: { path: '/staff/desk', roles: ['clerk', 'head'] },
  supervision: { path: '/staff/supervision', roles: ['supervisor'] },
  admin: { path: '/staff/admin', roles: ['admin'] },
  audit: { path: '/staff/audit', roles: ['supervisor', 'admin'] },
};

const ORDER: AreaName[] = ['console', 'desk', 'supervision', 'admin', 'audit'];

export interface NavItem {
  area: AreaName;
  href: string;
  current: boolean;
}

/** The links of a role's navigation bar, the one under `path` marked current. */
export function navFor(role: StaffUserRole, path: string): NavItem[] {
  return ORDER.filter((area) => AREAS[area].roles.includes(role)).map((area) => ({
    area,
    href: AREAS[area].path,
    current: path === AREAS[area].path || path.startsWith(`${AREAS[area].path}/`),
  }));
}

/** Where `/staff` sends a role: its first area. */
export function homeFor(role: StaffUserRole): string {
  const area = ORDER.find((name) => AREAS[name].roles.includes(role)) ?? 'audit';
  return AREAS[area].path;
}

/**
 * `next` after sign-in: only a path of the staff pages on this site (`/staff…`), never `//host`,
 * a scheme, a backslash, control characters or dot segments — anything else goes to the role's home.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 512) return undefined;
  if (!/^\/staff(\/|\?|$)/.test(next)) return undefined;
  if (next.includes('\\') || /\p{Cc}/u.test(next) || next.includes('//')) return undefined;
  // No dot segments, plain or encoded: the browser would resolve them out of /staff.
  if (/(^|\/)(\.|%2e){1,2}(\/|\?|$)/i.test(next.split('#')[0] ?? '')) return undefined;
  if (next.startsWith('/staff/login') || next.startsWith('/staff/logout')) return undefined;
  return next;
}
