import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSms } from '../../src/channels/sms/keywords.js';
import { issueToken, startHub, type TestHub } from '../helpers/hub.js';

interface KeywordJson {
  id: string;
  initials?: string;
  words: string[];
  kind: string;
  category: string;
  version: number;
  active: boolean;
}

/** The custom SMS keywords through the staff API: the page's use-cases, for integrations. */
describe('SMS keywords API (/api/v1/sms/keywords)', () => {
  let hub: TestHub;
  const stored = async () => JSON.stringify(await hub.app.store.smsKeywords.list());
  const audits = async (action: string) =>
    (await hub.app.store.audit.model.find({ action }).sort({ at: 1, _id: 1 }).lean()).map((e) => e.fields);

  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('adds, changes and deletes a keyword; the parser in this process reads it at once', async () => {
    const created = await hub.request({
      method: 'POST',
      url: '/api/v1/sms/keywords',
      payload: { initials: 'GN', words: ['供暖'], kind: 'complaint', category: '供暖' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const gn = created.json<KeywordJson>();
    assert.deepEqual(
      { initials: gn.initials, words: gn.words, kind: gn.kind, category: gn.category, version: gn.version },
      { initials: 'GN', words: ['供暖'], kind: 'complaint', category: '供暖', version: 1 },
    );
    const parsed = parseSms('GN 暖气不热', { keywords: hub.app.smsKeywords.current(), at: new Date() });
    if (parsed.type !== 'open') assert.fail(`GN opens a ticket, not ${parsed.type}`);
    assert.deepEqual([parsed.kind, parsed.custom?.category], ['complaint', '供暖']);

    const listed = await hub.request({ method: 'GET', url: '/api/v1/sms/keywords' });
    assert.deepEqual(
      listed.json<KeywordJson[]>().map((k) => [k.id, k.initials, k.version]),
      [[gn.id, 'GN', 1]],
    );

    const before = await stored();
    const stale = await hub.request({
      method: 'PUT',
      url: `/api/v1/sms/keywords/${gn.id}`,
      payload: { version: 2, initials: 'GN', words: ['暖气'], kind: 'complaint', category: '供暖' },
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<{ code: string }>().code, 'HUB_ERR_VERSION_CONFLICT');
    assert.equal(await stored(), before);

    const changed = await hub.request({
      method: 'PUT',
      url: `/api/v1/sms/keywords/${gn.id}`,
      payload: { version: 1, initials: 'GN', words: ['暖气'], kind: 'complaint', category: '供暖' },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json<KeywordJson>().words, ['暖气']);
    assert.equal(changed.json<KeywordJson>().version, 2);

    const gone = await hub.request({ method: 'DELETE', url: `/api/v1/sms/keywords/${gn.id}?version=2` });
    assert.equal(gone.statusCode, 200, gone.body);
    assert.equal(await stored(), '[]');
    assert.equal(
      parseSms('GN 暖气不热', { keywords: hub.app.smsKeywords.current(), at: new Date() }).type,
      'text',
    );
    assert.deepEqual(await audits('save_sms_keyword'), [
      [gn.id, 'GN/供暖'],
      [gn.id, 'GN/暖气'],
    ]);
    assert.equal((await audits('delete_sms_keyword')).length, 1);
  });

  it('refuses a built-in keyword with the field and code, and stores nothing', async () => {
    const before = await stored();
    const refused = await hub.request({
      method: 'POST',
      url: '/api/v1/sms/keywords',
      payload: { initials: 'CX', words: [], kind: 'consultation', category: '社保' },
    });
    assert.equal(refused.statusCode, 400);
    const body = refused.json<{ code: string; details: { problems: unknown[] } }>();
    assert.equal(body.code, 'HUB_ERR_VALIDATION');
    assert.deepEqual(body.details.problems, [
      { path: '/initials', message: 'builtIn', values: { keyword: 'CX' } },
    ]);
    assert.equal(await stored(), before);
  });

  it('is for admins only', async () => {
    const token = await issueToken(hub, 'supervisor');
    const refused = await hub.request({ method: 'GET', url: '/api/v1/sms/keywords', token });
    assert.equal(refused.statusCode, 403);
  });
});
