import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readVoiceAnswer, smsMessages } from '../../src/channels/simulator/twiml-read.js';
import { liveState } from '../../src/channels/voice/live-calls.js';
import { searchDirectory } from '../../src/directory/search.js';
import { initialsOf, matchesInitials } from '../../src/text/pinyin-initials.js';
import '../../src/dashboards/console-routes.js';
import { readTicketForm } from '../../src/dashboards/console-ticket.js';
import { missingStaffTranslations, staffText } from '../../src/dashboards/messages.js';
import { readCall } from '../../src/dashboards/simulator-call.js';
import '../../src/dashboards/simulator-routes.js';
import { DEMO_DEPARTMENTS } from '../../src/seed-data.js';

const VOICE = 'https://hub.example.gov.cn/webhooks/twilio/voice';

describe('pinyin initials (查号)', () => {
  it('reads the initials of department and place names, both readings of 长 and 行', () => {
    assert.equal(Array.from('市民政局').map(initialsOf).join(''), 'smzj');
    assert.equal(Array.from('人力资源和社会保障局').map(initialsOf).join(''), 'rlzyhshbzj');
    assert.equal(initialsOf('长'), 'cz');
    assert.equal(initialsOf('A'), 'a');
    assert.equal(initialsOf('（'), '');
    assert.equal(matchesInitials('市民政局', 'MZJ'), true);
    assert.equal(matchesInitials('长安区人民政府', 'caq'), true);
    assert.equal(matchesInitials('长安区人民政府', 'zaq'), true);
    assert.equal(matchesInitials('市行政审批局', 'xzsp'), true);
    assert.equal(matchesInitials('市民政局', 'mzx'), false);
    assert.equal(matchesInitials('市民政局', 'm z'), false);
    assert.equal(matchesInitials('市公安局（非紧急警务）', 'gajfjj'), true);
  });

  it('ranks code, then code prefix, then name, initials, English name and phone; only active ones', () => {
    const [, mzj] = DEMO_DEPARTMENTS;
    assert.ok(mzj);
    const departments = [...DEMO_DEPARTMENTS, { ...mzj, code: 'OLD', active: false }];
    assert.deepEqual(
      searchDirectory(departments, 'rsj').map((d) => d.code),
      ['RSJ'],
    );
    // Code prefix first (JTJ, JYJ), then every name with a 局/健 (j) in it, by code.
    assert.deepEqual(
      searchDirectory(departments, 'j').map((d) => d.code),
      ['JTJ', 'JYJ', 'CGJ', 'GAJ', 'MZJ', 'NYJ', 'RSJ', 'SCJ', 'SPJ', 'STJ', 'WJW', 'ZJJ'],
    );
    assert.equal(searchDirectory(departments, '').length, DEMO_DEPARTMENTS.length);
    assert.deepEqual(
      searchDirectory(departments, '  民政局 ').map((d) => d.code),
      ['MZJ'],
    );
    assert.deepEqual(
      searchDirectory(departments, '12315').map((d) => d.code),
      ['SCJ'],
    );
    assert.deepEqual(
      searchDirectory(departments, '12').map((d) => d.code),
      [],
    );
    assert.deepEqual(searchDirectory(departments, 'MZJ')[0], {
      code: 'MZJ',
      name: '市民政局',
      nameEn: 'Civil Affairs Bureau',
      phones: ['0311-86681002'],
      email: 'mzj@demo.gov.cn',
      hours: '09:00–12:00, 13:30–17:30',
    });
  });
});

describe('the console’s ticket form', () => {
  const form = { kind: 'complaint', category: '', priority: '', place: '', text: '路灯不亮' };

  it('reads a good form: normal priority by default, a township with its district', () => {
    assert.deepEqual(readTicketForm({ ...form, place: '130102001', category: '城市管理' }, true), {
      ok: true,
      ticket: {
        kind: 'complaint',
        priority: 'normal',
        text: '路灯不亮',
        category: '城市管理',
        location: { districtCode: '130102', townshipCode: '130102001' },
      },
    });
  });

  it('names every refused field', () => {
    assert.deepEqual(
      readTicketForm({ kind: 'rant', category: '八卦', priority: 'now', place: '999999', text: ' ' }, true),
      {
        ok: false,
        problems: {
          kind: 'unknown',
          category: 'unknown',
          priority: 'unknown',
          place: 'unknown',
          text: 'required',
        },
      },
    );
    assert.deepEqual(readTicketForm({ ...form, kind: '' }, true), {
      ok: false,
      problems: { kind: 'required' },
    });
    assert.deepEqual(readTicketForm({ ...form, text: '长'.repeat(2001) }, true), {
      ok: false,
      problems: { text: 'too_long' },
    });
    // The preview takes an empty text (nothing to route yet).
    assert.equal(readTicketForm({ ...form, text: '' }, false).ok, true);
  });
});

