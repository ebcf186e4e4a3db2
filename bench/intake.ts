import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { BSON, MongoClient, type Db } from 'mongodb';
import { reportAfterCleanup, type CleanupStack } from './lib/cleanup.js';
import { KeepAliveClient } from './lib/http-client.js';
import { buildProject, freePorts, HubProcess, seedLikeNpmStart, type HubOptions } from './lib/hub-process.js';
import { closedLoop, openLoop, type LoadOptions, type Operation } from './lib/load.js';
import { progress } from './lib/log.js';
import { CpuMeter, cpuMsPerOperation, RssSampler, type CpuCores, type RssStats } from './lib/monitor.js';
import { deleteKeysWithPrefix } from './lib/redis-keys.js';
import { round, summariseLatencies } from './lib/stats.js';
import {
  createRawIndexes,
  intakeOperation,
  RAW_INDEXES,
  rawInsertOperation,
  rawTicketDocument,
} from './lib/ticket-fixtures.js';

/**
 * `npm run bench -- intake`: ticket intake throughput and latency of the real server (a child
 * process on its own embedded database), against the raw insert rate of that same database.
 */

const CONCURRENCY_LEVELS = [1, 2, 4, 8, 16, 32, 64] as const;
const DEFAULT_SECONDS_PER_LEVEL = 5;
/** JIT, connection pools and SQLite pages warm up here; nothing of it is reported. */
const WARMUP = { concurrency: 8, seconds: 1 } as const;
/** The open-loop phase runs longer than one level: p99 needs enough samples to mean something. */
const HALF_PEAK_SECONDS_FACTOR = 2;
const RSS_SAMPLE_MS = 200;
const READY_TIMEOUT_MS = 60_000;
const MAX_SOCKETS = 256;
const REDIS_URL = 'redis://127.0.0.1:6379';
const DB_NAME = 'bench';
const RAW_COLLECTION = 'raw_bench';
const GOALS = {
  ratioAtLeast: 0.4,
  p99AtHalfPeakBelowMs: 100,
  apiCpuMsPerTicketAtMost: 2,
  apiRssBelowMb: 300,
} as const;

interface CpuMsPerOp {
  api: number | null;
  db: number | null;
}

function cpuMsPer(cores: CpuCores, perSec: number): CpuMsPerOp {
  return { api: cpuMsPerOperation(cores.api, perSec), db: cpuMsPerOperation(cores.db, perSec) };
}

interface Environment {
  runId: string;
  hub: HubProcess;
  apiToken: string;
  apiPid: number;
  dbPid: number | undefined;
  /** The hub's own embedded database, reached directly for the raw baseline. */
  db: Db;
  rss: RssSampler;
}

interface Run {
  env: Environment;
  secondsPerLevel: number;
  signal: AbortSignal;
}

interface LevelResult {
  concurrency: number;
  /**
   * Documents already stored when the level began. Levels run one after another on one database,
   * so a cost that grows with the data shows up as a drop at higher concurrency: this exposes it.
   */
  docsBefore: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuCores: CpuCores;
  /** CPU milliseconds per stored ticket (or raw insert) of the API and the database processes. */
  cpuMsPerOp: CpuMsPerOp;
}

export async function runIntakeBenchmark(signal: AbortSignal): Promise<void> {
  const secondsPerLevel = readSecondsPerLevel();
  await reportAfterCleanup((cleanup) => measure(secondsPerLevel, cleanup, signal));
}

function readSecondsPerLevel(): number {
  const text = process.env.BENCH_SECONDS;
  if (text === undefined || text === '') return DEFAULT_SECONDS_PER_LEVEL;
  const seconds = Number(text);
  if (!(seconds > 0)) throw new Error(`BENCH_SECONDS must be a positive number of seconds, not "${text}"`);
  return seconds;
}

async function measure(
  secondsPerLevel: number,
  cleanup: CleanupStack,
  signal: AbortSignal,
): Promise<IntakeReport> {
  progress('building (npm run build)');
  await buildProject();
  const env = await startEnvironment(cleanup, signal);
  const run: Run = { env, secondsPerLevel, signal };

  const raw = await measureRaw(run);
  const http = new KeepAliveClient(env.hub.baseUrl, MAX_SOCKETS);
  cleanup.defer('close HTTP client', () => {
    http.close();
  });
  const intake = intakeOperation(http, env.apiToken, env.runId);
  const { levels: intakeLevels, docsAfter: ticketsStored } = await runLevels('intake', intake, run);
  const peak = Math.max(...intakeLevels.map((level) => level.perSec));
  if (!(peak > 0)) throw new Error('no intake request succeeded: see the errors above');
  const halfPeak = await measureHalfPeak(
    intake,
    { targetPerSec: peak / 2, ticketsBefore: ticketsStored },
    run,
  );
  const ticketDocBytes = await sampleDocumentBytes(env.db, 'tickets');
  env.rss.stop();

  return buildReport({ run, raw, intakeLevels, halfPeak, ticketDocBytes });
}

