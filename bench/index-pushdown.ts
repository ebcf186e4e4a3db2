import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MongoClient, type Collection } from 'mongodb';
import { loadConfig } from '../src/config.js';
import { startEmbeddedDb } from '../src/store/embedded-db.js';
import { progress } from './lib/log.js';
import { round } from './lib/stats.js';

interface Task {
  dept: string;
  due: Date;
  body: string;
}

const DEPTS = 20;

/**
 * `npm run bench -- index-pushdown [--docs N] [--runs N] [--baseline-binary PATH]`: one department's
 * first page by due date and its count, on N documents of about 1 KB with an index {dept, due}, on
 * the embedded database as built (patch 003 pushes both down) and, with --baseline-binary, on another
 * build of it on the same files (e.g. one without 003). Medians of --runs, in milliseconds.
 */
export async function runIndexPushdownBenchmark(signal: AbortSignal): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      docs: { type: 'string', default: '200000' },
      runs: { type: 'string', default: '5' },
      'baseline-binary': { type: 'string' },
    },
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'hub-bench-pushdown-'));
  try {
    const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
    await fill(binary, dir, Number(values.docs), signal);
    const result: Record<string, unknown> = {
      docs: Number(values.docs),
      depts: DEPTS,
      runs: Number(values.runs),
    };
    result.patched = await measure(binary, dir, Number(values.runs));
    if (values['baseline-binary'])
      result.baseline = await measure(values['baseline-binary'], dir, Number(values.runs));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withTasks<T>(
  binary: string,
  dir: string,
  use: (tasks: Collection<Task>) => Promise<T>,
): Promise<T> {
  const db = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
  const client = await MongoClient.connect(db.uri);
  try {
    return await use(client.db('bench').collection<Task>('tasks'));
  } finally {
    await client.close();
    await db.stop();
  }
}

async function fill(binary: string, dir: string, docs: number, signal: AbortSignal): Promise<void> {
  const body = 'x'.repeat(950);
  const start = Date.UTC(2024, 0, 1);
  await withTasks(binary, dir, async (tasks) => {
    await tasks.createIndexes([{ key: { dept: 1, due: 1 } }]);
    for (let i = 0; i < docs; i += 1000) {
      signal.throwIfAborted();
      const batch = Array.from({ length: Math.min(1000, docs - i) }, (_, j) => ({
        dept: `D${String((i + j) % DEPTS).padStart(2, '0')}`,
        due: new Date(start + (((i + j) * 7919) % docs) * 60_000),
        body,
      }));
      await tasks.insertMany(batch);
      if (i % 50_000 === 0) progress(`inserted ${i} of ${docs}`);
    }
  });
}

async function measure(binary: string, dir: string, runs: number): Promise<Record<string, number>> {
  progress(`measuring ${binary}`);
  return withTasks(binary, dir, async (tasks) => {
    const median = async (op: () => Promise<unknown>): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await op();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return round(times[Math.floor(times.length / 2)] ?? Number.NaN, 1);
    };
    return {
      firstPageMs: await median(() => tasks.find({ dept: 'D07' }).sort({ due: 1 }).limit(20).toArray()),
      countMs: await median(() => tasks.countDocuments({ dept: 'D07' })),
    };
  });
}
