import { UnrecoverableError } from 'bullmq';
import type { Delivery } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import { fallBack } from './fallback.js';
import { recordStatus, withDeliveryLock } from './record.js';
import { ProviderError, type ChannelAdapter, type OutboundMessage } from './types.js';

export interface SendOnceOptions {
  /** The caller stored the delivery already claimed for this attempt. */
  claimed?: boolean;
  /**
   * The message may have gone out since then without a record of it (a first run that died between
   * its send and its record, see send-first.ts): the provider is asked before sending.
   */
  sentSince?: Date;
}

/** Thrown to the worker: the provider asked us to slow down; pause the queue this long. */
export class RateLimited extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limited for ${waitMs} ms`);
  }
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

/**
 * One send of one delivery, at most once at the provider as far as we can know:
 * 1. a delivery left `sending` by a worker that died mid-send is first looked up at the provider
 *    (`findSent`): if the provider has it, that is recorded and nothing is sent again;
 * 2. the claim (`sending`, one more attempt) is stored before the send;
 * 3. the provider's answer is recorded (insert-only attempt, then the status);
 * 4. failures are classified: opted out at the provider → the contact is marked, no retry; permanent →
 *    failed and dead-lettered, with the fallback channel queued; rate limited → the queue pauses and
 *    the job retries without using an attempt; transient → retried with backoff, dead-lettered (and
 *    fallen back) after the last attempt.
 */
export async function sendOnce(
  deps: NotifyDeps,
  delivery: Delivery,
  adapter: ChannelAdapter,
  message: OutboundMessage,
  lastAttempt: boolean,
  options: SendOnceOptions = {},
): Promise<'sent' | 'delivered' | 'already'> {
  const { claimed = false } = options;
  const since = claimed
    ? options.sentSince
    : delivery.status === 'sending'
      ? (delivery.claimedAt ?? options.sentSince)
      : undefined;
  if (since && adapter.findSent) {
    const found = await adapter.findSent(message, since);
    if (found) {
      await recordStatus(
        deps,
        delivery,
        found.status,
        { kind: 'recovered', provider: adapter.provider, providerId: found.providerId },
        { provider: adapter.provider, providerId: found.providerId },
      );
      return found.status;
    }
  }
  // Under the delivery's lock, like every other write of it: a burst's carrier may be marking this
  // one collapsed at the same moment, and FerretDB writes an update back whole.
  const claim = () => deps.store.deliveries.claim(delivery.id, delivery.round);
  if (!claimed && !(await withDeliveryLock(deps, delivery.id, claim))) {
    // Moved on meanwhile (a provider's report beat us here): it has been handed over already.
    return 'already';
  }
  let result;
  try {
    result = await adapter.send(message);
  } catch (error) {
    return failed(deps, delivery, adapter, error, lastAttempt);
  }
  await recordStatus(
    deps,
    delivery,
    result.status,
    { kind: 'send', provider: adapter.provider, providerId: result.providerId },
    { provider: adapter.provider, providerId: result.providerId },
  );
  return result.status;
}

/** A send that threw: recorded, and classified by the error policy (see sendOnce). Always throws. */
export async function failed(
  deps: NotifyDeps,
  delivery: Delivery,
  adapter: ChannelAdapter,
  error: unknown,
  lastAttempt: boolean,
): Promise<never> {
  const problem =
    error instanceof ProviderError
      ? error
      : new ProviderError('transient', undefined, error instanceof Error ? error.message : String(error));
  const attempt = {
    kind: 'send' as const,
    provider: adapter.provider,
    code: problem.code,
    detail: problem.message,
  };
  switch (problem.kind) {
    case 'opt_out':
      await optOutAtProvider(deps, delivery);
      await recordStatus(deps, delivery, 'failed', attempt, { reason: 'opted_out' });
      throw new UnrecoverableError(`recipient opted out (${problem.code ?? 'provider'})`);
    case 'permanent':
      await recordStatus(deps, delivery, 'failed', attempt, {
        reason: problem.code ?? 'permanent',
        dead: true,
      });
      await fallBack(deps, delivery, problem.code);
      throw new UnrecoverableError(problem.message);
    case 'rate_limited':
      // Recorded, status unchanged (`queued` is behind `sending`): the job waits, the attempt is not used.
      await recordStatus(deps, delivery, 'queued', attempt);
      throw new RateLimited(problem.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
    case 'transient':
      if (lastAttempt) {
        await recordStatus(deps, delivery, 'failed', attempt, {
          reason: problem.code ?? 'retries exhausted',
          dead: true,
        });
        await fallBack(deps, delivery, problem.code);
        throw new UnrecoverableError(problem.message);
      }
      await recordStatus(deps, delivery, 'queued', attempt);
      throw problem;
  }
}

/** Twilio 21610 and its kin: the person unsubscribed at the carrier; we honour it everywhere. */
export async function optOutAtProvider(
  deps: NotifyDeps,
  delivery: Pick<Delivery, 'contactId' | 'channel'>,
): Promise<void> {
  if (!delivery.contactId) return;
  // SMS and calls share the number: an unsubscribed number is called no more either.
  const channels =
    delivery.channel === 'sms' || delivery.channel === 'voice' ? ['sms', 'voice'] : [delivery.channel];
  await deps.store.contacts.optOut(delivery.contactId, channels);
}
