import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { HubErrors } from '../../errors.js';

/**
 * preHandler for every Twilio webhook: `X-Twilio-Signature` over PUBLIC_URL + path and all posted
 * parameters, checked with the SDK's own validation. Missing → 400, wrong → 403; nothing is stored
 * before this passes (DESIGN §4.5).
 */
export function verifyTwilioSignature(authToken: string, publicUrl: string) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || signature.length === 0) {
      throw new HubErrors.BadRequest('missing X-Twilio-Signature');
    }
    const url = publicUrl + request.url;
    const params = (request.body ?? {}) as Record<string, string>;
    if (!twilio.validateRequest(authToken, signature, url, params)) {
      throw new HubErrors.Forbidden('bad Twilio signature');
    }
  };
}
