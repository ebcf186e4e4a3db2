import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskEmail, normaliseEmail } from '../../src/privacy/email.js';
import { isMainlandMobile, maskPhone, normalisePhone } from '../../src/privacy/phone.js';
import { toHalfWidth } from '../../src/text/width.js';
import { parseMailbox } from '../../src/channels/email/address.js';

describe('phones', () => {
  const mobiles = [
    '13800138000',
    '138 0013 8000',
    '138-0013-8000',
    '+86 138 0013 8000',
    '0086 13800138000',
    '8613800138000',
    '１３８００１３８０００',
  ];
  for (const input of mobiles) {
    it(`normalises the mainland mobile "${input}" to +86…`, () => {
      assert.equal(normalisePhone(input), '+8613800138000');
    });
  }

  it('keeps landlines and foreign numbers as digits', () => {
    assert.equal(normalisePhone('0311-86681001'), '031186681001');
    assert.equal(normalisePhone('12345'), '12345');
    assert.equal(normalisePhone('+1 (415) 555-0100'), '+14155550100');
    assert.equal(isMainlandMobile('031186681001'), false);
    assert.equal(isMainlandMobile('+8613800138000'), true);
  });

  it('refuses text that is not a phone number', () => {
    for (const input of ['', 'abc', '12', '1380013800a', '+', '1'.repeat(16)])
      assert.equal(normalisePhone(input), undefined);
  });

  it('masks mobiles as 138****8000 and other numbers to their last four', () => {
    assert.equal(maskPhone('+8613800138000'), '138****8000');
    assert.equal(maskPhone('031186681001'), '********1001');
    assert.equal(maskPhone('123'), '***');
  });

  it('turns full-width characters to half-width', () => {
    assert.equal(toHalfWidth('ＣＸ　２６１１'), 'CX 2611');
  });
});

describe('email addresses', () => {
  it('lower-cases and validates', () => {
    assert.equal(normaliseEmail('  Zhang.San@Example.COM '), 'zhang.san@example.com');
    assert.equal(normaliseEmail('not an address'), undefined);
    assert.equal(normaliseEmail('a@b'), undefined);
  });

  it('masks the local part', () => {
    assert.equal(maskEmail('zhangsan@example.com'), 'z*******@example.com');
    assert.equal(maskEmail('a@example.com'), 'a*@example.com');
  });

  it('parses one mailbox with a display name, refuses lists', () => {
    assert.deepEqual(parseMailbox('张三 <Zhang@Example.com>'), {
      address: 'Zhang@Example.com',
      name: '张三',
    });
    assert.deepEqual(parseMailbox('"Zhang, San" <z@example.com>'), {
      address: 'z@example.com',
      name: 'Zhang, San',
    });
    assert.deepEqual(parseMailbox('z@example.com'), { address: 'z@example.com' });
    assert.equal(parseMailbox('a@example.com, b@example.com'), undefined);
    assert.equal(parseMailbox('nobody'), undefined);
  });
});
