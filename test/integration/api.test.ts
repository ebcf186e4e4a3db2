import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTicketNumber } from '../../src/tickets/ticket-number.js';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

interface ErrorJson {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

describe('staff API', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  describe('authentication', () => {
    it('answers 401 without a token and with an unknown one, and stores nothing', async () => {
      for (const token of [null, 'not-a-token-at-all-1234']) {
        const response = await hub.request({
          method: 'POST',
          url: '/api/v1/tickets',
          token,
          payload: { kind: 'complaint', body: 'x' },
        });
        assert.equal(response.statusCode, 401);
        assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_UNAUTHORIZED');
      }
      assert.equal(await hub.app.store.tickets.count(), 0);
    });

    it('stores issued tokens hashed only, and only admins issue them', async () => {
      const token = await issueToken(hub, 'operator');
      assert.match(token, /^hub_/);
      const stored = await hub.app.store.tokens.model.find({}).lean();
      assert.ok(stored.length >= 1);
      for (const doc of stored) {
        assert.match(doc._id, /^[0-9a-f]{64}$/);
        assert.ok(!JSON.stringify(doc).includes(token));
      }
      const denied = await hub.request({
        method: 'POST',
        url: '/api/v1/tokens',
        token,
        payload: { name: 'x', role: 'admin' },
      });
      assert.equal(denied.statusCode, 403);
      const noDepartment = await hub.request({
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'x', role: 'department' },
      });
      assert.equal(noDepartment.json<ErrorJson>().code, 'HUB_ERR_VALIDATION');
    });
  });

  describe('bad input gets a clear answer and changes nothing', () => {
    it('malformed JSON → 400 HUB_ERR_BAD_REQUEST', async () => {
      const response = await hub.request({
        method: 'POST',
        url: '/api/v1/tickets',
        headers: { 'content-type': 'application/json' },
        payload: '{"kind": "complaint", "body": ',
      });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_BAD_REQUEST');
    });

    it('schema violations → 400 HUB_ERR_VALIDATION naming the field', async () => {
      const cases = [
        { kind: 'rant', body: 'x' },
        { kind: 'complaint' },
        { kind: 'complaint', body: 'x', extra: 1 },
        { kind: 'complaint', body: 'x', location: { districtCode: '12' } },
        { kind: 'complaint', body: 'x', contact: { email: 'a@b.cn, c@d.cn' } },
      ];
      for (const payload of cases) {
        const response = await hub.request({ method: 'POST', url: '/api/v1/tickets', payload });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_VALIDATION');
      }
      assert.equal(await hub.app.store.tickets.count(), 0);
    });

    it('a number with a wrong check digit → 404 HUB_ERR_TICKET_NOT_FOUND', async () => {
      const ticket = await openTicket(hub);
      const last = Number(ticket.number.at(-1));
      const wrong = ticket.number.slice(0, -1) + String((last + 1) % 10);
      for (const url of [`/api/v1/tickets/${wrong}`, `/api/v1/tickets/12345`]) {
        const response = await hub.request({ method: 'GET', url });
        assert.equal(response.statusCode, 404);
        assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_TICKET_NOT_FOUND');
      }
      const commandOnWrong = await command(hub, wrong, 'note', { text: 'x' });
      assert.equal(commandOnWrong.statusCode, 404);
      // A well-formed number that does not exist is also 404.
      const missing = await hub.request({
        method: 'GET',
        url: `/api/v1/tickets/${formatTicketNumber('990101', 1)}`,
      });
      assert.equal(missing.statusCode, 404);
    });

    it('a command not allowed in the state → 409 with the allowed commands, nothing changed', async () => {
      const ticket = await openTicket(hub);
      const response = await command(hub, ticket.number, 'resolve', {});
      assert.equal(response.statusCode, 409);
      const body = response.json<ErrorJson>();
      assert.equal(body.code, 'HUB_ERR_COMMAND_NOT_ALLOWED');
      assert.deepEqual(body.details, {
        status: 'received',
        allowed: ['dispatch', 'cancel', 'reject', 'merge', 'note', 'supervise'],
      });
      const stored = await hub.app.store.tickets.findByNumber(ticket.number);
      assert.equal(stored?.version, 1);
      assert.equal(stored.events.length, 1);
    });

    it('an unknown route → 404 HUB_ERR_NOT_FOUND', async () => {
      const response = await hub.request({ method: 'GET', url: '/api/v1/nothing' });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_NOT_FOUND');
    });
  });