/** Temp data dir, ports, Redis prefix and token of our own; every step registers its undo first. */
async function startEnvironment(cleanup: CleanupStack, signal: AbortSignal): Promise<Environment> {
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `bench-${runId}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), `hub-bench-${runId}-`));
  cleanup.defer('remove data dir', () => rm(dataDir, { recursive: true, force: true }));
  // Registered before the hub starts, so it runs after the hub has stopped writing keys.
  cleanup.defer('delete Redis keys', async () => {
    const deleted = await deleteKeysWithPrefix(REDIS_URL, `${redisPrefix}:`);
    progress(`deleted ${deleted} Redis keys under ${redisPrefix}:`);
  });

  const [port, embeddedDbPort, smtpPort] = await freePorts(3);
  if (port === undefined || embeddedDbPort === undefined || smtpPort === undefined)
    throw new Error('could not find free ports');
  const apiToken = `bench-${randomBytes(16).toString('hex')}`;
  const hubOptions: HubOptions = {
    port,
    embeddedDbPort,
    smtpPort,
    dataDir,
    redisUrl: REDIS_URL,
    redisPrefix,
    apiToken,
    dbName: DB_NAME,
  };
  progress('loading the demo departments and rules (node dist/seed.js, as npm start does)');
  await seedLikeNpmStart(hubOptions);
  const hub = new HubProcess(hubOptions);
  cleanup.defer('stop hub', () => hub.stop());
  const apiPid = hub.pid;
  const rss = new RssSampler([apiPid], RSS_SAMPLE_MS);
  cleanup.defer('stop RSS sampler', () => {
    rss.stop();
  });
  progress(`starting hub (pid ${apiPid}) on port ${port}, embedded database on ${embeddedDbPort}`);
  await hub.waitReady(READY_TIMEOUT_MS, signal);

  const dbPid = hub.findEmbeddedDbPid();
  if (dbPid === undefined) progress('embedded database process not found: no database RSS or CPU figures');
  else rss.track(dbPid);

  const mongo = new MongoClient(`mongodb://127.0.0.1:${embeddedDbPort}/`, {
    // Enough connections for the highest level: the baseline should be limited by the database only.
    maxPoolSize: Math.max(...CONCURRENCY_LEVELS),
  });
  cleanup.defer('close database client', () => mongo.close());
  await mongo.connect();
  progress(`hub ready; embedded database pid ${dbPid ?? '?'}`);
  return { runId, hub, apiToken, apiPid, dbPid, db: mongo.db(DB_NAME), rss };
}

interface RawResult {
  docBytes: number;
  levels: LevelResult[];
}

/** The substrate's ceiling: single-document inserts straight into the hub's database, no hub involved. */
async function measureRaw(run: Run): Promise<RawResult> {
  const collection = run.env.db.collection(RAW_COLLECTION);
  await createRawIndexes(collection);
  const { levels } = await runLevels('raw insertOne', rawInsertOperation(collection, run.env.runId), run);
  return { docBytes: BSON.calculateObjectSize(rawTicketDocument(run.env.runId, 0)), levels };
}

/** A warm-up, then one closed-loop level per concurrency, each with its CPU split. */
async function runLevels(
  label: string,
  operation: Operation,
  run: Run,
): Promise<{ levels: LevelResult[]; docsAfter: number }> {
  progress(`${label}: warm-up ${WARMUP.seconds} s at concurrency ${WARMUP.concurrency}`);
  const warmUp = await closedLoop(
    operation,
    WARMUP.concurrency,
    loadOptions(label, WARMUP.seconds, run.signal),
  );
  let docsBefore = warmUp.ok;
  const levels: LevelResult[] = [];
  for (const concurrency of CONCURRENCY_LEVELS) {
    const cpu = new CpuMeter(run.env.apiPid, run.env.dbPid);
    const load = await closedLoop(
      operation,
      concurrency,
      loadOptions(label, run.secondsPerLevel, run.signal),
    );
    run.signal.throwIfAborted();
    const perSec = round(load.ok / (load.elapsedMs / 1000), 1);
    const cpuCores = cpu.read();
    const level: LevelResult = {
      concurrency,
      docsBefore,
      perSec,
      ...summariseLatencies(load.latenciesMs),
      errors: load.errors,
      cpuCores,
      cpuMsPerOp: cpuMsPer(cpuCores, perSec),
    };
    progress(`${label} c=${concurrency}: ${describe(level)}`);
    levels.push(level);
    docsBefore += load.ok;
  }
  return { levels, docsAfter: docsBefore };
}

function loadOptions(label: string, seconds: number, signal: AbortSignal): LoadOptions {
  return {
    durationMs: seconds * 1000,
    signal,
    onError: (detail) => {
      progress(`${label} error: ${detail}`);
    },
  };
}

function describe(level: LevelResult): string {
  const { api, db, bench } = level.cpuCores;
  return (
    `${level.perSec}/s p50 ${level.p50Ms} ms p99 ${level.p99Ms} ms errors ${level.errors}` +
    ` (${level.docsBefore} docs before)` +
    ` | cores api ${api} db ${db} bench ${bench}` +
    ` | ms/op api ${level.cpuMsPerOp.api} db ${level.cpuMsPerOp.db}`
  );
}

