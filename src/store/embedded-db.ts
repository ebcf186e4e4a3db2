import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface EmbeddedDbOptions {
  binary: string;
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
}

/** How a server process ended: its exit code, or the signal that ended it. */
export interface EmbeddedDbExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EmbeddedDb {
  uri: string;
  pid: number | undefined;
  /** Settles when the process ends, by stop() or otherwise (a crash, a kill -9). */
  exited: Promise<EmbeddedDbExit>;
  stop(): Promise<void>;
}

/**
 * Starts the embedded FerretDB (src/store/embedded-db, built by `npm run build:db`) and resolves once
 * it accepts connections. It listens on loopback only and exits by itself when our stdin pipe closes,
 * so it never outlives the hub, even after a crash.
 */
export async function startEmbeddedDb(options: EmbeddedDbOptions): Promise<EmbeddedDb> {
  if (!existsSync(options.binary)) {
    throw new Error(`embedded database binary missing at ${options.binary}: run "npm run build:db"`);
  }
  const pidFile = path.join(options.dataDir, 'embedded-db.pid');
  refuseIfRunning(pidFile);
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    options.binary,
    ['-port', String(options.port), '-data', options.dataDir, '-log-level', 'error'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<EmbeddedDbExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    options.onLog?.(line);
  });
  const uri = await waitForReady(child, options.startTimeoutMs ?? 20_000, stderrTail);
  writeFileSync(pidFile, String(child.pid));
  return {
    uri,
    pid: child.pid,
    exited,
    stop: async () => {
      await stopChild(child);
      rmSync(pidFile, { force: true });
    },
  };
}

/** Two FerretDB processes on one set of SQLite files would corrupt each other's view of it. */
function refuseIfRunning(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale: that process is gone
  }
  // The pid may have been reused by an unrelated process since.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('embedded-db')) return;
  throw new Error(
    `the embedded database in ${path.dirname(pidFile)} is already run by process ${pid}; stop that hub or set MONGODB_URI`,
  );
}

function waitForReady(child: ChildProcess, timeoutMs: number, stderrTail: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`embedded database did not start: ${why}\n${stderrTail.join('\n')}`));
    };
    const timer = setTimeout(() => {
      fail(`no READY line within ${timeoutMs} ms`);
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`exited with ${signal ?? String(code)}`);
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      fail(error.message);
    });
    if (!child.stdout) return;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^READY (\S+)/.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  // A frozen server (SIGSTOP) would hold the SIGTERM until it runs again: let it run and handle it.
  child.kill('SIGCONT');
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
