import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskResidentId, parseResidentId, residentIdCheckChar } from '../../src/privacy/resident-id.js';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts a valid 18-character number whose check character is X', () => {
    // 11010519491231002 → weighted sum mod 11 = 2 → check character X
    assert.equal(residentIdCheckChar('11010519491231002'), 'X');
    assert.deepEqual(parseResidentId('11010519491231002X'), {
      ok: true,
      id: '11010519491231002X',
      birthDate: '1949-12-31',
      legacy: false,
    });
  });

  it('accepts a lower-case x and spaces as typed', () => {
    const result = parseResidentId('110105 19491231 002x');
    assert.ok(result.ok);
    assert.equal(result.id, '11010519491231002X');
  });

  it('accepts a valid number with a digit check character', () => {
    // The published GB 11643 example.
    assert.equal(parseResidentId('440524188001010014').ok, true);
  });

  it('rejects a wrong check digit', () => {
    assert.deepEqual(parseResidentId('110105194912310021'), { ok: false, problem: 'check-digit' });
    assert.deepEqual(parseResidentId('440524188001010015'), { ok: false, problem: 'check-digit' });
  });

  it('rejects an impossible birth date, a bad region and bad formats', () => {
    const first17 = '11010519490230002'; // 30 February
    assert.deepEqual(parseResidentId(first17 + residentIdCheckChar(first17)), {
      ok: false,
      problem: 'birth-date',
    });
    const foreign = '91010519491231002';
    assert.deepEqual(parseResidentId(foreign + residentIdCheckChar(foreign)), {
      ok: false,
      problem: 'region',
    });
    assert.deepEqual(parseResidentId('1101051949123100'), { ok: false, problem: 'format' });
    assert.deepEqual(parseResidentId('11010519491231002Y'), { ok: false, problem: 'format' });
    assert.deepEqual(parseResidentId(''), { ok: false, problem: 'format' });
  });

  it('upgrades a 15-digit legacy number to 18 with its check character', () => {
    const result = parseResidentId('110105491231002');
    assert.deepEqual(result, { ok: true, id: '11010519491231002X', birthDate: '1949-12-31', legacy: true });
  });

  it('rejects a 15-digit number with an impossible date', () => {
    assert.deepEqual(parseResidentId('110105491331002'), { ok: false, problem: 'birth-date' });
  });

  it('masks birth date and sequence, keeping region and last four', () => {
    assert.equal(maskResidentId('11010519491231002X'), '110105********002X');
    assert.equal(maskResidentId('110105491231002'), '110105*****1002');
    assert.equal(maskResidentId('123'), '***');
  });
});