interface HalfPeakResult {
  targetPerSec: number;
  /** Tickets stored before the phase: the half-peak rate was measured on a smaller database. */
  ticketsBefore: number;
  achievedPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  seconds: number;
  maxDispatchLagMs: number;
  cpuCores: CpuCores;
  /** CPU milliseconds per ticket at a rate the hub keeps up with: the cost of one intake. */
  cpuMsPerTicket: CpuMsPerOp;
}

/**
 * Latency under a load that should be comfortable: arrivals at a fixed half of the measured peak. If
 * the server cannot keep up after all, queueing shows in the latency and in achievedPerSec.
 */
async function measureHalfPeak(
  operation: Operation,
  { targetPerSec, ticketsBefore }: { targetPerSec: number; ticketsBefore: number },
  run: Run,
): Promise<HalfPeakResult> {
  const seconds = run.secondsPerLevel * HALF_PEAK_SECONDS_FACTOR;
  progress(`intake open loop: ${round(targetPerSec, 1)}/s for ${seconds} s`);
  const cpu = new CpuMeter(run.env.apiPid, run.env.dbPid);
  const load = await openLoop(operation, targetPerSec, loadOptions('half-peak', seconds, run.signal));
  run.signal.throwIfAborted();
  const achievedPerSec = round(load.ok / (load.elapsedMs / 1000), 1);
  const cpuCores = cpu.read();
  const result: HalfPeakResult = {
    targetPerSec: round(targetPerSec, 1),
    ticketsBefore,
    achievedPerSec,
    ...summariseLatencies(load.latenciesMs),
    errors: load.errors,
    seconds,
    maxDispatchLagMs: round(load.maxDispatchLagMs, 2),
    cpuCores,
    cpuMsPerTicket: cpuMsPer(cpuCores, achievedPerSec),
  };
  progress(`half-peak: ${JSON.stringify(result)}`);
  return result;
}

/** Size of one stored document, to show the raw baseline wrote documents of comparable size. */
async function sampleDocumentBytes(db: Db, collection: string): Promise<number | null> {
  const doc = await db.collection(collection).findOne({});
  return doc ? BSON.calculateObjectSize(doc) : null;
}

interface Results {
  run: Run;
  raw: RawResult;
  intakeLevels: LevelResult[];
  halfPeak: HalfPeakResult;
  ticketDocBytes: number | null;
}

type IntakeReport = ReturnType<typeof buildReport>;

/** The one JSON document on stdout; `goals.met` says which intake targets this run reached. */
function buildReport({ run, raw, intakeLevels, halfPeak, ticketDocBytes }: Results) {
  const rawPeak = Math.max(...raw.levels.map((level) => level.perSec));
  const intakePeak = Math.max(...intakeLevels.map((level) => level.perSec));
  const ratio = round(intakePeak / rawPeak, 3);
  const apiRss = megabytes(run.env.rss.get(run.env.apiPid));
  const dbRss = run.env.dbPid === undefined ? null : megabytes(run.env.rss.get(run.env.dbPid));
  return {
    benchmark: 'intake',
    node: process.version,
    cpus: availableParallelism(),
    secondsPerLevel: run.secondsPerLevel,
    raw: {
      collection: RAW_COLLECTION,
      uniqueIndexes: RAW_INDEXES.map((keys) => Object.keys(keys).join(',')),
      docBytes: raw.docBytes,
      levels: raw.levels.map(({ concurrency, perSec, ...level }) => ({
        concurrency,
        insertsPerSec: perSec,
        ...level,
      })),
      peakInsertsPerSec: rawPeak,
    },
    intake: {
      ticketDocBytes,
      levels: intakeLevels.map(({ concurrency, perSec, ...level }) => ({
        concurrency,
        ticketsPerSec: perSec,
        ...level,
      })),
      peakTicketsPerSec: intakePeak,
    },
    ratioToRaw: ratio,
    halfPeak,
    apiCpuMsPerTicket: halfPeak.cpuMsPerTicket.api,
    apiRssMb: apiRss,
    dbRssMb: dbRss,
    goals: {
      ...GOALS,
      met: {
        ratio: ratio >= GOALS.ratioAtLeast,
        p99: halfPeak.errors === 0 && halfPeak.p99Ms < GOALS.p99AtHalfPeakBelowMs,
        apiCpu:
          halfPeak.cpuMsPerTicket.api !== null &&
          halfPeak.cpuMsPerTicket.api <= GOALS.apiCpuMsPerTicketAtMost,
        rss: apiRss !== null && apiRss.max < GOALS.apiRssBelowMb,
      },
    },
  };
}

function megabytes(stats: RssStats | undefined): { max: number; final: number } | null {
  return stats ? { max: round(stats.maxMb, 1), final: round(stats.finalMb, 1) } : null;
}
