import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Collection, Filter } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';

// Patch 003 (src/store/embedded-db/patches): filters, sorts and limits on indexed fields are
// pushed down to SQLite. Its plans are checked here, and its answers against a reference computed
// in JavaScript over every document.

type Id = mongoose.Types.ObjectId;

interface Item {
  _id: Id;
  a?: string; // A0…A9, sometimes missing
  d?: Date; // 2020…2025, sometimes missing
  s?: string; // short words, some with spaces, some prefixes of others
  v?: number; // 1…1000: numbers of different lengths, sorted wrongly as text
  flag?: boolean;
  sla?: { dueAt?: Date };
  u?: unknown; // unindexed, of mixed types
}

const INDEXES: Record<string, 1 | -1>[] = [
  { a: 1, d: 1 },
  { d: 1 },
  { s: 1 },
  { a: 1, v: 1 },
  { flag: 1, d: -1 },
  { 'sla.dueAt': 1 },
];

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(20240601);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const chance = (p: number): boolean => rnd() < p;
const FROM = Date.UTC(2020, 0, 1);
const TO = Date.UTC(2025, 11, 31);
const someDate = (): Date => new Date(FROM + Math.floor(rnd() * (TO - FROM)));
const depts = Array.from({ length: 10 }, (_, i) => `A${i}`);
const words = ['ab', 'ab c', 'ab!', 'abc', 'b', 'b a', 'ba', 'c', 'cd e', 'cde', 'x y z', 'xy', 'zz'];

function makeItem(): Item {
  const item: Item = { _id: new mongoose.Types.ObjectId() };
  if (!chance(0.1)) item.a = pick(depts);
  if (!chance(0.05)) item.d = someDate();
  if (!chance(0.1)) item.s = pick(words);
  if (!chance(0.1)) item.v = 1 + Math.floor(rnd() * 1000);
  if (chance(0.9)) item.flag = chance(0.5);
  if (chance(0.8)) item.sla = chance(0.9) ? { dueAt: someDate() } : {};
  if (chance(0.7)) item.u = pick(['x', 'y', 7, true, 3.5]);
  return item;
}

// ---- the reference: MongoDB's semantics for the values above -------------------------------

function valueAt(doc: object, dotted: string): unknown {
  let v: unknown = doc;
  for (const key of dotted.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** MongoDB's order of BSON types, for the ones these documents hold. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (v instanceof mongoose.Types.ObjectId) return 3;
  if (typeof v === 'boolean') return 4;
  if (v instanceof Date) return 5;
  throw new Error(`unexpected value of type ${typeof v}`);
}

function compare(x: unknown, y: unknown): number {
  const rx = typeRank(x);
  const ry = typeRank(y);
  if (rx !== ry) return rx - ry;
  const kx = x instanceof Date ? x.getTime() : x instanceof mongoose.Types.ObjectId ? x.toHexString() : x;
  const ky = y instanceof Date ? y.getTime() : y instanceof mongoose.Types.ObjectId ? y.toHexString() : y;
  if (kx === ky || kx === undefined || kx === null) return 0;
  return (kx as number | string) < (ky as number | string) ? -1 : 1;
}

type Cond = Record<string, unknown>;

function matchesValue(v: unknown, cond: unknown): boolean {
  const isOps =
    cond !== null &&
    typeof cond === 'object' &&
    !(cond instanceof Date) &&
    !(cond instanceof mongoose.Types.ObjectId) &&
    Object.keys(cond).every((k) => k.startsWith('$'));
  if (!isOps) return v !== undefined && typeRank(v) === typeRank(cond) && compare(v, cond) === 0;
  return Object.entries(cond as Cond).every(([op, arg]) => {
    const sameType = (): boolean => v !== undefined && typeRank(v) === typeRank(arg);
    switch (op) {
      case '$eq':
        return matchesValue(v, arg);
      case '$in':
        return (arg as unknown[]).some((x) => matchesValue(v, x));
      case '$gt':
        return sameType() && compare(v, arg) > 0;
      case '$gte':
        return sameType() && compare(v, arg) >= 0;
      case '$lt':
        return sameType() && compare(v, arg) < 0;
      case '$lte':
        return sameType() && compare(v, arg) <= 0;
      case '$exists':
        return (v !== undefined) === arg;
      case '$ne':
        return !matchesValue(v, arg);
      default:
        throw new Error(`reference does not know ${op}`);
    }
  });
}

function matches(doc: object, filter: Cond): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$or') return (cond as Cond[]).some((f) => matches(doc, f));
    if (key === '$and') return (cond as Cond[]).every((f) => matches(doc, f));
    return matchesValue(valueAt(doc, key), cond);
  });
}

