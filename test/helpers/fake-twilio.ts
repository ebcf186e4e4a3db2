import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
import { FakeLiveCalls } from './fake-twilio-live-calls.js';

/**
 * A local stand-in for Twilio's REST API (2010-04-01 Messages and Calls), for the real SDK pointed
 * at it through `createTwilioClient({ apiUrl })`. It checks Basic auth, answers with Twilio's
 * resource, list and error shapes, records every request, and can be told to fail or to post
 * signed status callbacks. Loopback only: it listens on 127.0.0.1 and posts callbacks only there
 * unless the test gives its own `deliver`.
 */

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Added before every answer. */
  latencyMs?: number;
}

/** One answer to give instead of success; `code` and `message` go into Twilio's JSON error body. */
export interface FakeFailure {
  status: number;
  code?: number;
  message?: string;
  /** Sent as the Retry-After header (seconds or an HTTP date). */
  retryAfter?: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The posted form; a field sent more than once (StatusCallbackEvent) is an array. */
  form: Record<string, string | string[]>;
  /** The Basic auth user name (the Account SID the SDK authenticates with). */
  authUser: string | undefined;
}

export interface FakeMessage {
  sid: string;
  to: string;
  /** Null when a Messaging Service has not picked the sender yet. */
  from: string | null;
  body: string;
  messagingServiceSid: string | null;
  status: string;
  numSegments: number;
  dateCreated: Date;
  errorCode: number | null;
  statusCallback: string | undefined;
}

export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  twiml: string | undefined;
  status: string;
  dateCreated: Date;
  statusCallback: string | undefined;
  statusCallbackEvent: string[];
}

/** A status callback as Twilio would post it, with its X-Twilio-Signature. */
export interface StatusCallback {
  url: string;
  params: Record<string, string>;
  signature: string;
}

export interface StatusCallbackMode {
  /** The auth token Twilio signs with (the hub verifies with the same one). */
  authToken: string;
  /** How to deliver (e.g. through `app.inject`); default: POST with fetch, loopback URLs only. */
  deliver?: (callback: StatusCallback) => Promise<void>;
}

/** How a message or call ends in the status callbacks; default `delivered` / `completed`. */
export type FakeOutcome =
  | { status: 'delivered' }
  | { status: 'undelivered' | 'failed'; errorCode: number }
  | { status: 'completed' | 'busy' | 'no-answer' | 'failed' };

const API = '/2010-04-01';
const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/;

/** Twilio's own wording for the codes tests use; `{to}` / `{from}` are filled in. */
const ERROR_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20429: 'Too Many Requests',
  21211: "The 'To' number {to} is not a valid phone number.",
  21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.",
  21610: 'Attempt to send to unsubscribed recipient',
  21612:
    "The 'To' phone number: {to}, is not currently reachable using the 'From' phone number: {from} via SMS.",
  21614: "'To' number is not a valid mobile number",
};

export class FakeTwilio {
  readonly requests: ReceivedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  readonly calls: FakeCall[] = [];
  /** Calls in progress, their updates and conference participants (fake-twilio-live-calls.ts). */
  readonly live: FakeLiveCalls;
  /** Every status callback posted, with the HTTP status it got or the error it met. */
  readonly statusCallbacks: (StatusCallback & { response?: number; error?: string })[] = [];
  /** TCP connections accepted: shows whether the client keeps its connections alive. */
  connections = 0;
  latencyMs: number;
  /** The fake's clock for `date_created`; tests move it to make old messages. */
  now: () => Date = () => new Date();
  /**
   * Told of each message created; the answer goes back once it returns (a test's moment to crash
   * something between the provider taking a message and the client hearing so).
   */
  onMessage: ((message: FakeMessage) => void | Promise<void>) | undefined;

  readonly #options: FakeTwilioOptions;
  readonly #server: Server;
  readonly #failures = new Map<string, FakeFailure[]>();
  readonly #outcomes = new Map<string, FakeOutcome>();
  readonly #pending = new Set<Promise<void>>();
  readonly #closing = new AbortController();
  #callbacks: StatusCallbackMode | undefined;
  #url = '';

