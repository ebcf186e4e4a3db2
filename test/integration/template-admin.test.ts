import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { templatesChannel } from '../../src/templates/plugin.js';
import { issueToken, startHub, type TestHub } from '../helpers/hub.js';

interface Problem {
  field: string;
  line?: number;
  message: string;
  parts?: number;
}
interface ErrorJson {
  code: string;
  details?: { problems?: Problem[] };
}
interface TemplateJson {
  source: string;
  body: string;
  subject?: string;
  version?: number;
  updatedBy?: string;
  builtIn?: { body: string };
  sms?: { encoding: string; characters: number; parts: number };
}

const URL = '/api/v1/templates/received/sms/zh-CN';
const DATA = {
  number: '26051401270',
  queryCode: '483920',
  kind: 'complaint',
  status: 'received',
  trackUrl: 'https://12345.example.gov.cn/track/26051401270',
  collapsed: 0,
} as const;

describe('message template admin API', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  const put = (url: string, payload: object) => hub.request({ method: 'PUT', url, payload });
  const problems = (response: LightMyRequestResponse) => response.json<ErrorJson>().details?.problems ?? [];

  it('is for admins only', async () => {
    const operator = await issueToken(hub, 'operator');
    const list = await hub.request({ method: 'GET', url: '/api/v1/templates', token: operator });
    assert.equal(list.statusCode, 403);
    assert.equal(list.json<ErrorJson>().code, 'HUB_ERR_FORBIDDEN');
    const save = await hub.request({ method: 'PUT', url: URL, payload: { body: 'x' }, token: operator });
    assert.equal(save.statusCode, 403);
  });

  it('lists every template, with the part count of each SMS sample', async () => {
    const response = await hub.request({ method: 'GET', url: '/api/v1/templates' });
    assert.equal(response.statusCode, 200);
    const rows = response.json<({ event: string; channel: string; locale: string } & TemplateJson)[]>();
    assert.equal(rows.length, 172);
    const received = rows.find((r) => r.event === 'received' && r.channel === 'sms' && r.locale === 'zh-CN');
    assert.deepEqual(received, {
      event: 'received',
      channel: 'sms',
      locale: 'zh-CN',
      source: 'built-in',
      sms: { encoding: 'UCS-2', characters: 52, parts: 1 },
    });
    assert.ok(rows.filter((r) => r.channel !== 'sms').every((r) => r.sms === undefined));
  });

  it('refuses a template that does not compile, with the line', async () => {
    const response = await put(URL, { body: '您的工单{{number}}\n已受理{{#if departmentName}}' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_TEMPLATE_INVALID');
    const [problem] = problems(response);
    assert.equal(problem?.field, 'body');
    assert.equal(problem.line, 2);
    assert.match(problem.message, /^Parse error on line 2/);
  });

  it('refuses an unknown variable, naming it', async () => {
    const response = await put(URL, { body: '工单{{number}}，\n查询码{{queryCod}}' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(problems(response), [
      { field: 'body', line: 2, message: 'unknown variable "queryCod"' },
    ]);
  });

  it('refuses an SMS whose sample is over the limit, with its part count', async () => {
    // 7 (signature) + 13 + 200 = 220 UCS-2 characters: 4 parts of 67.
    const response = await put(URL, { body: `工单{{number}}${'详细说明'.repeat(50)}` });
    assert.equal(response.statusCode, 400);
    const [problem] = problems(response);
    assert.equal(problem?.parts, 4);
    assert.match(problem.message, /takes 4 parts/);
  });

  it('refuses unknown events, channels and locales, and channels the event is not sent by', async () => {
    for (const url of [
      '/api/v1/templates/nope/sms/zh-CN',
      '/api/v1/templates/received/fax/zh-CN',
      '/api/v1/templates/received/sms/fr',
    ]) {
      const response = await put(url, { body: 'x' });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json<ErrorJson>().code, 'HUB_ERR_VALIDATION', url);
    }
    const voice = await put('/api/v1/templates/sla.red/voice/zh-CN', { body: 'x' });
    assert.equal(voice.statusCode, 400);
    assert.deepEqual(problems(voice), [{ field: 'channel', message: 'sla.red is not sent by voice' }]);
    const get = await hub.request({ method: 'GET', url: '/api/v1/templates/sla.red/voice/zh-CN' });
    assert.equal(get.statusCode, 404);
  });

  it('saves a valid override, uses it at once, keeps numbering versions', async () => {
    const body = '您的{{kindLabel kind}}已登记，工单号{{number}}，查询码{{queryCode}}。';
    const saved = await put(URL, { body });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json<TemplateJson>().version, 1);

    const view = (await hub.request({ method: 'GET', url: URL })).json<TemplateJson>();
    assert.equal(view.source, 'override');
    assert.equal(view.body, body);
    assert.equal(view.version, 1);
    assert.equal(view.updatedBy, 'bootstrap-token');
    assert.equal(view.builtIn?.body.startsWith('您的{{kindLabel kind}}已受理'), true);
    assert.deepEqual(view.sms, { encoding: 'UCS-2', characters: 40, parts: 1 });

    const rendered = hub.app.templates.current().render('received', 'sms', 'zh-CN', { ...DATA });
    assert.equal(rendered.body, '【12345】您的投诉已登记，工单号26051401270，查询码483920。');

    const second = await put(URL, { body: `${body}{{moreUpdates collapsed}}` });
    assert.equal(second.json<TemplateJson>().version, 2);
    const history = await hub.app.store.messageTemplates.history({
      event: 'received',
      channel: 'sms',
      locale: 'zh-CN',
    });
    assert.deepEqual(
      history.map((t) => t.version),
      [2, 1],
    );
  });

  it('previews given sources or the template in use, with the sample or given data', async () => {
    const given = await hub.request({
      method: 'POST',
      url: '/api/v1/templates/preview',
      payload: {
        event: 'resolved',
        channel: 'email',
        locale: 'en',
        subject: 'Done: {{number}}',
        body: 'Rate it: {{#if ratingUrl}}{{ratingUrl}}{{/if}}',
        html: '<p>Rate {{#if ratingUrl}}<a href="{{ratingUrl}}">here</a>{{/if}}</p>',
      },
    });
    assert.equal(given.statusCode, 200, given.body);
    const preview = given.json<TemplateJson & { html: string; problems: Problem[] }>();
    assert.equal(preview.source, 'request');
    assert.equal(preview.subject, 'Done: 26051401270');
    assert.equal(preview.body, 'Rate it: http://localhost:3000/rate/26051401270');
    assert.ok(preview.html.includes('<p>Rate <a href="http://localhost:3000/rate/26051401270">here</a></p>'));
    assert.deepEqual(preview.problems, []);

    const current = await hub.request({
      method: 'POST',
      url: '/api/v1/templates/preview',
      payload: { event: 'replied', channel: 'sms', locale: 'zh-CN', data: { ...DATA, text: '已修复。' } },
    });
    assert.equal(current.statusCode, 200, current.body);
    assert.deepEqual(current.json(), {
      event: 'replied',
      channel: 'sms',
      locale: 'zh-CN',
      source: 'built-in',
      body: '【12345】您的工单26051401270已答复：已修复。\n详见https://12345.example.gov.cn/track/26051401270',
      sms: { encoding: 'UCS-2', characters: 79, parts: 2 },
      problems: [],
    });

    const missing = await hub.request({
      method: 'POST',
      url: '/api/v1/templates/preview',
      payload: { event: 'replied', channel: 'sms', locale: 'zh-CN', data: DATA },
    });
    assert.equal(missing.statusCode, 400);
    assert.match(problems(missing)[0]?.message ?? '', /"text"/);
  });

  it('goes back to the built-in on delete', async () => {
    const deleted = await hub.request({ method: 'DELETE', url: URL });
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.json<TemplateJson>().source, 'built-in');
    const rendered = hub.app.templates.current().render('received', 'sms', 'zh-CN', { ...DATA });
    assert.equal(rendered.body, '【12345】您的投诉已受理，工单号26051401270，查询码483920。');
    assert.equal((await hub.request({ method: 'DELETE', url: URL })).statusCode, 404);
    // Versions are kept, so the next save carries on from them.
    assert.equal((await put(URL, { body: '工单{{number}}' })).json<TemplateJson>().version, 3);
    await hub.request({ method: 'DELETE', url: URL });
  });

  it('refuses a save on top of a version other than the one edited (baseVersion)', async () => {
    // The built-in is in use (0): the first save from it goes through, the second from it is late.
    const first = await put(URL, { body: '工单{{number}}已受理', baseVersion: 0 });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json<TemplateJson>().version, 4);
    const late = await put(URL, { body: '工单{{number}}', baseVersion: 0 });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json<ErrorJson>().code, 'HUB_ERR_VERSION_CONFLICT');
    const stored = await hub.app.store.messageTemplates.find({
      event: 'received',
      channel: 'sms',
      locale: 'zh-CN',
    });
    assert.equal(stored?.body, '工单{{number}}已受理');
    const next = await put(URL, { body: '工单{{number}}', baseVersion: 4 });
    assert.equal(next.json<TemplateJson>().version, 5);
    await hub.request({ method: 'DELETE', url: URL });
  });

  it('rebuilds when another process announces a change', async () => {
    const key = { event: 'rated', channel: 'push', locale: 'en' } as const;
    await hub.app.store.messageTemplates.save({
      ...key,
      body: 'Thanks! {{number}}',
      updatedAt: new Date(),
      updatedBy: 'test',
    });
    assert.equal(hub.app.templates.current().template(key)?.source, 'built-in');
    const other = new Redis(hub.config.redisUrl);
    try {
      await other.publish(templatesChannel(hub.config), 'another-process');
    } finally {
      await other.quit();
    }
    const deadline = Date.now() + 5000;
    while (hub.app.templates.current().template(key)?.source !== 'override' && Date.now() < deadline) {
      await sleep(20);
    }
    assert.equal(
      hub.app.templates.current().render('rated', 'push', 'en', { ...DATA }).body,
      'Thanks! 26051401270',
    );
  });
});
