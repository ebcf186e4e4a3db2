import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { buildApp } from '../src/app.js';
import { DEFAULT_NOTIFY_CONCURRENCY, loadConfig, type Config } from '../src/config.js';
import type { OutboxRelay } from '../src/notify/relay.js';
import { QueueName, type NotifyJob } from '../src/queues/names.js';
import type { InboundMessage } from '../src/tickets/types.js';
import { providerEnv, startSinks, type Sinks } from '../test/helpers/notify.js';
import { CleanupStack } from './lib/cleanup.js';
import { packageNodeArgs, PROJECT_ROOT } from './lib/hub-process.js';
import { progress } from './lib/log.js';
import { RssSampler } from './lib/monitor.js';
import { childPids, commandLine, cpuSeconds } from './lib/procfs.js';
import { deleteKeysWithPrefix } from './lib/redis-keys.js';
import { percentile, round } from './lib/stats.js';

/**
 * `npm run bench -- fanout [--runs N] [--messages N] [--email-share F] [--reconcile-grace-ms N]
 * [--worker-max-old-space-mb N] [--worker-cpu-prof]`: status notifications end to end. The notification worker process
 * (`npm run worker`'s entry, `node --import tsx src/worker.ts`) starts on the paused notification
 * queues; N tickets are taken in through the ticket core (not timed: each stores one `received`
 * outbox entry, relayed as one job); then the clock runs from resuming the queues until every
 * delivery is `sent` in the store — SMS into the fake Twilio (status callbacks off), mail into the
 * real SMTP sink. Beside it, in the same run, on the same Redis and database, just before: raw BullMQ
 * (add, then process with a worker that does nothing, at the same concurrency) and raw one-by-one
 * inserts of delivery-shaped records. Every run has its own data dir, database, Redis prefix and
 * sinks; the JSON gives medians over runs, each run's ratio taken against its own baselines.
 * The outbox reconciler runs in the worker as in production: a run longer than its grace lets it act
 * during the measurement; `--reconcile-grace-ms 3600000` keeps it out.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_MESSAGES = 20_000;
/**
 * The worker runs at its NOTIFY_CONCURRENCY default (config.ts), and raw BullMQ keeps as many jobs in
 * flight. Raw inserts are measured at that number and at this one, and the faster counts: the
 * store's ceiling is taken at its best, not at a load that may suit the pipeline.
 */
const RAW_INSERT_CONCURRENCY = 20;
const CONCURRENCY = DEFAULT_NOTIFY_CONCURRENCY;
/** Intakes in flight while preparing; not measured. */
const PREP_CONCURRENCY = 16;
const RAW_BULL_CHUNK = 1_000;
const RSS_SAMPLE_MS = 100;
const POLL_MS = 50;
/** No new message at the sinks for this long: the pipeline is stuck, and the run says why. */
const STALL_MS = 60_000;
const WORKER_READY_MS = 120_000;
const WORKER_STOP_GRACE_MS = 15_000;
/**
 * The reconciler at its production cadence (config.ts), not the tests' 500 ms: every round sorts all
 * outbox marks in memory on the embedded database, a load no deployment runs every half second. Its
 * grace is the production default unless `--reconcile-grace-ms` says otherwise.
 */
const RECONCILE_MS = 60_000;
const DEFAULT_RECONCILE_GRACE_MS = 120_000;
const GOALS = { ratioAtLeast: 0.5, workerRssBelowMb: 400 } as const;
const SMS_TEXT = '小区门口的路灯坏了一个星期，晚上出行很不方便，请尽快派人维修。';

interface Options {
  runs: number;
  messages: number;
  emailShare: number;
  reconcileGraceMs: number;
  /** --max-old-space-size for the worker (undefined: as `npm run worker` runs it, package.json config.workerNodeArgs). */
  workerMaxOldSpaceMb: number | undefined;
  workerCpuProf: boolean;
}

export async function runFanoutBenchmark(signal: AbortSignal): Promise<void> {
  const options = readOptions(process.argv.slice(3));
  // Read before the runs: the worker loads src/ when it starts.
  const source = sourceVersion();
  const runs: RunResult[] = [];
  let cleanedUp = true;
  for (let i = 1; i <= options.runs; i++) {
    progress(`run ${i} of ${options.runs}: ${options.messages} notifications`);
    const run = await isolatedRun(options, signal);
    runs.push(run.result);
    cleanedUp &&= run.cleanedUp;
  }
  process.stdout.write(`${JSON.stringify(buildReport(options, source, runs), null, 2)}\n`);
  if (!cleanedUp) throw new Error('the benchmark ran, but cleaning up failed (see above)');
}

function readOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      runs: { type: 'string', default: '1' },
      messages: { type: 'string', default: String(DEFAULT_MESSAGES) },
      'email-share': { type: 'string', default: '0' },
      'reconcile-grace-ms': { type: 'string', default: String(DEFAULT_RECONCILE_GRACE_MS) },
      'worker-max-old-space-mb': { type: 'string' },
      'worker-cpu-prof': { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const messages = Number(values.messages);
  const emailShare = Number(values['email-share']);
  const reconcileGraceMs = Number(values['reconcile-grace-ms']);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be an integer ≥ 1, not "${values.runs}"`);
  if (!Number.isInteger(messages) || messages < 100)
    throw new Error(`--messages must be an integer ≥ 100, not "${values.messages}"`);
  if (!(emailShare >= 0 && emailShare <= 1))
    throw new Error(`--email-share must be between 0 and 1, not "${values['email-share']}"`);
  if (!Number.isInteger(reconcileGraceMs) || reconcileGraceMs < 0)
    throw new Error(`--reconcile-grace-ms must be an integer ≥ 0, not "${values['reconcile-grace-ms']}"`);
  const oldSpace = values['worker-max-old-space-mb'];
  const workerMaxOldSpaceMb = oldSpace === undefined ? undefined : Number(oldSpace);
  if (
    workerMaxOldSpaceMb !== undefined &&
    !(Number.isInteger(workerMaxOldSpaceMb) && workerMaxOldSpaceMb >= 16)
  )
    throw new Error(`--worker-max-old-space-mb must be an integer ≥ 16, not "${String(oldSpace)}"`);
  return {
    runs,
    messages,
    emailShare,
    reconcileGraceMs,
    workerMaxOldSpaceMb,
    workerCpuProf: values['worker-cpu-prof'],
  };
}

interface Environment {
  runId: string;
  config: Config;
  workerEnv: NodeJS.ProcessEnv;
  app: FastifyInstance;
  sinks: Sinks;
  db: Db;
  dbPid: number | undefined;
  /** The Redis server's process, when it runs on this machine (its CPU is part of every job). */
  redisPid: number | undefined;
}

type RunResult = {
  prep: { seconds: number; ticketsPerSec: number };
  /** The faster of `rawInsertsAt`: the store's ceiling. */
  rawInserts: Rate & { concurrency: number };
  /** Raw inserts at the worker's concurrency and at RAW_INSERT_CONCURRENCY. */
  rawInsertsAt: (Rate & { concurrency: number })[];
  rawBullmq: Omit<Rate, 'perSec'> & {
    addPerSec: number;
    processPerSec: number;
    addPlusProcessPerSec: number;
  };
} & PipelineResult;

/**
 * One run on fresh resources; everything it acquires is released before the next run starts. A
 * failed clean-up does not hide the result: it is reported on stderr and fails the command at the end.
 */
async function isolatedRun(
  options: Options,
  signal: AbortSignal,
): Promise<{ result: RunResult; cleanedUp: boolean }> {
  const cleanup = new CleanupStack();
  let result: RunResult;
  try {
    const env = await startEnvironment(options, cleanup);
    for (const queue of notifyQueues(env)) await queue.pause();
    const worker = await startWorker(env, options, cleanup, signal);
    const prep = await prepare(env, options, signal);
    const rawInsertsAt: RunResult['rawInsertsAt'] = [];
    for (const concurrency of new Set([CONCURRENCY, RAW_INSERT_CONCURRENCY]))
      rawInsertsAt.push(await measureRawInserts(env, options.messages, concurrency, signal));
    const rawInserts = rawInsertsAt.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const rawBullmq = await measureRawBullmq(env, options.messages, signal);
    result = {
      prep,
      rawInserts,
      rawInsertsAt,
      rawBullmq,
      ...(await measurePipeline(env, worker, options, signal)),
    };
  } catch (error) {
    await cleanup.runAll();
    throw error;
  }
  return { result, cleanedUp: await cleanup.runAll() };
}

/** A hub (RUN_WORKERS=false) in this process on its own embedded database, and the two sinks. */
async function startEnvironment(options: Options, cleanup: CleanupStack): Promise<Environment> {
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `bench-fanout-${runId}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), `hub-bench-fanout-${runId}-`));
  cleanup.defer('remove data dir', () => rm(dataDir, { recursive: true, force: true }));
  // Registered before anything writes keys, so it runs after the worker and the hub have stopped.
  cleanup.defer('delete Redis keys', async () => {
    const deleted = await deleteKeysWithPrefix(REDIS_URL, `${redisPrefix}:`);
    progress(`deleted ${deleted} Redis keys under ${redisPrefix}:`);
  });
  const sinks = await startSinks();
  // Closed after the hub, whose SMTP pool and Twilio client talk to them.
  cleanup.defer('close sinks', () => sinks.close());

  const shared: Record<string, string> = {
    DATA_DIR: dataDir,
    MONGODB_DB: `bench_fanout_${runId}`,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    ...providerEnv(sinks),
    QUIET_HOURS: '',
    NOTIFY_THROTTLE_MS: '0',
    NOTIFY_RECONCILE_MS: String(RECONCILE_MS),
    NOTIFY_RECONCILE_GRACE_MS: String(options.reconcileGraceMs),
  };
  // Silent: Fastify logs to stdout, which carries only the JSON result.
  const config = loadConfig({ ...shared, EMBEDDED_DB_PORT: '0', RUN_WORKERS: 'false', LOG_LEVEL: 'silent' });
  const app = await buildApp(config);
  cleanup.defer('close hub', () => app.close());
  await app.ready();

  const dbPid = childPids(process.pid).find((pid) => commandLine(pid).includes('embedded-db'));
  const mongo = new MongoClient(app.store.uri, {
    maxPoolSize: Math.max(CONCURRENCY, RAW_INSERT_CONCURRENCY),
  });
  cleanup.defer('close database client', () => mongo.close());
  await mongo.connect();
  progress(`hub ready: database ${app.store.uri} (pid ${dbPid ?? '?'}), Redis prefix ${redisPrefix}`);
  // Only what the worker needs, not our environment: an inherited NODE_OPTIONS or MONGODB_DB would
  // change what is measured.
  const workerEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...shared,
    MONGODB_URI: app.store.uri,
    LOG_LEVEL: 'info',
  };
  const redisPid = await localRedisPid();
  return { runId, config, workerEnv, app, sinks, db: mongo.db(config.mongodbDb), dbPid, redisPid };
}

