import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery } from '../../src/store/deliveries.js';
import { FakeTwilio } from './fake-twilio.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { startHub, type TestHub } from './hub.js';

export const PUBLIC_URL = 'https://hub.example.gov.cn';
export const TWILIO_FROM = '+861065550100';
export const MAIL_DOMAIN = 'hub.example.gov.cn';

/** The local providers a notification test talks to: a fake of Twilio's REST API and a real SMTP server. */
export interface Sinks {
  twilio: FakeTwilio;
  smtp: SmtpSink;
  accountSid: string;
  authToken: string;
  close(): Promise<void>;
}

export async function startSinks(options: { latencyMs?: number } = {}): Promise<Sinks> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const twilio = new FakeTwilio({ accountSid, authToken, latencyMs: options.latencyMs });
  await twilio.start();
  const smtp = await startSmtpSink();
  return {
    twilio,
    smtp,
    accountSid,
    authToken,
    async close() {
      await twilio.close();
      await smtp.close();
    },
  };
}

/** The environment that points a hub (or its worker process) at the sinks. */
export function providerEnv(sinks: Sinks): Record<string, string> {
  return {
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: sinks.accountSid,
    TWILIO_AUTH_TOKEN: sinks.authToken,
    TWILIO_FROM,
    TWILIO_API_URL: sinks.twilio.url,
    SMTP_URL: sinks.smtp.url,
    MAIL_FROM: `"12345热线" <noreply@${MAIL_DOMAIN}>`,
    SUPERVISOR_EMAILS: `duban@${MAIL_DOMAIN}`,
    NOTIFY_BACKOFF_MS: '50',
    NOTIFY_RECONCILE_MS: '500',
    NOTIFY_RECONCILE_GRACE_MS: '1500',
    SMS_RATE_PER_SECOND: '0',
    VOICE_RATE_PER_SECOND: '0',
    EMAIL_RATE_PER_SECOND: '0',
  };
}

/** A hub sending through the sinks; quiet hours and the throttle off unless `env` says otherwise. */
export async function startNotifyHub(sinks: Sinks, env: Record<string, string> = {}): Promise<TestHub> {
  return startHub({ ...providerEnv(sinks), QUIET_HOURS: '', NOTIFY_THROTTLE_MS: '0', ...env });
}

/** The fake Twilio posts its signed status callbacks into this hub, so SMS reach `delivered`. */
export function reportStatusInto(sinks: Sinks, hub: TestHub): void {
  sinks.twilio.sendStatusCallbacks({
    authToken: sinks.authToken,
    deliver: async (callback) => {
      const url = new URL(callback.url);
      await hub.app.inject({
        method: 'POST',
        url: url.pathname + url.search,
        headers: {
          'x-twilio-signature': callback.signature,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams(callback.params).toString(),
      });
    },
  });
}

/** Polls until `probe` gives a value other than undefined. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The deliveries of a ticket, once `count` of them have reached one of `statuses`. */
export async function settled(
  hub: TestHub,
  number: string,
  count: number,
  statuses: readonly string[] = ['sent', 'delivered', 'failed', 'skipped', 'collapsed'],
  timeoutMs = 10_000,
): Promise<Delivery[]> {
  return eventually(
    async () => {
      const deliveries = await hub.app.store.deliveries.forTicket(number);
      return deliveries.filter((d) => statuses.includes(d.status)).length >= count ? deliveries : undefined;
    },
    `${String(count)} settled deliveries of ${number}`,
    timeoutMs,
  );
}

/** The delivery id a Twilio request carried in its StatusCallback URL. */
export function deliveryOfCallback(url: string | undefined): string | undefined {
  return url ? (new URL(url).searchParams.get('d') ?? undefined) : undefined;
}
