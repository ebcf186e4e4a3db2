import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import { toLocal } from '../../src/time/zoned-time.js';
import {
  assertVoice,
  Caller,
  IVR_ENV,
  shape,
  spoken,
  stepOf,
  verb,
  VOICE_URL,
} from '../helpers/ivr-caller.js';
import { issueToken, startHub, type TestHub } from '../helpers/hub.js';

const VOICE = 'Google.cmn-CN-Standard-A';

/**
 * Hotline hours that exclude this moment (China time), so the after-hours path is taken whenever
 * the test runs: a morning run gets an afternoon window and the other way round.
 */
function closedNow(): string {
  return toLocal(new Date(), 'Asia/Shanghai').minutes < 12 * 60 ? 'daily 13:00-14:00' : 'daily 01:00-02:00';
}

type Problem = { path: string; code: string };

/** The IVR menu admin API, on a hub whose hotline is closed now and speaks with another voice. */
describe('IVR menu administration and after-hours calls', () => {
  let hub: TestHub;
  let operator: string;
  before(async () => {
    hub = await startHub({ ...IVR_ENV, IVR_HOURS: closedNow(), IVR_VOICE: VOICE });
    operator = await issueToken(hub, 'operator');
  });
  after(async () => {
    await hub.close();
  });

  const menuBody = (changes: Record<string, unknown> = {}) => ({
    ...structuredClone(DEFAULT_MENU),
    ...changes,
  });
  const put = (payload: unknown, token?: string | null) =>
    hub.request({ method: 'PUT', url: '/api/v1/ivr/menu', payload: payload as object, token });
  const versions = async () =>
    (await hub.request({ method: 'GET', url: '/api/v1/ivr/menu/versions' })).json<{ version: number }[]>();

  it('has the default Mandarin menu as version 1, with the configured voice', async () => {
    const response = await hub.request({ method: 'GET', url: '/api/v1/ivr/menu' });
    assert.equal(response.statusCode, 200, response.body);
    const menu = response.json<Record<string, unknown>>();
    assert.equal(menu.version, 1);
    assert.equal(menu.updatedBy, 'system');
    assert.deepEqual(menu.speech, { language: 'cmn-CN', voice: VOICE });
    assert.deepEqual(menu.nodes, DEFAULT_MENU.nodes);
    assert.deepEqual(menu.prompts, DEFAULT_MENU.prompts);
  });

  it('is for admins only: operators get 403, no token 401', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/ivr/menu'],
      ['GET', '/api/v1/ivr/menu/versions'],
      ['GET', '/api/v1/ivr/menu/versions/1'],
    ] as const) {
      const refused = await hub.request({ method, url, token: operator });
      assert.equal(refused.statusCode, 403, url);
      assert.equal(refused.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
      assert.equal((await hub.request({ method, url, token: null })).statusCode, 401, url);
    }
    assert.equal((await put(menuBody(), operator)).statusCode, 403);
    assert.deepEqual(
      (await versions()).map((v) => v.version),
      [1],
    );
  });

  it('refuses a menu with problems, one code per problem, and saves nothing', async () => {
    const main = DEFAULT_MENU.nodes[0];
    assert.ok(main);
    const cases: { name: string; menu: Record<string, unknown>; problems: Problem[] }[] = [
      {
        name: 'unknown action',
        menu: menuBody({
          nodes: [{ ...main, options: [...main.options, { digit: '6', action: 'transfer' }] }],
        }),
        problems: [{ path: '/nodes/0/options/6/action', code: 'unknown_action' }],
      },
      {
        name: 'digit used twice',
        menu: menuBody({
          nodes: [{ ...main, options: [...main.options, { digit: '1', action: 'operator' }] }],
        }),
        problems: [{ path: '/nodes/0/options/6/digit', code: 'duplicate_digit' }],
      },
      {
        name: 'missing prompts',
        menu: menuBody({
          nodes: [{ ...main, prompt: ' ' }],
          prompts: { ...DEFAULT_MENU.prompts, goodbye: undefined },
        }),
        problems: [
          { path: '/nodes/0/prompt', code: 'missing_prompt' },
          { path: '/prompts/goodbye', code: 'missing_prompt' },
        ],
      },
      {
        name: 'placeholders and prompt names',
        menu: menuBody({
          prompts: { ...DEFAULT_MENU.prompts, queueWait: '您排在第{pos}位', hello: '你好' },
        }),
        problems: [
          { path: '/prompts/queueWait', code: 'unknown_placeholder' },
          { path: '/prompts/queueWait', code: 'missing_placeholder' },
          { path: '/prompts/hello', code: 'unknown_prompt' },
        ],
      },
      {
        name: 'nodes and keys',
        menu: menuBody({
          root: 'start',
          nodes: [
            {
              ...main,
              options: [
                ...main.options,
                { digit: '6', action: 'submenu', node: 'nowhere' },
                { digit: '#', action: 'repeat' },
              ],
            },
            { id: 'Bad Id', prompt: '子菜单', options: [{ digit: '7', action: 'submenu' }] },
          ],
          timeoutSeconds: 0,
        }),
        problems: [
          { path: '/nodes/0/options/7/digit', code: 'invalid_digit' },
          { path: '/nodes/1/id', code: 'invalid_node_id' },
          { path: '/nodes/1/options/0/node', code: 'missing_node' },
          { path: '/root', code: 'unknown_node' },
          { path: '/nodes/0/options/6/node', code: 'unknown_node' },
          { path: '/timeoutSeconds', code: 'out_of_range' },
        ],
      },
      {
        name: 'a node no key leads to',
        menu: menuBody({
          nodes: [main, { id: 'lonely', prompt: '孤立菜单', options: [{ digit: '0', action: 'main' }] }],
        }),
        problems: [{ path: '/nodes/1', code: 'unreachable_node' }],
      },
    ];
    for (const { name, menu, problems } of cases) {
      const response = await put(menu);
      assert.equal(response.statusCode, 400, name);
      const error = response.json<{ code: string; details: { problems: Problem[] } }>();
      assert.equal(error.code, 'HUB_ERR_IVR_MENU_INVALID', name);
      assert.deepEqual(
        error.details.problems.map(({ path, code }) => ({ path, code })),
        problems,
        name,
      );
      const checked = await hub.request({ method: 'POST', url: '/api/v1/ivr/menu/check', payload: menu });
      assert.equal(checked.json<{ ok: boolean }>().ok, false, name);
    }
    const shapeless = await put({ ...menuBody(), root: undefined });
    assert.equal(shapeless.json<{ code: string }>().code, 'HUB_ERR_VALIDATION');
    const ok = await hub.request({ method: 'POST', url: '/api/v1/ivr/menu/check', payload: menuBody() });
    assert.deepEqual(ok.json(), { ok: true, problems: [] });
    assert.deepEqual(
      (await versions()).map((v) => v.version),
      [1],
    );
  });

  it('saves a good menu as the next version, keeps every version and refuses a stale edit', async () => {
    const main = DEFAULT_MENU.nodes[0];
    assert.ok(main);
    const withSubmenu = menuBody({
      nodes: [
        {
          ...main,
          prompt: `${main.prompt}更多服务请按6。`,
          options: [...main.options, { digit: '6', action: 'submenu', node: 'more' }],
        },
        {
          id: 'more',
          prompt: '人工服务请按1，返回主菜单请按星号键。',
          options: [
            { digit: '1', action: 'operator' },
            { digit: '*', action: 'main' },
          ],
        },
      ],
      baseVersion: 1,
    });
    const saved = await put(withSubmenu);
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json<{ version: number; updatedBy: string }>().version, 2);
    assert.equal(saved.json<{ updatedBy: string }>().updatedBy, 'bootstrap-token');
    assert.deepEqual(
      (await versions()).map((v) => v.version),
      [2, 1],
    );
    const first = await hub.request({ method: 'GET', url: '/api/v1/ivr/menu/versions/1' });
    assert.deepEqual(first.json<{ nodes: unknown }>().nodes, DEFAULT_MENU.nodes);
    assert.equal((await hub.request({ method: 'GET', url: '/api/v1/ivr/menu/versions/9' })).statusCode, 404);

    const stale = await put({ ...withSubmenu, baseVersion: 1 });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<{ code: string }>().code, 'HUB_ERR_VERSION_CONFLICT');
    assert.deepEqual(
      (await versions()).map((v) => v.version),
      [2, 1],
    );
    const audit = await hub.app.store.audit.model.find({ action: 'update_ivr_menu' }).lean();
    assert.deepEqual(
      audit.map((a) => a.fields),
      [['ivr_menu@2']],
    );

    // The submenu answers on the new version (steps run whatever the hour: only the entry checks it).
    const caller = new Caller(hub);
    const more = await caller.post(`${VOICE_URL}/choose?v=2&n=main&s=0`, { Digits: '6' });
    assertVoice(more, VOICE);
    assert.deepEqual(spoken(more), ['人工服务请按1，返回主菜单请按星号键。']);
    assert.deepEqual(stepOf(verb(more, 'Gather').attributes.action).query, { v: '2', n: 'more', s: '0' });
    const back = await caller.post(`${VOICE_URL}/choose?v=2&n=more&s=0`, { Digits: '*' });
    assert.equal(stepOf(verb(back, 'Gather').attributes.action).query.n, 'main');
  });

  it('after hours a caller hears so and may leave a message; or only hears goodbye', async () => {
    const caller = new Caller(hub);
    const closed = await caller.dial();
    assert.equal(shape(closed), 'Say Record Say Hangup');
    assertVoice(closed, VOICE);
    assert.deepEqual(spoken(closed), [DEFAULT_MENU.prompts.afterHours, DEFAULT_MENU.prompts.goodbye]);
    assert.equal(
      stepOf(verb(closed, 'Record').attributes.action).path,
      '/webhooks/twilio/voice/message-done',
    );
    const events = await hub.app.store.calls.eventsOf(caller.callSid);
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.detail ?? ''}`),
      ['entered:closed'],
    );

    const hangupMenu = await put(menuBody({ afterHours: 'hangup', baseVersion: 2 }));
    assert.equal(hangupMenu.statusCode, 200, hangupMenu.body);
    const goodbye = await new Caller(hub).dial();
    assert.equal(shape(goodbye), 'Say Say Hangup');
    assert.deepEqual(spoken(goodbye), [DEFAULT_MENU.prompts.afterHours, DEFAULT_MENU.prompts.goodbye]);
  });
});
