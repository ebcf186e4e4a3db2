import { HubErrors } from '../errors.js';
import { withLock } from '../redis/lock.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';

/**
 * Moves a delivery forward and records why, in that order: the attempt record first (insert-only, so
 * the history is complete even if we die before the status moves), then the status under the
 * delivery's lock (FerretDB updates are read-and-write-back; provider callbacks race the worker).
 * A status that is not further than the current one changes nothing.
 */
export async function recordStatus(
  deps: NotifyDeps,
  delivery: Pick<Delivery, 'id' | 'round' | 'ticket'>,
  status: DeliveryStatus,
  attempt: Omit<DeliveryAttempt, 'delivery' | 'round' | 'status' | 'at' | 'ticket'>,
  fields: Parameters<NotifyDeps['store']['deliveries']['advance']>[3] = {},
  attemptKey?: string,
): Promise<{ recorded: boolean; moved: boolean }> {
  const at = new Date();
  const recorded = await deps.store.deliveries.record(
    { ...attempt, delivery: delivery.id, round: delivery.round, status, ticket: delivery.ticket, at },
    attemptKey,
  );
  // A provider's retried callback: recorded once, acted on once.
  if (!recorded) return { recorded: false, moved: false };
  const moved = await withDeliveryLock(deps, delivery.id, () =>
    deps.store.deliveries.advance(delivery.id, delivery.round, status, fields, at),
  );
  return { recorded, moved };
}

/** Thrown to the worker: not now (quiet hours, a throttle window); run the job again at `until`. */
export class Deferred extends Error {
  constructor(readonly until: Date) {
    super(`deferred until ${until.toISOString()}`);
  }
}

/** Records why and until when a delivery waits, notes it on the delivery, and throws {@link Deferred}. */
export async function defer(deps: NotifyDeps, delivery: Delivery, until: Date, why: string): Promise<never> {
  await deps.store.deliveries.record({
    delivery: delivery.id,
    round: delivery.round,
    kind: 'defer',
    status: delivery.status,
    ticket: delivery.ticket,
    detail: `${why} until ${until.toISOString()}`,
    at: new Date(),
  });
  await noteUnderLock(deps, delivery.id, { notBefore: until });
  throw new Deferred(until);
}

/**
 * Sets fields of a delivery without moving its status, under its lock: FerretDB writes an update
 * back whole, so a note racing `recordStatus` (a burst's carrier marking this one collapsed) would
 * put the old status back — and the held message would go out a second time.
 */
export async function noteUnderLock(
  deps: NotifyDeps,
  id: string,
  fields: Parameters<NotifyDeps['store']['deliveries']['note']>[1],
): Promise<void> {
  await withDeliveryLock(deps, id, () => deps.store.deliveries.note(id, fields));
}

export async function withDeliveryLock<T>(deps: NotifyDeps, id: string, work: () => Promise<T>): Promise<T> {
  const locked = await withLock(deps.redis, `lock:delivery:${id}`, deps.lock, work);
  if (!locked) throw new HubErrors.DeliveryBusy(id);
  return locked.value;
}
