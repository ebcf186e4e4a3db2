import { randomBytes } from 'node:crypto';

/**
 * The live-call half of the fake Twilio (fake-twilio.ts routes to it): calls already in progress
 * (an inbound hotline call the test says exists), their updates (`POST …/Calls/{Sid}.json` with new
 * TwiML, a URL or `Status=completed`) and conference participants added by API
 * (`POST …/Conferences/{Sid or FriendlyName}/Participants.json`), in Twilio's resource shapes.
 */

export interface LiveCall {
  sid: string;
  from: string;
  to: string;
  status: string;
  direction: 'inbound' | 'outbound-api';
  /** Every update, in order, as posted. */
  updates: { twiml?: string; url?: string; status?: string; statusCallback?: string }[];
}

export interface FakeParticipant {
  callSid: string;
  conference: string;
  from: string;
  to: string;
  label: string | undefined;
  form: Record<string, string | string[]>;
}

type Form = Record<string, string | string[]>;

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

const LIVE_ROUTE =
  /^\/2010-04-01\/Accounts\/([^/]+)\/(?:Calls\/([^/]+)|Conferences\/([^/]+)\/Participants)\.json$/;

export class FakeLiveCalls {
  readonly live = new Map<string, LiveCall>();
  readonly participants: FakeParticipant[] = [];

  constructor(private readonly accountSid: string) {}

  /** An inbound call in progress (as if Twilio had called our voice webhook); returns its CallSid. */
  add(call: { from: string; to: string; sid?: string }): string {
    const sid = call.sid ?? `CA${randomBytes(16).toString('hex')}`;
    this.live.set(sid, {
      sid,
      from: call.from,
      to: call.to,
      status: 'in-progress',
      direction: 'inbound',
      updates: [],
    });
    return sid;
  }

  /** The answer for a live-call route, or undefined when the path is not one of them. */
  handle(method: string, pathname: string, form: Form): ApiAnswer | undefined {
    const route = LIVE_ROUTE.exec(pathname);
    if (!route || route[1] !== this.accountSid) return undefined;
    const [, , callSid, conference] = route;
    if (callSid !== undefined) return method === 'POST' ? this.#update(callSid, form) : this.#fetch(callSid);
    if (conference !== undefined && method === 'POST')
      return this.#addParticipant(decodeURIComponent(conference), form);
    return { status: 405, body: { code: 20004, message: 'Method not allowed', status: 405 } };
  }

  #fetch(sid: string): ApiAnswer {
    const call = this.live.get(sid);
    return call ? { status: 200, body: this.#resource(call) } : notFound(sid);
  }

  /** Twilio refuses to redirect a call that has ended: 21220. */
  #update(sid: string, form: Form): ApiAnswer {
    const call = this.live.get(sid);
    if (!call) return notFound(sid);
    if (call.status === 'completed')
      return {
        status: 400,
        body: { code: 21220, message: 'Call is not in-progress. Cannot redirect.', status: 400 },
      };
    const update = {
      twiml: one(form.Twiml),
      url: one(form.Url),
      status: one(form.Status),
      statusCallback: one(form.StatusCallback),
    };
    call.updates.push(update);
    if (update.status === 'completed' || update.status === 'canceled') call.status = 'completed';
    return { status: 200, body: this.#resource(call) };
  }

  #addParticipant(conference: string, form: Form): ApiAnswer {
    const from = one(form.From);
    const to = one(form.To);
    if (from === undefined || to === undefined)
      return {
        status: 400,
        body: { code: 21201, message: "No 'To' or 'From' number is specified", status: 400 },
      };
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const participant = { callSid, conference, from, to, label: one(form.Label), form };
    this.participants.push(participant);
    this.live.set(callSid, {
      sid: callSid,
      from,
      to,
      status: 'queued',
      direction: 'outbound-api',
      updates: [],
    });
    return {
      status: 201,
      body: {
        account_sid: this.accountSid,
        call_sid: callSid,
        conference_sid: conference.startsWith('CF') ? conference : `CF${randomBytes(16).toString('hex')}`,
        label: participant.label ?? null,
        status: 'queued',
        muted: false,
        hold: false,
        coaching: false,
        end_conference_on_exit: one(form.EndConferenceOnExit) === 'true',
        start_conference_on_enter: one(form.StartConferenceOnEnter) !== 'false',
        uri: `/2010-04-01/Accounts/${this.accountSid}/Conferences/${conference}/Participants/${callSid}.json`,
      },
    };
  }

  #resource(call: LiveCall): Record<string, unknown> {
    return {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      direction: call.direction,
      from: call.from,
      to: call.to,
      sid: call.sid,
      status: call.status,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${call.sid}.json`,
    };
  }
}

function notFound(sid: string): ApiAnswer {
  return {
    status: 404,
    body: { code: 20404, message: `The requested resource /Calls/${sid}.json was not found`, status: 404 },
  };
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
