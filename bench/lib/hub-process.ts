import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { childPids, commandLine } from './procfs.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Compiles src/ to dist/; tsc is incremental enough that always running it beats staleness checks. */
export async function buildProject(): Promise<void> {
  // npm prints its banner on stdout: send it to stderr with everything else that is not the result.
  const child = spawn('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`npm run build failed (exit ${String(code)})`);
}

/**
 * Ports the kernel considers free right now. All are held open until every one is chosen, so the same
 * port cannot be handed out twice; another process could still take one before the hub binds it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              if (address && typeof address === 'object') resolve(address.port);
              else reject(new Error('no port assigned'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export interface HubOptions {
  port: number;
  embeddedDbPort: number;
  /** The inbound SMTP listener's port: `npm start` runs one, but 2525 may be another run's. */
  smtpPort: number;
  dataDir: string;
  redisUrl: string;
  redisPrefix: string;
  apiToken: string;
  dbName: string;
  /** More of the hub's environment (e.g. TWILIO_AUTH_TOKEN, PUBLIC_URL); wins over the defaults above. */
  env?: Record<string, string>;
}

const STOP_GRACE_MS = 15_000;

/**
 * `npm start` loads the demo departments and routing rules (`node dist/seed.js`) before it starts the
 * server, so intake routes against real rules: do the same, on the same data dir and database.
 */
export async function seedLikeNpmStart(options: HubOptions): Promise<void> {
  const child = spawn(process.execPath, ['dist/seed.js'], {
    cwd: PROJECT_ROOT,
    env: hubEnv(options),
    stdio: ['ignore', 2, 2],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`node dist/seed.js failed (exit ${String(code)})`);
}

/** The API server (`node dist/server.js`) as a child process. */
export class HubProcess {
  readonly baseUrl: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private exitDescription: string | undefined;

  constructor(options: HubOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    this.child = spawn(process.execPath, [...serverNodeArgs(), 'dist/server.js'], {
      cwd: PROJECT_ROOT,
      env: hubEnv(options),
      // Its logs go straight to our stderr: piping them through this process would cost the load
      // generator CPU, and its stdout would corrupt our JSON result.
      stdio: ['ignore', 2, 2],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitDescription = signal ?? `code ${String(code)}`;
        resolve();
      });
      this.child.once('error', (error) => {
        this.exitDescription = error.message;
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined)
      throw new Error(`hub did not start: ${this.exitDescription ?? 'no pid'}`);
    return this.child.pid;
  }

  /** Polls /readyz until it answers 200 (database and Redis reachable). */
  async waitReady(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      signal.throwIfAborted();
      if (this.exitDescription !== undefined)
        throw new Error(`hub exited during start (${this.exitDescription})`);
      if (await this.isReady()) return;
      await sleep(100);
    }
    throw new Error(`hub not ready within ${timeoutMs} ms`);
  }

  /** The embedded database the hub started, which is a child of the hub process. */
  findEmbeddedDbPid(): number | undefined {
    return childPids(this.pid).find((pid) => commandLine(pid).includes('embedded-db'));
  }

  /** SIGTERM, then SIGKILL if the hub has not closed (and stopped its database) within the grace. */
  async stop(): Promise<void> {
    if (this.exitDescription !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private async isReady(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false; // not listening yet
    }
  }
}

/**
 * Only what the hub needs, not our whole environment: an inherited MONGODB_URI would point the hub
 * away from the embedded database that the raw baseline measures, and NODE_OPTIONS could load tsx.
 */
function hubEnv(options: HubOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    DATA_DIR: options.dataDir,
    MONGODB_DB: options.dbName,
    EMBEDDED_DB_PORT: String(options.embeddedDbPort),
    SMTP_PORT: String(options.smtpPort),
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    HUB_API_TOKEN: options.apiToken,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
}

/** The Node flags `npm start` runs the server with (package.json config.serverNodeArgs): measure that. */
function serverNodeArgs(): string[] {
  // BENCH_CPU_PROF_DIR=dir: the server also writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return [...packageNodeArgs('serverNodeArgs'), ...profile];
}

/** Node flags kept in package.json `config` for `npm start` (server) and `npm run worker` (worker). */
export function packageNodeArgs(name: 'serverNodeArgs' | 'workerNodeArgs'): string[] {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    config?: Partial<Record<typeof name, string[]>>;
  };
  return pkg.config?.[name] ?? [];
}
