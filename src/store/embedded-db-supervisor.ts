import {
  startEmbeddedDb,
  type EmbeddedDb,
  type EmbeddedDbExit,
  type EmbeddedDbOptions,
} from './embedded-db.js';

export interface SupervisorLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface SupervisorOptions extends EmbeddedDbOptions {
  /** First wait before a restart, doubled after each death in a row up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** The embedded server kept running: the same URI for as long as the hub lives. */
export interface SupervisedDb {
  uri: string;
  /** The process running now (undefined between a death and its restart). */
  readonly pid: number | undefined;
  /** Stops supervising, then the server; no restart after this. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded database and restarts it whenever its process dies (a crash, an OOM kill, a
 * kill -9), with backoff, on the same data directory and port, so the URI the driver holds stays
 * valid and it reconnects by itself. The first start's failure is thrown (the hub does not start);
 * later failures are logged and retried. Port 0 is resolved once, at the first start.
 */
export async function superviseEmbeddedDb(
  options: SupervisorOptions,
  log: SupervisorLogger,
): Promise<SupervisedDb> {
  const firstDelayMs = options.firstDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  let current: EmbeddedDb | undefined = await startEmbeddedDb(options);
  const uri = current.uri;
  const port = Number(new URL(uri).port);
  let delayMs = firstDelayMs;
  let startedAt = Date.now();
  let stopping = false;
  // A function, not the variable: stop() flips it while a restart awaits.
  const stopped = (): boolean => stopping;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const scheduleRestart = (): void => {
    timer = setTimeout(() => {
      timer = undefined;
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    }, delayMs);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  };

  const watch = (db: EmbeddedDb): void => {
    void db.exited.then((exit) => {
      if (stopped() || current !== db) return;
      current = undefined;
      // A server that ran a good while before dying starts the backoff afresh.
      if (Date.now() - startedAt >= maxDelayMs) delayMs = firstDelayMs;
      log.warn(
        `embedded database (pid ${String(db.pid)}) died with ${describeExit(exit)}; restarting in ${String(delayMs)} ms`,
      );
      scheduleRestart();
    });
  };

  const restart = async (): Promise<void> => {
    if (stopped()) return;
    try {
      const db = await startEmbeddedDb({ ...options, port });
      if (stopped()) {
        await db.stop();
        return;
      }
      current = db;
      startedAt = Date.now();
      log.info(`embedded database restarted (pid ${String(db.pid)}) at ${db.uri}`);
      watch(db);
    } catch (error) {
      if (stopped()) return;
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      log.warn(`embedded database did not restart (${why}); next try in ${String(delayMs)} ms`);
      scheduleRestart();
    }
  };

  watch(current);
  return {
    uri,
    get pid() {
      return current?.pid;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      await current?.stop();
    },
  };
}

function describeExit(exit: EmbeddedDbExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}
