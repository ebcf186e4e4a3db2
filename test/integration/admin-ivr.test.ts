import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { missingStaffTranslations } from '../../src/dashboards/messages.js';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import type { IvrMenu } from '../../src/ivr/menu.js';
import { MenuDrafts } from '../../src/ivr/menu-drafts.js';
import { simulateCall } from '../../src/ivr/simulate-call.js';
import { toLocal } from '../../src/time/zoned-time.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { Caller, IVR_ENV, spoken, type Answer } from '../helpers/ivr-caller.js';
import { ADMIN_PASSWORD, makeStaffUser, signIn } from '../helpers/staff.js';
import { unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

let ipCount = 0;
const ip = () => `198.51.100.${String(120 + ipCount++)}`;

interface TreeNode {
  id: string;
  depth: number;
  prompt: string;
  unreachable: boolean;
}
interface TreeOption {
  of: string;
  digit: string;
  action: string;
  target: string;
}

/** The tree as the page shows it: nodes in document order (with depth) and every option's owner. */
function treeOf(html: string): { nodes: TreeNode[]; options: TreeOption[] } {
  const nodes = [
    ...html.matchAll(
      /<li class='ivr-node( ivr-unreachable)?' id='node-([a-z0-9_-]+)' data-node='[^']*' data-depth='(\d+)'>[\s\S]*?<p class='ivr-prompt' id='prompt-text-[^']*'>([^<]*)<\/p>/g,
    ),
  ].map((m) => ({
    id: m[2] ?? '',
    depth: Number(m[3]),
    prompt: unescapeHtml(m[4] ?? ''),
    unreachable: m[1] !== undefined,
  }));
  const options = [
    ...html.matchAll(/data-of='([^']*)' data-digit='([^']*)' data-action='([^']*)' data-target='([^']*)'/g),
  ].map((m) => ({ of: m[1] ?? '', digit: m[2] ?? '', action: m[3] ?? '', target: m[4] ?? '' }));
  return { nodes, options };
}

/** The problem codes listed inside the element with this id (or the whole page). */
function codesIn(html: string, id?: string): string[] {
  const part = id === undefined ? html : (new RegExp(`id='${id}'[\\s\\S]*?</ul>`).exec(html)?.[0] ?? '');
  return [...part.matchAll(/<li data-code='([a-z_]+)'>/g)].map((m) => m[1] ?? '');
}

function textOf(html: string, id: string): string | undefined {
  const found = new RegExp(`id='${id}'[^>]*>([^<]*)<`).exec(html)?.[1];
  return found === undefined ? undefined : unescapeHtml(found);
}

/** What the simulator says the caller hears now. */
function hears(html: string): string[] {
  const list = /<ol class='ivr-said' id='sim-hears'>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => unescapeHtml(m[1] ?? ''));
}

/** The keypad's keys that this node listens to. */
function listening(html: string): string[] {
  return [...html.matchAll(/class='key listens' data-key='([^']*)'/g)].map((m) => unescapeHtml(m[1] ?? ''));
}

const OPTIONS_OF_DEFAULT: TreeOption[] = [
  { of: 'main', digit: '1', action: 'status', target: '' },
  { of: 'main', digit: '2', action: 'subsidy', target: '' },
  { of: 'main', digit: '3', action: 'message', target: '' },
  { of: 'main', digit: '4', action: 'operator', target: '' },
  { of: 'main', digit: '5', action: 'directory', target: '' },
  { of: 'main', digit: '0', action: 'repeat', target: '' },
];

