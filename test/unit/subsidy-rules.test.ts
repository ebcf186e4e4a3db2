import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseResidentId } from '../../src/privacy/resident-id.js';
import { DEMO_APPLICATIONS, DEMO_SUBSIDY_HOUSEHOLDS } from '../../src/seed-data.js';
import {
  caseNumberKind,
  formatApplicationNumber,
  isValidApplicationNumber,
} from '../../src/subsidies/application-number.js';
import { CsvReadError, readCsv } from '../../src/subsidies/csv-read.js';
import { householdIdFor, idTailHash, normaliseIdTail } from '../../src/subsidies/id-hash.js';
import { parseDate, parseDateTime } from '../../src/subsidies/import-common.js';
import { maskAccount, maskName } from '../../src/subsidies/mask.js';
import { formatYuan, parseFen, parseYuan } from '../../src/subsidies/money.js';
import { phoneKey } from '../../src/subsidies/phone-key.js';
import { formatTicketNumber, isValidTicketNumber } from '../../src/tickets/ticket-number.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('application case numbers', () => {
  it('are 9 + date + sequence + Damm check digit, told apart from ticket numbers', () => {
    const number = formatApplicationNumber('261102', 7);
    assert.match(number, /^92611020007\d$/);
    assert.equal(isValidApplicationNumber(number), true);
    assert.equal(caseNumberKind(number), 'application');
    const ticket = formatTicketNumber('261102', 7);
    assert.equal(caseNumberKind(ticket), 'ticket');
    assert.equal(isValidApplicationNumber(ticket), false);
  });

  it('refuse every single-digit error and adjacent swap', () => {
    const number = formatApplicationNumber('261102', 4321);
    for (let i = 0; i < number.length; i++) {
      for (let d = 0; d <= 9; d++) {
        const typo = number.slice(0, i) + String(d) + number.slice(i + 1);
        if (typo !== number) assert.notEqual(caseNumberKind(typo), 'application', typo);
      }
      const swapped = number.slice(0, i) + (number[i + 1] ?? '') + (number[i] ?? '') + number.slice(i + 2);
      if (i + 1 < number.length && swapped !== number) {
        assert.equal(isValidApplicationNumber(swapped), false, swapped);
      }
    }
  });

  it('a typo of a case number is never taken for a ticket either', () => {
    const number = formatApplicationNumber('261102', 7);
    const typo = `${number.slice(0, -1)}${(Number(number.at(-1)) + 1) % 10}`;
    assert.equal(caseNumberKind(typo), undefined);
    assert.equal(caseNumberKind('abc'), undefined);
    assert.equal(caseNumberKind(''), undefined);
  });

  it('the demo cases have valid numbers and six-digit query codes', () => {
    for (const application of DEMO_APPLICATIONS) {
      assert.equal(caseNumberKind(application.number), 'application');
      assert.match(application.queryCode, /^\d{6}$/);
      assert.ok(!isValidTicketNumber(application.number) || application.number.startsWith('9'));
    }
  });
});

describe('demo subsidy households', () => {
  it('have valid ID numbers (one ending in X), phones in +86 form, one phone shared by two', () => {
    for (const household of DEMO_SUBSIDY_HOUSEHOLDS) {
      assert.equal(parseResidentId(household.idNumber).ok, true, household.idNumber);
      for (const phone of household.phones) assert.equal(phoneKey(phone), phone);
    }
    assert.ok(DEMO_SUBSIDY_HOUSEHOLDS.some((h) => h.idNumber.endsWith('X')));
    const phones = DEMO_SUBSIDY_HOUSEHOLDS.flatMap((h) => h.phones);
    assert.equal(phones.length - new Set(phones).size, 1);
  });
});

describe('keyed ID hashes', () => {
  it('depend on the key and never contain the number', () => {
    const id = '130123195803121010';
    assert.notEqual(householdIdFor('key-a', id), householdIdFor('key-b', id));
    assert.equal(householdIdFor('key-a', id), householdIdFor('key-a', id));
    assert.ok(!householdIdFor('key-a', id).includes('1958'));
    assert.notEqual(idTailHash('key-a', '121010'), householdIdFor('key-a', id).slice(1));
  });

  it('normalise an ID tail as keyed or typed: * for X, full-width, lower-case x', () => {
    assert.equal(normaliseIdTail('12101*'), '12101X');
    assert.equal(normaliseIdTail('12101x'), '12101X');
    assert.equal(normaliseIdTail('１２１０１Ｘ'), '12101X');
    assert.equal(normaliseIdTail('121 010'), '121010');
    assert.equal(normaliseIdTail('12101'), undefined);
    assert.equal(normaliseIdTail('1210X1'), undefined);
    assert.equal(normaliseIdTail('1210101'), undefined);
  });
});

