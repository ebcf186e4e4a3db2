import { migrate } from './migrations.js';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import { ApiTokenRepository } from './api-tokens.js';
import { ApplicationRepository } from './applications.js';
import { AttachmentRepository } from './attachments.js';
import { AuditLogRepository } from './audit-log.js';
import { ContactRepository } from './contacts.js';
import { BroadcastRepository } from './broadcasts.js';
import { CallRepository } from './calls.js';
import { CalendarRepository } from './calendar.js';
import { DeliveryRepository } from './deliveries.js';
import { DepartmentRepository } from './departments.js';
import { DirectoryEntryRepository } from './directory-entries.js';
import { DevOutboxRepository } from './dev-outbox.js';
import { DisclosureRepository } from './disclosures.js';
import { InboundMailRepository } from './inbound-mails.js';
import { ImapCursorRepository } from './imap-cursors.js';
import { ImportJobRepository } from './import-jobs.js';
import { IvrMenuRepository } from './ivr-menus.js';
import { MessageTemplateRepository } from './message-templates.js';
import { superviseEmbeddedDb, type SupervisedDb } from './embedded-db-supervisor.js';
import { OtpChallengeRepository } from './otp-challenges.js';
import { OutboxMarkRepository } from './outbox-marks.js';
import { RoutingRuleRepository } from './routing-rules.js';
import { SlaPolicyRepository } from './sla-policies.js';
import { SmsAnswerRepository } from './sms-answers.js';
import { SmsKeywordRepository } from './sms-keywords.js';
import { SubsidyRepository } from './subsidies.js';
import { StaffUserRepository } from './staff-users.js';
import { TicketRepository } from './tickets.js';

/** Everything the rest of the hub may do with the database, as intention-named repositories. */
export interface Store {
  tickets: TicketRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  tokens: ApiTokenRepository;
  audit: AuditLogRepository;
  rules: RoutingRuleRepository;
  slaPolicies: SlaPolicyRepository;
  calendar: CalendarRepository;
  /** Messages of channels without a real provider (development mode, DESIGN §5). */
  devOutbox: DevOutboxRepository;
  deliveries: DeliveryRepository;
  outboxMarks: OutboxMarkRepository;
  broadcasts: BroadcastRepository;
  /** Admins' notification template overrides, every version kept. */
  messageTemplates: MessageTemplateRepository;
  /** Application cases (办件) for status queries by number (CX, IVR), imported or seeded. */
  applications: ApplicationRepository;
  /** Subsidy households and payments (惠农补贴), found by registered phone or keyed ID hash only. */
  subsidies: SubsidyRepository;
  /** The IVR menu, every version kept (the newest is in force). */
  ivrMenus: IvrMenuRepository;
  /** Hotline calls (one per CallSid) and their insert-only path and ticket links. */
  calls: CallRepository;
  /** The answer given to each inbound SMS, by MessageSid (a Twilio retry gets the same). */
  smsAnswers: SmsAnswerRepository;
  /** The hotline's own SMS keywords (GN / 供暖 …): initials and words → ticket kind and category. */
  smsKeywords: SmsKeywordRepository;
  /** How far IMAP polling has read each mailbox (UIDVALIDITY, last UID), by account and mailbox. */
  imapCursors: ImapCursorRepository;
  /** Every inbound mail, raw, by Message-ID (or the hash of its bytes), with what became of it. */
  inboundMails: InboundMailRepository;
  /** Files citizens sent (mail attachments), by the SHA-256 of their bytes. */
  attachments: AttachmentRepository;
  /** One-time SMS codes of the web subsidy look-up (code kept hashed; deleted after expiry). */
  otpChallenges: OtpChallengeRepository;
  /** The public results board (公示): published tickets, nothing personal, by ticket number. */
  disclosures: DisclosureRepository;
  /** Staff accounts of the staff pages (`_id` = lower-cased username; password as scrypt only). */
  staffUsers: StaffUserRepository;
  /** Register imports started through the API: record, sealed file until finished, report problems. */
  imports: ImportJobRepository;
  /** 查号 numbers that are not departments (utilities, emergency, hospitals), versioned. */
  directoryEntries: DirectoryEntryRepository;
  /** Where we are connected (the embedded server's URI when MONGODB_URI is unset). */
  uri: string;
  embedded: boolean;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

type StoreConfig = Pick<
  Config,
  | 'mongodbUri'
  | 'mongodbDb'
  | 'dataDir'
  | 'embeddedDbPort'
  | 'embeddedDbBinary'
  | 'storeTimeoutMs'
  | 'secret'
  | 'idHashKey'
>;

export interface StoreLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * How the driver notices, within STORE_TIMEOUT_MS, a database that stopped answering. Against a
 * frozen server (SIGSTOP, a hung VM) the TCP connections stay open and nothing errors: an operation
 * in flight would wait for its reply for ever (socketTimeoutMS 0), and the driver noticed only at
 * its next heartbeat (10 s) plus a connect timeout (30 s). Measured here against a frozen FerretDB:
 * `timeoutMS` has no effect in this driver (deprecated), and socketTimeoutMS fails an operation in
 * time but its retry and the new connection's handshake add a timeout each (3 × in all) — and it
 * would also fail a command that is merely slow on a live server. What works is the server monitor:
 * it checks every 500 ms and gives the check `storeTimeoutMs - 500` ms, so a silent server is marked
 * down within STORE_TIMEOUT_MS; that clears the pool and interrupts the operations in flight
 * (PoolClearedOnNetworkError), and new ones fail server selection after STORE_TIMEOUT_MS. A server
 * that answers its monitor but takes long over one query is left to finish it.
 */
export function driverTimeouts(storeTimeoutMs: number): {
  serverSelectionTimeoutMS: number;
  heartbeatFrequencyMS: number;
  connectTimeoutMS: number;
  waitQueueTimeoutMS: number;
} {
  const heartbeatFrequencyMS = 500;
  return {
    serverSelectionTimeoutMS: storeTimeoutMs,
    heartbeatFrequencyMS,
    connectTimeoutMS: Math.max(storeTimeoutMs - heartbeatFrequencyMS, 100),
    // A pool full of waiting operations must not queue a request for longer either.
    waitQueueTimeoutMS: storeTimeoutMs,
  };
}

/**
 * Connects to MONGODB_URI, or starts the embedded FerretDB under DATA_DIR/db first (supervised: it
 * is restarted should it die). Indexes are created before this resolves, so the unique guards exist
 * before the first insert. Call it before building the Fastify app (src/app.ts says why).
 */
export async function openStore(config: StoreConfig, log: StoreLogger): Promise<Store> {
  let embedded: SupervisedDb | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    const dataDir = path.join(config.dataDir, 'db');
    log.info(`embedded database: starting FerretDB on SQLite, files in ${dataDir}`);
    embedded = await superviseEmbeddedDb(
      {
        binary: config.embeddedDbBinary,
        dataDir,
        port: config.embeddedDbPort,
        onLog: (line) => {
          log.warn(`embedded-db: ${line}`);
        },
      },
      log,
    );
    uri = embedded.uri;
    log.info(`embedded database at ${uri} (pid ${String(embedded.pid)})`);
  }

