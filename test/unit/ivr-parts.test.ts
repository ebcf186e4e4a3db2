import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderScript } from '../../src/channels/voice/ivr-twiml.js';
import { dialable } from '../../src/ivr/flows/directory.js';
import { isHotlineOpen, parseHotlineHours } from '../../src/ivr/hours.js';
import { decodeState, encodeState } from '../../src/ivr/state.js';
import { dateText, spellDigits, spellPhone, yuanText } from '../../src/ivr/speech.js';
import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import { twimlVerbs } from '../helpers/twiml.js';

const calendar = buildCalendar(CN_HOLIDAYS);
const at = (iso: string) => new Date(`${iso}+08:00`);
const TZ = 'Asia/Shanghai';

describe('hotline hours (IVR_HOURS)', () => {
  it('always open by default (12345 serves 7×24)', () => {
    const always = parseHotlineHours('always');
    assert.equal(isHotlineOpen(always, calendar, at('2025-10-01T03:00:00'), TZ), true);
  });

  it('workdays follow the routing calendar: holidays closed, make-up workdays open', () => {
    const hours = parseHotlineHours('workdays 08:30-12:00,13:30-17:30');
    const open = (iso: string) => isHotlineOpen(hours, calendar, at(iso), TZ);
    assert.equal(open('2025-09-29T08:30:00'), true); // Monday
    assert.equal(open('2025-09-29T08:29:00'), false);
    assert.equal(open('2025-09-29T12:30:00'), false); // lunch
    assert.equal(open('2025-09-29T17:30:00'), false); // the window's end is closed
    assert.equal(open('2025-10-01T10:00:00'), false); // 国庆节
    assert.equal(open('2025-09-28T10:00:00'), true); // Sunday, 调休上班
    assert.equal(open('2025-10-04T10:00:00'), false); // Saturday inside the holiday
    // China time, whatever the server's zone: 02:00 UTC is 10:00 in Beijing.
    assert.equal(isHotlineOpen(hours, calendar, new Date('2025-09-29T02:00:00Z'), TZ), true);
  });

  it('daily windows ignore the calendar; bad windows are refused', () => {
    const daily = parseHotlineHours('daily 08:00-20:00');
    assert.equal(isHotlineOpen(daily, calendar, at('2025-10-01T19:59:00'), TZ), true);
    assert.equal(isHotlineOpen(daily, calendar, at('2025-10-01T20:00:00'), TZ), false);
    assert.equal(
      isHotlineOpen(parseHotlineHours('daily 00:00-24:00'), calendar, at('2025-10-01T23:59:00'), TZ),
      true,
    );
    assert.throws(() => parseHotlineHours('daily 18:00-08:00'), /IVR_HOURS/);
    assert.throws(() => parseHotlineHours('daily 08:00-12:00,11:00-13:00'), /IVR_HOURS/);
    assert.throws(() => parseHotlineHours('weekends 08:00-12:00'), /IVR_HOURS/);
  });
});

describe('speech', () => {
  it('reads numbers digit by digit and amounts in yuan', () => {
    assert.equal(spellDigits('26112100425'), '2 6 1 1 2 1 0 0 4 2 5');
    assert.equal(spellPhone('0311-86681002'), '0 3 1 1，8 6 6 8 1 0 0 2');
    assert.equal(spellPhone('+8613800138000'), '8 6 1 3 8 0 0 1 3 8 0 0 0');
    assert.equal(yuanText(84_000), '840元');
    assert.equal(yuanText(41_260), '412元6角');
    assert.equal(yuanText(12_345), '123元4角5分');
    assert.equal(yuanText(10_005), '100元零5分');
    assert.equal(yuanText(0), '0元');
    assert.equal(dateText('2026-05-01'), '2026年5月1日');
  });
});

describe('call state in step URLs', () => {
  it('round-trips and refuses anything we could not have written', () => {
    const state = { v: 3, n: 'main', s: 2, num: '26112100425', p: 1, d: 'MZJ' };
    const query = encodeState(state);
    assert.equal(query, 'v=3&n=main&s=2&num=26112100425&p=1&d=MZJ');
    assert.deepEqual(decodeState(Object.fromEntries(new URLSearchParams(query))), state);
    assert.equal(decodeState({ v: '1', n: 'main' }), undefined);
    assert.equal(decodeState({ v: '1', n: 'main', s: '0', d: 'M/Z' }), undefined);
    assert.equal(decodeState({ v: '0', n: 'main', s: '0' }), undefined);
    assert.equal(decodeState({ v: '1', n: 'Main', s: '0' }), undefined);
    assert.equal(decodeState({ v: ['1', '2'], n: 'main', s: '0' }), undefined);
  });
});

describe('directory numbers', () => {
  it('dials landlines with their area code and E.164 numbers; short service lines are only said', () => {
    assert.equal(dialable(['12333', '0311-86681001']), '+8631186681001');
    assert.equal(dialable(['+861065550100']), '+861065550100');
    assert.equal(dialable(['13800138000']), '+8613800138000');
    assert.equal(dialable(['12315']), undefined);
  });
});

describe('TwiML rendering', () => {
  it('puts the state in absolute step URLs and follows each gather with a redirect to it', () => {
    const link = { step: 'status' as const, state: { v: 1, n: 'main', s: 0 } };
    const xml = renderScript(
      [
        { kind: 'gather', action: link, say: ['请输入'], finishOnKey: '#', timeoutSeconds: 10 },
        { kind: 'enqueue', queue: 'ops' },
      ],
      { publicUrl: 'https://hub.example.gov.cn', language: 'cmn-CN', voice: 'Polly.Zhiyu' },
    );
    const verbs = twimlVerbs(xml);
    assert.deepEqual(
      verbs.map((v) => [v.name, v.attributes]),
      [
        [
          'Gather',
          {
            action: 'https://hub.example.gov.cn/webhooks/twilio/voice/status?v=1&n=main&s=0',
            method: 'POST',
            input: 'dtmf',
            timeout: '10',
            finishOnKey: '#',
          },
        ],
        ['Redirect', { method: 'POST' }],
        ['Enqueue', {}],
      ],
    );
    assert.deepEqual(verbs[0]?.children, [
      { name: 'Say', attributes: { language: 'cmn-CN', voice: 'Polly.Zhiyu' }, children: ['请输入'] },
    ]);
  });
});