describe('reading the hub’s TwiML (simulator)', () => {
  it('stops at the verb that hands the call on: a gather keeps its silence redirect', () => {
    const menu =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN">您好</Say>' +
      `<Gather action="${VOICE}/choose?v=1&amp;n=main&amp;s=0" method="POST" numDigits="1" finishOnKey="">` +
      '<Say>请按1</Say></Gather>' +
      `<Redirect method="POST">${VOICE}/choose?v=1&amp;n=main&amp;s=0</Redirect></Response>`;
    assert.deepEqual(readVoiceAnswer(menu), {
      said: ['您好', '请按1'],
      gather: {
        action: `${VOICE}/choose?v=1&n=main&s=0`,
        prompt: ['请按1'],
        numDigits: 1,
        silence: `${VOICE}/choose?v=1&n=main&s=0`,
      },
      leave: false,
      hangup: false,
    });
    const voicemail =
      '<Response><Say>请留言</Say>' +
      `<Record action="${VOICE}/message-done?v=1" recordingStatusCallback="${VOICE}/recording"/>` +
      '<Say>再见</Say><Hangup/></Response>';
    assert.deepEqual(readVoiceAnswer(voicemail), {
      said: ['请留言'],
      record: { action: `${VOICE}/message-done?v=1`, recordingCallback: `${VOICE}/recording` },
      leave: false,
      hangup: false,
    });
    assert.deepEqual(smsMessages('<Response><Message>【12345】您好 &amp; 再见</Message></Response>'), [
      '【12345】您好 & 再见',
    ]);
    assert.deepEqual(smsMessages('<Response/>'), []);
    assert.throws(() => readVoiceAnswer('<Response><Say>x</Response>'), /TwiML/);
  });
});

describe('the simulated call kept in the page', () => {
  const call = {
    callSid: `CA${'a'.repeat(32)}`,
    from: '+8613800138000',
    to: '12345',
    startedAt: 1,
    pending: { kind: 'gather', action: `${VOICE}/choose?v=1`, finishOnKey: '#' },
    log: [
      { who: 'ivr', text: '您好' },
      { who: 'hacker', text: 'x' },
      { who: 'system', key: 7 },
    ],
  };

  it('is read back with only well-formed lines, and refused when it points elsewhere', () => {
    assert.deepEqual(readCall(JSON.stringify(call), VOICE), {
      ...call,
      log: [{ who: 'ivr', text: '您好' }],
    });
    const elsewhere = { ...call, pending: { kind: 'gather', action: 'https://evil.example/x' } };
    assert.equal(readCall(JSON.stringify(elsewhere), VOICE), undefined);
    const sms = {
      ...call,
      pending: { kind: 'queue', waitUrl: 'https://hub.example.gov.cn/webhooks/twilio/sms' },
    };
    assert.equal(readCall(JSON.stringify(sms), VOICE), undefined);
    assert.equal(readCall(JSON.stringify({ ...call, pending: { kind: 'boom' } }), VOICE), undefined);
    assert.equal(readCall(JSON.stringify({ ...call, callSid: 'CA1' }), VOICE), undefined);
    assert.equal(readCall('{not json', VOICE), undefined);
  });
});

describe('live call states and the pages’ words', () => {
  it('words a call the console’s way', () => {
    assert.equal(liveState({ status: 'in-progress' }, true), 'queued');
    assert.equal(liveState({ status: 'in-progress' }, false), 'in-progress');
    assert.equal(liveState({ status: 'ringing' }, true), 'ringing');
    assert.equal(liveState({ status: 'queued' }, false), 'queued');
  });

  it('has every console and simulator word in both languages', () => {
    assert.deepEqual(
      missingStaffTranslations().filter((key) => key.startsWith('console.') || key.startsWith('sim.')),
      [],
    );
    assert.equal(staffText('en', 'console.state.queued'), 'Waiting for an operator');
  });
});