  let connection: Connection | undefined;
  try {
    const started = Date.now();
    connection = await mongoose
      .createConnection(uri, {
        dbName: config.mongodbDb,
        ...driverTimeouts(config.storeTimeoutMs),
        // Fail fast instead of queueing while the database is away: intake must answer 503 at once.
        bufferCommands: false,
        autoIndex: false,
        autoCreate: true,
        maxPoolSize: 20,
        // Leave undefined fields out, as mongoose documents do, also for writes through the driver.
        ignoreUndefined: true,
      })
      .asPromise()
      .catch((error: unknown) => {
        throw new Error(
          `the database at ${redactUri(uri)} did not answer within ${String(config.storeTimeoutMs)} ms (STORE_TIMEOUT_MS): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
    const repositories = {
      tickets: new TicketRepository(connection),
      contacts: new ContactRepository(connection, config.secret),
      departments: new DepartmentRepository(connection),
      tokens: new ApiTokenRepository(connection),
      audit: new AuditLogRepository(connection),
      rules: new RoutingRuleRepository(connection),
      slaPolicies: new SlaPolicyRepository(connection),
      calendar: new CalendarRepository(connection),
      devOutbox: new DevOutboxRepository(connection),
      deliveries: new DeliveryRepository(connection),
      outboxMarks: new OutboxMarkRepository(connection),
      broadcasts: new BroadcastRepository(connection),
      messageTemplates: new MessageTemplateRepository(connection),
      applications: new ApplicationRepository(connection),
      subsidies: new SubsidyRepository(connection, config.idHashKey),
      ivrMenus: new IvrMenuRepository(connection),
      calls: new CallRepository(connection),
      smsAnswers: new SmsAnswerRepository(connection),
      smsKeywords: new SmsKeywordRepository(connection),
      imapCursors: new ImapCursorRepository(connection),
      disclosures: new DisclosureRepository(connection),
      inboundMails: new InboundMailRepository(connection),
      attachments: new AttachmentRepository(connection),
      otpChallenges: new OtpChallengeRepository(connection),
      imports: new ImportJobRepository(connection),
      staffUsers: new StaffUserRepository(connection),
      directoryEntries: new DirectoryEntryRepository(connection),
    };
    const models = [
      ...Object.values(repositories).map((r) => r.model),
      repositories.tickets.coTasks.model,
      repositories.rules.versions,
      repositories.deliveries.attemptModel,
      repositories.broadcasts.recipients,
      repositories.messageTemplates.versions,
      repositories.subsidies.payments,
      repositories.subsidies.phoneRows,
      repositories.calls.events,
      repositories.imports.files,
      repositories.imports.problemChunks,
    ];
    for (const model of models) {
      await model.createCollection();
      await model.createIndexes();
    }
    log.info(
      `store: ${String(models.length)} collections and their indexes ready in ${String(Date.now() - started)} ms`,
    );
    await migrate(connection, repositories, (line) => {
      log.info(line);
    });
    const conn = connection;
    let closing: Promise<void> | undefined;
    return {
      ...repositories,
      uri,
      embedded: embedded !== undefined,
      async ping() {
        const db = conn.db;
        if (!db) throw new Error('database not connected');
        // Bounded by the driver's timeouts (driverTimeouts): 503 within STORE_TIMEOUT_MS when frozen.
        await db.command({ ping: 1 });
      },
      // Idempotent: a failed boot closes the store, and so may the app's onClose afterwards.
      close() {
        closing ??= (async () => {
          await conn.close();
          await embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}

/** A URI as it may be logged: without its password. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:[redacted]@');
}