describe('admin IVR page: the menu as a tree, drafts, publish, the simulator', () => {
  let hub: TestHub;
  let admin: WebVisitor;
  let clerk: WebVisitor;

  const published = async () => {
    const menu = await hub.request({ method: 'GET', url: '/api/v1/ivr/menu' });
    assert.equal(menu.statusCode, 200, menu.body);
    return menu.json<IvrMenu & { version: number; updatedBy: string }>();
  };
  const versions = async () => (await hub.app.store.ivrMenus.history()).map((v) => v.version);
  const rev = (html: string) => /<input type='hidden' name='rev' value='(\d+)' \/>/.exec(html)?.[1] ?? '';
  /** Posts a form of the editor with the revision the page shows. */
  const edit = async (path: string, fields: Record<string, string> = {}) => {
    const page = await admin.get('/staff/admin/ivr');
    return admin.post(`/staff/admin/ivr${path}`, { rev: rev(page.body), ...fields });
  };
  const draftOf = async (visitor: WebVisitor = admin) => {
    const user = visitor === admin ? 'user:admin' : 'user:admin2';
    return hub.app.redis.hgetall(`ivr:menu-draft:${user}`);
  };

  before(async () => {
    hub = await startHub({ ...IVR_ENV, HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
    await makeStaffUser(hub, 'clerk1', 'clerk', 'RSJ');
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD, ip());
    clerk = await signIn(hub, 'clerk1', 'clerk1-pass-0123', ip());
  });
  after(async () => {
    await hub.close();
  });

  it('shows the default menu as a tree: root first, its prompt and keys, the flow prompts; words in both languages', async () => {
    const page = await admin.get('/staff/admin/ivr');
    assert.equal(page.statusCode, 200, page.body);
    const { nodes, options } = treeOf(page.body);
    assert.deepEqual(nodes, [
      { id: 'main', depth: 0, prompt: DEFAULT_MENU.nodes[0]?.prompt, unreachable: false },
    ]);
    assert.deepEqual(options, OPTIONS_OF_DEFAULT);
    assert.equal(textOf(page.body, 'ivr-published')?.startsWith('现行版本：第 1 版（system，'), true);
    assert.ok(page.body.includes("id='ivr-no-draft'"));
    // Every fixed flow's prompt, with its text and placeholder rule.
    for (const [key, text] of Object.entries(DEFAULT_MENU.prompts)) {
      assert.equal(textOf(page.body, `flow-text-${key}`), text, key);
    }
    assert.match(page.body, /必须包含：\{position\} 可以使用：\{position\}/);
    assert.deepEqual(
      [...page.body.matchAll(/<tr id='version-(\d+)'>/g)].map((m) => m[1]),
      ['1'],
    );
    const english = await admin.get('/staff/admin/ivr?lang=en');
    assert.match(english.body, /<span class='ivr-action'>Ticket \/ application status<\/span>/);
    await admin.get('/staff/admin/ivr?lang=zh-CN');
    assert.deepEqual(missingStaffTranslations(), []);
  });

  it('is for admins: a clerk gets the 403 page; a form without its CSRF token is refused and changes nothing', async () => {
    for (const url of ['/staff/admin/ivr', '/staff/admin/ivr/simulate', '/staff/admin/ivr/versions/1']) {
      const refused = await clerk.get(url);
      assert.equal(refused.statusCode, 403, url);
      assert.match(refused.body, /您的角色无权访问此页面/);
    }
    const clerkPost = await clerk.post('/staff/admin/ivr/nodes/main/prompt', { rev: '0', prompt: '改' });
    assert.equal(clerkPost.statusCode, 403);
    await admin.get('/staff/admin/ivr');
    const forged = await admin.post(
      '/staff/admin/ivr/nodes/main/prompt',
      { rev: '0', prompt: '没有令牌' },
      { csrf: null },
    );
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /表单已过期或来源不明/);
    assert.deepEqual(await draftOf(), {});
    assert.deepEqual(await versions(), [1]);
  });

  it('an edit goes into the draft; the published menu stays until Publish', async () => {
    const changed = await edit('/nodes/main/prompt', { prompt: '新的主菜单：查询请按1。' });
    assert.equal(changed.statusCode, 303, changed.body);
    assert.equal(changed.headers.location, '/staff/admin/ivr?done=edited#node-main');
    const page = await admin.get('/staff/admin/ivr?done=edited');
    assert.equal(textOf(page.body, 'ivr-done'), '已保存到草稿。');
    assert.equal(treeOf(page.body).nodes[0]?.prompt, '新的主菜单：查询请按1。');
    assert.match(textOf(page.body, 'ivr-draft') ?? '', /^您的草稿：基于第 1 版，最后修改 /);
    assert.match(page.body, /<span class='tag changed'>已修改<\/span>/);
    assert.equal(rev(page.body), '1');
    // Nothing published: the API and a new call still have version 1.
    assert.equal((await published()).version, 1);
    assert.equal((await published()).nodes[0]?.prompt, DEFAULT_MENU.nodes[0]?.prompt);
    const call = await new Caller(hub).dial();
    assert.deepEqual(spoken(call), [DEFAULT_MENU.prompts.welcome, DEFAULT_MENU.nodes[0]?.prompt]);
    // Discarding brings the version in force back.
    const discarded = await edit('/discard');
    assert.equal(discarded.headers.location, '/staff/admin/ivr?done=discarded');
    assert.deepEqual(await draftOf(), {});
    assert.equal(
      treeOf((await admin.get('/staff/admin/ivr')).body).nodes[0]?.prompt,
      DEFAULT_MENU.nodes[0]?.prompt,
    );
  });

  it('refuses bad edits with 400 and the problem beside the form, and changes nothing', async () => {
    // A draft to change: a submenu node with its key in main.
    assert.equal(
      (await edit('/nodes', { id: 'more', prompt: '人工服务请按1，返回请按星号键。' })).statusCode,
      303,
    );
    assert.equal(
      (await edit('/nodes/main/options', { digit: '6', action: 'submenu', target: 'more' })).statusCode,
      303,
    );
    const before = await draftOf();
    const cases: { path: string; fields: Record<string, string>; form: string; code: string }[] = [
      {
        path: '/nodes/main/options',
        fields: { digit: '1', action: 'main', target: '' },
        form: 'add-option-main',
        code: 'duplicate_digit',
      },
      {
        path: '/nodes/main/options/0',
        fields: { digit: '1', action: 'repeat', target: '' },
        form: 'option-main-0',
        code: 'duplicate_digit',
      },
      {
        path: '/nodes/main/options',
        fields: { digit: '7', action: 'submenu', target: 'nowhere' },
        form: 'add-option-main',
        code: 'unknown_node',
      },
      {
        path: '/nodes/main/options',
        fields: { digit: '7', action: 'submenu', target: '' },
        form: 'add-option-main',
        code: 'missing_node',
      },
      {
        path: '/nodes/main/options',
        fields: { digit: '#', action: 'main', target: '' },
        form: 'add-option-main',
        code: 'invalid_digit',
      },
      { path: '/nodes/main/prompt', fields: { prompt: '   ' }, form: 'prompt-main', code: 'missing_prompt' },
      { path: '/nodes/more/prompt', fields: { prompt: '' }, form: 'prompt-more', code: 'missing_prompt' },
      {
        path: '/prompts/queueWait',
        fields: { text: '座席正忙，请耐心等候。' },
        form: 'flow-queueWait',
        code: 'missing_placeholder',
      },
      {
        path: '/prompts/statusReadBack',
        fields: { text: '您输入的是{number}{digits}。' },
        form: 'flow-statusReadBack',
        code: 'unknown_placeholder',
      },
      {
        path: '/nodes',
        fields: { id: 'Bad Id', prompt: '说点什么' },
        form: 'add-node',
        code: 'invalid_node_id',
      },
      {
        path: '/nodes',
        fields: { id: 'more', prompt: '说点什么' },
        form: 'add-node',
        code: 'duplicate_node',
      },
      { path: '/nodes/more/remove', fields: {}, form: 'remove-node-more', code: 'node_in_use' },
      { path: '/nodes/main/remove', fields: {}, form: 'remove-node-main', code: 'root_node' },
      {
        path: '/nodes/main/options/8',
        fields: { digit: '8', action: 'main', target: '' },
        form: 'option-main-8',
        code: 'unknown_option',
      },
      {
        path: '/settings',
        fields: { timeoutSeconds: '99', maxStrikes: '3', recordMaxSeconds: '120', afterHours: 'voicemail' },
        form: 'settings',
        code: 'out_of_range',
      },
    ];
    for (const c of cases) {
      const refused = await edit(c.path, c.fields);
      assert.equal(refused.statusCode, 400, `${c.path} ${refused.body.slice(0, 200)}`);
      assert.deepEqual(codesIn(refused.body, 'ivr-refused'), [c.code], c.path);
      assert.match(refused.body, new RegExp(`data-form='${c.form}'`), c.path);
      assert.deepEqual(await draftOf(), before, `${c.path} changed the draft`);
    }
    // The words a person reads, and the form kept open with what was typed.
    const inUse = await edit('/nodes/more/remove');
    assert.match(inUse.body, /还有按键指向节点 more（main 6）：请先修改或删除这些按键/);
    const placeholder = await edit('/prompts/queueWait', { text: '座席正忙，请耐心等候。' });
    assert.match(
      placeholder.body,
      /<textarea id='flow-queueWait-text' name='text' rows='2' aria-invalid='true' aria-describedby='flow-queueWait-error'>座席正忙，请耐心等候。<\/textarea>/,
    );
    assert.match(
      placeholder.body,
      /missing_placeholder<\/code> 缺少必须包含的占位符 <span class='hint'>must say \{position\}<\/span>/,
    );
    assert.deepEqual(await versions(), [1]);
  });

  it('shows the submenu nested under its key, flags a node no key reaches, and a node is removed once nothing leads to it', async () => {
    const page = await admin.get('/staff/admin/ivr');
    const { nodes, options } = treeOf(page.body);
    assert.deepEqual(
      nodes.map((n) => [n.id, n.depth, n.unreachable]),
      [
        ['main', 0, false],
        ['more', 1, false],
      ],
    );
    assert.deepEqual(options.at(-1), { of: 'main', digit: '6', action: 'submenu', target: 'more' });
    assert.deepEqual(codesIn(page.body, 'ivr-draft-problems'), ['no_options']);
    // A key back to main for the submenu, and an orphan node.
    assert.equal(
      (await edit('/nodes/more/options', { digit: '*', action: 'main', target: '' })).statusCode,
      303,
    );
    assert.equal(
      (await edit('/nodes/more/options', { digit: '1', action: 'operator', target: '' })).statusCode,
      303,
    );
    assert.equal((await edit('/nodes', { id: 'orphan', prompt: '没人来这里。' })).statusCode, 303);
    const withOrphan = await admin.get('/staff/admin/ivr');
    const tree = treeOf(withOrphan.body);
    assert.deepEqual(
      tree.nodes.map((n) => [n.id, n.depth, n.unreachable]),
      [
        ['main', 0, false],
        ['more', 1, false],
        ['orphan', 0, true],
      ],
    );
    assert.ok(withOrphan.body.includes("<ul class='ivr-tree ivr-top' id='ivr-unreachable'>"));
    assert.deepEqual(codesIn(withOrphan.body, 'ivr-draft-problems'), ['no_options', 'unreachable_node']);
    // Publish refuses a draft with problems (400, nothing saved, the draft kept).
    const refused = await edit('/publish');
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(codesIn(refused.body, 'ivr-refused'), ['no_options', 'unreachable_node']);
    assert.deepEqual(await versions(), [1]);
    assert.equal((await edit('/nodes/orphan/remove')).statusCode, 303);
    assert.deepEqual(
      treeOf((await admin.get('/staff/admin/ivr')).body).nodes.map((n) => n.id),
      ['main', 'more'],
    );
  });

  it('publishes the draft as the next version through the store; the API and the next call have it; audited', async () => {
    assert.equal(
      (await edit('/nodes/main/prompt', { prompt: '查询进度请按1；更多服务请按6；重听请按0。' })).statusCode,
      303,
    );
    assert.equal((await edit('/prompts/welcome', { text: '您好，这里是12345热线。' })).statusCode, 303);
    const page = await admin.get('/staff/admin/ivr');
    assert.ok(page.body.includes("id='ivr-draft-ready'"));
    const done = await admin.post('/staff/admin/ivr/publish', { rev: rev(page.body) });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, '/staff/admin/ivr?done=published&version=2');
    const menu = await published();
    assert.equal(menu.version, 2);
    assert.equal(menu.updatedBy, 'user:admin');
    assert.equal(menu.nodes[0]?.prompt, '查询进度请按1；更多服务请按6；重听请按0。');
    assert.deepEqual(menu.nodes[1], {
      id: 'more',
      prompt: '人工服务请按1，返回请按星号键。',
      options: [
        { digit: '*', action: 'main' },
        { digit: '1', action: 'operator' },
      ],
    });
    assert.equal(menu.prompts.welcome, '您好，这里是12345热线。');
    assert.deepEqual(await draftOf(), {});
    const after = await admin.get(done.headers.location);
    assert.equal(textOf(after.body, 'ivr-done'), '已发布第 2 版：下一通来电起生效。');
    assert.ok(after.body.includes("id='ivr-no-draft'"));
    const audit = await hub.app.store.audit.model.find({ action: 'update_ivr_menu' }).lean();
    assert.deepEqual(
      audit.map((a) => [a.actor.id, a.fields]),
      [['user:admin', ['ivr_menu@2']]],
    );
    // The next call answers with version 2.
    const call = await new Caller(hub).dial();
    assert.deepEqual(spoken(call), ['您好，这里是12345热线。', '查询进度请按1；更多服务请按6；重听请按0。']);
  });

  it('a publish on a version saved meanwhile is refused; the draft is kept; keeping it over the new version publishes', async () => {
    assert.equal(
      (await edit('/nodes/more/prompt', { prompt: '人工请按1，返回主菜单请按星号键。' })).statusCode,
      303,
    );
    const draft = await draftOf();
    // Someone saves through the API meanwhile.
    const current = await published();
    const {
      version: _v,
      updatedAt: _u,
      updatedBy: _b,
      speech: _s,
      ...body
    } = current as unknown as Record<string, unknown>;
    const put = await hub.request({
      method: 'PUT',
      url: '/api/v1/ivr/menu',
      payload: { ...body, baseVersion: 2, timeoutSeconds: 8 },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(await versions(), [3, 2, 1]);
    const page = await admin.get('/staff/admin/ivr');
    assert.match(textOf(page.body, 'ivr-stale') ?? '', /^草稿之后已发布了第 3 版/);
    const refused = await admin.post('/staff/admin/ivr/publish', { rev: rev(page.body) });
    assert.equal(refused.statusCode, 409);
    assert.match(
      textOf(refused.body, 'ivr-problem') ?? '',
      /^发布被拒绝：在您编辑期间已发布了第 3 版。您的草稿已保留/,
    );
    assert.deepEqual(await versions(), [3, 2, 1]);
    assert.deepEqual(await draftOf(), draft);
    // The admin decides the draft wins: it is now based on 3, and publishes as 4 (with 3's timeout lost, knowingly).
    const rebased = await edit('/rebase');
    assert.equal(rebased.headers.location, '/staff/admin/ivr?done=rebased&version=3');
    assert.equal((await edit('/publish')).headers.location, '/staff/admin/ivr?done=published&version=4');
    const menu = await published();
    assert.equal(menu.version, 4);
    assert.equal(menu.nodes[1]?.prompt, '人工请按1，返回主菜单请按星号键。');
  });

  it('a form from a page that showed another revision of the draft is refused (409), nothing changed', async () => {
    const page = await admin.get('/staff/admin/ivr');
    const old = rev(page.body);
    assert.equal(
      (await admin.post('/staff/admin/ivr/nodes/main/prompt', { rev: old, prompt: '第一扇窗口。' }))
        .statusCode,
      303,
    );
    const draft = await draftOf();
    const second = await admin.post('/staff/admin/ivr/nodes/main/prompt', {
      rev: old,
      prompt: '第二扇窗口。',
    });
    assert.equal(second.statusCode, 409);
    assert.match(textOf(second.body, 'ivr-problem') ?? '', /^草稿已在别处被修改/);
    assert.deepEqual(await draftOf(), draft);
    assert.equal((await edit('/discard')).statusCode, 303);
  });

  it('two writes racing on the same draft revision: one wins, in Redis itself', async () => {
    const drafts = new MenuDrafts(hub.app.redis);
    const draft = { baseVersion: 4, menu: structuredClone(DEFAULT_MENU) };
    const [a, b] = await Promise.all([
      drafts.put('user:racer', 0, draft, new Date()),
      drafts.put('user:racer', 0, { ...draft, baseVersion: 3 }, new Date()),
    ]);
    assert.equal([a, b].filter((d) => d !== undefined).length, 1);
    assert.equal((await drafts.get('user:racer'))?.rev, 1);
    assert.equal(await drafts.discard('user:racer', 0), false);
    assert.equal(await drafts.discard('user:racer', 1), true);
    assert.equal(await drafts.get('user:racer'), undefined);
  });

  it('lists versions with who and when, shows an old one read-only, and restores it into a draft', async () => {
    const page = await admin.get('/staff/admin/ivr');
    assert.deepEqual(
      [
        ...page.body.matchAll(
          /<tr id='version-(\d+)'>\s*<td>\d+(?: <span class='tag'>([^<]*)<\/span>)?<\/td>\s*<td>([^<]*)<\/td>/g,
        ),
      ].map((m) => [m[1], m[2] ?? '', m[3]]),
      [
        ['4', '现行', 'user:admin'],
        ['3', '', 'bootstrap-token'],
        ['2', '', 'user:admin'],
        ['1', '', 'system'],
      ],
    );
    const one = await admin.get('/staff/admin/ivr/versions/1');
    assert.equal(one.statusCode, 200);
    assert.equal(textOf(one.body, 'version-title'), '语音导航菜单 第 1 版');
    assert.deepEqual(treeOf(one.body).options, OPTIONS_OF_DEFAULT);
    assert.doesNotMatch(one.body, /action='\/staff\/admin\/ivr\/nodes/);
    assert.equal((await admin.get('/staff/admin/ivr/versions/99')).statusCode, 404);
    const restored = await admin.post('/staff/admin/ivr/versions/1/restore', { rev: rev(one.body) });
    assert.equal(restored.headers.location, '/staff/admin/ivr?done=restored&version=1');
    const draftPage = await admin.get('/staff/admin/ivr');
    assert.match(textOf(draftPage.body, 'ivr-draft') ?? '', /^您的草稿：基于第 4 版，.*（由第 1 版恢复）$/);
    assert.deepEqual(treeOf(draftPage.body).options, OPTIONS_OF_DEFAULT);
    assert.deepEqual(await versions(), [4, 3, 2, 1]);
    assert.equal((await edit('/discard')).statusCode, 303);
  });

  describe('the simulator answers exactly what the voice webhook answers', () => {
    /** The simulator after these keys, and the real webhooks driven with the same keys. */
    async function both(
      keys: string[],
      menu: 'draft' | 'published' = 'published',
      from: string | null = '+8613800138000',
    ) {
      const query = new URLSearchParams({ menu, keys: keys.join('') }).toString();
      const page = await admin.get(`/staff/admin/ivr/simulate?${query}`);
      assert.equal(page.statusCode, 200, page.body);
      const caller = new Caller(hub, from);
      let answer: Answer = await caller.dial();
      for (const key of keys)
        answer = key === '-' ? await caller.silence(answer) : await caller.press(answer, key);
      return { page: page.body, call: spoken(answer) };
    }

    it('through the menu in force: entry, submenu, back to main, repeat, invalid key, silence, strikes', async () => {
      const v4 = await published();
      const cases: string[][] = [[], ['6'], ['6', '*'], ['0'], ['9'], ['-'], ['6', '7'], ['9', '9', '9']];
      for (const keys of cases) {
        const { page, call } = await both(keys);
        assert.deepEqual(hears(page), call, keys.join(''));
      }
      const start = await both([]);
      assert.deepEqual(hears(start.page), [v4.prompts.welcome, v4.nodes[0]?.prompt]);
      assert.deepEqual(listening(start.page), ['1', '2', '3', '4', '5', '6', '0']);
      const more = await both(['6']);
      assert.deepEqual(hears(more.page), ['人工请按1，返回主菜单请按星号键。']);
      assert.deepEqual(listening(more.page), ['1', '*']);
      assert.equal(textOf(more.page, 'sim-path'), '按 6');
      const wrong = await both(['9']);
      assert.deepEqual(hears(wrong.page), [v4.prompts.invalidKey, v4.nodes[0]?.prompt]);
      assert.equal(textOf(wrong.page, 'sim-strikes'), '已连续错误 1 次（满 3 次转人工）。');
      const out = await both(['9', '9', '9']);
      assert.deepEqual(hears(out.page), [v4.prompts.invalidKey, v4.prompts.toOperator]);
      assert.equal(textOf(out.page, 'sim-stop'), '来电者进入人工服务队列。 ');
      // Development mode (no Twilio account): the channel simulator can take the call further.
      assert.match(out.page, /<a href='\/staff\/simulator'>渠道模拟器<\/a>/);
      assert.deepEqual(listening(out.page), []);
      assert.equal(textOf(out.page, 'sim-path'), '按 9 → 按 9 → 按 9');
    });

    it('into each flow of the default menu: what the flow says first, then a note', async () => {
      // The default menu again, published, so every flow has a key.
      const page = await admin.post('/staff/admin/ivr/versions/1/restore', {
        rev: rev((await admin.get('/staff/admin/ivr/versions/1')).body),
      });
      assert.equal(page.statusCode, 303);
      assert.equal((await edit('/publish')).headers.location, '/staff/admin/ivr?done=published&version=5');
      const status = await both(['1']);
      assert.deepEqual(hears(status.page), status.call);
      assert.deepEqual(hears(status.page), [DEFAULT_MENU.prompts.statusAsk]);
      assert.match(textOf(status.page, 'sim-stop') ?? '', /^进入“查询进度”流程/);
      const directory = await both(['5']);
      assert.deepEqual(hears(directory.page), directory.call);
      assert.match(hears(directory.page)[0] ?? '', /^.+请按1；/);
      const operator = await both(['4']);
      assert.deepEqual(hears(operator.page), operator.call);
      assert.deepEqual(hears(operator.page), [DEFAULT_MENU.prompts.toOperator]);
      // A voicemail: the simulator stops at the beep; the TwiML goes on with what follows an empty recording.
      const message = await both(['3']);
      assert.deepEqual(message.call, [DEFAULT_MENU.prompts.messageAsk, DEFAULT_MENU.prompts.goodbye]);
      assert.deepEqual(hears(message.page), [DEFAULT_MENU.prompts.messageAsk]);
      // The simulated caller has no caller ID: the same as a withheld one on the webhooks.
      const subsidy = await both(['2'], 'published', null);
      assert.deepEqual(hears(subsidy.page), subsidy.call);
      assert.deepEqual(hears(subsidy.page), [
        DEFAULT_MENU.prompts.subsidyNoCallerId,
        DEFAULT_MENU.nodes[0]?.prompt,
      ]);
      assert.match(textOf(subsidy.page, 'sim-stop') ?? '', /^进入“补贴查询”流程/);
      // Nothing was written about the simulated calls.
      assert.equal(await hub.app.store.calls.model.countDocuments({ _id: 'CA-simulated' }), 0);
      assert.equal(await hub.app.store.calls.events.countDocuments({ callSid: 'CA-simulated' }), 0);
    });

    it('after hours the engine answers the entry with the after-hours prompt and a voicemail', async () => {
      const now = toLocal(new Date(), 'Asia/Shanghai').minutes;
      const closed = now < 12 * 60 ? { from: '13:00', to: '14:00' } : { from: '01:00', to: '02:00' };
      const app = hub.app;
      const steps = await simulateCall(
        {
          store: app.store,
          redis: app.redis,
          intake: () => Promise.reject(new Error('no intake')),
          core: app.tickets.deps,
          calendar: () => app.routingService.tables().calendar,
          settings: {
            operatorQueue: 'hotline',
            queueMaxWaitSeconds: 300,
            transcribe: false,
            hours: { kind: 'daily', windows: [closed] },
            timeZone: 'Asia/Shanghai',
          },
          now: () => new Date(),
        },
        { ...DEFAULT_MENU, version: 1, updatedAt: new Date(), updatedBy: 'system' },
        ['1'],
      );
      assert.deepEqual(steps, [{ said: [DEFAULT_MENU.prompts.afterHours], next: { kind: 'voicemail' } }]);
    });

    it('plays the draft, not the version in force', async () => {
      assert.equal(
        (await edit('/nodes/main/prompt', { prompt: '草稿里的主菜单：重听请按0。' })).statusCode,
        303,
      );
      const draft = await admin.get('/staff/admin/ivr/simulate?menu=draft&keys=0');
      assert.deepEqual(hears(draft.body), ['草稿里的主菜单：重听请按0。']);
      const live = await admin.get('/staff/admin/ivr/simulate?menu=published&keys=0');
      assert.deepEqual(hears(live.body), [DEFAULT_MENU.nodes[0]?.prompt]);
      assert.equal((await admin.get('/staff/admin/ivr/simulate?keys=ab')).statusCode, 400);
      assert.equal((await edit('/discard')).statusCode, 303);
    });
  });
});
