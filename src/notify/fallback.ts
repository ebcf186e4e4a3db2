import type { Delivery } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import { noteUnderLock } from './record.js';
import type { OutboundChannel } from './types.js';

/** Codes that say the number is a landline (or cannot take SMS): a call still reaches it. */
const LANDLINE_CODES = new Set(['21614', '30006', '21408', '21612']);

/**
 * An SMS to a citizen that failed for good goes by voice call or email when the contact has one:
 * a landline gets the call, otherwise mail is preferred (it keeps the text), then a call. A channel
 * the citizen opted out of is never the fallback. The fallback is the same outbox entry on another
 * queue (job id = entry id), so it too is sent at most once.
 */
export async function fallBack(
  deps: NotifyDeps,
  delivery: Delivery,
  code: string | undefined,
): Promise<void> {
  if (delivery.audience !== 'citizen' || delivery.channel !== 'sms') return;
  if (!delivery.entryId || !delivery.ticket || !delivery.contactId) return;
  const contact = await deps.store.contacts.findById(delivery.contactId);
  if (!contact) return;
  const reachable = (channel: OutboundChannel): boolean =>
    contact.optOuts[channel] === undefined &&
    contact.optOuts.all === undefined &&
    (channel === 'email' ? contact.emails.length > 0 : contact.phones.length > 0);
  const order: OutboundChannel[] = code && LANDLINE_CODES.has(code) ? ['voice', 'email'] : ['email', 'voice'];
  const channel = order.find(reachable);
  if (!channel) return;
  // Marked first, like any outbox write: should the job be lost, the reconciler sees the fallback.
  await deps.relay.mark(delivery.ticket, [delivery.entryId]);
  await noteUnderLock(deps, delivery.id, { fallback: channel });
  await deps.relay.enqueue(delivery.ticket, { id: delivery.entryId, template: delivery.template }, [channel]);
  deps.log.info({ delivery: delivery.id, fallback: channel, code }, 'SMS failed for good: falling back');
}