/** Redis's `process_id`, if that process is visible here (a Redis elsewhere: undefined, not measured). */
async function localRedisPid(): Promise<number | undefined> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
    return Number.isInteger(pid) && cpuSeconds(pid) !== undefined ? pid : undefined;
  } finally {
    await redis.quit();
  }
}

/** The notification queues: paused while tickets are taken in, resumed when the clock starts. */
function notifyQueues(env: Environment): Queue<NotifyJob>[] {
  return [QueueName.NotifySms, QueueName.NotifyEmail].map((name) => {
    const queue = env.app.queues.get(name);
    if (!queue) throw new Error(`the hub has no queue ${name}`);
    return queue;
  });
}

/** N tickets through the ticket core: each stores one citizen outbox entry and queues one job. */
async function prepare(env: Environment, options: Options, signal: AbortSignal): Promise<RunResult['prep']> {
  const actor = { kind: 'system', id: 'bench-fanout' } as const;
  const start = performance.now();
  await forEach(options.messages, PREP_CONCURRENCY, signal, async (i) => {
    await env.app.tickets.intake(inboundMessage(env.runId, i, isEmail(i, options.emailShare)), actor);
    if ((i + 1) % 5_000 === 0) progress(`prepared ${i + 1} tickets`);
  });
  const seconds = (performance.now() - start) / 1000;
  const queued = await queuedJobs(env);
  if (queued !== options.messages)
    throw new Error(`${queued} notification jobs queued for ${options.messages} tickets`);
  progress(`prepared ${options.messages} tickets in ${round(seconds, 1)} s; ${queued} jobs waiting`);
  return { seconds: round(seconds, 1), ticketsPerSec: round(options.messages / seconds, 1) };
}

/** Spread evenly: exactly ⌊N × share⌋ of the N tickets come in by mail. */
function isEmail(i: number, share: number): boolean {
  return Math.floor((i + 1) * share) > Math.floor(i * share);
}

