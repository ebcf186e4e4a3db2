import assert from 'node:assert/strict';
import twilio from 'twilio';
import type { TestHub } from './hub.js';
import { postTwilioForm } from './twilio-webhook.js';
import { textOf, twimlVerbs, type XmlElement } from './twiml.js';

/**
 * A caller on the hotline, as Twilio would drive our IVR: every request POSTed to the absolute URL
 * our TwiML named, with Twilio's call parameters, signed with the SDK's own function.
 */

export const PUBLIC_URL = 'https://hub.example.gov.cn';
export const AUTH_TOKEN = 'test-twilio-auth-token';
export const VOICE_URL = `${PUBLIC_URL}/webhooks/twilio/voice`;
/** What every IVR test hub runs with. */
export const IVR_ENV = {
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  PUBLIC_URL,
  QUIET_HOURS: '',
  NOTIFY_THROTTLE_MS: '0',
};

export interface Answer {
  status: number;
  body: string;
  verbs: XmlElement[];
}

export function sign(url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
}

let nextSid = 0;
/** A fresh, well-formed CallSid. */
export function newCallSid(): string {
  nextSid++;
  return `CA${String(Date.now()).padStart(16, '0')}${String(nextSid).padStart(16, '0')}`;
}

/** POSTs signed (or with the signature given / none) to an absolute URL of the hub. */
export async function postSigned(
  hub: TestHub,
  url: string,
  params: Record<string, string>,
  signature: string | null = sign(url, params),
): Promise<{ status: number; body: string }> {
  assert.ok(url.startsWith(PUBLIC_URL), `${url} is not under PUBLIC_URL`);
  const response = await postTwilioForm(hub, url.slice(PUBLIC_URL.length), params, signature);
  return { status: response.statusCode, body: response.body };
}

export class Caller {
  readonly callSid = newCallSid();

  constructor(
    private readonly hub: TestHub,
    /** Caller ID; null: withheld (Twilio says `anonymous`). */
    readonly from: string | null = '+8613800138000',
    readonly to = '+8612345',
  ) {}

  params(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AccountSid: 'AC00000000000000000000000000000001',
      CallSid: this.callSid,
      From: this.from ?? 'anonymous',
      To: this.to,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  /** A TwiML answer: 200, text/xml, parsed verb by verb. */
  async post(url: string, extra: Record<string, string> = {}): Promise<Answer> {
    const { status, body } = await postSigned(this.hub, url, this.params(extra));
    assert.equal(status, 200, body);
    return { status, body, verbs: twimlVerbs(body) };
  }

  dial(): Promise<Answer> {
    return this.post(VOICE_URL);
  }

  /** Keys pressed into the answer's `<Gather>`: Twilio posts them to its action. */
  press(answer: Answer, digits: string): Promise<Answer> {
    return this.post(gatherOf(answer).attributes.action ?? '', { Digits: digits });
  }

  /** Nothing pressed: Twilio falls through the `<Gather>` to the `<Redirect>` after it. */
  silence(answer: Answer): Promise<Answer> {
    const redirect = verb(answer, 'Redirect');
    return this.post(textOf(redirect));
  }
}

/** The one verb of that name in the answer. */
export function verb(answer: Answer, name: string): XmlElement {
  const found = answer.verbs.filter((v) => v.name === name);
  assert.equal(found.length, 1, `one <${name}> in ${answer.body}`);
  return found[0] as XmlElement;
}

export function gatherOf(answer: Answer): XmlElement {
  return verb(answer, 'Gather');
}

/** Verb names in order, e.g. `Say Gather Redirect`. */
export function shape(answer: Answer): string {
  return answer.verbs.map((v) => v.name).join(' ');
}

/** Every `<Say>` text, at the top level and inside gathers, in order. */
export function spoken(answer: Answer): string[] {
  return answer.verbs.flatMap((v) =>
    v.name === 'Say'
      ? [textOf(v)]
      : v.children.flatMap((c) => (typeof c !== 'string' && c.name === 'Say' ? [textOf(c)] : [])),
  );
}

/** Every `<Say>` (also inside a gather) speaks Mandarin with the configured voice. */
export function assertVoice(answer: Answer, voice = 'Polly.Zhiyu', language = 'cmn-CN'): void {
  const says = answer.verbs.flatMap((v) =>
    v.name === 'Say'
      ? [v]
      : v.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'Say'),
  );
  assert.ok(says.length > 0, `no <Say> in ${answer.body}`);
  for (const say of says) assert.deepEqual(say.attributes, { language, voice });
}

/** A step URL split into its path and query fields. */
export function stepOf(url: string | undefined): { path: string; query: Record<string, string> } {
  assert.ok(url, 'a URL');
  const parsed = new URL(url);
  assert.equal(parsed.origin, PUBLIC_URL);
  return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) };
}