  constructor(options: FakeTwilioOptions) {
    this.#options = options;
    this.live = new FakeLiveCalls(options.accountSid);
    this.latencyMs = options.latencyMs ?? 0;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.#json(res, 500, { code: 20500, message: String(err), status: 500 });
        else res.destroy();
      });
    });
    this.#server.on('connection', () => {
      this.connections += 1;
    });
  }

  /** `http://127.0.0.1:<port>`, for `createTwilioClient({ apiUrl })`. */
  get url(): string {
    return this.#url;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.#url;
  }

  /** Stops listening, drops open connections, waits for status callbacks under way. */
  async close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    this.#server.closeAllConnections();
    await closed;
    await this.idle();
  }

  /** The next create (message or call) to `to` answers with this failure; queue several in order. */
  failNext(to: string, failure: FakeFailure): void {
    this.#failures.set(to, [...(this.#failures.get(to) ?? []), failure]);
  }

  /** How messages and calls to `to` end in their status callbacks. */
  outcomeFor(to: string, outcome: FakeOutcome): void {
    this.#outcomes.set(to, outcome);
  }

  /** After each create with a StatusCallback: post `sent`, then the outcome, signed as Twilio signs. */
  sendStatusCallbacks(mode: StatusCallbackMode | undefined): void {
    this.#callbacks = mode;
  }

  /** Resolves when every status callback started so far has been posted. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const form = parseForm(await readBody(req));
    const authUser = basicAuth(req.headers.authorization);
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form,
      authUser: authUser?.user,
    });
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: this.#closing.signal });

    if (authUser?.user !== this.#options.accountSid || authUser.password !== this.#options.authToken) {
      this.#json(res, 401, {
        code: 20003,
        detail: 'Your AccountSid or AuthToken was incorrect.',
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
      return;
    }
    const liveAnswer = this.live.handle(req.method ?? '', url.pathname, form);
    if (liveAnswer) {
      this.#json(res, liveAnswer.status, liveAnswer.body);
      return;
    }
    const route = ROUTE.exec(url.pathname);
    if (route?.[1] !== this.#options.accountSid) {
      this.#error(res, {
        status: 404,
        code: 20404,
        message: `The requested resource ${url.pathname} was not found`,
      });
      return;
    }
    const kind = route[2] === 'Messages' ? 'messages' : 'calls';
    if (req.method === 'POST' && kind === 'messages') await this.#createMessage(res, form);
    else if (req.method === 'POST') this.#createCall(res, form);
    else if (req.method === 'GET') this.#list(res, kind, url.searchParams);
    else this.#error(res, { status: 405, code: 20004, message: 'Method not allowed' });
  }

  async #createMessage(res: ServerResponse, form: Record<string, string | string[]>): Promise<void> {
    const to = one(form.To);
    const from = one(form.From);
    const service = one(form.MessagingServiceSid);
    const body = one(form.Body);
    const invalid =
      to === undefined
        ? ([21604, "A 'To' phone number is required."] as const)
        : from === undefined && service === undefined
          ? ([21603, "A 'From' phone number is required."] as const)
          : body === undefined
            ? ([21602, 'Message body is required.'] as const)
            : undefined;
    if (to === undefined || body === undefined || invalid !== undefined) {
      this.#error(res, { status: 400, code: invalid?.[0], message: invalid?.[1] });
      return;
    }
    if (this.#failed(res, to, from)) return;

    // Through a Messaging Service Twilio answers before picking a sender: no From, 0 segments yet.
    const viaService = from === undefined;
    const message: FakeMessage = {
      sid: sid('SM'),
      to,
      from: from ?? null,
      body,
      messagingServiceSid: service ?? null,
      status: viaService ? 'accepted' : 'queued',
      numSegments: viaService ? 0 : segments(body),
      dateCreated: this.now(),
      errorCode: null,
      statusCallback: one(form.StatusCallback),
    };
    this.messages.push(message);
    await this.onMessage?.(message);
    this.#json(res, 201, this.#messageResource(message));
    if (message.statusCallback !== undefined) this.#later(() => this.#messageCallbacks(message));
  }

  #createCall(res: ServerResponse, form: Record<string, string | string[]>): void {
    const to = one(form.To);
    const from = one(form.From);
    const invalid =
      to === undefined
        ? ([21201, "No 'To' number is specified"] as const)
        : from === undefined
          ? ([21213, "No 'From' number is specified"] as const)
          : form.Twiml === undefined && form.Url === undefined && form.ApplicationSid === undefined
            ? ([21205, 'Url parameter is required.'] as const)
            : undefined;
    if (to === undefined || from === undefined || invalid !== undefined) {
      this.#error(res, { status: 400, code: invalid?.[0], message: invalid?.[1] });
      return;
    }
    if (this.#failed(res, to, from)) return;
    const call: FakeCall = {
      sid: sid('CA'),
      to,
      from,
      twiml: one(form.Twiml),
      status: 'queued',
      dateCreated: this.now(),
      statusCallback: one(form.StatusCallback),
      statusCallbackEvent: [form.StatusCallbackEvent ?? []].flat(),
    };
    this.calls.push(call);
    this.#json(res, 201, this.#callResource(call));
    if (call.statusCallback !== undefined) this.#later(() => this.#callCallback(call));
  }

  /** Newest first, filtered on To / From, paged like Twilio (Page, PageSize ≤ 1000, default 50). */
  #list(res: ServerResponse, kind: 'messages' | 'calls', query: URLSearchParams): void {
    const to = query.get('To');
    const from = query.get('From');
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
    const page = Number(query.get('Page') ?? 0) || 0;
    const records: (FakeMessage | FakeCall)[] = kind === 'messages' ? this.messages : this.calls;
    const matching = records
      .filter((r) => (to === null || r.to === to) && (from === null || r.from === from))
      .reverse();
    const start = page * pageSize;
    const slice = matching.slice(start, start + pageSize);
    const pageUri = (n: number) => {
      const q = new URLSearchParams(query);
      q.set('PageSize', String(pageSize));
      q.set('Page', String(n));
      return `${API}/Accounts/${this.#options.accountSid}/${kind === 'messages' ? 'Messages' : 'Calls'}.json?${q.toString()}`;
    };
    this.#json(res, 200, {
      [kind]: slice.map((r) => ('body' in r ? this.#messageResource(r) : this.#callResource(r))),
      end: Math.max(start, start + slice.length - 1),
      first_page_uri: pageUri(0),
      next_page_uri: start + pageSize < matching.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start,
      uri: pageUri(page),
    });
  }

  /** Answers with the next queued failure for `to`, if any. */
  #failed(res: ServerResponse, to: string, from: string | undefined): boolean {
    const failure = this.#failures.get(to)?.shift();
    if (failure === undefined) return false;
    const template = failure.code === undefined ? undefined : ERROR_MESSAGES[failure.code];
    const message =
      failure.message ??
      template?.replace('{to}', to).replace('{from}', from ?? '') ??
      'Internal Server Error';
    this.#error(res, { ...failure, message });
    return true;
  }

  #error(res: ServerResponse, failure: FakeFailure): void {
    const headers: Record<string, string> =
      failure.retryAfter === undefined ? {} : { 'retry-after': failure.retryAfter };
    const body: Record<string, unknown> = { message: failure.message ?? 'Error', status: failure.status };
    if (failure.code !== undefined) {
      body.code = failure.code;
      body.more_info = `https://www.twilio.com/docs/errors/${failure.code}`;
    }
    this.#json(res, failure.status, body, headers);
  }

  #json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  #messageResource(m: FakeMessage): Record<string, unknown> {
    const uri = `${API}/Accounts/${this.#options.accountSid}/Messages/${m.sid}`;
    return {
      account_sid: this.#options.accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: null,
      date_updated: rfc2822(m.dateCreated),
      direction: 'outbound-api',
      error_code: m.errorCode,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: '0',
      num_segments: String(m.numSegments),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${uri}/Media.json` },
      to: m.to,
      uri: `${uri}.json`,
    };
  }

  #callResource(c: FakeCall): Record<string, unknown> {
    const uri = `${API}/Accounts/${this.#options.accountSid}/Calls/${c.sid}`;
    return {
      account_sid: this.#options.accountSid,
      annotation: null,
      answered_by: null,
      api_version: '2010-04-01',
      caller_name: null,
      date_created: rfc2822(c.dateCreated),
      date_updated: rfc2822(c.dateCreated),
      direction: 'outbound-api',
      duration: null,
      end_time: null,
      forwarded_from: null,
      from: c.from,
      from_formatted: c.from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      price: null,
      price_unit: 'USD',
      queue_time: '0',
      sid: c.sid,
      // A queued call has not been dialled: no start time yet.
      start_time: null,
      status: c.status,
      subresource_uris: { notifications: `${uri}/Notifications.json`, recordings: `${uri}/Recordings.json` },
      to: c.to,
      to_formatted: c.to,
      trunk_sid: null,
      uri: `${uri}.json`,
    };
  }

  /** Runs `work` after the answer has gone out, as Twilio does; tracked so `idle`/`close` can wait. */
  #later(work: () => Promise<void>): void {
    if (this.#callbacks === undefined) return;
    const done = work().finally(() => this.#pending.delete(done));
    this.#pending.add(done);
  }

  async #messageCallbacks(m: FakeMessage): Promise<void> {
    const outcome = this.#outcomes.get(m.to) ?? { status: 'delivered' };
    const base = {
      AccountSid: this.#options.accountSid,
      ApiVersion: '2010-04-01',
      From: m.from ?? '',
      MessageSid: m.sid,
      SmsSid: m.sid,
      To: m.to,
    };
    m.status = 'sent';
    await this.#post(m.statusCallback, { ...base, MessageStatus: 'sent', SmsStatus: 'sent' });
    m.status = outcome.status;
    const errorCode = 'errorCode' in outcome ? outcome.errorCode : undefined;
    m.errorCode = errorCode ?? null;
    await this.#post(m.statusCallback, {
      ...base,
      MessageStatus: outcome.status,
      SmsStatus: outcome.status,
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
    });
  }

  async #callCallback(c: FakeCall): Promise<void> {
    const outcome = this.#outcomes.get(c.to)?.status ?? 'completed';
    c.status = outcome === 'delivered' || outcome === 'undelivered' ? 'completed' : outcome;
    await this.#post(c.statusCallback, {
      AccountSid: this.#options.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: c.sid,
      CallStatus: c.status,
      Called: c.to,
      Caller: c.from,
      Direction: 'outbound-api',
      From: c.from,
      To: c.to,
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
      ...(c.status === 'completed' ? { CallDuration: '12', Duration: '1' } : {}),
    });
  }

  async #post(url: string | undefined, params: Record<string, string>): Promise<void> {
    const mode = this.#callbacks;
    if (url === undefined || mode === undefined) return;
    const callback: StatusCallback = {
      url,
      params,
      signature: twilio.getExpectedTwilioSignature(mode.authToken, url, params),
    };
    const record: (typeof this.statusCallbacks)[number] = { ...callback };
    this.statusCallbacks.push(record);
    try {
      if (mode.deliver) await mode.deliver(callback);
      else record.response = await postLoopback(callback);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
  }
}

async function postLoopback(callback: StatusCallback): Promise<number> {
  const host = new URL(callback.url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`not a loopback URL (${host}): give sendStatusCallbacks a deliver function`);
  }
  const response = await fetch(callback.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': callback.signature,
    },
    body: new URLSearchParams(callback.params).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

// GSM 03.38: the basic set costs one septet per character, the extension set two (escape + char).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('\f^{}\\[~]|€');

/**
 * Segments as Twilio bills them: GSM-7 when every character fits (160 septets, or 153 per part
 * once split), otherwise UCS-2 (70 UTF-16 units, or 67 per part).
 */
export function segments(body: string): number {
  let septets = 0;
  for (const char of body) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENDED.has(char)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

/** Twilio's dates: `Wed, 18 Aug 2010 20:01:40 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseForm(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = form[key];
    form[key] = previous === undefined ? value : [previous, value].flat();
  }
  return form;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
