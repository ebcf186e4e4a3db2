import { runFanoutBenchmark } from './fanout.js';
import { runIndexPushdownBenchmark } from './index-pushdown.js';
import { runIntakeBenchmark } from './intake.js';
import { progress } from './lib/log.js';
import { runRoutingBenchmark } from './routing.js';
import { runScaleBenchmark } from './scale.js';
import { runSmsBenchmark } from './sms.js';

/**
 * `npm run bench -- <name> [options]`: runs one named benchmark (options go to it, e.g. `fanout --runs 3`);
 * its JSON result is the only thing on stdout.
 */
const BENCHMARKS = new Map<string, (signal: AbortSignal) => Promise<void>>([
  ['intake', runIntakeBenchmark],
  ['fanout', runFanoutBenchmark],
  ['routing', runRoutingBenchmark],
  ['sms', runSmsBenchmark],
  ['scale', runScaleBenchmark],
  ['index-pushdown', runIndexPushdownBenchmark],
]);

const name = process.argv[2];
const benchmark = name === undefined ? undefined : BENCHMARKS.get(name);
if (!benchmark) {
  process.stderr.write(`usage: npm run bench -- <${[...BENCHMARKS.keys()].join('|')}>\n`);
  process.exit(2);
}

// Ctrl-C stops the load at once but still runs the cleanup (server, temp dir, Redis keys). Repeats are
// ignored rather than fatal: npm and tsx each relay the signal again, and a second one must not cut
// the cleanup short.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) return;
    progress(`${signal}: stopping and cleaning up`);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}

try {
  await benchmark(controller.signal);
} catch (error) {
  // An interruption is not a bug: its stack trace would only hide the cleanup lines above it.
  const detail =
    controller.signal.aborted || !(error instanceof Error) ? String(error) : (error.stack ?? error.message);
  progress(`failed: ${detail}`);
  process.exitCode = 1;
}
