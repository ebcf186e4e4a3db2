import { DELIVERY_RANK, HANDED_OVER_RANK, type Delivery } from '../store/deliveries.js';
import type { OutboxEntry, Ticket } from '../tickets/types.js';
import type { NotifyDeps } from './deps.js';
import { deliveryIdOf } from './plan.js';
import { quietHold } from './quiet-hours.js';
import { defer, recordStatus } from './record.js';
import { resolveRecipient, type Recipient } from './recipient.js';
import { renderData } from './render-data.js';
import { sendFirst, type DeliveryFields } from './send-first.js';
import { sendOnce } from './send-once.js';
import { openWindow, parseMember, passGate, throttleMember } from './throttle.js';
import type { OutboundChannel, OutboundMessage } from './types.js';

export interface DeliverEntryInput {
  channel: OutboundChannel;
  ticketNumber: string;
  entryId: string;
  /** The job's last attempt: a transient failure now is final. */
  lastAttempt: boolean;
  /**
   * The relay's job on its first run (TicketNotifyJob.fresh): no record of this delivery can exist
   * yet, so none is looked up, and a message that goes now is recorded once, after the send.
   */
  fresh?: boolean;
  now?: Date;
}

export type DeliverOutcome = 'sent' | 'delivered' | 'skipped' | 'already' | 'unknown';

/** The notice with a new ticket's number and query code: never held by a throttle window, never folded. */
const ALWAYS_AT_ONCE = 'received';

/**
 * Delivers one outbox entry on one channel (one notification job). Idempotent: a delivery that has
 * settled is not touched again, whatever re-queued the job. Before sending: opted out → skipped and
 * recorded; no address → skipped; quiet hours (citizen SMS and calls, normal priority) → deferred to
 * the window's end; a throttle window open for this citizen and channel → held, and carried by the
 * next message that goes.
 */
export async function deliverEntry(deps: NotifyDeps, input: DeliverEntryInput): Promise<DeliverOutcome> {
  const { channel } = input;
  const now = input.now ?? new Date();
  const id = deliveryIdOf(input.entryId, channel);
  const fresh = input.fresh === true;
  const existing = fresh ? undefined : await deps.store.deliveries.findById(id);
  if (existing && existing.rank >= HANDED_OVER_RANK) return 'already';
  const ticket = await deps.store.tickets.findByNumber(input.ticketNumber);
  const entry = ticket?.outbox[input.entryId];
  if (!ticket || !entry) return 'unknown';
  const recipient = await resolveRecipient(deps, entry, channel, ticket.number);
  // Stored on first need: as `queued` when it is skipped or deferred, as already claimed when it goes.
  let delivery = existing;
  const fields = deliveryFields(id, channel, ticket, entry, recipient);
  const stored = async (): Promise<Delivery> => {
    delivery ??= (await createDelivery(deps, fields, now, false))[0];
    return delivery;
  };

  if (recipient.optedOut) {
    await recordStatus(
      deps,
      await stored(),
      'skipped',
      { kind: 'skip', detail: 'opted out' },
      { reason: 'opted_out' },
    );
    return 'skipped';
  }
  if (!deps.templates().has(entry.template, channel)) {
    await recordStatus(
      deps,
      await stored(),
      'skipped',
      { kind: 'skip', detail: 'no template' },
      { reason: 'no_template' },
    );
    return 'skipped';
  }
  if (!recipient.to) {
    await recordStatus(
      deps,
      await stored(),
      'skipped',
      { kind: 'skip', detail: 'no address' },
      { reason: 'no_address' },
    );
    return 'skipped';
  }
  const citizen = entry.audience === 'citizen';
  const until =
    citizen &&
    quietHold(
      now,
      { channel, urgent: ticket.priority !== 'normal' },
      deps.settings.quietHours,
      deps.settings.timezone,
    );
  if (until) await defer(deps, await stored(), until, 'quiet hours');
  let carried: Carried[] = [];
  if (
    citizen &&
    channel !== 'push' &&
    deps.settings.throttleMs > 0 &&
    delivery?.status !== 'sending' &&
    entry.contactId
  ) {
    const key = `${entry.contactId}:${channel}`;
    const member = throttleMember(ticket.number, entry.id);
    if (entry.template === ALWAYS_AT_ONCE) {
      await openWindow(deps.redis, key, deps.settings.throttleMs, member);
    } else {
      const gate = await passGate(deps.redis, key, deps.settings.throttleMs, member, now);
      if (!gate.go)
        await defer(deps, await stored(), new Date(now.getTime() + gate.waitMs + 50), 'throttled');
      else carried = await loadCarried(deps, gate.carries, channel);
    }
  }

  // A burst is told by its latest update, saying how many more there were.
  const latest = [{ ticket, entry }, ...carried].reduce((a, b) =>
    b.entry.createdAt > a.entry.createdAt ? b : a,
  );
  const adapter = deps.adapters[channel];
  let status: Awaited<ReturnType<typeof sendOnce>>;
  if (fresh && delivery === undefined) {
    const message = await buildMessage(deps, { id, round: 1 }, latest, recipient, channel, carried.length);
    const first = { fields, message, lastAttempt: input.lastAttempt, claimedAt: now };
    status = await sendFirst(
      deps,
      adapter,
      first,
      async () => (await createDelivery(deps, fields, now, true))[0],
    );
  } else {
    // No record yet: ours is stored already claimed, so there is no claim to take. Not the first run,
    // yet no record: a run that died between its send and its record (a fresh job's) may have sent
    // it, so the provider is asked before sending again. A twin's record, read back, is claimed as usual.
    const [sending, madeHere] = delivery ? [delivery, false] : await createDelivery(deps, fields, now, true);
    const message = await buildMessage(deps, sending, latest, recipient, channel, carried.length);
    status = await sendOnce(deps, sending, adapter, message, input.lastAttempt, {
      claimed: madeHere,
      ...(madeHere ? { sentSince: entry.createdAt } : {}),
    });
  }
  for (const other of carried) {
    const otherId = deliveryIdOf(other.entry.id, channel);
    await recordStatus(
      deps,
      { id: otherId, round: other.round, ticket: other.ticket.number },
      'collapsed',
      { kind: 'collapse', detail: `carried by ${id}` },
      { reason: `into:${id}` },
    );
  }
  return status;
}

