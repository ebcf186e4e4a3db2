import { progress } from './log.js';

/**
 * Undo steps registered as resources are acquired, run last-in-first-out, so the server stops before
 * its Redis keys and data directory are removed. Every step runs even when an earlier one fails: a
 * benchmark must never leave a server or keys behind on the shared Redis.
 */
export class CleanupStack {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];

  defer(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs every step once; returns false when any failed (each failure is reported on stderr). */
  async runAll(): Promise<boolean> {
    let ok = true;
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        ok = false;
        progress(`cleanup "${step.name}" failed: ${String(error)}`);
      }
    }
    return ok;
  }
}

/**
 * Runs a benchmark with its own cleanup stack, cleans up whatever happened, then prints its report
 * as the one JSON document on stdout. A failed cleanup fails the run after the report is out.
 */
export async function reportAfterCleanup(
  measure: (cleanup: CleanupStack) => Promise<unknown>,
): Promise<void> {
  const cleanup = new CleanupStack();
  let report: unknown;
  let cleanedUp: boolean;
  try {
    report = await measure(cleanup);
  } finally {
    cleanedUp = await cleanup.runAll();
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!cleanedUp) throw new Error('the benchmark ran, but cleaning up failed (see above)');
}
