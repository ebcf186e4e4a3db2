import type { Department, DepartmentRepository } from '../store/departments.js';

const TTL_MS = 30_000;

/**
 * Departments as the workers read them for every message (names in texts, mailboxes), kept for 30 s:
 * a renamed department or a new mailbox shows up within that, and a burst of messages costs one read.
 */
export class DepartmentCache {
  private readonly entries = new Map<string, { at: number; value: Promise<Department | undefined> }>();

  constructor(private readonly departments: Pick<DepartmentRepository, 'findActive'>) {}

  get(code: string): Promise<Department | undefined> {
    const now = Date.now();
    const hit = this.entries.get(code);
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const value = this.departments.findActive(code);
    // A failed read is not kept: the next message asks again.
    value.catch(() => this.entries.delete(code));
    this.entries.set(code, { at: now, value });
    return value;
  }
}
