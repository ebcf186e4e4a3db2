import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery, DeliveryStatus } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import { fallBack } from './fallback.js';
import { recordStatus } from './record.js';
import { optOutAtProvider } from './send-once.js';
import type { ProviderErrorKind } from './types.js';

export interface ProviderStatus {
  deliveryId: string;
  round: number;
  /** The provider's id of the message or call (Twilio SID). */
  providerId: string;
  status: Extract<DeliveryStatus, 'sent' | 'delivered' | 'failed'>;
  code?: string;
  /** For `failed`: what the code means, in our words. */
  kind?: ProviderErrorKind;
}

/**
 * A provider's report on a message (Twilio status callback), in any order and any number of times:
 * recorded once per (message, status), and the delivery only ever moves forward. A report for a
 * delivery we do not know, of another round, or naming another message is ignored. A failure that
 * says the recipient unsubscribed marks the contact; a permanent one hands the SMS to its fallback.
 */
export async function applyProviderStatus(
  deps: NotifyDeps,
  report: ProviderStatus,
): Promise<'applied' | 'unchanged' | 'ignored'> {
  const delivery = await recordOf(deps, report.deliveryId);
  if (!delivery || delivery.round !== report.round) return 'ignored';
  // The callback may beat the worker's own record of the SID; then the claim must be there.
  if (delivery.providerId ? delivery.providerId !== report.providerId : delivery.status !== 'sending') {
    return 'ignored';
  }
  const failed = report.status === 'failed';
  const { moved } = await recordStatus(
    deps,
    delivery,
    report.status,
    { kind: 'callback', providerId: report.providerId, code: report.code },
    {
      providerId: report.providerId,
      ...(failed ? { reason: report.code ?? 'failed', dead: report.kind !== 'opt_out' } : {}),
    },
    `cb.${report.providerId}.${report.status}`,
  );
  if (!moved) return 'unchanged';
  if (failed && report.kind === 'opt_out') await optOutAtProvider(deps, delivery);
  if (failed && report.kind !== 'opt_out') await fallBack(deps, delivery, report.code);
  return 'applied';
}

/**
 * A first send is recorded just after the provider took it (src/notify/send-first.ts), so a quick
 * report can arrive a few milliseconds before the record it is about: it waits for it, a little
 * over a second in all, before it is taken for a message we do not know.
 */
const RECORD_WAITS_MS = [20, 80, 300, 900] as const;

async function recordOf(deps: NotifyDeps, deliveryId: string): Promise<Delivery | undefined> {
  for (const waitMs of RECORD_WAITS_MS) {
    const delivery = await deps.store.deliveries.findById(deliveryId);
    if (delivery) return delivery;
    await sleep(waitMs);
  }
  return deps.store.deliveries.findById(deliveryId);
}
