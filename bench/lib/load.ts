import { setTimeout as sleep } from 'node:timers/promises';

/** One request or insert: `true` when it counts (2xx, acknowledged), else a short error description. */
export type Operation = () => Promise<true | string>;

export interface LoadResult {
  ok: number;
  errors: number;
  elapsedMs: number;
  /** Latencies of the successful operations only: failures are counted, not timed. */
  latenciesMs: number[];
}

const ERROR_SAMPLES = 5;

/** Collects outcomes; reports the first few distinct errors so a failing run explains itself. */
class Recorder {
  ok = 0;
  errors = 0;
  readonly latenciesMs: number[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly onError: (detail: string) => void) {}

  record(outcome: true | string, latencyMs: number): void {
    if (outcome === true) {
      this.ok++;
      this.latenciesMs.push(latencyMs);
      return;
    }
    this.errors++;
    if (this.seen.size < ERROR_SAMPLES && !this.seen.has(outcome)) {
      this.seen.add(outcome);
      this.onError(outcome);
    }
  }

  result(elapsedMs: number): LoadResult {
    return { ok: this.ok, errors: this.errors, elapsedMs, latenciesMs: this.latenciesMs };
  }
}

/** A thrown error is an outcome like any other: one failed request must not end the level. */
async function settle(operation: Operation): Promise<true | string> {
  try {
    return await operation();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface LoadOptions {
  durationMs: number;
  signal: AbortSignal;
  onError: (detail: string) => void;
}

/**
 * Closed loop: `concurrency` workers, each sending its next operation as soon as the previous one
 * answered, for `durationMs`. Measures throughput at that concurrency. Elapsed time runs until the
 * last in-flight operation answered, so the rate is not flattered by work finishing after the clock.
 */
export async function closedLoop(
  operation: Operation,
  concurrency: number,
  options: LoadOptions,
): Promise<LoadResult> {
  const recorder = new Recorder(options.onError);
  const start = performance.now();
  const end = start + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end && !options.signal.aborted) {
      const sentAt = performance.now();
      const outcome = await settle(operation);
      recorder.record(outcome, performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return recorder.result(performance.now() - start);
}

export interface OpenLoopResult extends LoadResult {
  /** Worst delay between an operation's scheduled time and its start: large means the client lagged. */
  maxDispatchLagMs: number;
}

/**
 * Open loop: operations start on a fixed schedule (`ratePerSec`) whether or not earlier ones have
 * answered, as independent citizens would. Latency is measured from the scheduled time, not the
 * actual send, so a stalled server cannot hide its queueing delay (no coordinated omission).
 */
export async function openLoop(
  operation: Operation,
  ratePerSec: number,
  options: LoadOptions,
): Promise<OpenLoopResult> {
  const recorder = new Recorder(options.onError);
  const intervalMs = 1000 / ratePerSec;
  const total = Math.floor(options.durationMs / intervalMs);
  const inFlight: Promise<void>[] = [];
  let maxDispatchLagMs = 0;
  const start = performance.now();
  for (let i = 0; i < total && !options.signal.aborted; i++) {
    const dueAt = start + i * intervalMs;
    const wait = dueAt - performance.now();
    // Timers are ~1 ms coarse: below that, sending now is closer to the schedule than sleeping.
    if (wait >= 1) await sleep(wait);
    maxDispatchLagMs = Math.max(maxDispatchLagMs, performance.now() - dueAt);
    inFlight.push(
      settle(operation).then((outcome) => {
        recorder.record(outcome, performance.now() - dueAt);
      }),
    );
  }
  await Promise.all(inFlight);
  return { ...recorder.result(performance.now() - start), maxDispatchLagMs };
}
