import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactPersonalData } from '../../src/privacy/redact.js';

describe('redactPersonalData', () => {
  it('takes out mobiles however they are typed', () => {
    for (const phone of [
      '13800138000',
      '138 0013 8000',
      '138-0013-8000',
      '+86 138 0013 8000',
      '+8613800138000',
      '１３８００１３８０００',
    ])
      assert.equal(redactPersonalData(`请回电${phone}，谢谢`), '请回电***，谢谢', phone);
  });

  it('takes out landlines with an area code, ID numbers and email addresses', () => {
    assert.equal(redactPersonalData('电话0311-86681001或(010)12345678'), '电话***或***');
    assert.equal(redactPersonalData('身份证13010219900101123X，旧证130102900101123'), '身份证***，旧证***');
    assert.equal(redactPersonalData('邮箱Zhang.San+x@mail.example.com.cn已回复'), '邮箱***已回复');
  });

  it('leaves dates, amounts, service lines and full-width punctuation alone', () => {
    const text = '（2026-11-21）已发放补贴1200元，请拨打12345或12315咨询；工单号26112100425。';
    assert.equal(redactPersonalData(text), text);
  });
});
