import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import twilio from 'twilio';
import { reportAfterCleanup, type CleanupStack } from './lib/cleanup.js';
import { KeepAliveClient } from './lib/http-client.js';
import {
  buildProject,
  freePorts,
  HubProcess,
  seedLikeNpmStart,
  type HubOptions,
  PROJECT_ROOT,
} from './lib/hub-process.js';
import { closedLoop, openLoop, type LoadOptions, type Operation } from './lib/load.js';
import { progress } from './lib/log.js';
import { CpuMeter, cpuMsPerOperation, RssSampler, type CpuCores } from './lib/monitor.js';
import { deleteKeysWithPrefix } from './lib/redis-keys.js';
import { round, summariseLatencies } from './lib/stats.js';

/**
 * `npm run bench -- sms [--seconds N] [--rate N] [--tickets N]`: `CX <number>` status queries through
 * the real SMS webhook (signed as Twilio signs them, every request its own MessageSid, answered with
 * TwiML in the request) — at a fixed arrival rate (default 200/s, open loop, latency from the scheduled
 * time) and at the peak (closed loop over several concurrencies). Beside it, in the same run and the
 * same way: a bare Fastify + TwiML echo (bench/lib/twiml-echo.ts), the floor of any webhook on this
 * machine. Goals: p99 < 25 ms at 200 requests/s, at most 1 ms of the hub's CPU per message.
 */

const PATH = '/webhooks/twilio/sms';
const REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_SECONDS = 10;
const DEFAULT_RATE = 200;
/** Tickets made before the clock starts; queries pick among them, each from its citizen's phone. */
const DEFAULT_TICKETS = 200;
const PEAK_CONCURRENCY = [1, 4, 16, 64] as const;
const WARMUP = { concurrency: 8, seconds: 2 } as const;
const PREP_CONCURRENCY = 8;
const MAX_SOCKETS = 128;
const READY_TIMEOUT_MS = 60_000;
const RSS_SAMPLE_MS = 200;
const GOALS = { p99AtRateBelowMs: 25, cpuMsPerMessageAtMost: 1 } as const;
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const HOTLINE = '+8612345';

interface Options {
  seconds: number;
  rate: number;
  tickets: number;
}

interface Target {
  name: 'hub' | 'echo';
  baseUrl: string;
  pid: number;
  dbPid: number | undefined;
}

interface Query {
  number: string;
  phone: string;
}

export async function runSmsBenchmark(signal: AbortSignal): Promise<void> {
  const options = readOptions(process.argv.slice(3));
  await reportAfterCleanup((cleanup) => measure(options, cleanup, signal));
}

function readOptions(args: string[]): Options {
  const options: Options = { seconds: DEFAULT_SECONDS, rate: DEFAULT_RATE, tickets: DEFAULT_TICKETS };
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]?.replace(/^--/, '');
    const value = Number(args[i + 1]);
    if (!(key === 'seconds' || key === 'rate' || key === 'tickets') || !(value > 0))
      throw new Error(`usage: npm run bench -- sms [--seconds N] [--rate N] [--tickets N]`);
    options[key] = value;
  }
  return options;
}

