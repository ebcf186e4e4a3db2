import type { Redis } from 'ioredis';
import { withLock } from '../redis/lock.js';
import type { RoutingService } from '../routing/plugin.js';
import { routingChanged } from '../routing/rule-edits.js';
import type { StoredDepartment } from '../store/departments.js';
import type { Store } from '../store/store.js';
import type { TicketRepository } from '../store/tickets.js';
import type { Actor } from '../tickets/types.js';
import { checkDepartment, type DepartmentInput, type DepartmentProblem } from './check-department.js';

export interface DepartmentDeps {
  store: Pick<Store, 'departments' | 'rules' | 'tickets' | 'audit'>;
  routing: RoutingService;
  redis: Redis;
}

/**
 * What the save expects to find: `'absent'` creates (the code must be free), a number replaces that
 * version (an edit form's), `'any'` creates or replaces whatever is there (the API's PUT without a
 * version).
 */
export type Expected = 'absent' | number | 'any';

export type SaveDepartmentOutcome =
  | { ok: true; department: StoredDepartment; created: boolean; openTickets: number }
  | { ok: false; reason: 'invalid'; problems: DepartmentProblem[] }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; version: number }
  | { ok: false; reason: 'busy' };

/** Saves of one department are short: two reads and one write. */
const LOCK = { ttlMs: 5000, waitMs: 3000 };

/**
 * An admin creates or changes a department (the admin page and `PUT /api/v1/departments/:code`):
 * checked by {@link checkDepartment} against the stored departments and routing rules, written as a
 * new version only if nobody saved it meanwhile, one writer per department (DESIGN §5a). Returns the
 * saved department with how many open tickets it has (a disabled one keeps them). Audited as
 * `save_department` with the code; the routing tables are rebuilt in every process at once (a
 * disabled department's rules stop, new working hours count), as for any routing change.
 */
export async function saveDepartment(
  deps: DepartmentDeps,
  input: DepartmentInput,
  expected: Expected,
  actor: Actor,
): Promise<SaveDepartmentOutcome> {
  const code = input.code.trim();
  type Written =
    | Exclude<SaveDepartmentOutcome, { ok: true }>
    | { ok: true; department: StoredDepartment; created: boolean };
  const locked = await withLock(deps.redis, `lock:department:${code}`, LOCK, async (): Promise<Written> => {
    const [departments, rules] = await Promise.all([deps.store.departments.list(), deps.store.rules.list()]);
    const current = departments.find((d) => d.code === code);
    if (typeof expected === 'number') {
      if (!current) return { ok: false, reason: 'not_found' };
      if (current.version !== expected) return { ok: false, reason: 'conflict', version: current.version };
    }
    const checked = checkDepartment(input, { departments, rules, creating: expected === 'absent' });
    if (!checked.ok) return { ok: false, reason: 'invalid', problems: checked.problems };
    const { department } = checked;
    const saved = current
      ? await deps.store.departments.replace(department, current.version)
      : await deps.store.departments.create(department);
    if (!saved && expected === 'absent') {
      const message = `department ${code} already exists`;
      const taken: DepartmentProblem = { field: 'code', path: '/code', code: 'taken', message, value: code };
      return { ok: false, reason: 'invalid', problems: [taken] };
    }
    if (!saved) {
      const now = await deps.store.departments.find(code);
      return { ok: false, reason: 'conflict', version: now?.version ?? 0 };
    }
    const version = current ? current.version + 1 : 1;
    return { ok: true, department: { ...department, version }, created: !current };
  });
  if (!locked) return { ok: false, reason: 'busy' };
  const outcome = locked.value;
  if (!outcome.ok) return outcome;
  await routingChanged(deps, actor, 'save_department', code);
  return { ...outcome, openTickets: await countOpenTickets(deps.store.tickets, code) };
}

/**
 * How many open tickets a department has — those it leads or co-handles, the desk's own scope —
 * counted by the database. A disabled department keeps them.
 */
export async function countOpenTickets(
  tickets: Pick<TicketRepository, 'countOpenLed' | 'coTasks'>,
  code: string,
): Promise<number> {
  const [led, coHandled] = await Promise.all([tickets.countOpenLed(code), tickets.coTasks.count(code)]);
  return led + coHandled;
}
