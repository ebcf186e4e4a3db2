/** One mailbox to poll, read from IMAP_URL. */
export interface ImapAccount {
  host: string;
  port: number;
  /** `imaps://`: TLS from the first byte; `imap://`: STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The mailbox's name as the server lists it (`INBOX` when the URL names none). */
  mailbox: string;
  /**
   * Account and mailbox without the password (`imap://user@host:port/mailbox`): the cursor's key and
   * what logs show.
   */
  key: string;
}

/**
 * `imap://user:pass@host:port/MAILBOX` or `imaps://…` → an {@link ImapAccount}. User, password and
 * mailbox are percent-decoded (an address as user name is `12345%40example.gov.cn`); the port
 * defaults to 143 / 993. Throws a message that names IMAP_URL but never repeats the password.
 */
export function parseImapUrl(text: string): ImapAccount {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('IMAP_URL: not a URL (imap://user:password@host:port/mailbox)');
  }
  const secure = url.protocol === 'imaps:';
  if (!secure && url.protocol !== 'imap:')
    throw new Error('IMAP_URL: the scheme must be imap:// or imaps://');
  // `imap:` is no special scheme to WHATWG URL: the host keeps its case and IPv6 brackets.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error('IMAP_URL: no host');
  const user = decode(url.username, 'user name');
  const password = decode(url.password, 'password');
  if (!user || !password) throw new Error('IMAP_URL: a user name and a password are required');
  const mailbox = decode(url.pathname.replace(/^\/+/, '').replace(/\/+$/, ''), 'mailbox') || 'INBOX';
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  const scheme = secure ? 'imaps' : 'imap';
  const key = `${scheme}://${user.toLowerCase()}@${host}:${port}/${mailbox}`;
  return { host, port, secure, user, password, mailbox, key };
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`IMAP_URL: the ${what} is not properly percent-encoded`);
  }
}
