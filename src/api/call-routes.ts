import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transferCall } from '../channels/voice/transfer.js';
import { HubErrors } from '../errors.js';
import { isValidTicketNumber } from '../tickets/ticket-number.js';
import { requireHotline } from './guards.js';
import { CallParams, CallSid } from './ivr-schemas.js';
import { errorReplies, literalUnion, TicketNumber } from './schemas.js';

const LinkBody = Type.Object({ ticket: TicketNumber }, { additionalProperties: false });
const LinkReply = Type.Object({ callSid: Type.String(), ticket: Type.String(), linked: Type.Boolean() });

const TransferBody = Type.Object(
  {
    mode: literalUnion(['blind', 'warm'] as const),
    department: Type.String({ minLength: 1, maxLength: 64 }),
    ticket: Type.Optional(TicketNumber),
    operatorCallSid: Type.Optional(CallSid),
  },
  { additionalProperties: false },
);
const TransferReply = Type.Object({
  mode: literalUnion(['blind', 'warm'] as const),
  department: Type.String(),
  ticket: Type.Optional(Type.String()),
  room: Type.Optional(Type.String()),
  departmentCallSid: Type.Optional(Type.String()),
});

/**
 * What an operator does with a live hotline call (the operator console calls these): link it to a
 * ticket, and transfer it to a department — blind (`<Dial>` with a whisper of the ticket number) or
 * warm (a conference with caller, operator and department). Hotline staff only.
 */
export const callRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const hotline = {
    onRequest: async (request: { actor: Parameters<typeof requireHotline>[0] }) => {
      requireHotline(request.actor);
    },
  };

  app.post(
    '/calls/:callSid/ticket',
    {
      ...hotline,
      schema: {
        summary: 'Link a call to a ticket (idempotent)',
        tags: ['calls'],
        params: CallParams,
        body: LinkBody,
        response: { 200: LinkReply, ...errorReplies },
      },
    },
    async (request) => {
      const { callSid } = request.params;
      const { ticket } = request.body;
      if (!isValidTicketNumber(ticket)) throw new HubErrors.Validation(`${ticket} is not a ticket number`);
      if (!(await app.store.calls.find(callSid))) throw new HubErrors.NotFound();
      if (!(await app.store.tickets.findByNumber(ticket))) throw new HubErrors.TicketNotFound(ticket);
      const linked = await app.store.calls.linkTicket(
        callSid,
        ticket,
        new Date(),
        `operator:${request.actor.id}`,
      );
      return { callSid, ticket, linked };
    },
  );

  app.post(
    '/calls/:callSid/transfer',
    {
      ...hotline,
      schema: {
        summary: 'Transfer a live call to a department, blind or warm',
        tags: ['calls'],
        params: CallParams,
        body: TransferBody,
        response: { 200: TransferReply, ...errorReplies },
      },
    },
    async (request) =>
      transferCall(app.callTransfers, { callSid: request.params.callSid, ...request.body }, request.actor),
  );
};
