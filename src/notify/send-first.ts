import type { Delivery, NewDelivery } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import { withDeliveryLock } from './record.js';
import { failed } from './send-once.js';
import type { ChannelAdapter, OutboundMessage } from './types.js';

/** The record of one entry on one channel, less what its status decides. */
export type DeliveryFields = Omit<NewDelivery, 'status'> & { id: string };

export interface FirstSend {
  fields: DeliveryFields;
  message: OutboundMessage;
  lastAttempt: boolean;
  /** When the job took the delivery on: the record's `claimedAt` and `createdAt`. */
  claimedAt: Date;
}

/**
 * The first send of a delivery that has no record yet, by the relay's own job on its first run
 * (TicketNotifyJob.fresh) — nearly every notification. Nothing else can be sending it: the job is
 * the only one queued for the entry, BullMQ's lock on the active job is the claim, and any later run
 * of it (a retry, a stalled job taken over after the worker died, the reconciler's re-queue) is not
 * `fresh`. So the record is written once, after the provider has the message: the delivery at
 * `sent` and its insert-only attempt, each grouped with the other workers' writes of the moment.
 * Instead of a claim, an update and a status write under a lock, one insert each.
 *
 * If the process dies between the send and the record, the job stalls and runs again not fresh:
 * finding no record, that run asks the provider (`findSent`, from the entry's time) before sending,
 * as a run that died after a claim does. A failed send takes the careful path at once: the record
 * is stored claimed, then the error policy (retry, dead letter, fallback, opt-out) applies.
 */
export async function sendFirst(
  deps: NotifyDeps,
  adapter: ChannelAdapter,
  first: FirstSend,
  /** Stores the delivery claimed (`sending`, attempt 1): the start of the careful path after a failed send. */
  claim: () => Promise<Delivery>,
): Promise<'sent' | 'delivered'> {
  const { fields, message, claimedAt } = first;
  let result;
  try {
    result = await adapter.send(message);
  } catch (error) {
    const delivery = await claim();
    return failed(deps, delivery, adapter, error, first.lastAttempt);
  }
  const at = new Date();
  const sent = { provider: adapter.provider, providerId: result.providerId };
  const [created] = await Promise.all([
    deps.store.deliveries.create(
      { ...fields, ...sent, status: result.status, attempts: 1, claimedAt },
      claimedAt,
      at,
    ),
    deps.store.deliveries.record({
      kind: 'send',
      ...sent,
      delivery: fields.id,
      round: 1,
      status: result.status,
      ticket: fields.ticket,
      at,
    }),
  ]);
  if (!created) {
    // Someone recorded this delivery while we sent, which no fresh job should meet: move that
    // record on as any report would (our attempt is recorded above), and say so.
    deps.log.warn({ delivery: fields.id }, 'a fresh delivery was recorded by another run during its send');
    await withDeliveryLock(deps, fields.id, () =>
      deps.store.deliveries.advance(fields.id, 1, result.status, sent, at),
    );
  }
  return result.status;
}
