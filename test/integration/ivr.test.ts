import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import { SYSTEM_BUSY } from '../../src/ivr/engine.js';
import { DEMO_DEPARTMENTS, loadDemoCases } from '../../src/seed-data.js';
import { DEMO_APPLICATIONS, DEMO_SUBSIDY_HOUSEHOLDS } from '../../src/subsidies/demo-data.js';
import { checkDigit } from '../../src/tickets/ticket-number.js';
import { residentIdCheckChar } from '../../src/privacy/resident-id.js';
import { addDays, fromLocal, toLocal } from '../../src/time/zoned-time.js';
import {
  assertVoice,
  Caller,
  gatherOf,
  IVR_ENV,
  postSigned,
  shape,
  sign,
  spoken,
  stepOf,
  verb,
  VOICE_URL,
  type Answer,
} from '../helpers/ivr-caller.js';
import { issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { textOf, twimlVerbs } from '../helpers/twiml.js';

const P = DEFAULT_MENU.prompts;
/** `2611…` → `2 6 1 1 …`: how a number is read back. */
const spell = (digits: string) => digits.replace(/(?<=.)(?=.)/g, ' ');

/** The hotline IVR step by step, as Twilio drives it: signed requests, TwiML read verb by verb. */
describe('hotline IVR', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub(IVR_ENV);
    await loadDemoCases(hub.app.store);
  });
  after(async () => {
    await hub.close();
  });

  const pathOf = async (callSid: string) =>
    (await hub.app.store.calls.eventsOf(callSid)).map((e) => `${e.type}${e.detail ? `:${e.detail}` : ''}`);

  /** The main menu's gather, as the entry and every "back to main" answer it. */
  function assertMainMenu(answer: Answer, strikes = 0): void {
    const gather = gatherOf(answer);
    assert.deepEqual(
      { ...gather.attributes, action: stepOf(gather.attributes.action) },
      {
        action: { path: '/webhooks/twilio/voice/choose', query: { v: '1', n: 'main', s: String(strikes) } },
        method: 'POST',
        input: 'dtmf',
        timeout: '6',
        numDigits: '1',
        finishOnKey: '',
      },
    );
    assert.deepEqual(
      gather.children.map((c) => (typeof c === 'string' ? c : `${c.name}:${textOf(c)}`)),
      [`Say:${DEFAULT_MENU.nodes[0]?.prompt ?? ''}`],
    );
    // Silence falls through to the same step.
    assert.equal(textOf(verb(answer, 'Redirect')), gather.attributes.action);
    assert.equal(verb(answer, 'Redirect').attributes.method, 'POST');
    assert.equal(answer.verbs.at(-1)?.name, 'Redirect');
  }

  describe('webhook signatures', () => {
    it('refuses a missing signature (400) and a forged one (403), storing no call', async () => {
      const caller = new Caller(hub);
      const params = caller.params();
      const missing = await postSigned(hub, VOICE_URL, params, null);
      assert.equal(missing.status, 400);
      assert.equal((JSON.parse(missing.body) as { code: string }).code, 'HUB_ERR_BAD_REQUEST');
      const forged = await postSigned(
        hub,
        VOICE_URL,
        params,
        sign(VOICE_URL, { ...params, From: '+8613900000000' }),
      );
      assert.equal(forged.status, 403);
      assert.equal((JSON.parse(forged.body) as { code: string }).code, 'HUB_ERR_FORBIDDEN');
      assert.equal(await hub.app.store.calls.find(caller.callSid), undefined);
      assert.deepEqual(await hub.app.store.calls.eventsOf(caller.callSid), []);
    });

    it('signs the step URL with its query: a state the hub did not write is refused', async () => {
      const caller = new Caller(hub);
      const entry = await caller.dial();
      const action = gatherOf(entry).attributes.action ?? '';
      // The caller (or anyone) rewrites the strikes in the URL: the signature Twilio made no longer holds.
      const tampered = action.replace('s=0', 's=9');
      const params = caller.params({ Digits: '1' });
      const refused = await postSigned(hub, tampered, params, sign(action, params));
      assert.equal(refused.status, 403);
      for (const step of ['recording', 'transcription', 'status', 'queue-wait']) {
        const url = `${VOICE_URL}/${step}`;
        assert.equal((await postSigned(hub, url, params, null)).status, 400, step);
        assert.equal((await postSigned(hub, url, params, sign(`${url}?x=1`, params))).status, 403, step);
      }
      assert.deepEqual(await pathOf(caller.callSid), ['entered:open']);
    });
  });

  describe('failures on our side', () => {
    it('a step it cannot run still answers TwiML: the caller hears so and joins the operator queue', async () => {
      const caller = new Caller(hub);
      // Signed, but not a state the hub writes (no strikes): the engine refuses to guess.
      const answer = await caller.post(`${VOICE_URL}/choose?v=1&n=main`, { Digits: '1' });
      assert.equal(shape(answer), 'Say Enqueue');
      assertVoice(answer);
      assert.deepEqual(spoken(answer), [SYSTEM_BUSY]);
      assert.deepEqual(verb(answer, 'Enqueue').attributes, {});
      assert.equal(textOf(verb(answer, 'Enqueue')), 'hotline-operators');
      const noCall = await postSigned(hub, VOICE_URL, { From: '+8613800138000' });
      assert.equal(noCall.status, 400);
      assert.deepEqual(twimlVerbs(noCall.body), []);
    });
  });

  describe('call entry', () => {
    it('welcomes in Mandarin and offers the main menu; the call is recorded once per CallSid', async () => {
      const caller = new Caller(hub, '138 0013 8000');
      const entry = await caller.dial();
      assert.equal(shape(entry), 'Say Gather Redirect');
      assertVoice(entry);
      assert.equal(textOf(verb(entry, 'Say')), P.welcome);
      assertMainMenu(entry);
      const again = await caller.dial();
      assert.equal(again.body, entry.body);
      const call = await hub.app.store.calls.find(caller.callSid);
      assert.ok(call);
      assert.equal(call.from, '+8613800138000');
      assert.equal(call.menuVersion, 1);
      assert.equal(call.status, 'in-progress');
      assert.deepEqual(await pathOf(caller.callSid), ['entered:open', 'entered_again:open']);
    });

    it('0 says the menu again; timeouts and invalid keys re-prompt, the third strike goes to an operator', async () => {
      const caller = new Caller(hub);
      const entry = await caller.dial();
      const repeated = await caller.press(entry, '0');
      assert.equal(shape(repeated), 'Gather Redirect');
      assertMainMenu(repeated);

      const silent = await caller.silence(repeated);
      assert.equal(shape(silent), 'Say Gather Redirect');
      assert.deepEqual(spoken(silent).slice(0, 1), [P.noInput]);
      assertMainMenu(silent, 1);

      const wrong = await caller.press(silent, '8');
      assert.deepEqual(spoken(wrong).slice(0, 1), [P.invalidKey]);
      assertMainMenu(wrong, 2);

      const third = await caller.silence(wrong);
      assert.equal(shape(third), 'Say Say Enqueue');
      assertVoice(third);
      assert.deepEqual(spoken(third), [P.noInput, P.toOperator]);
      const enqueue = verb(third, 'Enqueue');
      assert.equal(textOf(enqueue), 'hotline-operators');
      assert.equal(stepOf(enqueue.attributes.waitUrl).path, '/webhooks/twilio/voice/queue-wait');
      assert.equal(enqueue.attributes.waitUrlMethod, 'POST');
      assert.equal(stepOf(enqueue.attributes.action).path, '/webhooks/twilio/voice/queue-done');
      assert.deepEqual(await pathOf(caller.callSid), [
        'entered:open',
        'key:repeat',
        'no_input:strike 1',
        'invalid_input:strike 2',
        'no_input:strike 3',
        'enqueued:hotline-operators',
      ]);
    });
  });

  describe('1 — status by keyed number', () => {
    /** Dials, presses 1 and keys `digits` + `#`: the answer to the keyed number. */
    async function keyNumber(caller: Caller, digits: string): Promise<Answer> {
      const entry = await caller.dial();
      const ask = await caller.press(entry, '1');
      assert.equal(shape(ask), 'Gather Redirect');
      assert.deepEqual(spoken(ask), [P.statusAsk]);
      const gather = gatherOf(ask);
      assert.equal(gather.attributes.finishOnKey, '#');
      assert.equal(gather.attributes.numDigits, undefined);
      assert.equal(stepOf(gather.attributes.action).path, '/webhooks/twilio/voice/status');
      return caller.press(ask, digits);
    }

    it('reads the number back digit by digit; 1 keys it again, 2 says the ticket status', async () => {
      const ticket = await openTicket(hub);
      const stored = await hub.app.store.tickets.findByNumber(ticket.number);
      assert.ok(stored);
      const caller = new Caller(hub);
      const readBack = await keyNumber(caller, ticket.number);
      const spelled = spell(ticket.number);
      assert.equal(shape(readBack), 'Gather Redirect');
      assertVoice(readBack);
      assert.deepEqual(spoken(readBack), [`您输入的号码是：${spelled}。确认请按2，重新输入请按1。`]);
      const confirm = gatherOf(readBack);
      assert.deepEqual(stepOf(confirm.attributes.action), {
        path: '/webhooks/twilio/voice/status-confirm',
        query: { v: '1', n: 'main', s: '0', num: ticket.number },
      });
      assert.equal(confirm.attributes.numDigits, '1');

      const again = await caller.press(readBack, '1');
      assert.deepEqual(spoken(again), [P.statusAsk]);
      assert.equal(stepOf(gatherOf(again).attributes.action).path, '/webhooks/twilio/voice/status');

      const status = await caller.press(readBack, '2');
      assert.equal(shape(status), 'Say Gather Redirect');
      const department = stored.leadDepartment
        ? await hub.app.store.departments.findActive(stored.leadDepartment)
        : undefined;
      const words = { received: '已受理，正在分派', dispatched: '已派单至承办单位' } as Record<
        string,
        string
      >;
      assert.ok(words[stored.status], `status ${stored.status}`);
      assert.equal(
        spoken(status)[0],
        `工单${spelled}，当前状态：${words[stored.status] ?? ''}。${department ? `承办单位：${department.name}。` : ''}`,
      );
      assertMainMenu(status);
      assert.deepEqual((await pathOf(caller.callSid)).slice(-1), ['status_query:ticket']);
    });

    it('says an application case (办件) the same way, from the applications store', async () => {
      const application = DEMO_APPLICATIONS[0];
      assert.ok(application);
      const caller = new Caller(hub);
      const readBack = await keyNumber(caller, application.number);
      const status = await caller.press(readBack, '2');
      assert.equal(
        spoken(status)[0],
        `办件${spell(application.number)}，城乡居民基本养老保险待遇申领，当前状态：已办结。承办单位：市人力资源和社会保障局。`,
      );
    });

    it("a caller keying someone else's number with a wrong check digit hears 号码有误 and nothing of it", async () => {
      const mine = await openTicket(hub, { contact: { phone: '13800138000' } });
      const theirs = await openTicket(hub, { body: '楼上噪音扰民', contact: { phone: '13900139000' } });
      const body = theirs.number.slice(0, -1);
      const wrong = body + String((Number(checkDigit(body)) + 1) % 10);
      const caller = new Caller(hub);
      const answer = await keyNumber(caller, wrong);
      assert.equal(shape(answer), 'Say Gather Redirect');
      assert.deepEqual(spoken(answer), [P.statusWrongNumber, P.statusAsk]);
      assert.deepEqual(stepOf(gatherOf(answer).attributes.action).query, { v: '1', n: 'main', s: '1' });
      for (const text of spoken(answer)) {
        assert.ok(!text.includes(spell(theirs.number)) && !text.includes(theirs.number), text);
      }
      // A swap of two adjacent digits is caught too (Damm), so it is never looked up either.
      const i = Array.from(mine.number).findIndex((d, at) => d !== mine.number[at + 1]);
      const swapped =
        mine.number.slice(0, i) +
        (mine.number[i + 1] ?? '') +
        (mine.number[i] ?? '') +
        mine.number.slice(i + 2);
      assert.notEqual(swapped, mine.number);
      const second = await caller.press(answer, swapped);
      assert.deepEqual(spoken(second), [P.statusWrongNumber, P.statusAsk]);
      const third = await caller.press(second, wrong);
      assert.equal(shape(third), 'Say Say Enqueue');
      const path = await pathOf(caller.callSid);
      assert.ok(!path.some((e) => e.startsWith('status_query') || e.startsWith('number_keyed')), path.join());
      assert.ok(path.includes('invalid_input:wrong_check_digit'));
    });

    it('a well-formed number nobody was given: not found, back to the menu', async () => {
      const body = '2001010999';
      const caller = new Caller(hub);
      const readBack = await keyNumber(caller, body + checkDigit(body));
      const status = await caller.press(readBack, '2');
      assert.equal(spoken(status)[0], `没有查到号码${spell(body + checkDigit(body))}的记录。`);
      assertMainMenu(status);
    });
  });

  describe('4 — operator queue', () => {
    it('enqueues with a wait message that says the position, and offers voicemail when the wait ends badly', async () => {
      const caller = new Caller(hub);
      const queued = await caller.press(await caller.dial(), '4');
      assert.equal(shape(queued), 'Say Enqueue');
      assert.deepEqual(spoken(queued), [P.toOperator]);
      const enqueue = verb(queued, 'Enqueue');
      assert.equal(textOf(enqueue), 'hotline-operators');

      const wait = await caller.post(enqueue.attributes.waitUrl ?? '', {
        QueuePosition: '3',
        QueueTime: '40',
        QueueSid: 'QU00000000000000000000000000000001',
        CurrentQueueSize: '5',
        AvgQueueTime: '60',
      });
      assert.equal(shape(wait), 'Say Pause');
      assertVoice(wait);
      assert.deepEqual(spoken(wait), ['座席正忙，您当前排在第3位，请耐心等候。']);
      assert.equal(verb(wait, 'Pause').attributes.length, '15');
      const tooLong = await caller.post(enqueue.attributes.waitUrl ?? '', {
        QueuePosition: '1',
        QueueTime: '301',
      });
      assert.equal(shape(tooLong), 'Leave');

      const left = await caller.post(enqueue.attributes.action ?? '', {
        QueueResult: 'leave',
        QueueTime: '301',
      });
      assert.equal(shape(left), 'Say Record Say Hangup');
      assert.deepEqual(spoken(left), [P.queueFailed, P.goodbye]);
      const bridged = await caller.post(enqueue.attributes.action ?? '', { QueueResult: 'bridged' });
      assert.equal(shape(bridged), 'Hangup');
      assert.deepEqual((await pathOf(caller.callSid)).slice(1), [
        'key:operator',
        'enqueued:hotline-operators',
        'queue_result:left',
        'queue_result:bridged',
      ]);
    });
  });

  describe('2 — subsidy payments', () => {
    /** Dials from `phone` and presses 2. */
    async function subsidy(phone: string | null): Promise<{ caller: Caller; answer: Answer }> {
      const caller = new Caller(hub, phone);
      return { caller, answer: await caller.press(await caller.dial(), '2') };
    }
    /** A valid ID number of 1980-01-01 whose check character is (or is not) X. */
    function idNumber(endsInX: boolean, skip = 0): string {
      let found = 0;
      for (let seq = 100; seq < 1000; seq++) {
        const first17 = `13012319800101${String(seq)}`;
        const check = residentIdCheckChar(first17);
        if ((check === 'X') === endsInX && found++ === skip) return first17 + check;
      }
      throw new Error('no such ID number');
    }

    it('a caller ID registered to one household hears its payments in yuan, newest first', async () => {
      const { caller, answer } = await subsidy('+8613903110001');
      assert.equal(shape(answer), 'Say Say Say Say Say Gather Redirect');
      assertVoice(answer);
      assert.deepEqual(spoken(answer).slice(0, 5), [
        '以下是您家最近4笔补贴记录：',
        '2026年粮食直补，840元，已发放，2026年5月21日。',
        '2025年农资综合直补，412元6角，已发放，2025年6月10日。',
        '2025年粮食直补，834元，已发放，2025年5月22日。',
        '2024年粮食直补，821元5角，已发放，2024年5月20日。',
      ]);
      assertMainMenu(answer);
      assert.deepEqual((await pathOf(caller.callSid)).slice(-1), ['subsidy_query:spoken_by_caller_id']);
    });

    it('a phone serving two households keys the ID tail; only the matching household is said', async () => {
      const { caller, answer } = await subsidy('+8613903110004');
      assert.equal(shape(answer), 'Gather Redirect');
      assert.deepEqual(spoken(answer), [P.subsidyAskIdTail]);
      const gather = gatherOf(answer);
      assert.equal(gather.attributes.finishOnKey, '#');
      assert.equal(stepOf(gather.attributes.action).path, '/webhooks/twilio/voice/subsidy-id');
      const zhang = DEMO_SUBSIDY_HOUSEHOLDS.find((h) => h.headName === '张志刚');
      assert.ok(zhang);
      const payments = await caller.press(answer, zhang.idNumber.slice(-6));
      assert.deepEqual(spoken(payments).slice(0, 4), [
        '以下是您家最近3笔补贴记录：',
        '2026年农资综合直补，301元2角，已退回，2026年6月12日。',
        '2025年农资综合直补，294元1角，已发放，2025年6月10日。',
        '2025年粮食直补，588元3角，已发放，2025年5月22日。',
      ]);
      // His brother's payments (610元2角, 1200元) are never said.
      assert.ok(!spoken(payments).some((t) => t.includes('610元') || t.includes('1200元')));
      assert.deepEqual((await pathOf(caller.callSid)).slice(-1), ['subsidy_query:spoken_by_id_tail']);
    });

    it('three wrong ID tails lock that caller until China-time midnight; the tail is never stored', async () => {
      const phone = '+8613903119990';
      const withX = idNumber(true);
      for (const [i, id] of [withX, idNumber(false)].entries()) {
        await hub.app.store.subsidies.upsertHousehold({
          idNumber: id,
          headName: `测试户${String(i)}`,
          phones: [phone],
        });
      }
      const { caller, answer } = await subsidy(phone);
      const first = await caller.press(answer, '000000');
      assert.deepEqual(spoken(first), [P.subsidyMismatch, P.subsidyAskIdTail]);
      // X keyed as * matches the household whose ID ends in X: the tail is right, the lock untouched.
      const right = await caller.press(first, `${withX.slice(-6, -1)}*`);
      assert.deepEqual(spoken(right).slice(0, 1), [P.subsidyNone]);
      const second = await caller.press(first, '111111');
      assert.deepEqual(spoken(second), [P.subsidyMismatch, P.subsidyAskIdTail]);
      const third = await caller.press(second, '222222');
      assert.equal(shape(third), 'Say Say Gather Redirect');
      assert.deepEqual(spoken(third).slice(0, 2), [P.subsidyMismatch, P.subsidyLocked]);
      assertMainMenu(third);

      // Locked for the day: even the right tail, even on a new call, is not asked for.
      const retried = await caller.press(first, `${withX.slice(-6, -1)}*`);
      assert.deepEqual(spoken(retried).slice(0, 1), [P.subsidyLocked]);
      const later = await subsidy(phone);
      assert.deepEqual(spoken(later.answer).slice(0, 1), [P.subsidyLocked]);

      const contactId = hub.app.store.contacts.idFor({ phone });
      const today = toLocal(new Date(), 'Asia/Shanghai').date;
      const key = `ivr:subsidy-failures:${contactId}:${today}`;
      assert.equal(await hub.app.redis.get(key), '3');
      const expiresAt = await hub.app.redis.pexpiretime(key);
      assert.equal(expiresAt, fromLocal(addDays(today, 1), 0, 'Asia/Shanghai').getTime());
      const events = await hub.app.store.calls.eventsOf(caller.callSid);
      assert.deepEqual(
        events.filter((e) => e.type === 'subsidy_query').map((e) => e.detail),
        ['mismatch', 'spoken_by_id_tail', 'mismatch', 'locked_now'],
      );
      const stored = JSON.stringify(events.map(({ callSid: _sid, at: _at, ...rest }) => rest));
      for (const tail of ['000000', '111111', '222222', withX.slice(-6, -1)])
        assert.ok(!stored.includes(tail));
    });

    it('no caller ID, or one no household registered: nothing is looked up', async () => {
      const withheld = await subsidy(null);
      assert.deepEqual(spoken(withheld.answer).slice(0, 1), [P.subsidyNoCallerId]);
      assertMainMenu(withheld.answer);
      const stranger = await subsidy('+8613700137000');
      assert.deepEqual(spoken(stranger.answer).slice(0, 1), [P.subsidyNotRegistered]);
      assertMainMenu(stranger.answer);
      assert.equal((await hub.app.store.calls.find(withheld.caller.callSid))?.from, undefined);
    });
  });

  describe('3 — leave a message', () => {
    const RECORDING_URL = `${VOICE_URL}/recording`;
    const TRANSCRIPTION_URL = `${VOICE_URL}/transcription`;
    let nextRecording = 0;
    const recordingSid = () => `RE${String(++nextRecording).padStart(32, '0')}`;
    const mediaUrl = (sid: string) =>
      `https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/${sid}`;
    /** Twilio's recording status callback for a finished voicemail. */
    function recordingReport(caller: Caller, sid: string, status = 'completed'): Record<string, string> {
      return {
        AccountSid: 'AC00000000000000000000000000000001',
        CallSid: caller.callSid,
        RecordingSid: sid,
        RecordingUrl: mediaUrl(sid),
        RecordingStatus: status,
        RecordingDuration: '17',
        RecordingChannels: '1',
        RecordingSource: 'RecordVerb',
      };
    }
    function transcript(caller: Caller, sid: string, text: string): Record<string, string> {
      return {
        AccountSid: 'AC00000000000000000000000000000001',
        CallSid: caller.callSid,
        RecordingSid: sid,
        RecordingUrl: mediaUrl(sid),
        TranscriptionSid: `TR${sid.slice(2)}`,
        TranscriptionStatus: 'completed',
        TranscriptionText: text,
        TranscriptionUrl: `${mediaUrl(sid)}/Transcriptions`,
      };
    }

    it('records with a length limit and callbacks; the recording becomes one ticket, however often it is reported', async () => {
      const caller = new Caller(hub, '+8613800138011');
      const ask = await caller.press(await caller.dial(), '3');
      assert.equal(shape(ask), 'Say Record Say Hangup');
      assertVoice(ask);
      assert.deepEqual(spoken(ask), [P.messageAsk, P.goodbye]);
      const record = verb(ask, 'Record');
      assert.deepEqual(
        { ...record.attributes, action: stepOf(record.attributes.action).path },
        {
          action: '/webhooks/twilio/voice/message-done',
          method: 'POST',
          maxLength: '120',
          finishOnKey: '#',
          playBeep: 'true',
          recordingStatusCallback: RECORDING_URL,
          recordingStatusCallbackMethod: 'POST',
          recordingStatusCallbackEvent: 'completed absent',
        },
      );
      const sid = recordingSid();
      const done = await caller.post(record.attributes.action ?? '', {
        RecordingUrl: mediaUrl(sid),
        RecordingDuration: '17',
        Digits: '#',
      });
      assert.equal(shape(done), 'Say Hangup');
      assert.deepEqual(spoken(done), [P.messageThanks]);

      const before = await hub.app.store.tickets.count();
      const report = recordingReport(caller, sid);
      for (let i = 0; i < 3; i++) {
        const reply = await postSigned(hub, RECORDING_URL, report);
        assert.equal(reply.status, 200);
      }
      assert.equal(await hub.app.store.tickets.count(), before + 1);
      const ticket = await hub.app.store.tickets.findBySourceKey(`ivr:${sid}`);
      assert.ok(ticket);
      assert.equal(ticket.channel, 'ivr');
      assert.equal(ticket.body, '电话留言（录音17秒），请收听录音。');
      assert.deepEqual(ticket.attachments, [
        { ref: mediaUrl(sid), name: `${sid}.wav`, contentType: 'audio/wav' },
      ]);
      assert.deepEqual(ticket.source.externalIds, [
        { name: 'CallSid', value: caller.callSid },
        { name: 'RecordingSid', value: sid },
        { name: 'RecordingUrl', value: mediaUrl(sid) },
      ]);
      assert.equal(ticket.contactId, hub.app.store.contacts.idFor({ phone: '+8613800138011' }));
      assert.deepEqual(await hub.app.store.calls.ticketsOf(caller.callSid), [ticket.number]);
      assert.deepEqual(await hub.app.store.calls.callsOfTicket(ticket.number), [caller.callSid]);
      const recordings = (await pathOf(caller.callSid)).filter((e) => e.startsWith('recording'));
      assert.deepEqual(recordings, [`recording:${sid}:completed`]);

      // The transcript, when it comes, is added to that ticket once.
      const text = '我家门口的路灯坏了三天了';
      for (let i = 0; i < 2; i++) {
        assert.equal((await postSigned(hub, TRANSCRIPTION_URL, transcript(caller, sid, text))).status, 200);
      }
      const transcribed = await hub.app.store.tickets.findByNumber(ticket.number);
      assert.ok(transcribed);
      assert.equal(transcribed.body, `电话留言（录音17秒），请收听录音。\n录音转写：${text}`);
      assert.deepEqual(
        transcribed.events.filter((e) => e.type === 'transcribed').map((e) => e.data),
        [{ recording: sid, text }],
      );
      assert.equal(await hub.app.store.tickets.count(), before + 1);
    });

    it('a transcript that arrives first makes the ticket; the late recording report finds it', async () => {
      const caller = new Caller(hub, '+8613800138012');
      await caller.press(await caller.dial(), '3');
      const sid = recordingSid();
      const before = await hub.app.store.tickets.count();
      assert.equal(
        (await postSigned(hub, TRANSCRIPTION_URL, transcript(caller, sid, '咨询社保转移'))).status,
        200,
      );
      assert.equal((await postSigned(hub, RECORDING_URL, recordingReport(caller, sid))).status, 200);
      assert.equal(await hub.app.store.tickets.count(), before + 1);
      const ticket = await hub.app.store.tickets.findBySourceKey(`ivr:${sid}`);
      assert.match(ticket?.body ?? '', /录音转写：咨询社保转移$/);
      assert.equal((await hub.app.store.calls.ticketsOf(caller.callSid)).length, 1);
    });

    it('nothing recorded (absent) makes no ticket; a forged report changes nothing', async () => {
      const caller = new Caller(hub);
      const before = await hub.app.store.tickets.count();
      const absent = recordingReport(caller, recordingSid(), 'absent');
      assert.equal((await postSigned(hub, RECORDING_URL, absent)).status, 200);
      const forged = recordingReport(caller, recordingSid());
      const refused = await postSigned(
        hub,
        RECORDING_URL,
        forged,
        sign(RECORDING_URL, { ...forged, RecordingDuration: '1' }),
      );
      assert.equal(refused.status, 403);
      assert.equal(await hub.app.store.tickets.count(), before);
      assert.deepEqual(await pathOf(caller.callSid), [`recording:${absent.RecordingSid ?? ''}:absent`]);
    });
  });

  describe('5 — department directory (查号)', () => {
    const listed = [...DEMO_DEPARTMENTS].sort((a, b) => (a.code < b.code ? -1 : 1));

    it('lists departments eight to a page, says a number digit by digit and connects with <Dial>', async () => {
      const caller = new Caller(hub);
      const page1 = await caller.press(await caller.dial(), '5');
      assert.equal(shape(page1), 'Gather Redirect');
      assertVoice(page1);
      const entries = (page: typeof listed) => page.map((d, i) => `${d.name}请按${String(i + 1)}；`).join('');
      assert.deepEqual(spoken(page1), [entries(listed.slice(0, 8)), P.directoryTail]);
      assert.deepEqual(stepOf(gatherOf(page1).attributes.action), {
        path: '/webhooks/twilio/voice/directory',
        query: { v: '1', n: 'main', s: '0', p: '0' },
      });
      const page2 = await caller.press(page1, '9');
      assert.deepEqual(spoken(page2), [entries(listed.slice(8, 16)), P.directoryTail]);
      const mzj = listed.slice(8).findIndex((d) => d.code === 'MZJ');
      const number = await caller.press(page2, String(mzj + 1));
      assert.deepEqual(spoken(number), [
        '市民政局的电话是：0 3 1 1，8 6 6 8 1 0 0 2。转接请按1，重听请按2，返回部门列表请按0。',
      ]);
      assert.deepEqual(stepOf(gatherOf(number).attributes.action).query, {
        v: '1',
        n: 'main',
        s: '0',
        p: '1',
        d: 'MZJ',
      });
      assert.deepEqual(spoken(await caller.press(number, '2')), spoken(number));
      assert.deepEqual(spoken(await caller.press(number, '0')), spoken(page2));

      const dial = await caller.press(number, '1');
      assert.equal(shape(dial), 'Say Dial');
      assert.deepEqual(spoken(dial), ['正在为您转接市民政局，请稍候。']);
      const dialVerb = verb(dial, 'Dial');
      assert.equal(textOf(dialVerb), '+8631186681002');
      assert.equal(dialVerb.attributes.timeout, '30');
      assert.equal(dialVerb.attributes.method, 'POST');
      assert.deepEqual(stepOf(dialVerb.attributes.action), {
        path: '/webhooks/twilio/voice/dial-done',
        query: { v: '1', n: 'main', s: '0', p: '1', d: 'MZJ' },
      });
      const noAnswer = await caller.post(dialVerb.attributes.action ?? '', { DialCallStatus: 'no-answer' });
      assert.deepEqual(spoken(noAnswer).slice(0, 1), [P.directoryDialFailed]);
      assertMainMenu(noAnswer);
      const answered = await caller.post(dialVerb.attributes.action ?? '', {
        DialCallStatus: 'completed',
        DialCallDuration: '95',
      });
      assert.equal(shape(answered), 'Say Hangup');
      assert.deepEqual((await pathOf(caller.callSid)).slice(1), [
        'key:directory',
        'directory_lookup:MZJ',
        'dial:MZJ',
        'dial_result:MZJ:no-answer',
        'dial_result:MZJ:answered',
      ]);
    });

    it('* goes back to the main menu; a key with no department re-prompts', async () => {
      const caller = new Caller(hub);
      const page1 = await caller.press(await caller.dial(), '5');
      assertMainMenu(await caller.press(page1, '*'));
      const wrong = await caller.press(page1, '#');
      assert.deepEqual(spoken(wrong)[0], P.invalidKey);
      assert.deepEqual(stepOf(gatherOf(wrong).attributes.action).query, {
        v: '1',
        n: 'main',
        s: '1',
        p: '0',
      });
    });
  });

  describe('call records', () => {
    it('hotline staff see a call with masked phones, its path and its tickets; departments do not', async () => {
      const caller = new Caller(hub, '+8613800138099');
      await caller.press(await caller.dial(), '4');
      const view = await hub.request({ method: 'GET', url: `/api/v1/ivr/calls/${caller.callSid}` });
      assert.equal(view.statusCode, 200, view.body);
      const call = view.json<Record<string, unknown> & { events: { type: string }[] }>();
      assert.equal(call.from, '138****8099');
      assert.equal(call.to, '****2345');
      assert.equal(call.status, 'in-progress');
      assert.deepEqual(call.tickets, []);
      assert.deepEqual(
        call.events.map((e) => e.type),
        ['entered', 'key', 'enqueued'],
      );
      assert.ok(!view.body.includes('13800138099'));
      const operator = await issueToken(hub, 'operator');
      assert.equal(
        (await hub.request({ method: 'GET', url: `/api/v1/ivr/calls/${caller.callSid}`, token: operator }))
          .statusCode,
        200,
      );
      const department = await issueToken(hub, 'department', 'MZJ');
      const refused = await hub.request({
        method: 'GET',
        url: `/api/v1/ivr/calls/${caller.callSid}`,
        token: department,
      });
      assert.equal(refused.statusCode, 403);
      const unknown = await hub.request({ method: 'GET', url: `/api/v1/ivr/calls/CA${'f'.repeat(32)}` });
      assert.equal(unknown.json<{ code: string }>().code, 'HUB_ERR_NOT_FOUND');
    });

    it('status callbacks move a call forward only, with its duration', async () => {
      const caller = new Caller(hub);
      await caller.dial();
      const { calls } = hub.app.store;
      const at = new Date();
      assert.equal(
        await calls.recordStatus(caller.callSid, { status: 'completed', at, durationSeconds: 42 }),
        'updated',
      );
      assert.equal(await calls.recordStatus(caller.callSid, { status: 'ringing', at }), 'stale');
      assert.equal(await calls.recordStatus(caller.callSid, { status: 'in-progress', at }), 'stale');
      assert.equal(await calls.recordStatus(`CA${'e'.repeat(32)}`, { status: 'completed', at }), 'unknown');
      const call = await calls.find(caller.callSid);
      assert.ok(call);
      assert.equal(call.status, 'completed');
      assert.equal(call.durationSeconds, 42);
      assert.deepEqual(call.endedAt, at);
    });
  });

  describe('menu versions', () => {
    it('a call keeps the menu version it started with; the next call gets the new one', async () => {
      const inFlight = new Caller(hub);
      const entry = await inFlight.dial();
      const menu = await hub.request({ method: 'GET', url: '/api/v1/ivr/menu' });
      const {
        version: _v,
        updatedAt: _u,
        updatedBy: _b,
        speech: _s,
        ...current
      } = menu.json<Record<string, unknown>>();
      const prompt = '新菜单：查询进度请按1，人工服务请按4。';
      const saved = await hub.request({
        method: 'PUT',
        url: '/api/v1/ivr/menu',
        payload: { ...current, nodes: [{ ...DEFAULT_MENU.nodes[0], prompt }], baseVersion: 1 },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json<{ version: number }>().version, 2);

      const repeated = await inFlight.press(entry, '0');
      assertMainMenu(repeated);
      const next = await new Caller(hub).dial();
      assert.deepEqual(spoken(next), [P.welcome, prompt]);
      assert.deepEqual(stepOf(gatherOf(next).attributes.action).query, { v: '2', n: 'main', s: '0' });
      assert.equal((await hub.app.store.calls.find(inFlight.callSid))?.menuVersion, 1);
    });
  });
});
