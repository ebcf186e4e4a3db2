import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLogRepository } from '../../store/audit-log.js';
import type { Actor } from '../../tickets/types.js';
import { translate } from './messages.js';

/**
 * A look-up over its hourly budget (`countLookup`): answered 429 with a page saying when to try
 * again, and made visible — an audit entry (`web_lookup_refused`: which kind, whether the address or
 * the identity ran out, the identity as the caller names it, never a plain ID number) and a warning
 * in the log. Someone walking through ID or case numbers shows up in both.
 */
export async function refuseLookup(
  request: FastifyRequest,
  reply: FastifyReply,
  audit: Pick<AuditLogRepository, 'append'>,
  refusal: { kind: string; by: 'ip' | 'identity'; retryAfterSeconds: number; identity: string; actor: Actor },
): Promise<FastifyReply> {
  const { kind, by, retryAfterSeconds, identity, actor } = refusal;
  await audit.append({
    actor,
    action: 'web_lookup_refused',
    fields: [`kind:${kind}`, `by:${by}`, `identity:${identity}`],
    at: new Date(),
  });
  request.log.warn({ kind, by, identity, ip: request.ip }, 'citizen look-up refused: hourly limit reached');
  const language = request.pageLanguage;
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return reply
    .status(429)
    .header('retry-after', retryAfterSeconds)
    .page(
      'error',
      { message: translate(language, 'error.rateLimited', { minutes }) },
      translate(language, 'error.title'),
    );
}