describe('money', () => {
  it('parses yuan into integer fen without floating point', () => {
    assert.equal(parseYuan('1234.5'), 123_450);
    assert.equal(parseYuan('0.29'), 29); // 0.29 * 100 is 28.999… in floating point
    assert.equal(parseYuan('1,023.50'), 102_350);
    assert.equal(parseYuan('￥800元'), 80_000);
    assert.equal(parseYuan('１２．３４'), 1234);
    assert.equal(parseYuan('12.345'), undefined);
    assert.equal(parseYuan('-1'), undefined);
    assert.equal(parseYuan('1e3'), undefined);
    assert.equal(parseYuan(''), undefined);
    assert.equal(parseFen('90000'), 90_000);
    assert.equal(parseFen('900.5'), undefined);
  });

  it('formats fen as yuan', () => {
    assert.equal(formatYuan(123_450), '1234.50');
    assert.equal(formatYuan(7), '0.07');
    assert.equal(formatYuan(0), '0.00');
  });
});

describe('registered phones and masks', () => {
  it('keeps mobiles and landlines with area code in the E.164 form Twilio gives caller IDs', () => {
    assert.equal(phoneKey('139 0311 0001'), '+8613903110001');
    assert.equal(phoneKey('+86 139-0311-0001'), '+8613903110001');
    assert.equal(phoneKey('0311-86681001'), '+8631186681001');
    assert.equal(phoneKey('+8631186681001'), '+8631186681001');
    assert.equal(phoneKey('010 12345678'), '+861012345678');
    assert.equal(phoneKey('86681001'), undefined, 'a landline without its area code');
    assert.equal(phoneKey('+14155550100'), undefined);
    assert.equal(phoneKey('12345'), undefined);
  });

  it('masks accounts and names', () => {
    assert.equal(maskAccount('6217 0000 1111 2201'), '****2201');
    assert.equal(maskAccount('1234567'), undefined);
    assert.equal(maskName('王小明'), '王*明');
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('欧阳建国'), '欧**国');
  });
});

describe('dates', () => {
  it('accepts the spellings registers use and refuses ambiguous or impossible ones', () => {
    assert.equal(parseDate('2025-5-20'), '2025-05-20');
    assert.equal(parseDate('2025/05/20'), '2025-05-20');
    assert.equal(parseDate('2025.5.20'), '2025-05-20');
    assert.equal(parseDate('2025年5月20日'), '2025-05-20');
    assert.equal(parseDate('20250520'), '2025-05-20');
    assert.equal(parseDate('2025-05-20 08:30'), '2025-05-20');
    assert.equal(parseDate('5/20/2025'), undefined);
    assert.equal(parseDate('2025-02-29'), undefined);
    assert.equal(parseDate('2025-13-01'), undefined);
  });

  it('reads local times in the hub zone', () => {
    assert.equal(
      parseDateTime('2026-11-02 09:40', 'Asia/Shanghai')?.toISOString(),
      '2026-11-02T01:40:00.000Z',
    );
    assert.equal(
      parseDateTime('2026/11/2 9:40:15', 'Asia/Shanghai')?.toISOString(),
      '2026-11-02T01:40:15.000Z',
    );
    assert.equal(parseDateTime('2026-11-02', 'Asia/Shanghai')?.toISOString(), '2026-11-01T16:00:00.000Z');
    assert.equal(parseDateTime('2026-11-02 24:00', 'Asia/Shanghai'), undefined);
  });
});

describe('CSV reading', () => {
  it('reads UTF-8 with a BOM and GBK alike', () => {
    const utf8 = readCsv(fixture('subsidies-register.csv'));
    const gbk = readCsv(fixture('subsidies-register-gbk.csv'));
    assert.equal(utf8.encoding, 'utf-8');
    assert.equal(gbk.encoding, 'gb18030');
    assert.equal(utf8.header[0], '户主姓名', 'the BOM is not part of the first header');
    assert.deepEqual(gbk, { ...utf8, encoding: 'gb18030' });
    assert.equal(utf8.rows.length, 7);
  });

  it('reads UTF-16 with a BOM and tab-separated files', () => {
    const text = '户主姓名\t身份证号\n王五\t110105194912310021\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const table = readCsv(utf16);
    assert.equal(table.encoding, 'utf-16le');
    assert.deepEqual(table.header, ['户主姓名', '身份证号']);
    assert.deepEqual(table.rows, [{ row: 2, cells: ['王五', '110105194912310021'] }]);
  });

  it('numbers rows by the line they start on, across blank lines and cells that span lines', () => {
    const table = readCsv(Buffer.from('a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n" 4\r\n",5\r\n,\r\n6,7\r\n'));
    assert.deepEqual(
      table.rows.map((r) => [r.row, r.cells[0]]),
      [
        [2, '1'],
        [4, 'x\r\ny'],
        [6, '4'], // trimmed, after its line break is counted
        [9, '6'],
      ],
    );
  });

  it('normalises headers: full-width brackets, spaces, case', () => {
    assert.deepEqual(readCsv(Buffer.from('金额（元）, Amount_Fen \n1,2\n')).header, [
      '金额(元)',
      'amount_fen',
    ]);
  });

  it('an empty file or an unclosed quote throws with the line', () => {
    assert.throws(() => readCsv(Buffer.from('')), CsvReadError);
    assert.throws(
      () => readCsv(Buffer.from('a,b\n1,2\n"3,4\n')),
      (error: unknown) => error instanceof CsvReadError && error.line === 3,
    );
  });
});
