import { cpuSeconds, rssMb } from './procfs.js';
import { round } from './stats.js';

export interface RssStats {
  maxMb: number;
  finalMb: number;
}

/**
 * Samples VmRSS of the tracked processes on a timer for the whole run. Peak memory of a Node process
 * comes and goes with garbage collection, so only frequent sampling sees the real maximum.
 */
export class RssSampler {
  private readonly stats = new Map<number, RssStats>();
  private readonly timer: NodeJS.Timeout;

  constructor(pids: readonly number[], intervalMs: number) {
    for (const pid of pids) this.track(pid);
    this.timer = setInterval(() => {
      this.sample();
    }, intervalMs);
    // The sampler must never be what keeps the benchmark process alive.
    this.timer.unref();
  }

  track(pid: number): void {
    if (!this.stats.has(pid)) this.stats.set(pid, { maxMb: 0, finalMb: 0 });
    this.sample();
  }

  /** Takes one last sample (the "final" figure) and stops the timer. Safe to call twice. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  get(pid: number): RssStats | undefined {
    return this.stats.get(pid);
  }

  private sample(): void {
    for (const [pid, stats] of this.stats) {
      const mb = rssMb(pid);
      if (mb === undefined) continue;
      stats.maxMb = Math.max(stats.maxMb, mb);
      stats.finalMb = mb;
    }
  }
}

/** Cores used, on average, by each side during one measured interval. */
export interface CpuCores {
  api: number;
  db: number;
  /** This benchmark process: shows whether the load generator itself was short of CPU. */
  bench: number;
}

/**
 * Measures CPU use of the API, the database and the load generator over an interval. On a small
 * machine all three compete for the same cores, which is what decides where the bottleneck is.
 */
export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly apiStart: number;
  private readonly dbStart: number;
  private readonly benchStart = process.cpuUsage();

  constructor(
    private readonly apiPid: number,
    private readonly dbPid: number | undefined,
  ) {
    this.apiStart = cpuSeconds(apiPid) ?? 0;
    this.dbStart = this.dbCpu();
  }

  read(): CpuCores {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const bench = process.cpuUsage(this.benchStart);
    const cores = (used: number): number => round(used / seconds, 2);
    return {
      api: cores((cpuSeconds(this.apiPid) ?? this.apiStart) - this.apiStart),
      db: cores(this.dbCpu() - this.dbStart),
      bench: cores((bench.user + bench.system) / 1e6),
    };
  }

  private dbCpu(): number {
    return this.dbPid === undefined ? 0 : (cpuSeconds(this.dbPid) ?? 0);
  }
}

/**
 * Milliseconds of one process's CPU per operation: cores busy divided by operations per second. This
 * is what decides the peak on a shared machine, and it is not flattered by idle waiting.
 */
export function cpuMsPerOperation(cores: number, perSec: number): number | null {
  return perSec > 0 ? round((cores * 1000) / perSec, 2) : null;
}
