import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { HubErrors } from '../errors.js';
import { isOutbound } from '../notify/plan.js';
import { withDeliveryLock } from '../notify/record.js';
import { OUTBOUND_CHANNELS } from '../notify/types.js';
import { normalisePhone } from '../privacy/phone.js';
import { contactLockKey, withLock } from '../redis/lock.js';
import { notifyQueueOf } from '../queues/names.js';
import { newId } from '../store/ids.js';
import type { Delivery } from '../store/deliveries.js';
import { canSee } from '../tickets/access.js';
import type { Actor } from '../tickets/types.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import { requireAdmin, requireHotline } from './guards.js';
import { PageQuery, pageReplyFields } from './page-schemas.js';
import { errorReplies, literalUnion } from './schemas.js';

const DeliveryView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  audience: Type.String(),
  template: Type.String(),
  ticket: Type.Optional(Type.String()),
  broadcast: Type.Optional(Type.String()),
  status: Type.String(),
  round: Type.Integer(),
  attempts: Type.Integer(),
  to: Type.Optional(Type.String({ description: 'masked' })),
  provider: Type.Optional(Type.String()),
  providerId: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  dead: Type.Boolean(),
  fallback: Type.Optional(Type.String()),
  notBefore: Type.Optional(Type.String({ format: 'date-time' })),
  updatedAt: Type.String({ format: 'date-time' }),
});
const AttemptView = Type.Object({
  delivery: Type.String(),
  round: Type.Integer(),
  kind: Type.String(),
  status: Type.String(),
  provider: Type.Optional(Type.String()),
  providerId: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
});
const Channels = Type.Array(literalUnion(OUTBOUND_CHANNELS), { uniqueItems: true, maxItems: 4 });
const ContactParams = Type.Object({ id: Type.String({ pattern: '^c_[A-Za-z0-9_-]{10,40}$' }) });
const BroadcastBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    text: Type.String({ minLength: 1, maxLength: 500 }),
    channel: literalUnion(['sms', 'voice', 'email'] as const, { default: 'sms' }),
    urgent: Type.Boolean({ default: false }),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 100_000 })),
    contactIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100_000 })),
  },
  { additionalProperties: false },
);
const BroadcastView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  channel: Type.String(),
  urgent: Type.Boolean(),
  status: Type.String(),
  total: Type.Integer(),
  queued: Type.Integer({ description: 'recipients handed to the channel queue' }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'deliveries by status' }),
  createdAt: Type.String({ format: 'date-time' }),
});