function inboundMessage(runId: string, i: number, email: boolean): InboundMessage {
  const common = { idempotencyKey: `${runId}-${i}`, text: SMS_TEXT, kind: 'complaint' } as const;
  return email
    ? { ...common, channel: 'email', subject: '路灯不亮', sender: { email: `citizen${i}@example.org` } }
    : // Distinct mainland mobiles: one contact per ticket, as a burst of status updates would have.
      { ...common, channel: 'sms', sender: { phone: `139${String(i).padStart(8, '0')}` } };
}

async function queuedJobs(env: Environment): Promise<number> {
  let total = 0;
  for (const queue of notifyQueues(env)) {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed');
    total += Object.values(counts).reduce((sum, n) => sum + n, 0);
  }
  return total;
}

interface Rate {
  perSec: number;
  cpu: CpuUse;
  /** The machine's 1-minute load average at the end: others' work on a shared machine shows here. */
  loadAvg: number;
}

/** The store's ceiling: delivery-shaped records, one insertOne each, `concurrency` in flight. */
async function measureRawInserts(
  env: Environment,
  total: number,
  concurrency: number,
  signal: AbortSignal,
): Promise<Rate & { concurrency: number }> {
  const collection = env.db.collection(`raw_deliveries_${env.runId}_${concurrency}`);
  // The indexes the deliveries collection has (src/store/deliveries.ts): they cost on every insert.
  await collection.createIndex({ ticket: 1 }, {}, undefined);
  await collection.createIndex({ broadcast: 1 }, {}, undefined);
  await collection.createIndex({ dead: 1, updatedAt: -1 }, {}, undefined);
  const cpu = new CpuMeter({ db: env.dbPid, redis: env.redisPid });
  const start = performance.now();
  await forEach(total, concurrency, signal, (i) => insertDelivery(collection, env.runId, i));
  const perSec = total / ((performance.now() - start) / 1000);
  const result = {
    concurrency,
    perSec: round(perSec, 1),
    cpu: cpu.read(total),
    loadAvg: round(loadavg()[0] ?? 0, 1),
  };
  progress(`raw inserts (${concurrency} in flight): ${JSON.stringify(result)}`);
  await collection.drop();
  return result;
}

async function insertDelivery(collection: Collection, runId: string, i: number): Promise<void> {
  const now = new Date();
  const doc: Document = {
    _id: `${randomUUID()}.sms`,
    channel: 'sms',
    audience: 'citizen',
    template: 'received',
    ticket: `2611${String(i).padStart(10, '0')}`,
    entryId: randomUUID(),
    contactId: randomBytes(16).toString('base64url'),
    status: 'sent',
    rank: 3,
    round: 1,
    attempts: 1,
    to: '139****0000',
    provider: 'twilio',
    providerId: `SM${randomBytes(16).toString('hex')}`,
    dead: false,
    claimedAt: now,
    createdAt: now,
    updatedAt: now,
    bench: runId,
  };
  await collection.insertOne(doc);
}

/**
 * BullMQ's ceiling on this Redis: N jobs with the relay's options (ids only, job id, attempts,
 * backoff, removed on completion) added in chunks, then processed by a worker that does nothing.
 */
