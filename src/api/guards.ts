import { HubErrors } from '../errors.js';
import type { Actor } from '../tickets/types.js';

/** Role checks shared by the admin routes: 403 with what the caller may not do. */
export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== 'admin') throw new HubErrors.Forbidden(`only admins change ${what}`);
}

/** The hotline's work lists and tools (triage, supervision, routing) are not for departments. */
export function requireHotline(actor: Actor): void {
  if (actor.role === 'department') throw new HubErrors.Forbidden('for the hotline and its supervisors');
}