function deliveryView(d: Delivery): Static<typeof DeliveryView> {
  return {
    id: d.id,
    channel: d.channel,
    audience: d.audience,
    template: d.template,
    ticket: d.ticket,
    broadcast: d.broadcast,
    status: d.status,
    round: d.round,
    attempts: d.attempts,
    to: d.to,
    provider: d.provider,
    providerId: d.providerId,
    reason: d.reason,
    dead: d.dead,
    fallback: d.fallback,
    notBefore: d.notBefore?.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/**
 * Notifications for staff: a ticket's deliveries with every attempt and callback, the dead-letter
 * list and an admin's retry, a citizen's channel preferences and opt-outs, and broadcasts.
 */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  const TicketParams = Type.Object({ number: Type.String({ maxLength: 32 }) });

  app.get(
    '/tickets/:number/deliveries',
    {
      schema: {
        summary: "A ticket's notifications, one delivery per notification and channel, oldest first",
        tags: ['notifications'],
        params: TicketParams,
        querystring: PageQuery,
        response: { 200: Type.Object(pageReplyFields(DeliveryView)), ...errorReplies },
      },
    },
    async (request) => {
      const number = await visibleTicket(request.actor, request.params.number);
      const page = await app.store.deliveries.pageForTicket(number, request.query);
      return { ...page, items: page.items.map(deliveryView) };
    },
  );

  app.get(
    '/tickets/:number/delivery-attempts',
    {
      schema: {
        summary:
          "Every send attempt and provider report of a ticket's notifications, in the order they happened",
        tags: ['notifications'],
        params: TicketParams,
        querystring: PageQuery,
        response: { 200: Type.Object(pageReplyFields(AttemptView)), ...errorReplies },
      },
    },
    async (request) => {
      const number = await visibleTicket(request.actor, request.params.number);
      const page = await app.store.deliveries.attemptsForTicket(number, request.query);
      return { ...page, items: page.items.map((a) => ({ ...a, at: a.at.toISOString() })) };
    },
  );

  /** The ticket's number when it exists and the actor may see it; not found otherwise (whichever). */
  async function visibleTicket(actor: Actor, number: string): Promise<string> {
    const ticket = isValidTicketNumber(number) ? await app.store.tickets.findByNumber(number) : undefined;
    if (!ticket || !canSee(actor, ticket)) throw new HubErrors.TicketNotFound(number);
    return number;
  }

  app.get(
    '/notifications/dead-letters',
    {
      schema: {
        summary: 'Deliveries that failed for good (permanent error or retries used up), latest failure first',
        tags: ['notifications'],
        querystring: PageQuery,
        response: {
          200: Type.Object({
            total: Type.Integer({ description: 'every dead letter (an indexed count)' }),
            ...pageReplyFields(DeliveryView),
          }),
          ...errorReplies,
        },
      },
    },
    async (request) => {
      requireHotline(request.actor);
      const [total, page] = await Promise.all([
        app.store.deliveries.countDeadLetters(),
        app.store.deliveries.deadLetters(request.query),
      ]);
      return { total, ...page, items: page.items.map(deliveryView) };
    },
  );

  app.post(
    '/notifications/:id/retry',
    {
      schema: {
        summary: 'Send a dead letter again (admin): its next round starts queued',
        tags: ['notifications'],
        params: Type.Object({ id: Type.String({ maxLength: 120 }) }),
        response: { 200: DeliveryView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'dead letters');
      const restarted = await withDeliveryLock(app.notify, request.params.id, () =>
        app.store.deliveries.restart(request.params.id),
      );
      if (!restarted) throw new HubErrors.NotFound();
      const channel = restarted.channel;
      if (!isOutbound(channel)) throw new HubErrors.NotFound();
      if (restarted.ticket && restarted.entryId) {
        await app.notify.relay.mark(restarted.ticket, [restarted.entryId]);
        await app.notify.relay.requeue(
          restarted.ticket,
          { id: restarted.entryId, template: restarted.template },
          channel,
        );
      } else if (restarted.broadcast && restarted.contactId) {
        const jobId = `${restarted.broadcast}.${restarted.contactId}`;
        await app.notify.relay.clearFinished(channel, jobId);
        await app.queues
          .get(notifyQueueOf(channel))
          ?.add(
            'broadcast',
            { broadcastId: restarted.broadcast, contactId: restarted.contactId },
            app.notify.relay.jobOptions(jobId),
          );
      }
      await app.store.audit.append({
        actor: request.actor,
        action: 'retry_delivery',
        ticketNumber: restarted.ticket,
        fields: [restarted.id],
        at: new Date(),
      });
      return deliveryView(restarted);
    },
  );

  app.put(
    '/contacts/:id/preferences',
    {
      schema: {
        summary: 'The channels a citizen hears on besides the one they came from',
        tags: ['notifications'],
        params: ContactParams,
        body: Type.Object({ channels: Channels }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.String(), channels: Channels }), ...errorReplies },
      },
    },
    async (request) => {
      requireHotline(request.actor);
      const { id } = request.params;
      await contactWrite(id, () => app.store.contacts.setPreferredChannels(id, request.body.channels));
      await audit(request.actor, 'set_contact_preferences', id);
      return { id, channels: request.body.channels };
    },
  );

  for (const [path, action] of [
    ['opt-out', 'opt_out'],
    ['opt-in', 'opt_in'],
  ] as const) {
    app.post(
      `/contacts/:id/${path}`,
      {
        schema: {
          summary:
            action === 'opt_out'
              ? 'Record an opt-out (退订) on the given channels, or all'
              : 'Take opt-outs back (恢复)',
          tags: ['notifications'],
          params: ContactParams,
          body: Type.Object(
            {
              channels: Type.Array(literalUnion([...OUTBOUND_CHANNELS, 'all'] as const), {
                minItems: 1,
                maxItems: 5,
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ id: Type.String(), optOuts: Type.Array(Type.String()) }),
            ...errorReplies,
          },
        },
      },
      async (request) => {
        requireHotline(request.actor);
        const { id } = request.params;
        const channels = request.body.channels;
        await contactWrite(id, () =>
          action === 'opt_out'
            ? app.store.contacts.optOut(id, channels)
            : app.store.contacts.optIn(id, channels),
        );
        await audit(request.actor, action, id);
        const contact = await app.store.contacts.findById(id);
        return { id, optOuts: Object.keys(contact?.optOuts ?? {}) };
      },
    );
  }

  async function contactWrite(id: string, write: () => Promise<boolean>): Promise<void> {
    const done = await withLock(app.redis, contactLockKey(id), app.notify.lock, write);
    if (!done) throw new HubErrors.DeliveryBusy(id);
    if (!done.value) throw new HubErrors.NotFound();
  }

  async function audit(actor: Actor, action: string, contactId: string): Promise<void> {
    await app.store.audit.append({ actor, action, contactId, at: new Date() });
  }

  app.post(
    '/broadcasts',
    {
      schema: {
        summary: 'Send a notice to a list of phones or contacts, as one tracked, resumable job',
        tags: ['notifications'],
        body: BroadcastBody,
        response: { 202: BroadcastView, ...errorReplies },
      },
    },
    async (request, reply) => {
      requireAdmin(request.actor, 'broadcasts');
      // A retried POST (same Idempotency-Key) gets the first broadcast back, never a second one.
      const key = request.headers['idempotency-key'];
      const id = typeof key === 'string' && key.length > 0 ? `b${keyedId(key)}` : `b${newId()}`;
      if (await app.store.broadcasts.findById(id)) return reply.code(202).send(await broadcastView(id));
      const { phones = [], contactIds = [], ...notice } = request.body;
      const normalised = phones.map((raw, index) => {
        const phone = normalisePhone(raw);
        if (!phone) throw new HubErrors.Validation(`phones[${String(index)}] is not a phone number`);
        return phone;
      });
      const ids = [...contactIds];
      for (let i = 0; i < normalised.length; i += 100) {
        const chunk = normalised.slice(i, i + 100);
        const made = await Promise.all(chunk.map(async (phone) => app.store.contacts.ensure({ phone })));
        for (const contactId of made) if (contactId) ids.push(contactId);
      }
      if (ids.length === 0) throw new HubErrors.Validation('no recipients');
      const broadcast = await app.store.broadcasts.create(
        { id, ...notice, createdBy: request.actor.id, createdAt: new Date() },
        ids,
      );
      await app.broadcasts.add(
        'broadcast',
        { broadcastId: broadcast.id },
        { jobId: broadcast.id, attempts: 20, backoff: { type: 'exponential', delay: 1000 } },
      );
      await app.store.audit.append({
        actor: request.actor,
        action: 'broadcast',
        fields: [broadcast.id],
        at: new Date(),
      });
      return reply.code(202).send(await broadcastView(broadcast.id));
    },
  );

  app.get(
    '/broadcasts/:id',
    {
      schema: {
        summary: 'A broadcast and its progress: recipients queued, deliveries by status',
        tags: ['notifications'],
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        response: { 200: BroadcastView, ...errorReplies },
      },
    },
    async (request) => {
      requireHotline(request.actor);
      return broadcastView(request.params.id);
    },
  );

  async function broadcastView(id: string): Promise<Static<typeof BroadcastView>> {
    const broadcast = await app.store.broadcasts.findById(id);
    if (!broadcast) throw new HubErrors.NotFound();
    return {
      id: broadcast.id,
      name: broadcast.name,
      channel: broadcast.channel,
      urgent: broadcast.urgent,
      status: broadcast.status,
      total: broadcast.total,
      queued: broadcast.cursor,
      counts: await app.store.deliveries.countByStatus({ broadcast: id }),
      createdAt: broadcast.createdAt.toISOString(),
    };
  }
};

/** A broadcast id from a client's idempotency key: the same key, the same broadcast. */
function keyedId(key: string): string {
  return createHash('sha256').update(`broadcast:${key}`).digest('hex').slice(0, 24);
}
