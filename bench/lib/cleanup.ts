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