/** What a delivery record of this entry on this channel says, whatever its status. */
function deliveryFields(
  id: string,
  channel: OutboundChannel,
  ticket: Ticket,
  entry: OutboxEntry,
  recipient: Recipient,
): DeliveryFields {
  return {
    id,
    channel,
    audience: entry.audience,
    template: entry.template,
    ticket: ticket.number,
    entryId: entry.id,
    contactId: entry.contactId,
    department: entry.department,
    to: recipient.masked,
  };
}

async function createDelivery(
  deps: NotifyDeps,
  base: DeliveryFields,
  now: Date,
  claimed: boolean,
): Promise<[Delivery, boolean]> {
  const fields = {
    ...base,
    // About to send: stored as claimed (`sending`, attempt 1), which saves the claim's own write.
    ...(claimed
      ? { status: 'sending' as const, attempts: 1, claimedAt: now }
      : { status: 'queued' as const }),
  };
  // A twin job may have made it first; then its record stands, and is read back.
  if (!(await deps.store.deliveries.create(fields, now))) {
    const first = await deps.store.deliveries.findById(base.id);
    if (first) return [first, false];
  }
  const delivery: Delivery = {
    ...fields,
    rank: DELIVERY_RANK[fields.status],
    round: 1,
    attempts: claimed ? 1 : 0,
    dead: false,
    createdAt: now,
    updatedAt: now,
  };
  return [delivery, true];
}

/** An update held in a throttle window, to be told by the message that goes now. */
interface Carried {
  ticket: Ticket;
  entry: OutboxEntry;
  round: number;
}

async function loadCarried(
  deps: NotifyDeps,
  members: string[],
  channel: OutboundChannel,
): Promise<Carried[]> {
  const carried: Carried[] = [];
  for (const member of members) {
    const ref = parseMember(member);
    if (!ref) continue;
    const delivery = await deps.store.deliveries.findById(deliveryIdOf(ref.entryId, channel));
    if (delivery && delivery.rank >= HANDED_OVER_RANK) continue;
    const ticket = await deps.store.tickets.findByNumber(ref.ticket);
    const entry = ticket?.outbox[ref.entryId];
    if (ticket && entry) carried.push({ ticket, entry, round: delivery?.round ?? 1 });
  }
  return carried;
}

async function buildMessage(
  deps: NotifyDeps,
  delivery: Pick<Delivery, 'id' | 'round'>,
  subject: { ticket: Ticket; entry: OutboxEntry },
  recipient: Recipient,
  channel: OutboundChannel,
  collapsed: number,
): Promise<OutboundMessage> {
  const { ticket, entry } = subject;
  const lead = ticket.leadDepartment ? await deps.departments.get(ticket.leadDepartment) : undefined;
  const data = renderData(deps.settings, ticket, entry, {
    departmentName: lead ? (recipient.language === 'en' ? (lead.nameEn ?? lead.name) : lead.name) : undefined,
    language: recipient.language,
    collapsed,
  });
  const rendered = deps.templates().render(entry.template, channel, recipient.language, data);
  const domain = deps.settings.mailDomain;
  return {
    deliveryId: delivery.id,
    channel,
    to: recipient.to ?? '',
    ticketNumber: ticket.number,
    language: recipient.language,
    body: rendered.body,
    subject: rendered.subject,
    html: rendered.html,
    messageId: `<${delivery.id}${delivery.round > 1 ? `.r${delivery.round}` : ''}@${domain}>`,
    threadId: `<ticket-${ticket.number}@${domain}>`,
    statusCallbackUrl: `${deps.settings.publicUrl}/webhooks/twilio/status?d=${encodeURIComponent(delivery.id)}&r=${delivery.round}`,
    data: {
      template: entry.template,
      audience: entry.audience,
      ...(entry.department ? { department: entry.department } : {}),
    },
  };
}
