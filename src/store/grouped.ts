import { isDuplicateKey } from './errors.js';

/**
 * Group commit for the store's busiest single-document calls. Each call still answers for its own
 * document; what changes is how many go to the database at once: while one round trip is in
 * flight, the calls that arrive meanwhile wait and go together in the next (`_id $in` for reads,
 * one unordered `insertMany` for inserts). With nothing in flight a call goes on the next turn of
 * the event loop, together with whatever else that turn asked for — so it never waits for a timer.
 *
 * Why: every command costs the embedded database (FerretDB on SQLite) about 0.5–1 ms of its own
 * CPU, however small; twenty documents in one command cost about as much as three single ones
 * (measured in `npm run bench -- fanout`). A read sent after a write has finished always sees it:
 * a grouped read leaves only after it was asked for.
 */

/** The part of a driver collection (a mongoose model's `collection`) grouped reads use. */
export interface FindByIds {
  find(filter: { _id: { $in: string[] } }): { toArray(): Promise<object[]> };
}

/** The part of a driver collection grouped inserts use. */
export interface InsertMany {
  insertMany(docs: never[], options: { ordered: false }): Promise<unknown>;
}

/** Documents per command: the embedded database pushes `_id $in` down for up to 1,000 ids. */
const MAX_GROUP = 200;

/**
 * How long one group's command may take before its callers are failed and the next group goes.
 * One command is in flight per collection, so a command that never answers would hold up every
 * later read of the collection for good (seen after the database was frozen and thawed: the
 * driver left a find unanswered, a notification job waited on it, and the worker never closed).
 * Far above any healthy command; the callers get an error the HTTP layer answers with 503.
 */
const GROUP_DEADLINE_MS = 30_000;

/** A group's command outlived {@link GROUP_DEADLINE_MS}; classified as "store unavailable". */
export class GroupDeadlineError extends Error {
  override name = 'GroupDeadlineError';
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** One call's place in the next group: a key, what it asks, and who waits for the answer. */
interface Pending<Item, Answer> {
  item: Item;
  waiters: Waiter<Answer>[];
}

/**
 * The shared mechanics: queue calls by key, send at most one group at a time, and when it returns
 * send the next with everything that arrived meanwhile.
 */
abstract class Grouped<Item, Answer> {
  #pending = new Map<string, Pending<Item, Answer>>();
  #busy = false;
  #calls = 0;

  protected enqueue(key: string, item: Item, merge: boolean): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const waiter = { resolve, reject };
      const same = merge ? this.#pending.get(key) : undefined;
      if (same) same.waiters.push(waiter);
      // An insert is never merged with another of the same key: the second must hear "taken".
      else this.#pending.set(merge ? key : `${key}\u0000${++this.#calls}`, { item, waiters: [waiter] });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  protected abstract send(group: Pending<Item, Answer>[]): Promise<void>;

  async #drain(): Promise<void> {
    while (this.#pending.size > 0) {
      const group: Pending<Item, Answer>[] = [];
      for (const [key, pending] of this.#pending) {
        if (group.length >= MAX_GROUP) break;
        group.push(pending);
        this.#pending.delete(key);
      }
      try {
        await withDeadline(this.send(group), GROUP_DEADLINE_MS);
      } catch (error) {
        for (const pending of group) for (const waiter of pending.waiters) waiter.reject(error);
      }
    }
    this.#busy = false;
  }
}

/** The promise's outcome, or a GroupDeadlineError after `ms` (the promise is then left to itself). */
async function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new GroupDeadlineError(`no answer from the database within ${String(ms)} ms`));
    }, ms);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads by `_id`, grouped into `{_id: {$in: […]}}`; each caller gets its document or undefined. */
export class GroupedReads<Doc extends { _id: string }> extends Grouped<string, Doc | undefined> {
  constructor(private readonly collection: FindByIds) {
    super();
  }

  findById(id: string): Promise<Doc | undefined> {
    return this.enqueue(id, id, true);
  }

  protected async send(group: Pending<string, Doc | undefined>[]): Promise<void> {
    const docs = (await this.collection.find({ _id: { $in: group.map((p) => p.item) } }).toArray()) as Doc[];
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    for (const pending of group) {
      // Each caller gets its own copy: callers may change what they were given.
      const doc = byId.get(pending.item);
      for (const [i, waiter] of pending.waiters.entries())
        waiter.resolve(doc === undefined || i === 0 ? doc : structuredClone(doc));
    }
  }
}

/**
 * Inserts grouped into one unordered `insertMany`; each caller hears true (stored) or false (its
 * `_id` or another unique key was taken: the first write stands, DESIGN §5a). Any other error of a
 * document is that caller's alone; a failed command fails every caller in it.
 */
export class GroupedInserts<Doc extends { _id: string }> extends Grouped<Doc, boolean> {
  constructor(private readonly collection: InsertMany) {
    super();
  }

  insert(doc: Doc): Promise<boolean> {
    return this.enqueue(doc._id, doc, false);
  }

  protected async send(group: Pending<Doc, boolean>[]): Promise<void> {
    let failures: { index: number; error: unknown }[] = [];
    try {
      await this.collection.insertMany(
        group.map((p) => p.item as never),
        { ordered: false },
      );
    } catch (error) {
      const perDocument = writeErrorsOf(error);
      if (!perDocument) throw error;
      failures = perDocument;
    }
    const failed = new Map(failures.map((f) => [f.index, f.error]));
    group.forEach((pending, index) => {
      const waiter = pending.waiters[0];
      if (!waiter) return;
      if (!failed.has(index)) waiter.resolve(true);
      else if (isDuplicateKey(failed.get(index))) waiter.resolve(false);
      else waiter.reject(failed.get(index));
    });
  }
}

/** The per-document errors of a bulk write (the driver's MongoBulkWriteError), or undefined. */
function writeErrorsOf(error: unknown): { index: number; error: unknown }[] | undefined {
  const list = (error as { writeErrors?: unknown } | undefined)?.writeErrors;
  const items = Array.isArray(list) ? list : list === undefined ? undefined : [list];
  if (!items || items.length === 0) return undefined;
  return items.map((item: { index: number; code?: number; errmsg?: string }) => {
    const failure = Object.assign(new Error(item.errmsg ?? `write error ${String(item.code)}`), {
      code: item.code,
    });
    return { index: item.index, error: failure };
  });
}
