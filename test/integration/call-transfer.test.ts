import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_DEPARTMENTS } from '../../src/seed-data.js';
import { checkDigit } from '../../src/tickets/ticket-number.js';
import { FakeTwilio } from '../helpers/fake-twilio.js';
import { issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { AUTH_TOKEN, Caller, IVR_ENV, postSigned, PUBLIC_URL, sign } from '../helpers/ivr-caller.js';
import { textOf, twimlVerbs, type XmlElement } from '../helpers/twiml.js';

const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const HOTLINE_FROM = '+8631112345';
const CALL_STATUS_URL = `${PUBLIC_URL}/webhooks/twilio/voice/call-status`;
const department = DEMO_DEPARTMENTS.find((d) => d.phones[0]?.startsWith('0311-'));
if (!department) throw new Error('the demo data has no department with a 0311 line');
/** The department's line as Twilio dials it: `0311-86681000` → `+8631186681000`. */
const LINE = `+86${(department.phones[0] ?? '').replace(/\D/g, '').slice(1)}`;

/** Operator transfers of live hotline calls, against the fake Twilio's live-call API. */
describe('operator transfers', () => {
  let hub: TestHub;
  let fake: FakeTwilio;
  before(async () => {
    fake = new FakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await fake.start();
    hub = await startHub({
      ...IVR_ENV,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_FROM: HOTLINE_FROM,
      TWILIO_API_URL: fake.url,
    });
  });
  after(async () => {
    await hub.close();
    await fake.close();
  });

  /** A caller who reached the hotline through the IVR (call record made) and is live at Twilio. */
  async function liveCaller(): Promise<Caller> {
    const caller = new Caller(hub);
    await caller.dial();
    fake.live.add({ sid: caller.callSid, from: caller.from ?? '', to: caller.to });
    return caller;
  }

  const transfer = (callSid: string, payload: Record<string, unknown>, token?: string) =>
    hub.request({ method: 'POST', url: `/api/v1/calls/${callSid}/transfer`, payload, token });

  const lastTwiml = (callSid: string): XmlElement[] => {
    const twiml = fake.live.live.get(callSid)?.updates.at(-1)?.twiml;
    assert.ok(twiml, `no TwiML update for ${callSid}`);
    return twimlVerbs(twiml);
  };

  it('links a call to a ticket once; a bad check digit or an unknown ticket changes nothing', async () => {
    const caller = await liveCaller();
    const ticket = await openTicket(hub);
    const link = (number: string) =>
      hub.request({
        method: 'POST',
        url: `/api/v1/calls/${caller.callSid}/ticket`,
        payload: { ticket: number },
      });
    assert.deepEqual((await link(ticket.number)).json(), {
      callSid: caller.callSid,
      ticket: ticket.number,
      linked: true,
    });
    assert.equal((await link(ticket.number)).json<{ linked: boolean }>().linked, false);
    const wrongDigit = `${ticket.number.slice(0, -1)}${(Number(ticket.number.at(-1)) + 1) % 10}`;
    assert.equal((await link(wrongDigit)).json<{ code: string }>().code, 'HUB_ERR_VALIDATION');
    assert.deepEqual(await hub.app.store.calls.ticketsOf(caller.callSid), [ticket.number]);
    const unknownCall = await hub.request({
      method: 'POST',
      url: `/api/v1/calls/CA${'0'.repeat(32)}/ticket`,
      payload: { ticket: ticket.number },
    });
    assert.equal(unknownCall.statusCode, 404);
  });

  it('blind transfer: the caller is told, the department rings with a whisper of the ticket number', async () => {
    const caller = await liveCaller();
    const ticket = await openTicket(hub);
    const response = await transfer(caller.callSid, {
      mode: 'blind',
      department: department.code,
      ticket: ticket.number,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { mode: 'blind', department: department.code, ticket: ticket.number });

    const [say, dial, ...rest] = lastTwiml(caller.callSid);
    assert.equal(rest.length, 0);
    assert.ok(say && dial);
    assert.equal(say.name, 'Say');
    assert.deepEqual(say.attributes, { language: 'cmn-CN', voice: 'Polly.Zhiyu' });
    assert.equal(textOf(say), `正在为您转接${department.name}，请稍候。`);
    assert.equal(dial.name, 'Dial');
    assert.deepEqual(dial.attributes, {
      action: `${PUBLIC_URL}/webhooks/twilio/voice/transfer-result`,
      method: 'POST',
      timeout: '30',
      callerId: HOTLINE_FROM,
    });
    const number = dial.children.find((c): c is XmlElement => typeof c !== 'string');
    assert.ok(number);
    assert.equal(number.name, 'Number');
    assert.equal(textOf(number), LINE);
    const whisperUrl = `${PUBLIC_URL}/webhooks/twilio/voice/whisper?t=${ticket.number}`;
    assert.deepEqual(number.attributes, { url: whisperUrl, method: 'POST' });

    // Twilio fetches the whisper for the department's leg.
    const whisperParams = { CallSid: `CA${'1'.repeat(32)}`, From: HOTLINE_FROM, To: LINE };
    const whisper = await postSigned(hub, whisperUrl, whisperParams);
    assert.equal(whisper.status, 200);
    const [spoken] = twimlVerbs(whisper.body);
    assert.ok(spoken);
    assert.equal(
      textOf(spoken),
      `这是12345热线转来的电话，工单号 ${ticket.number.replace(/(\d)(?=\d)/g, '$1 ')}。请接听。`,
    );

    assert.deepEqual(await hub.app.store.calls.ticketsOf(caller.callSid), [ticket.number]);
    const events = await hub.app.store.calls.eventsOf(caller.callSid);
    assert.ok(events.some((e) => e.type === 'transfer_blind' && e.ticket === ticket.number));
  });

  it('a department that does not answer sends the caller back to the operators; an answered one ends the call', async () => {
    const caller = await liveCaller();
    const url = `${PUBLIC_URL}/webhooks/twilio/voice/transfer-result`;
    const missed = await postSigned(hub, url, caller.params({ DialCallStatus: 'no-answer' }));
    const [say, enqueue] = twimlVerbs(missed.body);
    assert.ok(say && enqueue);
    assert.equal(textOf(say), '转接的部门暂时无人接听，正在为您转回人工服务，请稍候。');
    assert.equal(enqueue.name, 'Enqueue');
    assert.equal(textOf(enqueue), 'hotline-operators');
    const answered = await postSigned(hub, url, caller.params({ DialCallStatus: 'completed' }));
    assert.deepEqual(
      twimlVerbs(answered.body).map((v) => v.name),
      ['Hangup'],
    );
    const outcomes = (await hub.app.store.calls.eventsOf(caller.callSid))
      .filter((e) => e.type === 'transfer_result')
      .map((e) => e.detail);
    assert.deepEqual(outcomes, ['no-answer', 'completed']);
  });

  it('warm transfer: caller and operator meet the department in one conference; the leg is tracked', async () => {
    const caller = await liveCaller();
    const operatorLeg = fake.live.add({ from: '+8631100000001', to: HOTLINE_FROM });
    const response = await transfer(caller.callSid, {
      mode: 'warm',
      department: department.code,
      operatorCallSid: operatorLeg,
    });
    assert.equal(response.statusCode, 200, response.body);
    const result = response.json<{ room: string; departmentCallSid: string }>();
    assert.equal(result.room, `transfer-${caller.callSid}`);

    const statusCallback = `${CALL_STATUS_URL}?parent=${caller.callSid}`;
    const conferenceOf = (verbs: XmlElement[]) => {
      const dial = verbs.find((v) => v.name === 'Dial');
      const conference = dial?.children.find((c): c is XmlElement => typeof c !== 'string');
      assert.ok(conference);
      assert.equal(conference.name, 'Conference');
      assert.equal(textOf(conference), result.room);
      return conference.attributes;
    };
    const common = {
      beep: 'false',
      startConferenceOnEnter: 'true',
      statusCallback,
      statusCallbackEvent: 'join leave end',
    };
    assert.deepEqual(conferenceOf(lastTwiml(caller.callSid)), { ...common, endConferenceOnExit: 'true' });
    assert.deepEqual(conferenceOf(lastTwiml(operatorLeg)), { ...common, endConferenceOnExit: 'false' });

    const [participant] = fake.live.participants;
    assert.ok(participant);
    assert.equal(participant.conference, result.room);
    assert.deepEqual(
      {
        from: participant.from,
        to: participant.to,
        label: participant.label,
        callback: participant.form.StatusCallback,
      },
      { from: HOTLINE_FROM, to: LINE, label: 'department', callback: statusCallback },
    );
    assert.equal(participant.callSid, result.departmentCallSid);
    const leg = await hub.app.store.calls.find(result.departmentCallSid);
    assert.deepEqual(
      { direction: leg?.direction, parent: leg?.parentCallSid, status: leg?.status },
      { direction: 'outbound', parent: caller.callSid, status: 'queued' },
    );

    // The department's leg reports its progress; a late `ringing` never undoes `completed`.
    const report = (status: string, extra: Record<string, string> = {}) => {
      const params = {
        AccountSid: ACCOUNT_SID,
        CallSid: result.departmentCallSid,
        CallStatus: status,
        ...extra,
      };
      return postSigned(hub, statusCallback, params);
    };
    for (const status of ['ringing', 'in-progress']) assert.equal((await report(status)).status, 204);
    assert.equal((await report('completed', { CallDuration: '42' })).status, 204);
    assert.equal((await report('ringing')).status, 204);
    const ended = await hub.app.store.calls.find(result.departmentCallSid);
    assert.ok(ended);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.durationSeconds, 42);
    assert.ok(ended.answeredAt && ended.endedAt);
  });

  it('call status callbacks update the caller’s record; forged or unsigned ones change nothing', async () => {
    const caller = await liveCaller();
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: caller.callSid,
      CallStatus: 'completed',
      CallDuration: '95',
    };
    const forged = await postSigned(
      hub,
      CALL_STATUS_URL,
      params,
      sign(CALL_STATUS_URL, { ...params, CallDuration: '1' }),
    );
    assert.equal(forged.status, 403);
    assert.equal((await postSigned(hub, CALL_STATUS_URL, params, null)).status, 400);
    assert.equal((await hub.app.store.calls.find(caller.callSid))?.status, 'in-progress');

    assert.equal((await postSigned(hub, CALL_STATUS_URL, params)).status, 204);
    const call = await hub.app.store.calls.find(caller.callSid);
    assert.ok(call);
    assert.equal(call.status, 'completed');
    assert.equal(call.durationSeconds, 95);
    // An unknown CallSid is acknowledged and ignored.
    const unknown = { ...params, CallSid: `CA${'9'.repeat(32)}` };
    assert.equal((await postSigned(hub, CALL_STATUS_URL, unknown)).status, 204);
    assert.equal(await hub.app.store.calls.find(unknown.CallSid), undefined);

    // The call is over: no transfer.
    const late = await transfer(caller.callSid, { mode: 'blind', department: department.code });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json<{ code: string }>().code, 'HUB_ERR_CALL_NOT_LIVE');
  });

  it('refuses what cannot be done, before anything moves', async () => {
    const caller = await liveCaller();
    const updates = () => fake.live.live.get(caller.callSid)?.updates.length;
    const code = async (payload: Record<string, unknown>, token?: string) =>
      (await transfer(caller.callSid, payload, token)).json<{ code: string }>().code;
    assert.equal(await code({ mode: 'blind', department: 'NOPE' }), 'HUB_ERR_DEPARTMENT_NOT_FOUND');
    assert.equal(await code({ mode: 'sideways', department: department.code }), 'HUB_ERR_VALIDATION');
    // A well-formed number (check digit right) of a ticket that does not exist.
    const known = (await openTicket(hub)).number;
    const body = `${known.slice(0, 6)}${String(Number(known.slice(6, -1)) + 5000).padStart(known.length - 7, '0')}`;
    const unknown = body + checkDigit(body);
    assert.equal(
      await code({ mode: 'blind', department: department.code, ticket: unknown }),
      'HUB_ERR_TICKET_NOT_FOUND',
    );
    const departmentToken = await issueToken(hub, 'department', department.code);
    assert.equal(
      await code({ mode: 'blind', department: department.code }, departmentToken),
      'HUB_ERR_FORBIDDEN',
    );
    assert.equal(updates(), 0);

    // Twilio says the call has ended (21220) though our record has not heard yet: 409, not 500.
    const live = fake.live.live.get(caller.callSid);
    if (live) live.status = 'completed';
    assert.equal(await code({ mode: 'blind', department: department.code }), 'HUB_ERR_CALL_NOT_LIVE');
  });
});

describe('operator transfers without Twilio', () => {
  it('answer HUB_ERR_TELEPHONY_UNCONFIGURED', async () => {
    const hub = await startHub(IVR_ENV);
    try {
      const caller = new Caller(hub);
      await caller.dial();
      const response = await hub.request({
        method: 'POST',
        url: `/api/v1/calls/${caller.callSid}/transfer`,
        payload: { mode: 'blind', department: department.code },
      });
      assert.equal(response.statusCode, 409);
      assert.equal(response.json<{ code: string }>().code, 'HUB_ERR_TELEPHONY_UNCONFIGURED');
    } finally {
      await hub.close();
    }
  });
});
