import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { returnPath } from '../../src/channels/email/imap-poll.js';
import { reconnectDelay } from '../../src/channels/email/imap-poller.js';
import { parseImapUrl } from '../../src/channels/email/imap-url.js';

describe('parseImapUrl', () => {
  it('decodes user, password and mailbox, and keys the cursor without the password', () => {
    assert.deepEqual(
      parseImapUrl('imap://12345%40Hub.Example:p%40ss%2Fw%23rd%3F@Mail.Example:1143/%E5%B8%82%E6%B0%91'),
      {
        host: 'mail.example',
        port: 1143,
        secure: false,
        user: '12345@Hub.Example',
        password: 'p@ss/w#rd?',
        mailbox: '市民',
        key: 'imap://12345@hub.example@mail.example:1143/市民',
      },
    );
  });

  it('defaults to INBOX and the scheme’s port', () => {
    const plain = parseImapUrl('imap://u:p@mail.example');
    assert.deepEqual([plain.mailbox, plain.port, plain.secure], ['INBOX', 143, false]);
    const tls = parseImapUrl('imaps://u:p@mail.example/');
    assert.deepEqual(
      [tls.mailbox, tls.port, tls.secure, tls.key],
      ['INBOX', 993, true, 'imaps://u@mail.example:993/INBOX'],
    );
  });

  it('refuses what it cannot use, without repeating the password', () => {
    for (const [url, message] of [
      ['imap://mail.example/INBOX', /user name and a password/],
      ['imap://u@mail.example', /user name and a password/],
      ['http://u:secret1@mail.example', /imap:\/\/ or imaps:\/\//],
      ['imap://u:%E5%B8@mail.example', /password is not properly percent-encoded/],
      ['not a url', /not a URL/],
    ] as const) {
      assert.throws(
        () => parseImapUrl(url),
        (error: Error) => message.test(error.message) && !error.message.includes('secret1'),
        url,
      );
    }
  });
});

describe('returnPath', () => {
  const h = (text: string): Buffer => Buffer.from(text, 'utf8');
  it('reads the topmost Return-Path, folded or not; <> stays empty', () => {
    assert.equal(returnPath(h('Return-Path: <Zhang@Example.cn>\r\n\r\n')), 'Zhang@Example.cn');
    assert.equal(returnPath(h('Return-Path:\r\n <a@b.cn>\r\nReturn-Path: <old@b.cn>\r\n')), 'a@b.cn');
    assert.equal(returnPath(h('Return-Path: <>\r\n')), '');
    assert.equal(returnPath(h('return-path: bare@b.cn\r\n')), 'bare@b.cn');
    assert.equal(returnPath(h('\r\n')), '');
    assert.equal(returnPath(undefined), '');
  });
});

describe('reconnectDelay', () => {
  it('doubles from the base up to the cap, half of it random', () => {
    const low = (n: number) => reconnectDelay(n, 200, 60_000, () => 0);
    const high = (n: number) => reconnectDelay(n, 200, 60_000, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5].map(low), [100, 200, 400, 800, 1600]);
    assert.deepEqual([1, 2, 3, 4, 5].map(high), [200, 400, 800, 1600, 3200]);
    assert.equal(high(20), 60_000);
    assert.equal(low(20), 30_000);
    assert.equal(high(2000), 60_000, 'no overflow to Infinity or NaN');
  });
});
