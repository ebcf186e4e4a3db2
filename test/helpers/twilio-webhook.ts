import type { LightMyRequestResponse } from 'fastify';
import type { TestHub } from './hub.js';

/**
 * POSTs a form to one of the hub's Twilio webhooks as Twilio does: urlencoded parameters and the
 * `X-Twilio-Signature` given (null: none), without a bearer token.
 */
export function postTwilioForm(
  hub: TestHub,
  path: string,
  params: Record<string, string>,
  signature: string | null,
): Promise<LightMyRequestResponse> {
  return hub.request({
    method: 'POST',
    url: path,
    token: null,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });
}