async function measure(options: Options, cleanup: CleanupStack, signal: AbortSignal) {
  progress('building (npm run build)');
  await buildProject();
  const runId = randomBytes(4).toString('hex');
  const authToken = randomBytes(16).toString('hex');
  const hub = await startHub(runId, authToken, cleanup, signal);
  const echo = await startEcho(cleanup);
  const rss = new RssSampler([hub.pid, echo.pid], RSS_SAMPLE_MS);
  cleanup.defer('stop RSS sampler', () => {
    rss.stop();
  });
  if (hub.dbPid !== undefined) rss.track(hub.dbPid);

  const queries = await prepareTickets(hub.baseUrl, hub.apiToken, options.tickets, runId, signal);
  const results = [];
  for (const target of [echo, hub.target]) {
    const client = new KeepAliveClient(target.baseUrl, MAX_SOCKETS);
    cleanup.defer(`close ${target.name} client`, () => {
      client.close();
    });
    const operation = queryOperation(client, target, authToken, queries, runId);
    results.push({ name: target.name, ...(await measureTarget(target, operation, options, signal)) });
  }
  rss.stop();
  const [echoResult, hubResult] = results;
  if (!echoResult || !hubResult) throw new Error('a target was not measured');
  const hubRss = rss.get(hub.pid);
  return {
    benchmark: 'sms',
    node: process.version,
    cpus: availableParallelism(),
    seconds: options.seconds,
    ratePerSec: options.rate,
    tickets: options.tickets,
    query: 'CX <ticket number>, from the ticket citizen’s phone, a new MessageSid each',
    hub: withoutName(hubResult),
    echo: withoutName(echoResult),
    peakRatioToEcho: round(hubResult.peak.perSec / echoResult.peak.perSec, 3),
    hubRssMb: hubRss ? { max: round(hubRss.maxMb, 1), final: round(hubRss.finalMb, 1) } : null,
    goals: {
      ...GOALS,
      met: {
        p99AtRate:
          hubResult.atRate.errors === 0 &&
          hubResult.atRate.achievedPerSec >= options.rate * 0.95 &&
          hubResult.atRate.p99Ms < GOALS.p99AtRateBelowMs,
        cpu:
          hubResult.atRate.cpuMsPerMessage.server !== null &&
          hubResult.atRate.cpuMsPerMessage.server <= GOALS.cpuMsPerMessageAtMost,
      },
    },
  };
}

function withoutName<T extends { name: string }>({ name: _name, ...rest }: T): Omit<T, 'name'> {
  return rest;
}

async function startHub(runId: string, authToken: string, cleanup: CleanupStack, signal: AbortSignal) {
  const redisPrefix = `bench-sms-${runId}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), `hub-bench-sms-${runId}-`));
  cleanup.defer('remove data dir', () => rm(dataDir, { recursive: true, force: true }));
  cleanup.defer('delete Redis keys', async () => {
    const deleted = await deleteKeysWithPrefix(REDIS_URL, `${redisPrefix}:`);
    progress(`deleted ${deleted} Redis keys under ${redisPrefix}:`);
  });
  const [port, embeddedDbPort, smtpPort] = await freePorts(3);
  if (port === undefined || embeddedDbPort === undefined || smtpPort === undefined)
    throw new Error('could not find free ports');
  const apiToken = `bench-${randomBytes(16).toString('hex')}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const hubOptions: HubOptions = {
    port,
    embeddedDbPort,
    smtpPort,
    dataDir,
    redisUrl: REDIS_URL,
    redisPrefix,
    apiToken,
    dbName: 'bench',
    // Signatures are checked against PUBLIC_URL: the URL the load generator posts to.
    env: { TWILIO_AUTH_TOKEN: authToken, PUBLIC_URL: baseUrl },
  };
  progress('loading the demo departments and rules (node dist/seed.js, as npm start does)');
  await seedLikeNpmStart(hubOptions);
  const hub = new HubProcess(hubOptions);
  cleanup.defer('stop hub', () => hub.stop());
  progress(`starting hub (pid ${hub.pid}) on port ${port}`);
  await hub.waitReady(READY_TIMEOUT_MS, signal);
  const dbPid = hub.findEmbeddedDbPid();
  const target: Target = { name: 'hub', baseUrl, pid: hub.pid, dbPid };
  return { target, baseUrl, apiToken, pid: hub.pid, dbPid };
}

async function startEcho(cleanup: CleanupStack): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/twiml-echo.ts'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 2],
  });
  cleanup.defer('stop echo server', async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = /^READY (\d+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`echo server exited (${String(code)})`));
    });
  });
  if (child.pid === undefined) throw new Error('echo server has no pid');
  progress(`echo server (pid ${child.pid}) on port ${port}`);
  return { name: 'echo', baseUrl: `http://127.0.0.1:${port}`, pid: child.pid, dbPid: undefined };
}

