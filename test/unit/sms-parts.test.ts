import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsInfo } from '../../src/templates/sms-parts.js';

const han = (n: number) => '办'.repeat(n);
const ascii = (n: number) => 'a'.repeat(n);

describe('smsInfo', () => {
  it('UCS-2: 70 characters in one part, 67 per part when split', () => {
    assert.deepEqual(smsInfo(han(70)), { encoding: 'UCS-2', characters: 70, parts: 1 });
    assert.deepEqual(smsInfo(han(71)), { encoding: 'UCS-2', characters: 71, parts: 2 });
    assert.deepEqual(smsInfo(han(134)), { encoding: 'UCS-2', characters: 134, parts: 2 });
    assert.deepEqual(smsInfo(han(135)), { encoding: 'UCS-2', characters: 135, parts: 3 });
    assert.deepEqual(smsInfo(han(201)), { encoding: 'UCS-2', characters: 201, parts: 3 });
    assert.deepEqual(smsInfo(han(202)), { encoding: 'UCS-2', characters: 202, parts: 4 });
  });

  it('GSM-7: 160 characters in one part, 153 per part when split', () => {
    assert.deepEqual(smsInfo(ascii(160)), { encoding: 'GSM-7', characters: 160, parts: 1 });
    assert.deepEqual(smsInfo(ascii(161)), { encoding: 'GSM-7', characters: 161, parts: 2 });
    assert.deepEqual(smsInfo(ascii(306)), { encoding: 'GSM-7', characters: 306, parts: 2 });
    assert.deepEqual(smsInfo(ascii(307)), { encoding: 'GSM-7', characters: 307, parts: 3 });
  });

  it('counts extension characters (€ [ ] { } ^ ~ | \\) as 2', () => {
    assert.deepEqual(smsInfo('€'), { encoding: 'GSM-7', characters: 2, parts: 1 });
    assert.deepEqual(smsInfo('[]{}^~|\\'), { encoding: 'GSM-7', characters: 16, parts: 1 });
    assert.deepEqual(smsInfo(ascii(158) + '€'), { encoding: 'GSM-7', characters: 160, parts: 1 });
    assert.deepEqual(smsInfo(ascii(159) + '€'), { encoding: 'GSM-7', characters: 161, parts: 2 });
  });

  it('keeps GSM-7 for its accented letters and Greek, not for others', () => {
    assert.equal(smsInfo('Ça coûte 5£ à Zürich, Δ').encoding, 'UCS-2'); // û is not GSM-7
    assert.equal(smsInfo('Ça fait 5£ à Zürich, ΔΣ @ é').encoding, 'GSM-7');
    assert.equal(smsInfo('ç').encoding, 'UCS-2'); // only the capital Ç is in the basic set
  });

  it('counts an emoji as two UTF-16 code units', () => {
    assert.deepEqual(smsInfo('😀'), { encoding: 'UCS-2', characters: 2, parts: 1 });
    assert.deepEqual(smsInfo(ascii(68) + '😀'), { encoding: 'UCS-2', characters: 70, parts: 1 });
    assert.deepEqual(smsInfo(ascii(69) + '😀'), { encoding: 'UCS-2', characters: 71, parts: 2 });
  });

  it('makes a text UCS-2 when one character is not GSM-7 (the 【】 signature)', () => {
    assert.deepEqual(smsInfo(`【12345】${ascii(63)}`), { encoding: 'UCS-2', characters: 70, parts: 1 });
    assert.deepEqual(smsInfo(`【12345】${ascii(64)}`), { encoding: 'UCS-2', characters: 71, parts: 2 });
  });

  it('an empty text still takes one part', () => {
    assert.deepEqual(smsInfo(''), { encoding: 'GSM-7', characters: 0, parts: 1 });
  });
});