async function measureRawBullmq(
  env: Environment,
  total: number,
  signal: AbortSignal,
): Promise<RunResult['rawBullmq']> {
  const prefix = `${env.config.redisPrefix}:rawbull`;
  const name = 'raw-fanout';
  const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<NotifyJob>(name, { connection: queueConnection, prefix });
  const worker = new Worker<NotifyJob, string>(name, async () => 'sent', {
    connection: workerConnection,
    prefix,
    concurrency: CONCURRENCY,
    autorun: false,
  });
  try {
    const relay: Pick<OutboxRelay, 'jobOptions'> = env.app.tickets.deps.outbox;
    const cpu = new CpuMeter({ redis: env.redisPid });
    const addStart = performance.now();
    for (let from = 0; from < total; from += RAW_BULL_CHUNK) {
      signal.throwIfAborted();
      const jobs: { name: string; data: NotifyJob; opts: JobsOptions }[] = [];
      for (let i = from; i < Math.min(from + RAW_BULL_CHUNK, total); i++) {
        const entryId = randomUUID();
        jobs.push({
          name: 'received',
          data: { ticketId: `2611${String(i).padStart(10, '0')}`, outboxEntryId: entryId },
          opts: relay.jobOptions(entryId),
        });
      }
      await queue.addBulk(jobs);
    }
    const addMs = performance.now() - addStart;

    let completed = 0;
    let failed = 0;
    // The clock stops at the last job's event, not when the poll below notices it.
    let processEnd = 0;
    const settle = (): void => {
      if (completed + failed === total) processEnd = performance.now();
    };
    worker.on('completed', () => {
      completed++;
      settle();
    });
    worker.on('failed', () => {
      failed++;
      settle();
    });
    await worker.waitUntilReady();
    const processStart = performance.now();
    const running = worker.run();
    while (processEnd === 0) {
      signal.throwIfAborted();
      await sleep(POLL_MS);
    }
    const processMs = processEnd - processStart;
    await worker.close();
    await running;
    if (failed > 0) throw new Error(`raw BullMQ: ${failed} of ${total} no-op jobs failed`);
    const result = {
      addPerSec: round(total / (addMs / 1000), 1),
      processPerSec: round(total / (processMs / 1000), 1),
      addPlusProcessPerSec: round(total / ((addMs + processMs) / 1000), 1),
      cpu: cpu.read(total),
      loadAvg: round(loadavg()[0] ?? 0, 1),
    };
    progress(`raw BullMQ: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await worker.close();
    await queue.close();
    await Promise.all([queueConnection.quit(), workerConnection.quit()]);
  }
}

interface PipelineResult {
  pipeline: {
    messages: { sms: number; email: number };
    elapsedMs: number;
    perSec: number;
    /** Per delivery, record created → `sent` stored: the worker's time on one job, not its wait in the queue. */
    serviceMs: { p50: number; p95: number; p99: number };
    cpu: CpuUse;
    loadAvg: number;
    /** Database commands per message while timed (find, insert, update …), from the server's counters. */
    dbCommandsPerMessage: Record<string, number>;
    /** Requests the sinks received beyond one per delivery: anything but 0 is a duplicate send. */
    duplicateSends: number;
    deliveryAttempts: number;
  };
  worker: { startSeconds: number; rssMb: { max: number; maxWhileTimed: number; final: number } };
  dbRssMaxMb: number | null;
}

/** Starts the worker process on the paused queues, then times the queues' drain into the sinks. */
async function measurePipeline(
  env: Environment,
  worker: WorkerProcess,
  options: Options,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const emails = Math.floor(options.messages * options.emailShare);
  const expected = { sms: options.messages - emails, email: emails };
  progress(`resuming the queues for the worker (pid ${worker.pid})`);
  const timedRss = new RssSampler([worker.pid], RSS_SAMPLE_MS);
  const commandsBefore = await dbCommands(env.db);
  const cpu = new CpuMeter({ worker: worker.pid, db: env.dbPid, redis: env.redisPid });
  const startEpoch = Date.now();
  for (const queue of notifyQueues(env)) await queue.resume();
  await waitForSinks(env, expected, worker, signal);
  const stored = await waitForStore(env, options.messages, signal);
  const cpuUse = cpu.read(options.messages);
  const loadAvg = round(loadavg()[0] ?? 0, 1);
  const dbCommandsPerMessage = perMessage(commandsBefore, await dbCommands(env.db), options.messages);
  timedRss.stop();

  const elapsedMs = stored.lastUpdatedAt - startEpoch;
  const sinkRequests = env.sinks.twilio.messages.length + env.sinks.smtp.messages.length;
  const pipeline = {
    messages: expected,
    elapsedMs,
    perSec: round(options.messages / (elapsedMs / 1000), 1),
    serviceMs: stored.serviceMs,
    cpu: cpuUse,
    loadAvg,
    dbCommandsPerMessage,
    duplicateSends: sinkRequests - options.messages,
    deliveryAttempts: await env.db.collection('delivery_attempts').countDocuments({}),
  };
  progress(`pipeline: ${JSON.stringify(pipeline)}`);
  await worker.stop();
  worker.rss.stop();
  const workerRss = worker.rss.get(worker.pid);
  const dbRss = env.dbPid === undefined ? undefined : worker.rss.get(env.dbPid);
  return {
    pipeline,
    worker: {
      startSeconds: worker.startSeconds,
      rssMb: {
        max: round(workerRss?.maxMb ?? Number.NaN, 1),
        maxWhileTimed: round(timedRss.get(worker.pid)?.maxMb ?? Number.NaN, 1),
        final: round(timedRss.get(worker.pid)?.finalMb ?? Number.NaN, 1),
      },
    },
    dbRssMaxMb: dbRss ? round(dbRss.maxMb, 1) : null,
  };
}

/** Polls the sinks (in this process, free) until each holds its share; fails on a stall. */
async function waitForSinks(
  env: Environment,
  expected: { sms: number; email: number },
  worker: WorkerProcess,
  signal: AbortSignal,
): Promise<void> {
  const { twilio, smtp } = env.sinks;
  let seen = -1;
  let lastProgress = performance.now();
  let nextReport = performance.now() + 5_000;
  while (twilio.messages.length < expected.sms || smtp.messages.length < expected.email) {
    signal.throwIfAborted();
    worker.throwIfExited();
    const now = performance.now();
    const count = twilio.messages.length + smtp.messages.length;
    if (count !== seen) {
      seen = count;
      lastProgress = now;
    } else if (now - lastProgress > STALL_MS) {
      throw new Error(`stalled at ${count} messages: ${JSON.stringify(await jobCounts(env))}`);
    }
    if (now >= nextReport) {
      progress(`sinks: ${twilio.messages.length} SMS, ${smtp.messages.length} mails`);
      nextReport = now + 5_000;
    }
    await sleep(POLL_MS);
  }
}

async function jobCounts(env: Environment): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const queue of notifyQueues(env)) counts[queue.name] = await queue.getJobCounts();
  return counts;
}

/**
 * Once the sinks have everything, the last few `sent` records follow within a store write or two.
 * The end of the clock is the last record's `updatedAt` (the worker's time of the `sent` status),
 * not when this poll noticed it.
 */
async function waitForStore(
  env: Environment,
  total: number,
  signal: AbortSignal,
): Promise<{ lastUpdatedAt: number; serviceMs: PipelineResult['pipeline']['serviceMs'] }> {
  const deliveries = env.db.collection('deliveries');
  const deadline = performance.now() + STALL_MS;
  for (;;) {
    signal.throwIfAborted();
    const sent = await deliveries.countDocuments({ status: { $in: ['sent', 'delivered'] } });
    if (sent >= total) break;
    if (performance.now() > deadline) throw new Error(`only ${sent} of ${total} deliveries stored as sent`);
    await sleep(POLL_MS);
  }
  const docs = await deliveries.find({}, { projection: { createdAt: 1, updatedAt: 1 } }).toArray();
  if (docs.length !== total) throw new Error(`${docs.length} delivery records for ${total} messages`);
  let lastUpdatedAt = 0;
  const service = new Float64Array(docs.length);
  docs.forEach((doc, i) => {
    const created = (doc.createdAt as Date).getTime();
    const updated = (doc.updatedAt as Date).getTime();
    lastUpdatedAt = Math.max(lastUpdatedAt, updated);
    service[i] = updated - created;
  });
  service.sort();
  return {
    lastUpdatedAt,
    serviceMs: { p50: percentile(service, 50), p95: percentile(service, 95), p99: percentile(service, 99) },
  };
}

interface WorkerProcess {
  pid: number;
  startSeconds: number;
  /** RSS of the worker (and of the database) from the worker's start to its end. */
  rss: RssSampler;
  throwIfExited(): void;
  stop(): Promise<void>;
}

/**
 * `npm run worker`'s entry as a child process, started on the empty database with the queues paused
 * (as a long-running worker waits for work); resolves once it logs 'worker ready'. Not started after
 * the tickets are in: its boot reconciles the SLA timers of every open ticket, a scan that outlasts
 * Fastify's 10 s plugin timeout from ~10,000 open tickets on the embedded database.
 */
async function startWorker(
  env: Environment,
  options: Options,
  cleanup: CleanupStack,
  signal: AbortSignal,
): Promise<WorkerProcess> {
  const nodeArgs = workerNodeArgs(options);
  if (options.workerCpuProf) {
    // Kept after the run (outside the data dir): open the .cpuprofile in Chrome DevTools.
    const dir = await mkdtemp(path.join(tmpdir(), `hub-bench-fanout-prof-${env.runId}-`));
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    progress(`worker CPU profile goes to ${dir}`);
  }
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/worker.ts'], {
    cwd: PROJECT_ROOT,
    env: env.workerEnv,
    stdio: ['ignore', 'pipe', 2],
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${String(code)}`;
      resolve();
    });
    child.once('error', (error) => {
      exit = error.message;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exit !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  cleanup.defer('stop worker', stop);
  if (child.pid === undefined) throw new Error(`worker did not start: ${exit ?? 'no pid'}`);
  const rss = new RssSampler([child.pid], RSS_SAMPLE_MS);
  cleanup.defer('stop RSS sampler', () => {
    rss.stop();
  });
  if (env.dbPid !== undefined) rss.track(env.dbPid);
  const log = watchLog(child);
  const deadline = performance.now() + WORKER_READY_MS;
  while (!log.ready) {
    signal.throwIfAborted();
    if (exit !== undefined) throw new Error(`worker exited during start (${exit})`);
    if (performance.now() > deadline) throw new Error(`worker not ready within ${WORKER_READY_MS} ms`);
    await sleep(POLL_MS);
  }
  const startSeconds = round((performance.now() - startedAt) / 1000, 1);
  progress(`worker ready (pid ${child.pid}) in ${startSeconds} s; the queues are paused`);
  return {
    pid: child.pid,
    startSeconds,
    rss,
    throwIfExited: () => {
      if (exit !== undefined) throw new Error(`worker exited (${exit})`);
    },
    stop,
  };
}

/** As `npm run worker` runs it (package.json config.workerNodeArgs), unless an option says otherwise. */
function workerNodeArgs(options: Options): string[] {
  const args = packageNodeArgs('workerNodeArgs');
  if (options.workerMaxOldSpaceMb === undefined) return args;
  return [
    ...args.filter((arg) => !arg.startsWith('--max-old-space-size=')),
    `--max-old-space-size=${options.workerMaxOldSpaceMb}`,
  ];
}

const WARN_LEVEL = 40;
const MAX_FORWARDED_LINES = 10;

/** Reads the worker's log: `ready` once it says 'worker ready'; the first few warnings go to stderr. */
function watchLog(child: ChildProcess): { ready: boolean } {
  const state = { ready: false };
  let pending = '';
  let forwarded = 0;
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"worker ready"')) state.ready = true;
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) >= WARN_LEVEL && forwarded < MAX_FORWARDED_LINES) {
        forwarded++;
        progress(`worker: ${line.slice(0, 500)}`);
      }
    }
  });
  return state;
}

