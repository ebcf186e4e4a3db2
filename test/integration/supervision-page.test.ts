import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { command, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { makeStaffUser, signIn } from '../helpers/staff.js';
import type { WebVisitor } from '../helpers/web-form.js';

const SCRIPT = '<script>alert(1)</script>';

/** A policy whose sign-off and completion limits run out in 1.5 s. */
async function fastPolicy(hub: TestHub): Promise<void> {
  const fast = { amount: 1.5 / 3600, unit: 'hours' };
  const response = await hub.request({
    method: 'PUT',
    url: '/api/v1/sla/policies/fast',
    payload: {
      name: 'test fast',
      order: 1_000_000,
      match: { categories: ['never-matches'] },
      clocks: { sign: fast, completion: fast },
      thresholds: { yellow: 0.5, red: 0.8 },
    },
  });
  assert.equal(response.statusCode, 200, response.body);
}

/** The `<tr>` of a ticket inside one list section of the page. */
function rowIn(html: string, list: string, number: string): string | undefined {
  const section = new RegExp(`<section class='sv-list' id='list-${list}'[\\s\\S]*?</section>`).exec(
    html,
  )?.[0];
  return section && new RegExp(`<tr data-number='${number}'>[\\s\\S]*?</tr>`).exec(section)?.[0];
}

describe('supervision page (/staff/supervision)', () => {
  let hub: TestHub;
  let supervisor: WebVisitor;
  let late: string;
  let calm: string;

  before(async () => {
    hub = await startHub({ RUN_WORKERS: 'false' });
    await fastPolicy(hub);
    await makeStaffUser(hub, 'super1', 'supervisor');
    await makeStaffUser(hub, 'clerk1', 'clerk', 'ZJJ');
    late = (await openTicket(hub, { category: SCRIPT, contact: { name: '李四', phone: '13700001111' } }))
      .number;
    assert.equal(
      (await command(hub, late, 'dispatch', { department: 'ZJJ', slaPolicy: 'fast' })).statusCode,
      200,
    );
    calm = (await openTicket(hub)).number;
    assert.equal((await command(hub, calm, 'dispatch', { department: 'CGJ' })).statusCode, 200);
    await sleep(1700);
    supervisor = await signIn(hub, 'super1', 'super1-pass-0123');
  });
  after(async () => {
    await hub.close();
  });

  it('renders the board on the server: figures, overdue row, counts, export links; HTML in data stays text', async () => {
    const page = await supervisor.get('/staff/supervision');
    assert.equal(page.statusCode, 200);
    const html = page.body;
    assert.match(html, /<h1>效能监察<\/h1>/);
    assert.match(html, /<strong id='kpi-total'>2<\/strong>/);
    assert.match(html, /<strong id='kpi-open'>2<\/strong>/);
    // 响应率: the late ticket's sign-off is decided (late), the calm one's is not yet.
    assert.match(html, /<strong id='kpi-response'>0\.0%<\/strong>\s*<span class='hint'>0 \/ 1 /);
    assert.match(html, /<strong id='kpi-satisfaction'>—<\/strong>/);
    const row = rowIn(html, 'overdue', late);
    assert.ok(row, 'the overdue ticket is listed');
    assert.match(row, /<td>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>/);
    assert.match(row, /<span class='sv-stage sv-overdue'>超期<\/span>/);
    assert.match(row, /name='number' value='\d+' \/>/);
    assert.equal(rowIn(html, 'overdue', calm), undefined);
    assert.ok(!html.includes(SCRIPT), 'the category is escaped');
    for (const word of ['李四', '13700001111']) assert.ok(!html.includes(word), word);
    assert.match(
      html,
      /<table class='list sv-counts' id='counts-department'><tbody><tr><th scope='row'>市[^<]+<\/th><td>1<\/td><\/tr>/,
    );
    // Handlebars escapes `=` and `&` in attribute values (the browser reads them back).
    assert.ok(
      html.includes("href='/api/v1/supervision/export/overdue.csv?days&#x3D;30&amp;lang&#x3D;zh-CN'"),
    );
    assert.ok(html.includes("<script src='/staff/static/vendor/echarts.min.js' defer></script>"));
    assert.ok(html.includes("data-board-url='/api/v1/supervision/board?days&#x3D;30&amp;limit&#x3D;1'"));
  });

  it('the charts script, ECharts and the board JSON are reachable with the page session', async () => {
    for (const url of [
      '/staff/static/supervision.js',
      '/staff/static/vendor/echarts.min.js',
      '/staff/static/supervision.css',
    ]) {
      const file = await supervisor.get(url);
      assert.equal(file.statusCode, 200, url);
    }
    const json = await supervisor.get('/api/v1/supervision/board?days=30&limit=1');
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.json<{ counts: { total: number } }>().counts.total, 2);
  });

  it('督办 from the page: a reason is required, then the core command runs and the page says so', async () => {
    await supervisor.get('/staff/supervision');
    const empty = await supervisor.post('/staff/supervision/supervise', {
      number: late,
      reason: '  ',
      days: '30',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<p class='problem' role='alert' id='sv-problem'>请填写督办意见/);
    assert.equal((await hub.app.store.tickets.findByNumber(late))?.supervision.flagged, false);

    const forged = await supervisor.post(
      '/staff/supervision/supervise',
      { number: late, reason: '请立即处理', days: '30' },
      { csrf: null },
    );
    assert.equal(forged.statusCode, 403);
    assert.equal((await hub.app.store.tickets.findByNumber(late))?.supervision.flagged, false);

    await supervisor.get('/staff/supervision');
    const done = await supervisor.post('/staff/supervision/supervise', {
      number: late,
      reason: '请立即处理',
      days: '30',
    });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/staff/supervision?days=30&done=${late}`);
    const stored = await hub.app.store.tickets.findByNumber(late);
    assert.ok(stored);
    assert.deepEqual(
      stored.supervision.flags.map((f) => [f.kind, f.detail]),
      [['manual', '请立即处理']],
    );
    assert.equal(stored.events.at(-1)?.actor.id, 'user:super1');
    const after = await supervisor.get(`/staff/supervision?days=30&done=${late}`);
    assert.match(
      after.body,
      new RegExp(`<p class='done' role='status' id='sv-notice'>已对工单 ${late} 下达督办`),
    );
    assert.match(rowIn(after.body, 'overdue', late) ?? '', /<span class='sv-supervised'>已督办<\/span>/);
    assert.match(rowIn(after.body, 'flagged', late) ?? '', /人工督办/);

    const unknown = await supervisor.post('/staff/supervision/supervise', {
      number: '123',
      reason: '请处理',
      days: '30',
    });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /找不到该工单/);
  });

  it('in English; bad window → 400 page; a clerk gets the 403 page', async () => {
    const english = await supervisor.get('/staff/supervision?days=7&lang=en');
    assert.equal(english.statusCode, 200);
    assert.match(english.body, /<h2 id='h-overdue'>Overdue tickets/);
    assert.match(english.body, /<option value='7' selected>Last 7 days<\/option>/);
    const bad = await supervisor.get('/staff/supervision?days=0');
    assert.equal(bad.statusCode, 400);
    const clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123');
    const refused = await clerk.get('/staff/supervision');
    assert.equal(refused.statusCode, 403);
    assert.ok(!refused.body.includes(late));
  });
});
