import { readdirSync, readFileSync } from 'node:fs';

/**
 * Linux /proc readers for the processes under test. Each returns undefined once the process is gone,
 * so a sampler racing a shutdown does not throw.
 */

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident set size in MB (VmRSS, reported by the kernel in kB). */
export function rssMb(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readProc(pid, 'status') ?? '');
  return match?.[1] ? Number(match[1]) / 1024 : undefined;
}

/** utime + stime are in USER_HZ ticks, which is 100 on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  // The command name (field 2) may contain spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
}

/** Direct children of a process, from every thread's `children` list (any thread may have forked). */
export function childPids(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = tasks.flatMap((task) =>
    (readProc(pid, `task/${task}/children`) ?? '').trim().split(/\s+/),
  );
  return [...new Set(children.filter((text) => text !== '').map(Number))];
}

/** The argv of a process joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  return (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
}