interface Query {
  filter: Cond;
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

function reference(docs: Item[], q: Query): string[] {
  const found = docs.filter((d) => matches(d, q.filter));
  const sort = Object.entries(q.sort ?? { _id: 1 });
  found.sort((x, y) => {
    for (const [key, dir] of sort) {
      const c = compare(valueAt(x, key), valueAt(y, key));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
  const skip = q.skip ?? 0;
  return found
    .slice(skip, q.limit === undefined ? undefined : skip + q.limit)
    .map((d) => d._id.toHexString());
}

// ---- the queries ---------------------------------------------------------------------------

/** Random queries of every pushed-down shape, each with a sort that ends with _id, most with a limit. */
function randomQueries(docs: Item[], n: number): Query[] {
  const at = (): Item => pick(docs);
  const dateOf = (): Date => at().d ?? someDate();
  const shapes: (() => Query)[] = [
    () => ({ filter: { a: pick(depts) }, sort: { d: 1, _id: 1 }, limit: 21 }),
    () => ({ filter: { a: pick(depts), d: { $gt: dateOf() } }, sort: { d: 1, _id: 1 }, limit: 21 }),
    () => {
      const doc = at();
      return { filter: { a: doc.a, d: doc.d, _id: { $gt: doc._id } }, sort: { _id: 1 }, limit: 21 };
    },
    () => ({ filter: { a: { $in: [pick(depts), pick(depts)] } }, sort: { d: -1, _id: -1 }, limit: 10 }),
    () => {
      const [x, y] = [dateOf(), dateOf()].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date];
      return { filter: { d: { $gte: x, $lt: y } }, sort: { d: 1, _id: 1 }, limit: 50 };
    },
    () => {
      const [x, y] = [pick(words), pick(words)].sort();
      return { filter: { s: { $gte: x, $lte: y } }, sort: { s: 1, _id: 1 }, limit: 20 };
    },
    () => ({ filter: { s: { $gt: pick(words) } }, sort: { s: -1, _id: 1 }, limit: 20 }),
    () => ({ filter: { s: { $lt: pick(words) } }, sort: { _id: 1 } }),
    () => ({ filter: { $or: [{ a: pick(depts) }, { s: pick(words) }] }, sort: { d: 1, _id: 1 }, limit: 15 }),
    () => ({ filter: { 'sla.dueAt': { $lt: dateOf() } }, sort: { 'sla.dueAt': 1, _id: 1 }, limit: 20 }),
    () => ({ filter: { a: pick(depts) }, sort: { v: -1, _id: 1 }, limit: 5 }),
    () => ({ filter: { a: pick(depts), u: 'x' }, sort: { d: 1, _id: 1 }, limit: 5 }),
    () => ({ filter: { flag: chance(0.5), d: { $exists: true } }, sort: { d: -1, _id: 1 }, limit: 7 }),
    () => ({ filter: { a: pick(depts) }, sort: { d: 1, _id: 1 }, skip: 3, limit: 5 }),
    () => ({ filter: {}, sort: { d: 1, _id: 1 }, limit: 10 }),
    () => ({ filter: { v: { $in: [at().v ?? 1, at().v ?? 2] } }, sort: { v: 1, _id: 1 }, limit: 10 }),
    () => ({
      filter: { $and: [{ a: pick(depts) }, { d: { $lte: dateOf() } }] },
      sort: { d: -1, _id: 1 },
      limit: 9,
    }),
    () => ({ filter: { a: pick(depts), s: { $ne: pick(words) } }, sort: { _id: -1 }, limit: 4 }),
  ];
  return Array.from({ length: n }, (_, i) => (shapes[i % shapes.length] as () => Query)());
}

interface Explained {
  filterPushdown?: boolean;
  sortPushdown?: boolean;
  limitPushdown?: boolean;
  queryPlanner?: { Plan?: string[] };
}

const plan = (e: Explained): string => (e.queryPlanner?.Plan ?? []).join('\n');

/** Asserts the plan reads through an index only: a SEARCH, no SCAN of the table, no sort of its own. */
function assertIndexed(e: Explained, index: RegExp): void {
  const text = plan(e);
  assert.match(text, /detail=SEARCH \S+ USING (COVERING )?INDEX/, text);
  assert.match(text, index, text);
  assert.doesNotMatch(text, /detail=SCAN (?!\(subquery)/, text);
}

describe('index pushdown on the embedded database (patch 003)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-pushdown-'));
  const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
  let db: EmbeddedDb;
  let connection: Connection;
  let items: Collection<Item>;
  const docs = Array.from({ length: 3000 }, makeItem);

  const explain = async (q: Query): Promise<Explained> => {
    let cursor = items.find(q.filter as Filter<Item>);
    if (q.sort) cursor = cursor.sort(q.sort);
    if (q.skip) cursor = cursor.skip(q.skip);
    if (q.limit) cursor = cursor.limit(q.limit);
    return await cursor.explain();
  };

  before(async () => {
    db = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    connection = await mongoose.createConnection(db.uri, { dbName: 'pushdown' }).asPromise();
    items = connection.collection<Item>('items');
    await items.createIndexes(INDEXES.map((key) => ({ key })));
    await items.insertMany(docs);
  });
  after(async () => {
    await connection.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches an index for each pushed-down shape', async () => {
    const t = new Date(Date.UTC(2023, 0, 1));
    const shapes: [Query, RegExp][] = [
      [{ filter: { a: 'A1' } }, /INDEX \S+_a_1_(d|v)_1 \(<expr>=\?\)/],
      [{ filter: { a: 'A1', d: t } }, /INDEX \S+_a_1_d_1 \(<expr>=\? AND <expr>=\?\)/],
      [{ filter: { a: { $in: ['A1', 'A2'] } } }, /INDEX \S+_a_1_(d|v)_1 \(<expr>=\?\)/],
      [
        { filter: { d: { $gte: t, $lt: new Date(Date.UTC(2023, 1, 1)) } } },
        /INDEX \S+_d_1 \(<expr>>\? AND <expr><\?\)/,
      ],
      [{ filter: { s: { $gte: 'ab', $lt: 'b' } } }, /INDEX \S+_s_1 \(<expr>>\? AND <expr><\?\)/],
      [{ filter: { $or: [{ a: 'A1' }, { s: 'zz' }] } }, /INDEX \S+_s_1 \(<expr>=\?\)/],
      [{ filter: { a: 'A3' }, sort: { d: 1 }, limit: 20 }, /INDEX \S+_a_1_d_1 \(<expr>=\?\)/],
      [{ filter: { 'sla.dueAt': { $lt: t } } }, /INDEX \S+_sla\.dueAt_1 \(<expr><\?\)/],
      [{ filter: { flag: true }, sort: { d: -1 }, limit: 5 }, /INDEX \S+_flag_1_d_-1 \(<expr>=\?\)/],
    ];
    for (const [q, index] of shapes) {
      const e = await explain(q);
      assert.equal(e.filterPushdown, true, JSON.stringify(q));
      assertIndexed(e, index);
    }
  });

  it('reads only the first documents of an equality prefix sorted on the next index key', async () => {
    const e = await explain({ filter: { a: 'A3' }, sort: { d: 1 }, limit: 20 });
    assert.equal(e.sortPushdown, true);
    assert.equal(e.limitPushdown, true);
    assert.doesNotMatch(plan(e), /TEMP B-TREE/, plan(e));
    // A cursor page: equality, date range after the last seen, sorted by date and _id.
    const page = await explain({
      filter: { a: 'A3', d: { $gt: new Date() } },
      sort: { d: 1, _id: 1 },
      limit: 21,
    });
    assert.equal(page.limitPushdown, true);
    assertIndexed(page, /INDEX \S+_a_1_d_1 \(<expr>=\? AND <expr>>\?\)/);
  });

  it('still answers a filter on an unindexed field, by a scan', async () => {
    const e = await explain({ filter: { u: 'x' } });
    assert.equal(e.filterPushdown, false);
    assert.match(plan(e), /detail=SCAN /);
    const found = await items.find({ u: 'x' }).toArray();
    assert.deepEqual(
      found.map((d) => d._id.toHexString()).sort(),
      reference(docs, { filter: { u: 'x' } }).sort(),
    );
  });

  it('answers random queries of the pushed-down shapes as MongoDB would', async () => {
    const queries = randomQueries(docs, 180);
    let limited = 0;
    for (const q of queries) {
      let cursor = items.find(q.filter as Filter<Item>);
      if (q.sort) cursor = cursor.sort(q.sort);
      if (q.skip) cursor = cursor.skip(q.skip);
      if (q.limit) cursor = cursor.limit(q.limit);
      const got = (await cursor.toArray()).map((d) => d._id.toHexString());
      assert.deepEqual(got, reference(docs, q), JSON.stringify(q));
      // (explain refuses a skip: FerretDB reads it as a long, the driver sends an int)
      if ((await explain({ ...q, skip: 0 })).limitPushdown) limited++;
    }
    // The shapes that can take a limit did (not a vacuous pass of in-memory answers).
    assert.ok(limited > queries.length / 3, `limit pushed down for ${limited} of ${queries.length}`);
  });

  it('finds strings with characters that JSON escapes, ObjectIDs and dotted paths by equality', async () => {
    const odd = {
      _id: new mongoose.Types.ObjectId(),
      a: 'x<y&z>"\\é',
      s: 'tab\there',
      sla: { dueAt: new Date(1e12 + 5) },
    };
    await items.insertOne(odd);
    try {
      for (const filter of [{ a: odd.a }, { s: odd.s }, { _id: odd._id }, { 'sla.dueAt': odd.sla.dueAt }]) {
        const e = await explain({ filter });
        assert.equal(e.filterPushdown, true);
        const found = await items.find(filter as Filter<Item>).toArray();
        assert.deepEqual(
          found.map((d) => d._id.toHexString()),
          [odd._id.toHexString()],
          JSON.stringify(filter),
        );
      }
    } finally {
      await items.deleteOne({ _id: odd._id });
    }
  });

  it('never pushes an index named *_multikey down, so an element of an array field is found', async () => {
    const lists = connection.collection<{ _id: string; tags: string[] }>('lists');
    await lists.createIndex({ tags: 1 }, { name: 'tags_multikey' }, undefined);
    await lists.insertMany([
      { _id: 'a', tags: ['ab', 'zz top'] },
      { _id: 'b', tags: ['zz top'] },
      { _id: 'c', tags: ['cd'] },
    ]);
    const found = await lists.find({ tags: 'zz top' }).sort({ _id: 1 }).toArray();
    assert.deepEqual(
      found.map((d) => d._id),
      ['a', 'b'],
    );
    const e = (await lists.find({ tags: 'zz top' }).explain()) as Explained;
    assert.match(plan(e), /detail=SCAN /, 'left to the handler, as before the patch');
  });

  it('counts through the index (countDocuments, count)', async () => {
    const filter = { a: 'A4', d: { $gte: new Date(Date.UTC(2022, 0, 1)) } };
    const expected = reference(docs, { filter }).length;
    assert.ok(expected > 0);
    assert.equal(await items.countDocuments(filter), expected);
    // countDocuments is an aggregation: $match then $group.
    const aggregated = (await items
      .aggregate([{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }])
      .explain()) as Explained;
    assertIndexed(aggregated, /INDEX \S+_a_1_d_1 \(<expr>=\? AND <expr>>\?\)/);
    const counted = (await connection.db?.command({
      explain: { count: 'items', query: filter },
    })) as Explained;
    assertIndexed(counted, /INDEX \S+_a_1_d_1 \(<expr>=\? AND <expr>>\?\)/);
  });
});

describe('mongoose writes on an indexed filter (patch 003)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-pushdown-writes-'));
  const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
  let db: EmbeddedDb;
  let connection: Connection;

  const schema = new mongoose.Schema({
    dept: { type: String, required: true },
    due: { type: Date, required: true },
    state: { type: String, default: 'open' },
    version: { type: Number, default: 0 },
  });
  schema.index({ dept: 1, due: 1 });

  before(async () => {
    db = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    connection = await mongoose.createConnection(db.uri, { dbName: 'pushdown_writes' }).asPromise();
  });
  after(async () => {
    await connection.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('updates by {_id, version}, and many or deletes many by an indexed filter', async () => {
    const Task = connection.model('Task', schema);
    await Task.init();
    const base = Date.UTC(2024, 0, 1);
    await Task.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ dept: `D${i % 3}`, due: new Date(base + i * 3_600_000) })),
    );
    const first = await Task.findOne({ dept: 'D1' }).sort({ due: 1 }).orFail();
    assert.equal(first.due.getTime(), base + 3_600_000);

    const updated = await Task.findOneAndUpdate(
      { _id: first._id, version: 0 },
      { $set: { state: 'accepted' }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    assert.equal(updated?.version, 1);
    assert.equal(updated.state, 'accepted');
    // A stale version matches nothing.
    assert.equal(await Task.findOneAndUpdate({ _id: first._id, version: 0 }, { $inc: { version: 1 } }), null);

    // findAndModify with a sort takes the first document in that order.
    const latest = await Task.findOneAndUpdate(
      { dept: 'D2' },
      { $set: { state: 'late' } },
      { sort: { due: -1 }, returnDocument: 'after' },
    );
    assert.equal(latest?.due.getTime(), base + 299 * 3_600_000);

    const many = await Task.updateMany({ dept: 'D0' }, { $set: { state: 'closed' } });
    assert.equal(many.modifiedCount, 100);
    assert.equal(await Task.countDocuments({ state: 'closed' }), 100);
    const one = await Task.updateOne({ dept: 'D0' }, { $set: { state: 'reopened' } });
    assert.equal(one.modifiedCount, 1);

    const cut = new Date(base + 150 * 3_600_000);
    const deleted = await Task.deleteMany({ dept: 'D2', due: { $lt: cut } });
    assert.equal(deleted.deletedCount, 50);
    assert.equal(await Task.countDocuments({ dept: 'D2' }), 50);
    assert.equal(await Task.countDocuments({ dept: 'D2', due: { $lt: cut } }), 0);
  });
});
