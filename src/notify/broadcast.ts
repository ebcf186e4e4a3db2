import type { Queue } from 'bullmq';
import { notifyQueueOf, type NotifyJob } from '../queues/names.js';
import { HANDED_OVER_RANK, type Delivery } from '../store/deliveries.js';
import type { NotifyDeps } from './deps.js';
import type { DeliverOutcome } from './deliver-entry.js';
import { quietHold } from './quiet-hours.js';
import { defer, recordStatus } from './record.js';
import { resolveRecipient } from './recipient.js';
import { sendOnce } from './send-once.js';
import type { OutboundChannel } from './types.js';

const CHUNK = 500;
/** Behind ticket notifications on the same queue: a list of 20,000 must not hold up a reply. */
const BROADCAST_PRIORITY = 10;

export function broadcastDeliveryId(
  broadcastId: string,
  contactId: string,
  channel: OutboundChannel,
): string {
  return `${broadcastId}.${contactId}.${channel}`;
}

/**
 * Runs one broadcast (its job): hands the recipients to the channel queue in list order, a chunk at a
 * time, storing how far it got after each chunk. Killed mid-way, the job is picked up again and
 * resumes at the stored cursor; a chunk handed over twice is a no-op (job id = broadcast + contact),
 * and each recipient's delivery is made at most once. The channel queue's rate limit paces the sends.
 */
export async function runBroadcast(
  deps: NotifyDeps,
  queues: ReadonlyMap<string, Queue<NotifyJob>>,
  broadcastId: string,
  progress: (done: number, total: number) => Promise<void>,
): Promise<'done' | 'unknown'> {
  const broadcast = await deps.store.broadcasts.findById(broadcastId);
  if (!broadcast) return 'unknown';
  const queue = queues.get(notifyQueueOf(broadcast.channel));
  if (!queue) throw new Error(`no queue for ${broadcast.channel}`);
  let cursor = broadcast.cursor;
  for (;;) {
    const chunk = await deps.store.broadcasts.recipientsFrom(broadcast.id, cursor, CHUNK);
    if (chunk.length === 0) break;
    await queue.addBulk(
      chunk.map(({ contactId }) => ({
        name: 'broadcast',
        data: { broadcastId: broadcast.id, contactId },
        opts: {
          ...deps.relay.jobOptions(`${broadcast.id}.${contactId}`),
          priority: BROADCAST_PRIORITY,
        },
      })),
    );
    cursor = (chunk.at(-1)?.seq ?? cursor) + 1;
    await deps.store.broadcasts.advance(broadcast.id, cursor, 'running');
    await progress(cursor, broadcast.total);
  }
  await deps.store.broadcasts.advance(broadcast.id, cursor, 'done');
  return 'done';
}

/**
 * One recipient of a broadcast on one channel: opted out → skipped and recorded; quiet hours hold
 * SMS and calls of a non-urgent notice; then the same single send as a ticket notification.
 */
export async function deliverBroadcastRecipient(
  deps: NotifyDeps,
  input: {
    channel: OutboundChannel;
    broadcastId: string;
    contactId: string;
    lastAttempt: boolean;
    now?: Date;
  },
): Promise<DeliverOutcome> {
  const { channel, broadcastId, contactId } = input;
  const now = input.now ?? new Date();
  const id = broadcastDeliveryId(broadcastId, contactId, channel);
  const existing = await deps.store.deliveries.findById(id);
  if (existing && existing.rank >= HANDED_OVER_RANK) return 'already';
  const broadcast = await deps.store.broadcasts.findById(broadcastId);
  if (!broadcast) return 'unknown';
  const recipient = await resolveRecipient(deps, { audience: 'citizen', contactId }, channel, '');
  let delivery: Delivery | undefined = existing;
  if (!delivery) {
    const fields = {
      id,
      channel,
      audience: 'citizen' as const,
      template: 'broadcast',
      broadcast: broadcastId,
      contactId,
      status: 'queued' as const,
      to: recipient.masked,
    };
    await deps.store.deliveries.create(fields, now);
    delivery = await deps.store.deliveries.findById(id);
    if (!delivery) throw new Error(`delivery ${id} not stored`);
  }
  if (recipient.optedOut || !recipient.to) {
    const reason = recipient.optedOut ? 'opted_out' : 'no_address';
    await recordStatus(deps, delivery, 'skipped', { kind: 'skip', detail: reason }, { reason });
    return 'skipped';
  }
  const until = quietHold(
    now,
    { channel, urgent: broadcast.urgent },
    deps.settings.quietHours,
    deps.settings.timezone,
  );
  if (until) await defer(deps, delivery, until, 'quiet hours');
  const rendered = deps.templates().render('broadcast', channel, recipient.language, {
    number: '',
    queryCode: '',
    kind: 'consultation',
    status: 'received',
    text: broadcast.text,
    trackUrl: `${deps.settings.publicUrl}/track`,
    collapsed: 0,
  });
  return sendOnce(
    deps,
    delivery,
    deps.adapters[channel],
    {
      deliveryId: id,
      channel,
      to: recipient.to,
      language: recipient.language,
      body: rendered.body,
      subject: rendered.subject,
      html: rendered.html,
      messageId: `<${id}@${deps.settings.mailDomain}>`,
      statusCallbackUrl: `${deps.settings.publicUrl}/webhooks/twilio/status?d=${encodeURIComponent(id)}&r=${delivery.round}`,
    },
    input.lastAttempt,
  );
}
