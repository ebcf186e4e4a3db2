import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { Redis } from 'ioredis';
import twilio from 'twilio';
import { loadConfig } from '../src/config.js';
import { openStore, type Store } from '../src/store/store.js';
import { reportAfterCleanup, type CleanupStack } from './lib/cleanup.js';
import { KeepAliveClient } from './lib/http-client.js';
import { buildProject, freePorts, HubProcess, PROJECT_ROOT, type HubOptions } from './lib/hub-process.js';
import { closedLoop, openLoop, type LoadOptions, type Operation } from './lib/load.js';
import { progress } from './lib/log.js';
import { deleteKeysWithPrefix } from './lib/redis-keys.js';
import {
  contactPhone,
  emptyFacts,
  scaleDepartments,
  scaleTickets,
  type SeedFacts,
} from './lib/scale-fixtures.js';
import { round, summariseLatencies, type LatencySummary } from './lib/stats.js';

/**
 * `npm run bench -- scale [--tickets N] [--requests N] [--sms-seconds N]`: the staff lists and the
 * CX status query on a centre with a million tickets. Seeds a fresh embedded database (departments,
 * three years of tickets from 200,000 callers, every status) through the store's bulk insert, starts
 * the hub on it as `npm start` runs it, and measures the first and the 50th page (keyset cursor) of
 * each list, the CX webhook under list load, and a raw `_id` read of the same database as the floor.
 * Goal: every list page and the CX query under load at p99 < 50 ms.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const DB_NAME = 'bench';
/** The ports this benchmark may give the hub (3720–3729). */
const PORT_RANGE = { from: 3720, count: 10 };
const DEFAULTS = {
  tickets: 1_000_000,
  requests: 200,
  smsSeconds: 20,
  smsRate: 100,
  clients: 8,
  batch: 1000,
  inFlight: 4,
};
const CONTACTS_PER_TICKET = 0.2;
const DEPARTMENTS = 60;
const PAGE = 50;
const PAGE_SIZE = 20;
/** The console's caller pop-up shows this many tickets (src/dashboards/console-history.ts). */
const HISTORY_PAGE_SIZE = 10;
const WARMUP_REQUESTS = 20;
/**
 * A page that scans the collection takes seconds at a million tickets: each measurement stops after
 * this long, whatever its request count (the report says how many it timed).
 */
const MAX_SECONDS_PER_MEASUREMENT = 60;
const READY_TIMEOUT_MS = 15 * 60_000;
const START_ATTEMPTS = 3;
const RECONCILE_TIMEOUT_MS = 20 * 60_000;
const GOALS = { listP99BelowMs: 50, smsP99BelowMs: 50 } as const;
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const HOTLINE = '+8612345';
const SMS_PATH = '/webhooks/twilio/sms';

type Options = typeof DEFAULTS;

export async function runScaleBenchmark(signal: AbortSignal): Promise<void> {
  const options = readOptions(process.argv.slice(3));
  await reportAfterCleanup((cleanup) => measure(options, cleanup, signal));
}

function readOptions(args: string[]): Options {
  const options = { ...DEFAULTS };
  const names: Record<string, keyof Options> = {
    tickets: 'tickets',
    requests: 'requests',
    'sms-seconds': 'smsSeconds',
    'sms-rate': 'smsRate',
    clients: 'clients',
    batch: 'batch',
    'in-flight': 'inFlight',
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = names[args[i]?.replace(/^--/, '') ?? ''];
    const value = Number(args[i + 1]);
    if (key === undefined || !Number.isInteger(value) || value <= 0)
      throw new Error(`usage: npm run bench -- scale [--${Object.keys(names).join(' N] [--')} N]`);
    options[key] = value;
  }
  return options;
}

interface Secrets {
  hubSecret: string;
  authToken: string;
  apiToken: string;
}

