import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import envSchema from 'env-schema';
import { Type, type Static } from 'typebox';
import { HOTLINE_HOURS_PATTERN, parseHotlineHours, type HotlineHours } from './ivr/hours.js';

/** Where the repository lives: the default place of the embedded database binary. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every environment variable the hub reads. `.env.example` documents the same list; nothing reads
 * `process.env` after this module has produced a {@link Config}.
 */
/**
 * Notification jobs in flight per channel and worker process. Each mostly waits on the provider and
 * the store, and the store groups the commands of the jobs in flight (src/store/grouped.ts): the
 * more in flight, the less each message costs. Exported for the fanout benchmark.
 */
export const DEFAULT_NOTIFY_CONCURRENCY = 100;

const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  DATA_DIR: Type.String({ default: './data' }),
  MONGODB_URI: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://' })),
  MONGODB_DB: Type.String({ default: 'citizen_hub', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  EMBEDDED_DB_PORT: Type.Integer({ default: 27027, minimum: 0, maximum: 65535 }),
  EMBEDDED_DB_BINARY: Type.Optional(Type.String()),
  STORE_TIMEOUT_MS: Type.Integer({ default: 3000, minimum: 100 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  REDIS_PREFIX: Type.String({ default: 'hub', pattern: '^[A-Za-z0-9_.-]{1,40}$' }),
  HUB_API_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  HUB_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
  HUB_TIMEZONE: Type.String({ default: 'Asia/Shanghai' }),
  TICKET_LOCK_MS: Type.Integer({ default: 5000, minimum: 100 }),
  TICKET_LOCK_WAIT_MS: Type.Integer({ default: 10000, minimum: 100 }),
  OFFICE_HOURS: Type.String({
    default: '09:00-12:00,13:30-17:30',
    pattern:
      '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9](,([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9])*$',
  }),
  RETURN_SUPERVISION_LIMIT: Type.Integer({ default: 2, minimum: 1, maximum: 20 }),
  DISSATISFIED_ACTION: Type.Union([Type.Literal('reopen'), Type.Literal('supervise')], { default: 'reopen' }),
  RUN_WORKERS: Type.Boolean({ default: true }),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String({ minLength: 8 })),
  TWILIO_ACCOUNT_SID: Type.Optional(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' })),
  TWILIO_FROM: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{4,14}$' })),
  TWILIO_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TWILIO_VOICE: Type.String({ default: 'Polly.Zhiyu' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3 })),
  SMTP_POOL_SIZE: Type.Integer({ default: 5, minimum: 1, maximum: 50 }),
  SMS_SIGNATURE: Type.String({ default: '【12345】', maxLength: 20 }),
  SMS_MAX_PARTS: Type.Integer({ default: 3, minimum: 1, maximum: 10 }),
  QUIET_HOURS: Type.String({
    default: '21:00-08:00',
    pattern: '^(|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$',
  }),
  NOTIFY_THROTTLE_MS: Type.Integer({ default: 180_000, minimum: 0 }),
  NOTIFY_ATTEMPTS: Type.Integer({ default: 8, minimum: 1, maximum: 50 }),
  NOTIFY_BACKOFF_MS: Type.Integer({ default: 2000, minimum: 10 }),
  NOTIFY_CONCURRENCY: Type.Integer({ default: DEFAULT_NOTIFY_CONCURRENCY, minimum: 1, maximum: 500 }),
  NOTIFY_RECONCILE_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  NOTIFY_RECONCILE_GRACE_MS: Type.Integer({ default: 120_000, minimum: 0 }),
  SMS_RATE_PER_SECOND: Type.Integer({ default: 50, minimum: 0 }),
  VOICE_RATE_PER_SECOND: Type.Integer({ default: 2, minimum: 0 }),
  EMAIL_RATE_PER_SECOND: Type.Integer({ default: 20, minimum: 0 }),
  SUPERVISOR_EMAILS: Type.String({ default: '' }),
  HUB_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  ID_HASH_KEY: Type.Optional(Type.String({ minLength: 32 })),
  IVR_LANGUAGE: Type.String({ default: 'cmn-CN', pattern: '^[a-z]{2,3}-[A-Z]{2}$' }),
  IVR_VOICE: Type.String({ default: 'Polly.Zhiyu', minLength: 1 }),
  IVR_HOURS: Type.String({ default: 'always', pattern: HOTLINE_HOURS_PATTERN }),
  IVR_OPERATOR_QUEUE: Type.String({ default: 'hotline-operators', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  IVR_QUEUE_MAX_WAIT_SECONDS: Type.Integer({ default: 300, minimum: 10, maximum: 3600 }),
  IVR_TRANSCRIBE: Type.Boolean({ default: false }),
  SMTP_PORT: Type.Integer({ default: 2525, minimum: 0, maximum: 65535 }),
  SMTP_HOST: Type.Optional(Type.String()),
  MAIL_INBOUND: Type.Optional(Type.String()),
  SMTP_MAX_BYTES: Type.Integer({ default: 10 * 1024 * 1024, minimum: 1024 }),
  SMTP_MAX_CONNECTIONS: Type.Integer({ default: 20, minimum: 1, maximum: 1000 }),
  SMTP_TLS_KEY: Type.Optional(Type.String()),
  SMTP_TLS_CERT: Type.Optional(Type.String()),
  MAIL_ATTACHMENT_MAX_BYTES: Type.Integer({ default: 5 * 1024 * 1024, minimum: 1024 }),
  MAIL_ATTACHMENT_TYPES: Type.String({
    default:
      'image/jpeg,image/png,image/gif,application/pdf,text/plain,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }),
  IMAP_URL: Type.Optional(Type.String({ pattern: '^imaps?://' })),
  IMAP_POLL_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  WEB_RATE_PER_MINUTE: Type.Integer({ default: 60, minimum: 1 }),
  WEB_LOOKUPS_PER_HOUR: Type.Integer({ default: 10, minimum: 1 }),
  STAFF_LOGINS_PER_MINUTE: Type.Integer({ default: 30, minimum: 1 }),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  logLevel: string;
  dataDir: string;
  /** Unset: the hub starts its embedded FerretDB under `dataDir`. */
  mongodbUri: string | undefined;
  mongodbDb: string;
  embeddedDbPort: number;
  embeddedDbBinary: string;
  storeTimeoutMs: number;
  redisUrl: string;
  redisPrefix: string;
  apiToken: string | undefined;
  /**
   * The bootstrap `admin` staff account's password, used on first start only (an existing `admin`
   * is never changed); unset → no account is made.
   */
  adminPassword: string | undefined;
  timezone: string;
  ticketLockMs: number;
  ticketLockWaitMs: number;
  /** The hotline centre's office hours (time-window condition, callback clock; departments have their own). */
  officeHours: { from: string; to: string }[];
  /** 退单: a ticket returned this many times is flagged for supervision. */
  returnSupervisionLimit: number;
  /** 不满意: reopen the ticket (重办), or close it and flag it for supervision. */
  dissatisfiedAction: 'reopen' | 'supervise';
  /** Whether this process also runs the BullMQ workers (SLA timers); `npm run worker` always does. */
  runWorkers: boolean;
  /** Verifies inbound Twilio webhooks; generated under `dataDir` for the simulator when not given. */
  twilioAuthToken: string;
  /** Outbound Twilio (SMS and calls): only when the account, a real auth token and a sender are all set. */
  twilio: { accountSid: string; authToken: string; from: string; apiUrl?: string } | undefined;
  twilioVoice: string;
  /** Outbound mail: only when SMTP_URL and MAIL_FROM are set; otherwise the development outbox. */
  smtp: { url: string; from: string; poolSize: number } | undefined;
  /** The domain of our Message-IDs (MAIL_FROM's, or `hub.invalid`). */
  mailDomain: string;
  smsSignature: string;
  smsMaxParts: number;
  /** China-time window in which non-urgent SMS and calls to citizens wait (undefined: never). */
  quietHours: { from: string; to: string } | undefined;
  /** Updates to one citizen on one channel within this window fold into one message (0: never). */
  notifyThrottleMs: number;
  notifyAttempts: number;
  notifyBackoffMs: number;
  notifyConcurrency: number;
  notifyReconcileMs: number;
  notifyReconcileGraceMs: number;
  /** Messages per second per channel queue (0: unlimited). */
  rateLimits: { sms: number; voice: number; email: number };
  supervisorEmails: string[];
  /**
   * Key of the hub's keyed hashes (contact ids from phone/email). Every process of one hub must share
   * it and it must never change: generated under `dataDir` when not given.
   */
  secret: string;
  /**
   * Key of the keyed hashes (HMAC-SHA256) of resident ID numbers and their last 6 characters, the
   * only form in which subsidy households can be looked up by ID. Default: derived from `secret`.
   * Changing it invalidates every stored hash: lookups by ID find nothing until the households are
   * imported again (household ids derive from it too, so a re-import makes new households).
   */
  idHashKey: string;
  /**
   * The hotline IVR: `<Say>` language and voice, when the menu answers (`always`, or `daily` /
   * `workdays` windows, China time; closed → after-hours message or voicemail), the operator queue's
   * name and longest wait before voicemail is offered, and whether voicemails are transcribed.
   */
  ivr: {
    language: string;
    voice: string;
    hours: HotlineHours;
    operatorQueue: string;
    queueMaxWaitSeconds: number;
    transcribe: boolean;
  };
  /**
   * Inbound mail (DESIGN §5): the SMTP listener (port 0 = off), the mailboxes it accepts (anything else
   * is refused with 550: never a relay), the size limit enforced on the data stream (552), the
   * connection limit, STARTTLS when a key and certificate are given, attachment limits, and optional
   * IMAP polling of an existing mailbox.
   */
  mailInbound: {
    port: number;
    host: string;
    mailboxes: string[];
    maxBytes: number;
    maxConnections: number;
    tls: { keyFile: string; certFile: string } | undefined;
    attachmentMaxBytes: number;
    attachmentTypes: string[];
    imapUrl: string | undefined;
    imapPollMs: number;
  };
  /** Citizen pages: requests per minute per IP, and identity look-ups (track, subsidy, application) per hour. */
  web: { ratePerMinute: number; lookupsPerHour: number };
  /** Staff pages: sign-in attempts per minute per IP (per username, and the lock, are fixed in src/staff). */
  staff: { loginsPerMinute: number };
}

/** Reads and validates the environment once; throws a readable error naming the bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // env: false — read only `source` (env-schema would otherwise merge process.env into it).
  const env = envSchema<Env>({ schema: EnvSchema, data: source, env: false, dotenv: false });
  const dataDir = path.resolve(env.DATA_DIR);
  const secret = env.HUB_SECRET ?? generatedSecret(dataDir, 'hub-secret', 32);
  const mailDomain = /@([^>\s]+)>?\s*$/.exec(env.MAIL_FROM ?? '')?.[1] ?? 'hub.invalid';
  return {
    host: env.HOST,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL,
    dataDir,
    mongodbUri: env.MONGODB_URI,
    mongodbDb: env.MONGODB_DB,
    embeddedDbPort: env.EMBEDDED_DB_PORT,
    embeddedDbBinary: env.EMBEDDED_DB_BINARY ?? path.join(PROJECT_ROOT, '.cache/embedded-db/embedded-db'),
    storeTimeoutMs: env.STORE_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    apiToken: env.HUB_API_TOKEN,
    adminPassword: env.HUB_ADMIN_PASSWORD,
    timezone: env.HUB_TIMEZONE,
    ticketLockMs: env.TICKET_LOCK_MS,
    ticketLockWaitMs: env.TICKET_LOCK_WAIT_MS,
    officeHours: parseHours(env.OFFICE_HOURS),
    returnSupervisionLimit: env.RETURN_SUPERVISION_LIMIT,
    dissatisfiedAction: env.DISSATISFIED_ACTION,
    runWorkers: env.RUN_WORKERS,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN ?? generatedSecret(dataDir, 'twilio-simulator-token', 16),
    secret,
    idHashKey: env.ID_HASH_KEY ?? createHmac('sha256', secret).update('id-hash-key').digest('hex'),
    ivr: {
      language: env.IVR_LANGUAGE,
      voice: env.IVR_VOICE,
      hours: parseHotlineHours(env.IVR_HOURS),
      operatorQueue: env.IVR_OPERATOR_QUEUE,
      queueMaxWaitSeconds: env.IVR_QUEUE_MAX_WAIT_SECONDS,
      transcribe: env.IVR_TRANSCRIBE,
    },
    twilio:
      env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
        ? {
            accountSid: env.TWILIO_ACCOUNT_SID,
            authToken: env.TWILIO_AUTH_TOKEN,
            from: env.TWILIO_FROM,
            apiUrl: env.TWILIO_API_URL,
          }
        : undefined,
    twilioVoice: env.TWILIO_VOICE,
    smtp:
      env.SMTP_URL && env.MAIL_FROM
        ? { url: env.SMTP_URL, from: env.MAIL_FROM, poolSize: env.SMTP_POOL_SIZE }
        : undefined,
    mailDomain,
    smsSignature: env.SMS_SIGNATURE,
    smsMaxParts: env.SMS_MAX_PARTS,
    quietHours: env.QUIET_HOURS ? parseWindow(env.QUIET_HOURS) : undefined,
    notifyThrottleMs: env.NOTIFY_THROTTLE_MS,
    notifyAttempts: env.NOTIFY_ATTEMPTS,
    notifyBackoffMs: env.NOTIFY_BACKOFF_MS,
    notifyConcurrency: env.NOTIFY_CONCURRENCY,
    notifyReconcileMs: env.NOTIFY_RECONCILE_MS,
    notifyReconcileGraceMs: env.NOTIFY_RECONCILE_GRACE_MS,
    rateLimits: {
      sms: env.SMS_RATE_PER_SECOND,
      voice: env.VOICE_RATE_PER_SECOND,
      email: env.EMAIL_RATE_PER_SECOND,
    },
    supervisorEmails: list(env.SUPERVISOR_EMAILS),
    mailInbound: {
      port: env.SMTP_PORT,
      host: env.SMTP_HOST ?? env.HOST,
      mailboxes: list(env.MAIL_INBOUND ?? `12345@${mailDomain},mayor@${mailDomain}`).map((a) =>
        a.toLowerCase(),
      ),
      maxBytes: env.SMTP_MAX_BYTES,
      maxConnections: env.SMTP_MAX_CONNECTIONS,
      tls:
        env.SMTP_TLS_KEY && env.SMTP_TLS_CERT
          ? { keyFile: env.SMTP_TLS_KEY, certFile: env.SMTP_TLS_CERT }
          : undefined,
      attachmentMaxBytes: env.MAIL_ATTACHMENT_MAX_BYTES,
      attachmentTypes: list(env.MAIL_ATTACHMENT_TYPES).map((t) => t.toLowerCase()),
      imapUrl: env.IMAP_URL,
      imapPollMs: env.IMAP_POLL_MS,
    },
    web: { ratePerMinute: env.WEB_RATE_PER_MINUTE, lookupsPerHour: env.WEB_LOOKUPS_PER_HOUR },
    staff: { loginsPerMinute: env.STAFF_LOGINS_PER_MINUTE },
  };
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `21:00-08:00` → its two ends (a window may wrap past midnight). */
function parseWindow(text: string): { from: string; to: string } {
  const [from = '', to = ''] = text.split('-');
  return { from, to };
}

/** `09:00-12:00,13:30-17:30` → ordered intervals; an interval that ends before it starts is refused. */
function parseHours(text: string): { from: string; to: string }[] {
  const hours = text.split(',').map((part) => {
    const [from = '', to = ''] = part.split('-');
    return { from, to };
  });
  for (const [i, h] of hours.entries()) {
    const previous = hours[i - 1];
    if (h.to <= h.from || (previous && h.from < previous.to)) {
      throw new Error(`OFFICE_HOURS: ${text} must be ordered, non-overlapping intervals`);
    }
  }
  return hours;
}

/**
 * A random secret kept in a file under DATA_DIR, made on first use: the Twilio simulator's token
 * (DESIGN §5) and the hub secret when the environment gives none.
 */
function generatedSecret(dataDir: string, name: string, bytes: number): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(bytes).toString('hex');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
