import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import twilio from 'twilio';

/**
 * The SMS benchmark's baseline: bare Fastify with the same form parser, answering every POST with
 * TwiML that echoes the text, built with the same SDK class as the hub. No signature check, no store,
 * no Redis: what the webhook would cost if it did nothing. Prints "READY <port>" once listening.
 */
const app = Fastify({ logger: false });
await app.register(formbody);
app.post('/webhooks/twilio/sms', async (request, reply) => {
  const body = request.body as Record<string, string | undefined>;
  const twiml = new twilio.twiml.MessagingResponse();
  twiml.message(`收到：${body.Body ?? ''}`);
  void reply.type('text/xml');
  return twiml.toString();
});
const address = await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
process.stdout.write(`READY ${new URL(address).port}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
