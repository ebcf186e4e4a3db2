import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page, PageRequest } from '../../src/store/paging.js';
import { startHub, type TestHub } from '../helpers/hub.js';

/**
 * Every list of the hub besides the tickets' is read a page at a time by cursor (src/store/paging.ts):
 * for each, more rows than two pages are walked by `next` and every row must come exactly once, in
 * the list's order — rows sharing a sort value included (they are ordered by `_id`). A page size over
 * 100, a malformed cursor and a cursor of another list are a 400 HUB_ERR_VALIDATION that reads and
 * changes nothing.
 */

const PAGE = 5;
/** More than two pages; every third row shares its sort value with the one before. */
const ROWS = 13;
const BASE = Date.parse('2026-03-01T00:00:00Z');

interface ErrorJson {
  statusCode: number;
  code: string;
}

/** Row i's time: rows 3k+1 and 3k+2 share one, so ties fall on both sides of a page boundary. */
function timeOf(i: number): Date {
  return new Date(BASE + (i - (i % 3 === 2 ? 1 : 0)) * 60_000);
}

/** Rows `0 … ROWS-1` with an `_id` that does not follow their time order (ties are broken by it). */
function ids(prefix: string): string[] {
  return Array.from({ length: ROWS }, (_, i) => `${prefix}-${String((i * 7) % ROWS).padStart(2, '0')}`);
}

/** The order a list must show: by time in `direction`, then `_id` in the same direction. */
function expectedOrder(rows: { id: string; at: Date }[], direction: 1 | -1): string[] {
  return [...rows]
    .sort((a, b) => direction * (a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((row) => row.id);
}

/** Every page of a list from the first on, by `next`; the pages' sizes too. */
async function walk<T>(
  read: (cursor?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await read(cursor);
    items.push(...page.items);
    sizes.push(page.items.length);
    if (page.next === undefined) return { items, sizes };
    cursor = page.next;
  }
  throw new Error('the list never ended');
}

function request(limit: number, cursor?: string): PageRequest {
  return cursor === undefined ? { limit } : { limit, cursor };
}

async function refusedWithValidation(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: { code?: string; statusCode?: number }) => {
    assert.equal(error.code, 'HUB_ERR_VALIDATION');
    assert.equal(error.statusCode, 400);
    return true;
  });
}

const FULL_PAGES = [PAGE, PAGE, ROWS - 2 * PAGE];

