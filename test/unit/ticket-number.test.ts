import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkDigit,
  datePartOf,
  formatTicketNumber,
  isValidTicketNumber,
  ticketNumberDate,
  ticketNumberSequence,
} from '../../src/tickets/ticket-number.js';

describe('ticket numbers', () => {
  it('are date part, sequence of at least four digits and a check digit', () => {
    const number = formatTicketNumber('261121', 42);
    assert.match(number, /^2611210042\d$/);
    assert.equal(isValidTicketNumber(number), true);
    assert.equal(ticketNumberDate(number), '261121');
    assert.equal(ticketNumberSequence(number), 42);
    assert.equal(ticketNumberSequence(formatTicketNumber('261121', 123456)), 123456);
  });

  it('uses Damm: the known vector 572 → 4', () => {
    assert.equal(checkDigit('572'), '4');
  });

  it('catches every single-digit error and every adjacent swap over 2,000 numbers', () => {
    let checked = 0;
    for (let seq = 1; seq <= 2000; seq++) {
      const number = formatTicketNumber('261121', seq * 37);
      for (let i = 0; i < number.length; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === number[i]) continue;
          const typo = number.slice(0, i) + String(d) + number.slice(i + 1);
          assert.equal(isValidTicketNumber(typo), false, `${typo} (typo of ${number}) passed`);
          checked++;
        }
        if (i + 1 < number.length && number[i] !== number[i + 1]) {
          const swapped =
            number.slice(0, i) + (number[i + 1] ?? '') + (number[i] ?? '') + number.slice(i + 2);
          assert.equal(isValidTicketNumber(swapped), false, `${swapped} (swap of ${number}) passed`);
          checked++;
        }
      }
    }
    assert.ok(checked > 200_000);
  });

  it('refuses non-digits and wrong lengths', () => {
    for (const text of ['', 'abc', '2611210042', '26112100425X', ' 26112100425', '1'.repeat(17)]) {
      assert.equal(isValidTicketNumber(text), false, text);
    }
  });

  it('takes the date in China time', () => {
    // 2026-11-21 20:00 UTC is already the 22nd in Beijing.
    assert.equal(datePartOf(new Date('2026-11-21T20:00:00Z'), 'Asia/Shanghai'), '261122');
    assert.equal(datePartOf(new Date('2026-11-21T15:59:59Z'), 'Asia/Shanghai'), '261121');
  });
});
