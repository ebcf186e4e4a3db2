import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';
import { GroupedInserts, GroupedReads } from '../../src/store/grouped.js';

interface Doc {
  _id: string;
  n: number;
  tags?: string[];
}

/** Commands the database has answered so far, by name (FerretDB's serverStatus counters). */
async function commands(connection: Connection): Promise<Record<string, number>> {
  const status = (await connection.db?.admin().command({ serverStatus: 1 })) as {
    metrics?: { commands?: Record<string, { total?: number }> };
  };
  return Object.fromEntries(
    Object.entries(status.metrics?.commands ?? {}).map(([name, c]) => [name, c.total ?? 0]),
  );
}

describe('grouped reads and inserts on the embedded database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-grouped-'));
  const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
  let db: EmbeddedDb;
  let connection: Connection;

  before(async () => {
    db = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    connection = await mongoose.createConnection(db.uri, { dbName: 'grouped' }).asPromise();
    const docs = Array.from({ length: 2000 }, (_, i) => ({ _id: `d${i}`, n: i, tags: [`t${i % 7}`] }));
    await connection.collection<Doc>('docs').insertMany(docs);
  });
  after(async () => {
    await connection.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes `_id $in` down to the _id index (patch 002), and still applies the rest of the filter', async () => {
    const docs = connection.collection<Doc>('docs');
    const ids = ['d5', 'd1500', 'd77', 'missing'];
    const plan = (await docs.find({ _id: { $in: ids } }).explain()) as {
      filterPushdown?: boolean;
      queryPlanner?: { Plan?: string[] };
    };
    assert.equal(plan.filterPushdown, true);
    assert.match(plan.queryPlanner?.Plan?.join(' ') ?? '', /SEARCH .* USING INDEX .*__id_/);
    const found = await docs.find({ _id: { $in: ids } }).toArray();
    assert.deepEqual(found.map((d) => d._id).sort(), ['d1500', 'd5', 'd77']);
    // Other conditions beside the pushed-down $in are applied to what it read.
    const filtered = await docs.find({ _id: { $in: ids }, n: { $lt: 100 } }).toArray();
    assert.deepEqual(filtered.map((d) => d._id).sort(), ['d5', 'd77']);
    // Not a list of strings: not pushed down, answered by the in-memory filter as before.
    const mixedIds = { _id: { $in: ['d5', 7] } } as unknown as { _id: { $in: string[] } };
    const mixed = (await docs.find(mixedIds).explain()) as { filterPushdown?: boolean };
    assert.equal(mixed.filterPushdown, false);
    assert.deepEqual(
      (await docs.find(mixedIds).toArray()).map((d) => d._id),
      ['d5'],
    );
    const withNin = await docs.find({ _id: { $in: ['d5', 'd6'], $nin: ['d6'] } }).toArray();
    assert.deepEqual(
      withNin.map((d) => d._id),
      ['d5'],
    );
  });

  it('answers each reader with its own document from a few `$in` commands', async () => {
    const reads = new GroupedReads<Doc>(connection.collection('docs'));
    const asked = Array.from({ length: 120 }, (_, i) =>
      i % 10 === 9 ? `missing${i}` : `d${(i * 13) % 2000}`,
    );
    asked.push('d13', 'd13'); // the same document three times in all
    const before = await commands(connection);
    const answers = await Promise.all(asked.map(async (id) => reads.findById(id)));
    const after = await commands(connection);
    answers.forEach((doc, i) => {
      const id = asked[i] ?? '';
      if (id.startsWith('missing')) assert.equal(doc, undefined, id);
      else assert.deepEqual(doc, { _id: id, n: Number(id.slice(1)), tags: [`t${Number(id.slice(1)) % 7}`] });
    });
    const finds = (after.find ?? 0) - (before.find ?? 0);
    assert.ok(finds >= 1 && finds <= 2, `${String(asked.length)} reads in ${String(finds)} find commands`);
    // Readers of the same document get copies: one changing its own leaves the others' alone.
    const same = answers.filter((doc) => doc?._id === 'd13');
    assert.equal(same.length, 3);
    same[0]?.tags?.push('changed');
    assert.deepEqual(same[1]?.tags, ['t6']);
    assert.deepEqual(same[2]?.tags, ['t6']);
  });

  it('sees a write that finished before the read was asked for', async () => {
    const reads = new GroupedReads<Doc>(connection.collection('docs'));
    const docs = connection.collection<Doc>('docs');
    assert.equal(await reads.findById('late'), undefined);
    await docs.insertOne({ _id: 'late', n: -1 });
    assert.deepEqual(await reads.findById('late'), { _id: 'late', n: -1 });
  });

  it('inserts in groups: each caller hears stored, or taken when the _id exists or came twice', async () => {
    const inserts = new GroupedInserts<Doc>(connection.collection('inserted'));
    const docs = connection.collection<Doc>('inserted');
    await docs.insertOne({ _id: 'existing', n: 0 });
    const asked: Doc[] = [
      ...Array.from({ length: 60 }, (_, i) => ({ _id: `new${i}`, n: i })),
      { _id: 'existing', n: 1 },
      { _id: 'twice', n: 1 },
      { _id: 'twice', n: 2 },
    ];
    const before = await commands(connection);
    const stored = await Promise.all(asked.map(async (doc) => inserts.insert(doc)));
    const after = await commands(connection);
    assert.deepEqual(stored.slice(0, 60), Array<boolean>(60).fill(true));
    assert.equal(stored[60], false, 'an existing _id is taken');
    assert.deepEqual(stored.slice(61).sort(), [false, true], 'of two inserts of one _id, one stands');
    assert.equal((await docs.findOne({ _id: 'existing' }))?.n, 0, 'the first write stands');
    assert.equal(await docs.countDocuments({}), 62);
    const used = (after.insert ?? 0) - (before.insert ?? 0);
    assert.ok(used >= 1 && used <= 2, `${String(asked.length)} inserts in ${String(used)} insert commands`);
  });

  it('fails every caller of a command the database could not run, and goes on with the next', async () => {
    const failing = new GroupedReads<Doc>({
      find: () => ({ toArray: () => Promise.reject(new Error('database went away')) }),
    });
    const results = await Promise.allSettled([failing.findById('a'), failing.findById('b')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    const reads = new GroupedReads<Doc>(connection.collection('docs'));
    assert.equal((await reads.findById('d1'))?.n, 1);
  });
});