async function measure(options: Options, cleanup: CleanupStack, signal: AbortSignal) {
  progress('building (npm run build)');
  await buildProject();
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `bench-scale-${runId}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), `hub-bench-scale-${runId}-`));
  cleanup.defer('remove data dir', () => rm(dataDir, { recursive: true, force: true }));
  cleanup.defer('delete Redis keys', async () => {
    const deleted = await deleteKeysWithPrefix(REDIS_URL, `${redisPrefix}:`);
    progress(`deleted ${deleted} Redis keys under ${redisPrefix}:`);
  });
  const port = await freePortInRange();
  const [embeddedDbPort] = await freePorts(1);
  if (embeddedDbPort === undefined) throw new Error('could not find a free port');
  const secrets: Secrets = {
    hubSecret: randomBytes(32).toString('hex'),
    authToken: randomBytes(16).toString('hex'),
    apiToken: `bench-${randomBytes(16).toString('hex')}`,
  };
  const env = {
    DATA_DIR: dataDir,
    EMBEDDED_DB_PORT: String(embeddedDbPort),
    MONGODB_DB: DB_NAME,
    HUB_SECRET: secrets.hubSecret,
    TWILIO_AUTH_TOKEN: secrets.authToken,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
  };

  const contacts = Math.max(1, Math.round(options.tickets * CONTACTS_PER_TICKET));
  const { seed, facts } = await seedTickets(env, options, contacts, cleanup, signal);
  const dbBytes = await directoryBytes(path.join(dataDir, 'db'));
  progress(`database on disk: ${(dbBytes / 2 ** 20).toFixed(0)} MiB`);

  const baseUrl = `http://127.0.0.1:${port}`;
  const bootStart = performance.now();
  const { attempts } = await startHub(
    {
      port,
      embeddedDbPort,
      dataDir,
      redisUrl: REDIS_URL,
      redisPrefix,
      apiToken: secrets.apiToken,
      dbName: DB_NAME,
      // The SMTP listener is off (SMTP_PORT below wins): no mail comes in during this benchmark.
      smtpPort: 0,
      env: {
        HUB_SECRET: secrets.hubSecret,
        TWILIO_AUTH_TOKEN: secrets.authToken,
        PUBLIC_URL: baseUrl,
        SMTP_PORT: '0',
      },
    },
    cleanup,
    signal,
  );
  const readySeconds = (performance.now() - bootStart) / 1000;
  const timers = await waitForReconcile(redisPrefix, signal);
  const boot = {
    readySeconds: round(readySeconds, 1),
    attempts,
    reconcileSeconds: round((performance.now() - bootStart) / 1000 - readySeconds, 1),
    timerJobs: timers,
  };
  progress(`hub ready in ${boot.readySeconds} s, timers reconciled after ${boot.reconcileSeconds} s more`);

  const rawIdFind = await measureRawIdFind(embeddedDbPort, facts, options.requests);
  progress(`raw _id findOne: ${JSON.stringify(rawIdFind)}`);

  const auth = { authorization: `Bearer ${secrets.apiToken}` };
  const client = new KeepAliveClient(baseUrl, 64);
  cleanup.defer('close HTTP client', () => {
    client.close();
  });
  const specs = listSpecs(facts);
  const lists: Record<string, unknown> = {};
  for (const spec of specs) {
    signal.throwIfAborted();
    lists[spec.name] = await measureList(baseUrl, client, auth, spec, options.requests);
    progress(`${spec.name}: ${JSON.stringify(lists[spec.name])}`);
  }

  const smsUnderLoad = await measureSmsUnderLoad(
    baseUrl,
    client,
    auth,
    secrets,
    specs,
    facts,
    options,
    runId,
    signal,
  );
  progress(`SMS under load: ${JSON.stringify(smsUnderLoad)}`);

  const listP99s = Object.values(lists).flatMap((l) => {
    const list = l as LatencySummary & { page50: LatencySummary };
    return [list.p99Ms, list.page50.p99Ms];
  });
  return {
    benchmark: 'scale',
    node: process.version,
    cpus: availableParallelism(),
    commit: gitCommit(),
    embeddedDbPatches: await embeddedDbPatches(),
    tickets: options.tickets,
    seed,
    dbBytes,
    boot,
    lists,
    smsUnderLoad,
    rawIdFind,
    goals: {
      ...GOALS,
      met: {
        listsP99: listP99s.every((p99) => p99 < GOALS.listP99BelowMs),
        smsP99: smsUnderLoad.errors === 0 && smsUnderLoad.p99Ms < GOALS.smsP99BelowMs,
        listsP99UnderSmsLoad: Object.values(smsUnderLoad.lists).every((l) => l.p99Ms < GOALS.listP99BelowMs),
      },
    },
  };
}

