import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestHub } from './hub.js';

/**
 * `npm run worker` as a child process against a test hub's database and Redis prefix (and any
 * further environment, e.g. the providers); resolves once it logs that it is ready.
 */
export async function startWorkerProcess(
  hub: TestHub,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: {
      ...process.env,
      MONGODB_URI: hub.app.store.uri,
      MONGODB_DB: hub.config.mongodbDb,
      DATA_DIR: hub.config.dataDir,
      REDIS_PREFIX: hub.config.redisPrefix,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    // Only the start matters; later output is drained, not kept.
    if (output.length < 100_000) output += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!output.includes('worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${output}`);
    await sleep(50);
  }
  return child;
}

/** SIGKILL: no shutdown hook runs, jobs in flight are left locked, as after a crash. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
