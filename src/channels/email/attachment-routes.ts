import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorReplies, TicketNumber } from '../../api/schemas.js';
import { HubErrors } from '../../errors.js';
import { canSee } from '../../tickets/access.js';
import { isValidTicketNumber } from '../../tickets/ticket-number.js';
import type { AttachmentRef, Ticket } from '../../tickets/types.js';

const Params = Type.Object({
  number: TicketNumber,
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

/**
 * `GET /api/v1/tickets/{number}/attachments/{sha256}`: a file a citizen sent (mail attachment kept as
 * `att:<sha256>`), for staff who may see the ticket — only when that ticket (or one of its messages)
 * lists it, so a department cannot fetch another's files by hash. Always a download
 * (`Content-Disposition: attachment`, `nosniff`): never rendered in the staff page's origin. Every
 * fetch is audited (全程留痕): attachments are where ID card photos end up.
 */
export const attachmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.get(
    '/tickets/:number/attachments/:sha256',
    {
      schema: {
        summary: 'Download a file the citizen sent with the ticket (audited)',
        tags: ['tickets'],
        params: Params,
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the file, as sent' }),
          ...errorReplies,
        },
      },
    },
    async (request, reply) => {
      const { number, sha256 } = request.params;
      if (!isValidTicketNumber(number)) throw new HubErrors.TicketNotFound(number);
      const ticket = await app.store.tickets.findByNumber(number);
      if (!ticket || !canSee(request.actor, ticket)) throw new HubErrors.TicketNotFound(number);
      const listed = listedAttachments(ticket).find((a) => a.ref === `att:${sha256}`);
      const file = listed ? await app.store.attachments.findBySha256(sha256) : undefined;
      if (!listed || !file) throw new HubErrors.NotFound();
      await app.store.audit.append({
        actor: request.actor,
        action: 'view_attachment',
        ticketNumber: ticket.number,
        fields: [`att:${sha256}`],
        at: new Date(),
      });
      const name = listed.name ?? file.name ?? sha256;
      return reply
        .type(file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.data);
    },
  );
};

/** The ticket's own attachments and those of its citizen messages (mail replies). */
function listedAttachments(ticket: Ticket): AttachmentRef[] {
  const onEvents = ticket.events.flatMap((e) => (e.data?.attachments as AttachmentRef[] | undefined) ?? []);
  return [...ticket.attachments, ...onEvents];
}

/** The plain-ASCII fallback name for old clients (non-ASCII, quotes and backslashes replaced). */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