/** Commands the database has answered so far, by name (FerretDB's serverStatus `metrics.commands`). */
async function dbCommands(db: Db): Promise<Record<string, number>> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = (status.metrics as { commands?: Record<string, { total?: number }> } | undefined)
    ?.commands;
  return Object.fromEntries(Object.entries(commands ?? {}).map(([name, c]) => [name, c.total ?? 0]));
}

/** Commands per message between two counts; the few of this benchmark's own polls are included. */
function perMessage(
  before: Record<string, number>,
  after: Record<string, number>,
  messages: number,
): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const [name, total] of Object.entries(after)) {
    const delta = total - (before[name] ?? 0);
    if (delta > 0) rates[name] = round(delta / messages, 2);
  }
  return rates;
}

/** CPU by process (`bench` = this process: the idle hub and the sinks), by name. */
type Cores = Record<string, number>;

interface CpuUse {
  /** Cores used on average over the interval. */
  cores: Cores;
  /**
   * CPU milliseconds per operation (message, insert, job): unlike a rate, hardly moved by other
   * work on a shared machine, so it says where the time goes even when the rates are noisy.
   */
  msPerOp: Cores;
}

class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly start: Record<string, number> = {};
  private readonly benchStart = process.cpuUsage();

  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, pid] of Object.entries(pids)) {
      if (pid !== undefined) this.start[name] = cpuSeconds(pid) ?? 0;
    }
  }

  read(operations: number): CpuUse {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const used: Cores = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.start[name];
      const now = pid === undefined ? undefined : cpuSeconds(pid);
      if (before !== undefined && now !== undefined) used[name] = now - before;
    }
    const bench = process.cpuUsage(this.benchStart);
    used.bench = (bench.user + bench.system) / 1e6;
    const map = (f: (s: number) => number): Cores =>
      Object.fromEntries(Object.entries(used).map(([name, s]) => [name, f(s)]));
    return {
      cores: map((s) => round(s / seconds, 2)),
      msPerOp: map((s) => round((s * 1000) / operations, 2)),
    };
  }
}