/** Tickets through the staff API, each with its own citizen phone; not timed. */
async function prepareTickets(
  baseUrl: string,
  apiToken: string,
  total: number,
  runId: string,
  signal: AbortSignal,
): Promise<Query[]> {
  const queries: Query[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      signal.throwIfAborted();
      const i = next++;
      // Mainland mobiles of this run only: 139 · 4 digits of the run id · 4 of the ticket.
      const phone = `139${String(Number.parseInt(runId.slice(0, 4), 16) % 10_000).padStart(4, '0')}${String(i).padStart(4, '0')}`;
      const response = await fetch(`${baseUrl}/api/v1/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
          'idempotency-key': `${runId}-${i}`,
        },
        body: JSON.stringify({ kind: 'complaint', body: '路灯不亮，晚上出行不便。', contact: { phone } }),
      });
      const answer = (await response.json()) as { ticket?: { number?: string } };
      const number = answer.ticket?.number;
      if (!response.ok || !number)
        throw new Error(`ticket ${i}: ${response.status} ${JSON.stringify(answer)}`);
      queries.push({ number, phone });
    }
  };
  await Promise.all(Array.from({ length: PREP_CONCURRENCY }, lane));
  progress(`prepared ${queries.length} tickets`);
  return queries;
}

/**
 * One signed webhook request: `CX <number>` from that ticket's citizen, as Twilio would post it. It
 * counts only when the TwiML answer names the ticket (the echo answers with the text it got, which
 * holds the number too), so an error page or an empty response is an error, not a fast success.
 */
function queryOperation(
  client: KeepAliveClient,
  target: Target,
  authToken: string,
  queries: readonly Query[],
  runId: string,
): Operation {
  let sequence = 0;
  return () => {
    sequence++;
    const query = queries[sequence % queries.length];
    if (!query) throw new Error('no tickets prepared');
    const params: Record<string, string> = {
      MessageSid: `SM${runId}${target.name}${String(sequence).padStart(22, '0')}`,
      AccountSid: ACCOUNT_SID,
      From: `+86${query.phone}`,
      To: HOTLINE,
      Body: `CX ${query.number}`,
    };
    const signature = twilio.getExpectedTwilioSignature(authToken, target.baseUrl + PATH, params);
    return client.post(
      PATH,
      { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(params).toString(),
      query.number,
    );
  };
}

interface Level {
  concurrency: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuCores: CpuCores;
}

async function measureTarget(target: Target, operation: Operation, options: Options, signal: AbortSignal) {
  const loadOptions = (label: string, seconds: number): LoadOptions => ({
    durationMs: seconds * 1000,
    signal,
    onError: (detail) => {
      progress(`${target.name} ${label} error: ${detail}`);
    },
  });
  await closedLoop(operation, WARMUP.concurrency, loadOptions('warm-up', WARMUP.seconds));

  progress(`${target.name}: open loop at ${options.rate}/s for ${options.seconds} s`);
  const cpu = new CpuMeter(target.pid, target.dbPid);
  const fixed = await openLoop(operation, options.rate, loadOptions('fixed rate', options.seconds));
  signal.throwIfAborted();
  const achievedPerSec = round(fixed.ok / (fixed.elapsedMs / 1000), 1);
  const cpuCores = cpu.read();
  const atRate = {
    targetPerSec: options.rate,
    achievedPerSec,
    ...summariseLatencies(fixed.latenciesMs),
    errors: fixed.errors,
    maxDispatchLagMs: round(fixed.maxDispatchLagMs, 2),
    cpuCores,
    /** CPU milliseconds per message of the target process (the hub or the echo) and its database. */
    cpuMsPerMessage: {
      server: cpuMsPerOperation(cpuCores.api, achievedPerSec),
      db: cpuMsPerOperation(cpuCores.db, achievedPerSec),
    },
  };
  progress(`${target.name} at rate: ${JSON.stringify(atRate)}`);

  const levels: Level[] = [];
  for (const concurrency of PEAK_CONCURRENCY) {
    const levelCpu = new CpuMeter(target.pid, target.dbPid);
    const load = await closedLoop(operation, concurrency, loadOptions(`c=${concurrency}`, options.seconds));
    signal.throwIfAborted();
    const level = {
      concurrency,
      perSec: round(load.ok / (load.elapsedMs / 1000), 1),
      ...summariseLatencies(load.latenciesMs),
      errors: load.errors,
      cpuCores: levelCpu.read(),
    };
    progress(`${target.name} c=${concurrency}: ${JSON.stringify(level)}`);
    levels.push(level);
  }
  const peak = levels.reduce((best, level) => (level.perSec > best.perSec ? level : best));
  return { atRate, peak: { perSec: peak.perSec, concurrency: peak.concurrency }, levels };
}
