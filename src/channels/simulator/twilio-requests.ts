import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';

/** What the hub answered a simulated provider request: status and body (TwiML, or nothing). */
export interface SimulatedAnswer {
  status: number;
  body: string;
}

/**
 * Posts to one of the hub's own Twilio webhooks exactly as Twilio would: form-encoded parameters,
 * signed with the SDK's own signature function over PUBLIC_URL + path (the URL Twilio would have
 * requested), through `app.inject` — so the request meets the same signature check, routes and
 * use-cases as a real one, and no port or network is involved. `url` is absolute (a step URL from
 * the hub's TwiML) or a path.
 */
export async function postAsTwilio(
  app: FastifyInstance,
  signing: { authToken: string; publicUrl: string },
  url: string,
  params: Record<string, string>,
): Promise<SimulatedAnswer> {
  const path = url.startsWith(signing.publicUrl) ? url.slice(signing.publicUrl.length) : url;
  if (!path.startsWith('/webhooks/twilio/')) throw new Error(`not a Twilio webhook of this hub: ${url}`);
  const signature = twilio.getExpectedTwilioSignature(signing.authToken, signing.publicUrl + path, params);
  const response = await app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    payload: new URLSearchParams(params).toString(),
  });
  return { status: response.statusCode, body: response.body };
}
