import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSms, type SmsCommand } from '../../src/channels/sms/keywords.js';

const N = '26112100425';

/** [what the citizen typed, what it means]. */
const TABLE: readonly [string, SmsCommand][] = [
  // CX / 查询: any case and width, with or without a space, colon, plus or hyphen; Chinese word.
  [`CX ${N}`, { type: 'status', number: N }],
  [`cx${N}`, { type: 'status', number: N }],
  [`Cx:${N}`, { type: 'status', number: N }],
  [`cX：${N}`, { type: 'status', number: N }],
  [`ＣＸ２６１１２１００４２５`, { type: 'status', number: N }],
  [`ｃｘ\u3000${N}`, { type: 'status', number: N }],
  [`CX+${N}`, { type: 'status', number: N }],
  [`CX-${N}`, { type: 'status', number: N }],
  [`  CX  ${N}  `, { type: 'status', number: N }],
  [`CX ${N}。`, { type: 'status', number: N }],
  [`CX ${N}!`, { type: 'status', number: N }],
  [`查询${N}`, { type: 'status', number: N }],
  [`查询 ${N}`, { type: 'status', number: N }],
  [`查询：${N}`, { type: 'status', number: N }],
  [`查询:${N}`, { type: 'status', number: N }],
  [`CX ${N} 123456`, { type: 'status', number: N, code: '123456' }],
  [`CX${N},123456`, { type: 'status', number: N, code: '123456' }],
  [`CX ${N}，123456`, { type: 'status', number: N, code: '123456' }],
  [`查询 ${N} 查询码123456`, { type: 'status', number: N, code: '123456' }],
  [`查询${N}查询码：１２３４５６`, { type: 'status', number: N, code: '123456' }],
  [`CX ${N} code 123456`, { type: 'status', number: N, code: '123456' }],
  // Application case numbers (办件) are digits too; which store, and the check digit, is decided later.
  ['cx 926110200071 305117', { type: 'status', number: '926110200071', code: '305117' }],
  // A wrong check digit is still a status query (the use case says the number is wrong).
  ['CX 26112100426', { type: 'status', number: '26112100426' }],
  // BT / 补贴, optionally with the last 6 characters of the ID number (X in any case or width).
  ['BT', { type: 'subsidy' }],
  ['bt', { type: 'subsidy' }],
  ['ＢＴ', { type: 'subsidy' }],
  ['补贴', { type: 'subsidy' }],
  ['补贴。', { type: 'subsidy' }],
  ['BT 123456', { type: 'subsidy', idTail: '123456' }],
  ['BT12345X', { type: 'subsidy', idTail: '12345X' }],
  ['bt:12345x', { type: 'subsidy', idTail: '12345X' }],
  ['补贴：１２３４５ｘ', { type: 'subsidy', idTail: '12345X' }],
  ['补贴 130102199001011234', { type: 'subsidy', idTail: '011234' }],
  // TS / ZX / JY / QZ and their words open a ticket of that kind.
  ['TS 小区噪音扰民', { type: 'open', kind: 'complaint', text: '小区噪音扰民' }],
  ['ts小区噪音扰民', { type: 'open', kind: 'complaint', text: '小区噪音扰民' }],
  ['ＴＳ：小区噪音扰民', { type: 'open', kind: 'complaint', text: '小区噪音扰民' }],
  ['投诉：小区噪音扰民', { type: 'open', kind: 'complaint', text: '小区噪音扰民' }],
  // The Chinese word followed straight by the sentence is part of it: the ticket keeps all of it.
  ['投诉小区噪音扰民', { type: 'open', kind: 'complaint', text: '投诉小区噪音扰民' }],
  ['ZX 社保卡怎么补办', { type: 'open', kind: 'consultation', text: '社保卡怎么补办' }],
  ['咨询 社保卡怎么补办？', { type: 'open', kind: 'consultation', text: '社保卡怎么补办？' }],
  ['JY:增加公交线路', { type: 'open', kind: 'suggestion', text: '增加公交线路' }],
  ['建议增加公交线路', { type: 'open', kind: 'suggestion', text: '建议增加公交线路' }],
  ['QZ 老人走失', { type: 'open', kind: 'help', text: '老人走失' }],
  ['求助，老人走失', { type: 'open', kind: 'help', text: '老人走失' }],
  ['Ｑｚ　Ｌａｏｒｅｎ', { type: 'open', kind: 'help', text: 'Ｌａｏｒｅｎ' }],
  // PJ / 评价: 1–3 or the words, with an optional comment.
  ['PJ 1', { type: 'rate', value: 'satisfied' }],
  ['pj2', { type: 'rate', value: 'basically_satisfied' }],
  ['ＰＪ３', { type: 'rate', value: 'dissatisfied' }],
  ['PJ:3', { type: 'rate', value: 'dissatisfied' }],
  ['评价满意', { type: 'rate', value: 'satisfied' }],
  ['评价 基本满意', { type: 'rate', value: 'basically_satisfied' }],
  ['评价：不满意', { type: 'rate', value: 'dissatisfied' }],
  ['PJ 不满意，路灯还是不亮', { type: 'rate', value: 'dissatisfied', comment: '路灯还是不亮' }],
  ['PJ 3 还是没修好', { type: 'rate', value: 'dissatisfied', comment: '还是没修好' }],
  // TD / KT keep the opt-out rules: the whole message only.
  ['TD', { type: 'opt_out' }],
  ['ｔｄ', { type: 'opt_out' }],
  ['退订', { type: 'opt_out' }],
  ['STOP', { type: 'opt_out' }],
  [' stop ', { type: 'opt_out' }],
  ['KT', { type: 'opt_in' }],
  ['恢复', { type: 'opt_in' }],
  ['Start', { type: 'opt_in' }],
  // BZ / 帮助 / HELP / ?; an empty message gets the usage text too.
  ['BZ', { type: 'help' }],
  ['bz', { type: 'help' }],
  ['BZ 怎么用', { type: 'help' }],
  ['帮助', { type: 'help' }],
  ['HELP', { type: 'help' }],
  ['help', { type: 'help' }],
  ['?', { type: 'help' }],
  ['？', { type: 'help' }],
  ['', { type: 'help' }],
  ['   ', { type: 'help' }],
  // Keyword initials with arguments we cannot read, or a keyword alone: how it is used.
  ['CX', { type: 'usage', of: 'status' }],
  ['查询', { type: 'usage', of: 'status' }],
  ['CX 社保', { type: 'usage', of: 'status' }],
  ['CX 2611 2100 425', { type: 'usage', of: 'status' }],
  ['CX SP2025-000123', { type: 'usage', of: 'status' }],
  ['BT 1234', { type: 'usage', of: 'subsidy' }],
  ['BT 王五', { type: 'usage', of: 'subsidy' }],
  ['PJ', { type: 'usage', of: 'rate' }],
  ['PJ 5', { type: 'usage', of: 'rate' }],
  ['PJ 12', { type: 'usage', of: 'rate' }],
  ['评价', { type: 'usage', of: 'rate' }],
  ['TS', { type: 'usage', of: 'complaint' }],
  ['投诉', { type: 'usage', of: 'complaint' }],
  ['ZX：', { type: 'usage', of: 'consultation' }],
  ['JY', { type: 'usage', of: 'suggestion' }],
  ['求助', { type: 'usage', of: 'help' }],
  // No keyword: plain text (conversation or a new consultation).
  ['小区路灯坏了三天了', { type: 'text', text: '小区路灯坏了三天了' }],
  ['查询一下我的社保', { type: 'text', text: '查询一下我的社保' }],
  ['补贴什么时候发放', { type: 'text', text: '补贴什么时候发放' }],
  ['评价一下服务态度', { type: 'text', text: '评价一下服务态度' }],
  ['帮助我们修路灯', { type: 'text', text: '帮助我们修路灯' }],
  ['TD 路灯坏了', { type: 'text', text: 'TD 路灯坏了' }],
  ['退订了吗？', { type: 'text', text: '退订了吗？' }],
  ['取消', { type: 'text', text: '取消' }],
  ['BTW the lamp is broken', { type: 'text', text: 'BTW the lamp is broken' }],
  ['CXK', { type: 'text', text: 'CXK' }],
  ['Tsunami warning?', { type: 'text', text: 'Tsunami warning?' }],
  ['HELP me please', { type: 'text', text: 'HELP me please' }],
  ['满意', { type: 'text', text: '满意' }],
  ['  路灯\0坏了 ', { type: 'text', text: '路灯坏了' }],
];

describe('parseSms', () => {
  for (const [typed, meant] of TABLE) {
    it(`${JSON.stringify(typed)} → ${JSON.stringify(meant)}`, () => {
      assert.deepEqual(parseSms(typed), meant);
    });
  }

  it('keeps the original characters of a ticket text (full width and case are not folded)', () => {
    assert.deepEqual(parseSms('ts ＡＢＣ路口 abc'), {
      type: 'open',
      kind: 'complaint',
      text: 'ＡＢＣ路口 abc',
    });
  });
});