  describe('department scoping and personal data', () => {
    it('a department lists and reads only its own tickets, and cannot learn other numbers exist', async () => {
      const ours = await openTicket(hub, { body: '供暖不热' });
      const theirs = await openTicket(hub, { body: '公交线路调整建议', kind: 'suggestion' });
      await command(hub, ours.number, 'dispatch', { department: 'ZJJ' });
      await command(hub, theirs.number, 'dispatch', { department: 'JTJ' });
      const zjj = await issueToken(hub, 'department', 'ZJJ');

      const list = (await hub.request({ method: 'GET', url: '/api/v1/tickets', token: zjj })).json<{
        items: { number: string; leadDepartment: string }[];
      }>();
      assert.ok(list.items.some((t) => t.number === ours.number));
      assert.ok(list.items.every((t) => t.leadDepartment === 'ZJJ'));
      const asked = await hub.request({ method: 'GET', url: '/api/v1/tickets?department=JTJ', token: zjj });
      assert.equal(asked.statusCode, 403, 'asking for another department gives nothing');
      assert.equal(asked.json<ErrorJson>().code, 'HUB_ERR_FORBIDDEN');

      const read = await hub.request({ method: 'GET', url: `/api/v1/tickets/${theirs.number}`, token: zjj });
      assert.equal(read.statusCode, 404);
      assert.equal(read.json<ErrorJson>().code, 'HUB_ERR_TICKET_NOT_FOUND');
      const act = await command(hub, theirs.number, 'sign', {}, zjj);
      assert.equal(act.statusCode, 404);
      const admin = (await hub.request({ method: 'GET', url: '/api/v1/tickets?department=JTJ' })).json<{
        items: { number: string }[];
      }>();
      assert.ok(admin.items.some((t) => t.number === theirs.number));
    });

    it('filters and pages lists by cursor; a bad page size or cursor is refused', async () => {
      const list = async (url: string) => {
        const response = await hub.request({ method: 'GET', url });
        assert.equal(response.statusCode, 200, response.body);
        return response.json<{ items: { number: string; status: string }[]; next?: string }>();
      };
      const seen: string[] = [];
      let page = await list('/api/v1/tickets?status=dispatched&limit=1');
      for (;;) {
        assert.ok(page.items.length <= 1);
        for (const item of page.items) {
          assert.equal(item.status, 'dispatched');
          seen.push(item.number);
        }
        if (!page.next) break;
        page = await list(`/api/v1/tickets?status=dispatched&limit=1&cursor=${page.next}`);
      }
      assert.ok(seen.length >= 2);
      assert.equal(new Set(seen).size, seen.length, 'every ticket once');
      assert.deepEqual(seen, [...seen].sort().reverse(), 'newest first');

      const first = await list('/api/v1/tickets?status=dispatched&limit=1');
      const refused = [
        '/api/v1/tickets?limit=1000',
        '/api/v1/tickets?limit=0',
        '/api/v1/tickets?status=dispatched&limit=1&cursor=not-a-cursor!',
        `/api/v1/tickets?status=dispatched&limit=1&cursor=${Buffer.from('[1,2]').toString('base64url')}`,
        // The cursor of one list given to another.
        `/api/v1/tickets?status=closed&limit=1&cursor=${first.next ?? ''}`,
        `/api/v1/triage?cursor=${first.next ?? ''}`,
      ];
      for (const url of refused) {
        const bad = await hub.request({ method: 'GET', url });
        assert.equal(bad.statusCode, 400, url);
        assert.equal(bad.json<ErrorJson>().code, 'HUB_ERR_VALIDATION', url);
      }
    });

    it('masks personal data in ticket views; the unmasked view is audited', async () => {
      const ticket = await openTicket(hub, {
        contact: { phone: '13912345678', name: '王小明', email: '王小明 <XiaoMing.Wang@Example.com>' },
      });
      const view = (await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}` })).json<{
        contact: { name: string; phones: string[]; emails: string[]; masked: boolean };
      }>();
      assert.deepEqual(view.contact.phones, ['139****5678']);
      assert.deepEqual(view.contact.emails, ['x************@example.com']);
      assert.equal(view.contact.name, '王**');
      assert.equal(view.contact.masked, true);
      assert.ok(!JSON.stringify(view).includes('13912345678'));

      assert.equal((await hub.app.store.audit.forTicket(ticket.number)).items.length, 0);
      const full = (
        await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}/contact` })
      ).json<{
        phones: string[];
        emails: string[];
        name: string;
      }>();
      assert.deepEqual(full.phones, ['+8613912345678']);
      assert.deepEqual(full.emails, ['xiaoming.wang@example.com']);
      assert.equal(full.name, '王小明');
      const audit = (await hub.app.store.audit.forTicket(ticket.number)).items;
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.action, 'view_personal_data');
      assert.equal(audit[0].actor.id, 'bootstrap-token');
    });

    it('hides the citizen of an anonymous ticket from departments entirely', async () => {
      const ticket = await openTicket(hub, { anonymous: true, contact: { phone: '13612345678' } });
      await command(hub, ticket.number, 'dispatch', { department: 'SCJ' });
      const scj = await issueToken(hub, 'department', 'SCJ');
      const view = (
        await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}`, token: scj })
      ).json<{
        contact: unknown;
      }>();
      assert.equal(view.contact, null);
      const full = await hub.request({
        method: 'GET',
        url: `/api/v1/tickets/${ticket.number}/contact`,
        token: scj,
      });
      assert.equal(full.statusCode, 404);
    });
  });

  describe('operations', () => {
    it('/healthz and /readyz answer', async () => {
      assert.deepEqual((await hub.request({ method: 'GET', url: '/healthz', token: null })).json(), {
        status: 'ok',
      });
      const ready = await hub.request({ method: 'GET', url: '/readyz', token: null });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ok', database: 'ok', redis: 'ok' });
    });

    it('/metrics exposes HTTP counts and queue depths in Prometheus format', async () => {
      const text = (await hub.request({ method: 'GET', url: '/metrics', token: null })).body;
      assert.match(
        text,
        /hub_http_requests_total\{method="POST",route="\/api\/v1\/tickets",status="201"\} \d+/,
      );
      assert.match(text, /hub_http_request_duration_seconds_bucket/);
      for (const queue of ['notify-sms', 'notify-voice', 'notify-email', 'notify-push']) {
        assert.match(text, new RegExp(`hub_queue_jobs\\{queue="${queue}",state="waiting"\\} 0`));
      }
      assert.match(text, /hub_process_resident_memory_bytes/);
    });

    it('serves the OpenAPI document generated from the route schemas at /docs', async () => {
      const doc = (await hub.request({ method: 'GET', url: '/docs/json', token: null })).json<{
        openapi: string;
        paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      }>();
      assert.match(doc.openapi, /^3\./);
      const create = doc.paths['/api/v1/tickets']?.post;
      assert.ok(create?.requestBody);
      assert.ok(create.responses['201'] && create.responses['400'] && create.responses['401']);
      for (const name of [
        'dispatch',
        'sign',
        'reply',
        'return',
        'resolve',
        'reopen',
        'cancel',
        'note',
        'transfer',
      ]) {
        assert.ok(doc.paths[`/api/v1/tickets/{number}/${name}`]?.post, name);
      }
      const ui = await hub.request({ method: 'GET', url: '/docs/', token: null });
      assert.equal(ui.statusCode, 200);
    });
  });
});