/** Runs `work(0 … total-1)` with `concurrency` in flight; the first failure ends it. */
async function forEach(
  total: number,
  concurrency: number,
  signal: AbortSignal,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      signal.throwIfAborted();
      await work(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Which code was measured: the commit, and whether src/ differed from it (others may be editing). */
function sourceVersion(): { commit: string | null; srcModified: boolean | null } {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      srcModified: git('status', '--porcelain', '--', 'src').trim() !== '',
    };
  } catch {
    return { commit: null, srcModified: null };
  }
}

function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** The one JSON document on stdout: medians over the runs, then every run in full. */
function buildReport(options: Options, source: ReturnType<typeof sourceVersion>, runs: RunResult[]) {
  const pipelinePerSec = median(runs.map((r) => r.pipeline.perSec));
  const rawInsertsPerSec = median(runs.map((r) => r.rawInserts.perSec));
  const rawBullmqPerSec = median(runs.map((r) => r.rawBullmq.addPlusProcessPerSec));
  // Each run's ratio is against the substrate measured in that run; the median of those is the figure.
  const ratio = median(
    runs.map((r) => r.pipeline.perSec / Math.min(r.rawInserts.perSec, r.rawBullmq.addPlusProcessPerSec)),
  );
  const workerRssMaxMb = Math.max(...runs.map((r) => r.worker.rssMb.max));
  return {
    benchmark: 'fanout',
    ...source,
    node: process.version,
    cpus: availableParallelism(),
    runs: options.runs,
    messages: options.messages,
    emailShare: options.emailShare,
    concurrency: CONCURRENCY,
    worker: ['node', ...workerNodeArgs(options), '--import tsx src/worker.ts'].join(' '),
    settings: {
      quietHours: 'off',
      throttleMs: 0,
      rateLimits: 'off',
      statusCallbacks: 'off',
      reconcileMs: RECONCILE_MS,
      reconcileGraceMs: options.reconcileGraceMs,
    },
    median: {
      pipelineMessagesPerSec: pipelinePerSec,
      rawBullmqAddPlusProcessPerSec: rawBullmqPerSec,
      rawBullmqProcessPerSec: median(runs.map((r) => r.rawBullmq.processPerSec)),
      rawInsertsPerSec,
      /** At how many in flight the raw inserts were fastest (the ratio's store ceiling), per run. */
      rawInsertsBestConcurrency: runs.map((r) => r.rawInserts.concurrency),
      /** Pipeline ÷ min(raw BullMQ add+process, raw inserts), each run against its own baselines. */
      ratio: round(ratio, 3),
      /** The store's CPU per message over its CPU per raw insert: how many inserts' worth of work a message is. */
      dbCpuMsPerMessage: median(runs.map((r) => r.pipeline.cpu.msPerOp.db ?? Number.NaN)),
      dbCpuMsPerRawInsert: median(runs.map((r) => r.rawInserts.cpu.msPerOp.db ?? Number.NaN)),
      workerCpuMsPerMessage: median(runs.map((r) => r.pipeline.cpu.msPerOp.worker ?? Number.NaN)),
      /** Redis's CPU per message (null when Redis runs elsewhere), and this process's (the sinks). */
      redisCpuMsPerMessage: median(runs.map((r) => r.pipeline.cpu.msPerOp.redis ?? Number.NaN)),
      sinksCpuMsPerMessage: median(runs.map((r) => r.pipeline.cpu.msPerOp.bench ?? Number.NaN)),
      serviceMsP50: median(runs.map((r) => r.pipeline.serviceMs.p50)),
      serviceMsP95: median(runs.map((r) => r.pipeline.serviceMs.p95)),
      workerRssMaxMb: median(runs.map((r) => r.worker.rssMb.max)),
      duplicateSends: median(runs.map((r) => r.pipeline.duplicateSends)),
    },
    perRun: runs,
    goals: {
      ...GOALS,
      met: {
        ratio: ratio >= GOALS.ratioAtLeast,
        workerRss: workerRssMaxMb < GOALS.workerRssBelowMb,
        noDuplicateSends: runs.every((r) => r.pipeline.duplicateSends === 0),
      },
    },
  };
}
