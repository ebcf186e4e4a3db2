import { HANDED_OVER_RANK } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import { deliveryIdOf, isOutbound } from './plan.js';
import type { OutboundChannel } from './types.js';

export interface ReconcileResult {
  /** Marked tickets whose jobs are still waiting or running (left alone). */
  inFlight: number;
  /** Tickets looked at in the database (marked, last touched before the grace period). */
  tickets: number;
  /** Jobs added again (a no-op where the job still existed). */
  requeued: number;
  /** Tickets whose every notification has settled: mark removed. */
  cleared: number;
}

/**
 * The outbox reconciler: for every marked ticket not touched for `graceMs`, each outbox entry on
 * each of its channels (as planned now, plus any fallback a failure handed it to) is either settled
 * in the store or queued again — with its deferral kept, should quiet hours or a throttle window
 * still hold it. Covers a relay that died after the ticket write and a Redis that lost its jobs.
 * Re-queuing is safe: the job id is the entry id, and a delivery that settled is not made again.
 */
export async function reconcileOutbox(
  deps: NotifyDeps,
  graceMs: number,
  now = new Date(),
  limit = 2000,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { inFlight: 0, tickets: 0, requeued: 0, cleared: 0 };
  const stale = now.getTime() - graceMs;
  for (const mark of await deps.store.outboxMarks.olderThan(new Date(stale), limit)) {
    // Entries with jobs still waiting or running need nothing yet, and no database read to tell.
    const busy = await deps.relay.inFlight(mark.entries);
    if (mark.entries.length > 0 && busy.size === mark.entries.length) {
      result.inFlight++;
      continue;
    }
    result.tickets++;
    const ticket = await deps.store.tickets.findByNumber(mark.ticket);
    let unsettled = 0;
    for (const entry of Object.values(ticket?.outbox ?? {})) {
      if (!ticket) break;
      if (busy.has(entry.id)) {
        unsettled++;
        continue;
      }
      const planned = await deps.relay.plan(ticket, entry);
      const deliveries = await deps.store.deliveries.findMany(planned.map((c) => deliveryIdOf(entry.id, c)));
      const channels = new Set<OutboundChannel>(planned);
      for (const d of deliveries) if (d.fallback && isOutbound(d.fallback)) channels.add(d.fallback);
      const fallbacks = [...channels].filter((c) => !planned.includes(c));
      deliveries.push(
        ...(await deps.store.deliveries.findMany(fallbacks.map((c) => deliveryIdOf(entry.id, c)))),
      );
      for (const channel of channels) {
        const delivery = deliveries.find((d) => d.id === deliveryIdOf(entry.id, channel));
        if (delivery && delivery.rank >= HANDED_OVER_RANK) continue;
        unsettled++;
        if ((delivery?.updatedAt ?? entry.createdAt).getTime() > stale) continue;
        const waitMs = delivery?.notBefore ? Math.max(delivery.notBefore.getTime() - now.getTime(), 0) : 0;
        await deps.relay.requeue(ticket.number, entry, channel, waitMs);
        result.requeued++;
      }
    }
    if (unsettled === 0) {
      if (await deps.store.outboxMarks.clear(mark)) result.cleared++;
    } else {
      await deps.store.outboxMarks.touch(mark.ticket, now);
    }
  }
  return result;
}