describe('cursor paging of every list', () => {
  let hub: TestHub;

  before(async () => {
    hub = await startHub();
  });

  after(async () => {
    await hub.close();
  });

  /** GET of an API list page as JSON. */
  async function getPage<T>(url: string, cursor?: string): Promise<Page<T> & Record<string, unknown>> {
    const separator = url.includes('?') ? '&' : '?';
    const full = cursor === undefined ? url : `${url}${separator}cursor=${encodeURIComponent(cursor)}`;
    const response = await hub.request({
      method: 'GET',
      url: full,
      token: url.startsWith('/dev/') ? null : undefined,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  }

  /** The same list refuses a size over 100, a cursor that is not one, and `foreign` (another list's). */
  async function refusesBadPages(url: string, foreign: string): Promise<void> {
    const separator = url.includes('?') ? '&' : '?';
    for (const query of ['limit=101', 'limit=0', 'cursor=%25%25%25', 'cursor=WyJ4Il0', `cursor=${foreign}`]) {
      const response = await hub.request({
        method: 'GET',
        url: `${url}${separator}${query}`,
        token: url.startsWith('/dev/') ? null : undefined,
      });
      assert.equal(response.statusCode, 400, `${url} ${query}: ${response.body}`);
      assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_VALIDATION', `${url} ${query}`);
    }
  }

  /** Dead letters, inserted as the notify workers leave them (and one live delivery that is no dead letter). */
  async function insertDeadLetters(): Promise<string[]> {
    const rows = ids('dead').map((id, i) => ({ id, at: timeOf(i) }));
    await hub.app.store.deliveries.model.collection.insertMany([
      ...rows.map((row) => delivery(row.id, row.at, { dead: true, status: 'failed' })),
      delivery('live-1', timeOf(4)),
    ] as never[]);
    return expectedOrder(rows, -1);
  }

  function delivery(id: string, at: Date, fields: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      _id: id,
      channel: 'sms',
      audience: 'citizen',
      template: 'accepted',
      status: 'sent',
      rank: 3,
      round: 1,
      attempts: 1,
      dead: false,
      createdAt: at,
      updatedAt: at,
      ...fields,
    };
  }

  let deadCursor = '';

  it('dead letters: the API walks them newest failure first, with their indexed count', async () => {
    const expected = await insertDeadLetters();
    const seen = await walk((cursor) =>
      getPage<{ id: string; dead: boolean }>(
        `/api/v1/notifications/dead-letters?limit=${String(PAGE)}`,
        cursor,
      ),
    );
    assert.deepEqual(
      seen.items.map((d) => d.id),
      expected,
    );
    assert.deepEqual(seen.sizes, FULL_PAGES);
    const first = await getPage<{ id: string }>(`/api/v1/notifications/dead-letters?limit=${String(PAGE)}`);
    assert.equal(first.total, ROWS);
    assert.ok(first.next);
    deadCursor = first.next;
    // The default page is 20 rows: all 13 and no next.
    const all = await getPage<{ id: string }>('/api/v1/notifications/dead-letters');
    assert.equal(all.items.length, ROWS);
    assert.equal(all.next, undefined);
  });

  it('dead letters: bad pages are refused and change nothing', async () => {
    const before = await hub.app.store.deliveries.model.find({}).sort({ _id: 1 }).lean();
    const foreign =
      (await hub.app.store.disclosures.listNewestFirst({ limit: 1 })).next ?? 'WyJkaXNjbG9zdXJlcyJd';
    await refusesBadPages('/api/v1/notifications/dead-letters', foreign);
    assert.deepEqual(await hub.app.store.deliveries.model.find({}).sort({ _id: 1 }).lean(), before);
  });

  it("a ticket's deliveries and attempts: the store and the API walk them oldest first", async () => {
    const created = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      payload: { kind: 'suggestion', body: '建议在公园增加长椅。' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const number = created.json<{ ticket: { number: string } }>().ticket.number;
    // Long before anything the hub itself records for the ticket, so ours come first.
    const rows = ids(`d${number}`).map((id, i) => ({ id, at: new Date(timeOf(i).getTime() - 3e10) }));
    await hub.app.store.deliveries.model.collection.insertMany(
      rows.map((row) => delivery(row.id, row.at, { ticket: number })),
    );
    const expected = expectedOrder(rows, 1);
    for (const row of rows.slice(0, 3)) {
      for (const k of [0, 1]) {
        await hub.app.store.deliveries.record({
          delivery: row.id,
          round: 1,
          kind: 'send',
          status: 'sent',
          ticket: number,
          at: new Date(row.at.getTime() + k),
        });
      }
    }

    const stored = await walk((cursor) =>
      hub.app.store.deliveries.pageForTicket(number, request(PAGE, cursor)),
    );
    assert.deepEqual(
      stored.items.map((d) => d.id).filter((id) => expected.includes(id)),
      expected,
    );
    assert.equal(new Set(stored.items.map((d) => d.id)).size, stored.items.length);

    const api = await walk((cursor) =>
      getPage<{ id: string }>(`/api/v1/tickets/${number}/deliveries?limit=${String(PAGE)}`, cursor),
    );
    assert.deepEqual(
      api.items.map((d) => d.id).filter((id) => expected.includes(id)),
      expected,
    );
    assert.equal(new Set(api.items.map((d) => d.id)).size, api.items.length);

    const ours = new Set(expected);
    const attempts = await walk((cursor) =>
      getPage<{ delivery: string; at: string }>(
        `/api/v1/tickets/${number}/delivery-attempts?limit=2`,
        cursor,
      ),
    );
    const oursInOrder = attempts.items.filter((a) => ours.has(a.delivery));
    assert.equal(oursInOrder.length, 6);
    assert.ok(oursInOrder.every((a, i) => i === 0 || (oursInOrder[i - 1]?.at ?? '') <= a.at));
    const ofOne = await walk((cursor) =>
      hub.app.store.deliveries.pageAttemptsOf(rows[0]?.id ?? '', request(1, cursor)),
    );
    assert.deepEqual(ofOne.sizes, [1, 1]);

    await refusesBadPages(`/api/v1/tickets/${number}/deliveries`, deadCursor);
    await refusesBadPages(`/api/v1/tickets/${number}/delivery-attempts`, deadCursor);
    // A cursor of one ticket's deliveries is not one of another ticket's (its scope differs).
    const firstPage = await hub.app.store.deliveries.pageForTicket(number, request(PAGE));
    await refusedWithValidation(
      hub.app.store.deliveries.pageForTicket('2026030100019', request(PAGE, firstPage.next)),
    );
  });

  it('the audit log: the search walks its entries newest first, and a cursor of another search is refused', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({ i, at: timeOf(i) }));
    for (const row of rows) {
      await hub.app.store.audit.append({
        actor: { kind: 'staff', id: `user:pager${String(row.i % 2)}`, role: 'admin' },
        action: 'paging_test',
        ticketNumber: '2026030100027',
        detail: String(row.i),
        at: row.at,
      });
    }
    const search = { action: 'paging_test' };
    const seen = await walk((cursor) => hub.app.store.audit.search(search, request(PAGE, cursor)));
    assert.deepEqual(seen.sizes, FULL_PAGES);
    const details = seen.items.map((e) => e.detail);
    assert.equal(new Set(details).size, ROWS);
    // Newest first; entries of one millisecond in the reverse of their insertion (ObjectId) order.
    assert.ok(
      seen.items.every((e, i) => i === 0 || (seen.items[i - 1]?.at.getTime() ?? 0) >= e.at.getTime()),
    );
    const tied = details.filter((d) => Number(d) % 3 !== 0 && Number(d) < ROWS - 1).map(Number);
    for (let k = 0; k < tied.length; k += 2) assert.ok((tied[k] ?? 0) > (tied[k + 1] ?? 0), String(tied));

    const byActor = await walk((cursor) =>
      hub.app.store.audit.search({ actorIds: ['user:pager0'], action: 'paging_test' }, request(2, cursor)),
    );
    assert.equal(byActor.items.length, Math.ceil(ROWS / 2));
    const ofTicket = await walk((cursor) =>
      hub.app.store.audit.forTicket('2026030100027', request(PAGE, cursor)),
    );
    assert.deepEqual(
      ofTicket.items.map((e) => e.detail),
      details,
    );

    const first = await hub.app.store.audit.search(search, request(PAGE));
    await refusedWithValidation(hub.app.store.audit.search(search, request(101)));
    await refusedWithValidation(hub.app.store.audit.search(search, request(PAGE, 'not a cursor')));
    await refusedWithValidation(hub.app.store.audit.search(search, request(PAGE, deadCursor)));
    // The same list with another filter: its cursor does not carry over.
    await refusedWithValidation(hub.app.store.audit.search({ action: 'other' }, request(PAGE, first.next)));
    await refusedWithValidation(hub.app.store.audit.forTicket('2026030100027', request(PAGE, first.next)));
    assert.equal(await hub.app.store.audit.model.countDocuments({ action: 'paging_test' }), ROWS);
  });

  it('imports: the API walks them newest first', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      id: `imp-${((i * 7) % ROWS).toString(16).padStart(16, '0')}`,
      at: timeOf(i),
    }));
    await hub.app.store.imports.model.collection.insertMany(
      rows.map((row) => ({
        _id: row.id,
        kind: 'subsidies',
        mode: 'validate',
        format: 'csv',
        encoding: 'auto',
        source: `${row.id}.csv`,
        size: 10,
        sha256: '0'.repeat(64),
        status: 'done',
        progress: { phase: 'done', done: 1, total: 1 },
        createdBy: { kind: 'staff', id: 'user:admin', role: 'admin' },
        createdAt: row.at,
        updatedAt: row.at,
        runs: 1,
        problemCount: 0,
        problemChunks: 0,
      })) as never[],
    );
    const seen = await walk((cursor) =>
      getPage<{ id: string }>(`/api/v1/imports?limit=${String(PAGE)}`, cursor),
    );
    assert.deepEqual(
      seen.items.map((r) => r.id),
      expectedOrder(rows, -1),
    );
    assert.deepEqual(seen.sizes, FULL_PAGES);
    await refusesBadPages('/api/v1/imports', deadCursor);
  });

  it('broadcasts: the store walks them newest first', async () => {
    const rows = ids('b').map((id, i) => ({ id, at: timeOf(i) }));
    await hub.app.store.broadcasts.model.collection.insertMany(
      rows.map((row) => ({
        _id: row.id,
        name: row.id,
        text: '停水通知',
        channel: 'sms',
        urgent: false,
        total: 0,
        cursor: 0,
        status: 'done',
        createdBy: 'user:admin',
        createdAt: row.at,
        updatedAt: row.at,
      })) as never[],
    );
    const seen = await walk((cursor) => hub.app.store.broadcasts.list(request(PAGE, cursor)));
    assert.deepEqual(
      seen.items.map((b) => b.id),
      expectedOrder(rows, -1),
    );
    assert.deepEqual(seen.sizes, FULL_PAGES);
    await refusedWithValidation(hub.app.store.broadcasts.list(request(PAGE, deadCursor)));
  });

  it('the results board: the store walks it newest publication first', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      id: `99030100${String((i * 7) % ROWS).padStart(3, '0')}`,
      at: timeOf(i),
    }));
    for (const row of rows) {
      await hub.app.store.disclosures.put({
        number: row.id,
        kind: 'suggestion',
        summary: row.id,
        publishedAt: row.at,
      });
    }
    const seen = await walk((cursor) => hub.app.store.disclosures.listNewestFirst(request(PAGE, cursor)));
    assert.deepEqual(
      seen.items.map((d) => d.number),
      expectedOrder(rows, -1),
    );
    assert.deepEqual(seen.sizes, FULL_PAGES);
    await refusedWithValidation(hub.app.store.disclosures.listNewestFirst(request(PAGE, deadCursor)));
    await refusedWithValidation(hub.app.store.disclosures.listNewestFirst(request(101)));
  });

  it('the development outbox: the JSON list walks it newest first, all of it or one channel', async () => {
    const rows = ids('o').map((id, i) => ({ id: `${id}.${i % 2 === 0 ? 'sms' : 'email'}`, at: timeOf(i) }));
    for (const row of rows) {
      await hub.app.store.devOutbox.add({
        id: row.id,
        channel: row.id.endsWith('.sms') ? 'sms' : 'email',
        to: '+8613800138000',
        body: row.id,
        at: row.at,
      });
    }
    const seen = await walk((cursor) =>
      getPage<{ id: string }>(`/dev/outbox.json?limit=${String(PAGE)}`, cursor),
    );
    const ours = seen.items.map((m) => m.id).filter((id) => id.startsWith('o-'));
    assert.deepEqual(ours, expectedOrder(rows, -1));
    assert.equal(new Set(seen.items.map((m) => m.id)).size, seen.items.length);
    const mail = await walk((cursor) =>
      getPage<{ id: string }>('/dev/outbox.json?limit=2&channel=email', cursor),
    );
    assert.deepEqual(
      mail.items.map((m) => m.id).filter((id) => id.startsWith('o-')),
      expectedOrder(
        rows.filter((row) => row.id.endsWith('.email')),
        -1,
      ),
    );
    const first = await getPage<{ id: string }>('/dev/outbox.json?limit=2');
    await refusesBadPages('/dev/outbox.json?channel=sms', first.next ?? '');
    await refusesBadPages('/dev/outbox.json', deadCursor);
  });
});
