import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ehlo } from '../helpers/mail-client.js';
import { freePort } from '../helpers/ports.js';

/** With SMTP_TLS_KEY / SMTP_TLS_CERT the listener offers STARTTLS (and still no AUTH). */
describe('inbound mail over STARTTLS', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-mail-tls-'));
  let hub: TestHub;
  let port: number;

  before(async () => {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    // A throwaway self-signed certificate (openssl is on every machine of ours).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=hub.example.gov.cn',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    port = await freePort();
    hub = await startHub({
      SMTP_PORT: String(port),
      SMTP_HOST: '127.0.0.1',
      SMTP_TLS_KEY: key,
      SMTP_TLS_CERT: cert,
      MAIL_FROM: 'noreply@hub.example.gov.cn',
      RUN_WORKERS: 'false',
    });
  });
  after(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises STARTTLS and takes a mail sent after the upgrade', async () => {
    const lines = await ehlo(port);
    assert.ok(lines.includes('250-STARTTLS') || lines.includes('250 STARTTLS'), lines.join('|'));
    assert.ok(!lines.some((l) => l.includes('AUTH')), lines.join('|'));

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    });
    const raw = readFileSync(new URL('../fixtures/mail/gbk-complaint.eml', import.meta.url));
    const info = await transport.sendMail({
      envelope: { from: 'zhangsan@example.cn', to: ['12345@hub.example.gov.cn'] },
      raw,
    });
    transport.close();
    assert.equal(info.response, '250 2.0.0 Message accepted');
    const mail = await hub.app.store.inboundMails.findById('gbk-complaint-1@mail.example.cn');
    assert.equal(mail?.outcome?.kind, 'ticket');
  });
});
