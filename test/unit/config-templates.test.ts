import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ACKNOWLEDGEMENTS } from '../../src/templates/acknowledgements.js';
import { compileTemplates } from '../../src/templates/renderer.js';

describe('config', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-config-'));

  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.mongodbUri, undefined);
    assert.equal(config.timezone, 'Asia/Shanghai');
  });

  it('generates and keeps a Twilio token for the simulator when none is given', () => {
    const first = loadConfig({ DATA_DIR: dataDir }).twilioAuthToken;
    assert.match(first, /^[0-9a-f]{32}$/);
    assert.equal(loadConfig({ DATA_DIR: dataDir }).twilioAuthToken, first);
    assert.equal(readFileSync(path.join(dataDir, 'twilio-simulator-token'), 'utf8'), first);
    assert.equal(
      loadConfig({ DATA_DIR: dataDir, TWILIO_AUTH_TOKEN: 'given-token-123' }).twilioAuthToken,
      'given-token-123',
    );
  });

  it('names the bad variable', () => {
    assert.throws(() => loadConfig({ DATA_DIR: dataDir, PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ DATA_DIR: dataDir, MONGODB_URI: 'postgres://x' }), /MONGODB_URI/);
    assert.throws(() => loadConfig({ DATA_DIR: dataDir, HUB_API_TOKEN: 'short' }), /HUB_API_TOKEN/);
  });

  it('cleans up', () => {
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('templates', () => {
  const render = compileTemplates(ACKNOWLEDGEMENTS);

  it('renders the acknowledgement in Chinese and English within one SMS part', () => {
    const data = { kind: 'complaint', number: '26112100425', queryCode: '012345' };
    const zh = render('intake.received', 'zh-CN', data);
    assert.equal(zh, '您的投诉已受理，工单号26112100425，查询码012345。');
    assert.ok(Array.from(zh).length <= 70);
    assert.equal(
      render('intake.received', 'en', data),
      'Your complaint was received: ticket 26112100425, query code 012345.',
    );
    assert.equal(render('intake.received', 'fr', data), zh);
  });

  it('fails at compile time on a broken template, and on a missing variable', () => {
    assert.throws(() => compileTemplates({ bad: { 'zh-CN': '{{#if x}}', en: 'ok' } }));
    const strict = compileTemplates({ t: { 'zh-CN': '{{number}}', en: '{{number}}' } });
    assert.throws(() => strict('t', 'en', {}), /number/);
  });
});