/**
 * Starts the hub as `npm start` runs it. On a loaded machine its start can outlast Fastify's plugin
 * timeout (10 s) — with an empty database too — so a start that exits is tried again, and counted.
 */
async function startHub(hubOptions: HubOptions, cleanup: CleanupStack, signal: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    const hub = new HubProcess(hubOptions);
    cleanup.defer('stop hub', () => hub.stop());
    progress(`starting hub (pid ${hub.pid}) on port ${hubOptions.port}, attempt ${attempt}`);
    try {
      await hub.waitReady(READY_TIMEOUT_MS, signal);
      return { hub, attempts: attempt };
    } catch (error) {
      if (signal.aborted || attempt >= START_ATTEMPTS) throw error;
      progress(`hub did not start (${String(error)}): trying again`);
      await hub.stop();
    }
  }
}

/** The hub's HTTP port: the first free one of the range this benchmark may use. */
async function freePortInRange(): Promise<number> {
  const { createServer } = await import('node:net');
  for (let port = PORT_RANGE.from; port < PORT_RANGE.from + PORT_RANGE.count; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => {
        resolve(false);
      });
      server.listen(port, '127.0.0.1', () => {
        server.close(() => {
          resolve(true);
        });
      });
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${PORT_RANGE.from} on`);
}

/** Opens the store as the hub does (indexes first), loads departments and tickets in bulk, closes it. */
async function seedTickets(
  env: Record<string, string>,
  options: Options,
  contacts: number,
  cleanup: CleanupStack,
  signal: AbortSignal,
) {
  const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const store: Store = await openStore(config, {
    info: (message) => {
      progress(message);
    },
    warn: (message) => {
      progress(message);
    },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await store.close();
  };
  cleanup.defer('close seeding store', close);

  const departments = scaleDepartments(DEPARTMENTS);
  await store.departments.model.collection.insertMany(
    departments.map(({ code, ...rest }) => ({ _id: code, ...rest })) as never[],
  );
  const contactIds = Array.from({ length: contacts }, (_, k) =>
    store.contacts.idFor({ phone: contactPhone(k) }),
  );
  const facts = emptyFacts();
  const batches = scaleTickets(
    { tickets: options.tickets, contacts, departments: DEPARTMENTS, now: Date.now(), seed: 1, contactIds },
    options.batch,
    facts,
  );

  progress(
    `seeding ${options.tickets} tickets (${options.batch} per insertMany, ${options.inFlight} in flight)`,
  );
  const start = performance.now();
  let inserted = 0;
  let reported = 0;
  const lane = async (): Promise<void> => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      signal.throwIfAborted();
      await store.tickets.insertBulk(next.value);
      inserted += next.value.length;
      if (inserted - reported >= 50_000) {
        reported = inserted;
        const seconds = (performance.now() - start) / 1000;
        progress(`  ${inserted} tickets in ${seconds.toFixed(0)} s (${(inserted / seconds).toFixed(0)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  const seconds = (performance.now() - start) / 1000;
  const stored = await store.tickets.count();
  if (stored !== options.tickets)
    throw new Error(`seeded ${options.tickets} tickets, the store counts ${stored}`);
  await close();

  const heaviest = [...facts.ticketsByContact.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  const busiest = [...facts.openByDepartment.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  const seed = {
    seconds: round(seconds, 1),
    ticketsPerSec: round(options.tickets / seconds, 0),
    batchSize: options.batch,
    batchesInFlight: options.inFlight,
    departments: DEPARTMENTS,
    contacts,
    contactsWithTickets: facts.ticketsByContact.size,
    byStatus: facts.byStatus,
    openShare: round(
      1 -
        ['closed', 'cancelled', 'merged', 'rejected'].reduce((n, s) => n + (facts.byStatus[s] ?? 0), 0) /
          options.tickets,
      4,
    ),
    triage: facts.triage,
    returnReview: facts.review,
    overdue: facts.overdue,
    flagged: facts.flagged,
    heaviestCaller: { tickets: heaviest[1] },
    busiestDepartment: { code: busiest[0], openTickets: busiest[1] },
  };
  progress(`seeded in ${seed.seconds} s (${seed.ticketsPerSec}/s)`);
  return { seed, facts };
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/**
 * The boot reconcile scans every open ticket and schedules its SLA timers in the background: wait
 * until the delayed-timer count stops growing, so the measurements do not share the machine with it.
 */
async function waitForReconcile(redisPrefix: string, signal: AbortSignal): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const key = `${redisPrefix}:bull:sla-timers:delayed`;
    const deadline = performance.now() + RECONCILE_TIMEOUT_MS;
    let last = -1;
    let stable = 0;
    while (performance.now() < deadline) {
      signal.throwIfAborted();
      const count = await redis.zcard(key);
      stable = count === last && count > 0 ? stable + 1 : 0;
      if (stable >= 3) return count;
      last = count;
      await sleep(2000);
    }
    progress('timer reconcile still running: measuring anyway');
    return last;
  } finally {
    await redis.quit();
  }
}

async function measureRawIdFind(embeddedDbPort: number, facts: SeedFacts, requests: number) {
  const mongo = new MongoClient(`mongodb://127.0.0.1:${embeddedDbPort}/`, { directConnection: true });
  await mongo.connect();
  try {
    const tickets = mongo.db(DB_NAME).collection<{ _id: string }>('tickets');
    const latencies: number[] = [];
    for (let i = 0; i < requests + WARMUP_REQUESTS; i++) {
      const sample = facts.sample[i % facts.sample.length];
      if (!sample) throw new Error('no tickets sampled');
      const start = performance.now();
      const doc = await tickets.findOne({ _id: sample.number });
      const ms = performance.now() - start;
      if (!doc) throw new Error(`ticket ${sample.number} not found by _id`);
      if (i >= WARMUP_REQUESTS) latencies.push(ms);
    }
    return summariseLatencies(latencies);
  } finally {
    await mongo.close();
  }
}

interface ListSpec {
  name: string;
  /** What is asked, for the report. */
  query: string;
  /** The first page's path of the n-th request (phone search varies the caller). */
  first: (n: number) => string;
  /** The path of the list whose 50th page is measured. */
  deep: string;
}

function listSpecs(facts: SeedFacts): ListSpec[] {
  const busiest = [...facts.openByDepartment.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const heaviest = [...facts.ticketsByContact.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const phoneOf = (contact: number) => encodeURIComponent(contactPhone(contact));
  const department = `/api/v1/tickets?department=${busiest}&sort=due&limit=${PAGE_SIZE}`;
  const triage = `/api/v1/triage?limit=${PAGE_SIZE}`;
  const overdue = `/api/v1/supervision/overdue?limit=${PAGE_SIZE}`;
  const flagged = `/api/v1/supervision?limit=${PAGE_SIZE}`;
  const history = `/api/v1/tickets?phone=${phoneOf(heaviest)}&limit=${HISTORY_PAGE_SIZE}`;
  const callerSearch = (contact: number) => `/api/v1/tickets?phone=${phoneOf(contact)}&limit=${PAGE_SIZE}`;
  return [
    {
      name: 'department',
      query: `the busiest department's open tickets by due time (${busiest})`,
      first: () => department,
      deep: department,
    },
    { name: 'triage', query: 'the triage lane, oldest first', first: () => triage, deep: triage },
    {
      name: 'overdue',
      query: 'open tickets past a deadline, longest overdue first',
      first: () => overdue,
      deep: overdue,
    },
    {
      name: 'flagged',
      query: 'open tickets with a supervision flag, newest first',
      first: () => flagged,
      deep: flagged,
    },
    {
      name: 'history',
      query: `the most frequent caller's tickets, ${HISTORY_PAGE_SIZE} a page (phone search: the console's history route needs a live call)`,
      first: () => history,
      deep: history,
    },
    {
      name: 'phoneSearch',
      query: `search by phone, ${PAGE_SIZE} a page: first page of a different sampled caller each request; page 50 of the most frequent caller`,
      first: (n) => callerSearch(facts.sample[n % facts.sample.length]?.contact ?? heaviest),
      deep: callerSearch(heaviest),
    },
  ];
}

/** Follows `next` from the first page up to page 50 (or the last page): its path and page number. */
async function walkTo(baseUrl: string, auth: Record<string, string>, listPath: string) {
  let pages = 1;
  let cursorPath = listPath;
  const deadline = performance.now() + MAX_SECONDS_PER_MEASUREMENT * 1000;
  for (;;) {
    const response = await fetch(baseUrl + cursorPath, {
      headers: auth,
      signal: AbortSignal.timeout(MAX_SECONDS_PER_MEASUREMENT * 1000),
    });
    const page = (await response.json()) as { items?: unknown[]; next?: string };
    if (!response.ok || !page.items)
      throw new Error(`${listPath}: ${response.status} ${JSON.stringify(page)}`);
    if (pages === PAGE || page.next === undefined || performance.now() > deadline)
      return { path: cursorPath, pages, lastPage: page.next === undefined };
    cursorPath = `${listPath}&cursor=${encodeURIComponent(page.next)}`;
    pages++;
  }
}

/** Sequential requests (one client): the latency of a page, not the throughput of the hub. */
async function timeRequests(
  client: KeepAliveClient,
  auth: Record<string, string>,
  pathOf: (n: number) => string,
  requests: number,
): Promise<LatencySummary & { requests: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + MAX_SECONDS_PER_MEASUREMENT * 1000;
  for (let n = 0; n < requests + WARMUP_REQUESTS && performance.now() < deadline; n++) {
    const start = performance.now();
    // A page counts only when it lists at least one ticket: an empty list would be fast for nothing.
    // A page slower than the client's timeout is an error, not the end of the run.
    const outcome = await client.get(pathOf(n), auth, '"number"').catch((error: unknown) => String(error));
    const ms = performance.now() - start;
    if (outcome !== true) {
      errors++;
      if (errors <= 3) progress(`${pathOf(n)}: ${outcome}`);
    } else if (n >= WARMUP_REQUESTS) latencies.push(ms);
  }
  return { ...summariseLatencies(latencies), requests: latencies.length, errors };
}

async function measureList(
  baseUrl: string,
  client: KeepAliveClient,
  auth: Record<string, string>,
  spec: ListSpec,
  requests: number,
) {
  const first = await timeRequests(client, auth, spec.first, requests);
  const walk = await walkTo(baseUrl, auth, spec.deep);
  const deep = await timeRequests(client, auth, () => walk.path, requests);
  return {
    query: spec.query,
    ...first,
    page50: {
      ...(walk.pages < PAGE
        ? {
            pages: walk.pages,
            measured: walk.lastPage
              ? `page ${walk.pages}, the last (fewer than ${PAGE} pages)`
              : `page ${walk.pages}: walking further took longer than ${MAX_SECONDS_PER_MEASUREMENT} s`,
          }
        : {}),
      ...deep,
    },
  };
}

async function measureSmsUnderLoad(
  baseUrl: string,
  client: KeepAliveClient,
  auth: Record<string, string>,
  secrets: Secrets,
  specs: ListSpec[],
  facts: SeedFacts,
  options: Options,
  runId: string,
  signal: AbortSignal,
) {
  const sms = new KeepAliveClient(baseUrl, 256);
  try {
    const operation = cxOperation(sms, baseUrl, secrets.authToken, facts, runId);
    const loadOptions = (label: string, seconds: number): LoadOptions => ({
      durationMs: seconds * 1000,
      signal,
      onError: (detail) => {
        progress(`SMS ${label} error: ${detail}`);
      },
    });
    await closedLoop(operation, 4, loadOptions('warm-up', 2));

    progress(
      `CX by SMS at ${options.smsRate}/s for ${options.smsSeconds} s, ${options.clients} clients refreshing lists`,
    );
    const latencies = new Map<string, number[]>(specs.map((s) => [s.name, []]));
    let listErrors = 0;
    let listRequests = 0;
    let running = true;
    const refresher = async (worker: number): Promise<void> => {
      for (let n = worker; running && !signal.aborted; n++) {
        const spec = specs[n % specs.length];
        if (!spec) return;
        const start = performance.now();
        const outcome = await client.get(spec.first(n), auth, '"number"').catch((e: unknown) => String(e));
        listRequests++;
        if (outcome === true) latencies.get(spec.name)?.push(performance.now() - start);
        else listErrors++;
      }
    };
    const refreshers = Array.from({ length: options.clients }, (_, w) => refresher(w));
    const load = await openLoop(operation, options.smsRate, loadOptions('at rate', options.smsSeconds));
    running = false;
    await Promise.all(refreshers);
    signal.throwIfAborted();
    const all = [...latencies.values()].flat();
    return {
      ratePerSec: options.smsRate,
      seconds: options.smsSeconds,
      achievedPerSec: round(load.ok / (load.elapsedMs / 1000), 1),
      ...summariseLatencies(load.latenciesMs),
      errors: load.errors,
      maxDispatchLagMs: round(load.maxDispatchLagMs, 2),
      listClients: options.clients,
      listRequestsPerSec: round(listRequests / (load.elapsedMs / 1000), 1),
      listErrors,
      listsP99Ms: summariseLatencies(all).p99Ms,
      lists: Object.fromEntries([...latencies].map(([name, ms]) => [name, summariseLatencies(ms)])),
    };
  } finally {
    sms.close();
  }
}

/** `CX <number>` from the ticket's own caller, signed as Twilio signs it; counted when the answer names it. */
function cxOperation(
  client: KeepAliveClient,
  baseUrl: string,
  authToken: string,
  facts: SeedFacts,
  runId: string,
): Operation {
  let sequence = 0;
  return () => {
    sequence++;
    const query = facts.sample[sequence % facts.sample.length];
    if (!query) throw new Error('no tickets sampled');
    const params: Record<string, string> = {
      MessageSid: `SM${runId}${String(sequence).padStart(24, '0')}`,
      AccountSid: ACCOUNT_SID,
      From: contactPhone(query.contact),
      To: HOTLINE,
      Body: `CX ${query.number}`,
    };
    const signature = twilio.getExpectedTwilioSignature(authToken, baseUrl + SMS_PATH, params);
    return client.post(
      SMS_PATH,
      { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(params).toString(),
      query.number,
    );
  };
}

function gitCommit(): string {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  }).trim();
  return dirty ? `${head} (with uncommitted changes)` : head;
}

async function embeddedDbPatches(): Promise<string[]> {
  return (await readdir(path.join(PROJECT_ROOT, 'src/store/embedded-db/patches')))
    .filter((f) => f.endsWith('.patch'))
    .sort();
}
