import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** What an SMTP client heard: 250 with the server's text, or the refusal's code. */
export type SmtpAnswer = { ok: true; response: string } | { ok: false; responseCode: number; code: string };

/** A real SMTP client (nodemailer) for the hub's inbound listener on loopback. */
export function mailClient(port: number) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5_000,
    socketTimeout: 20_000,
  });
  const answer = async (send: () => Promise<{ response: string }>): Promise<SmtpAnswer> => {
    try {
      const info = await send();
      return { ok: true, response: info.response };
    } catch (error) {
      const e = error as { responseCode?: number; code?: string };
      if (typeof e.responseCode !== 'number') throw error;
      return { ok: false, responseCode: e.responseCode, code: e.code ?? '' };
    }
  };
  return {
    /** Sends bytes as they are, with the given envelope ('' = MAIL FROM:<>). */
    sendRaw: (raw: Buffer | string, envelope: { from: string; to: string[] }) =>
      answer(async () => transport.sendMail({ envelope, raw })),
    /** Builds the mail with nodemailer (attachments, headers …) and sends it. */
    send: (mail: Mail.Options) => answer(async () => transport.sendMail(mail)),
    close: () => {
      transport.close();
    },
  };
}

/** The listener's EHLO answer lines (what it advertises). */
export async function ehlo(port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    let sent = false;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      buffer += data;
      if (!sent && /^220 .*\r\n/m.test(buffer)) {
        sent = true;
        buffer = '';
        socket.write('EHLO test.example\r\n');
      } else if (sent && /^250 .*\r\n/m.test(buffer)) {
        socket.end('QUIT\r\n');
        resolve(buffer.split('\r\n').filter((line) => line.length > 0));
      }
    });
    socket.on('error', reject);
  });
}
