import type { AnswerSources } from './names.js';

/**
 * The SMS answers in Chinese. The signature (SMS_SIGNATURE, 【12345】) goes in front when rendered;
 * with it, every answer but the usage overview and the lists fits one 70-character part with usual
 * data. Lists (payments) are cut to SMS_MAX_PARTS with 「…共N条」.
 */
export const ANSWERS_ZH: AnswerSources = {
  help:
    '短信服务：CX+工单号或办件号 查进度；BT 查补贴；TS/ZX/JY/QZ+内容 投诉/咨询/建议/求助；' +
    'PJ+1/2/3 评价（满意/基本满意/不满意）；TD 退订。' +
    '{{#if others}}另有：{{others}}（关键词+内容）。{{/if}}',
  'usage.status': '查进度请发送CX+工单号或办件号，如CX 26112100425；查他人事项请在号码后加查询码。',
  'usage.subsidy': '查补贴请发送BT；本机登记多户时发送BT+户主身份证号后6位，如BT 12345X。',
  'usage.rate': '评价请发送PJ 1（满意）、PJ 2（基本满意）或PJ 3（不满意）。',
  'usage.open': '请在{{initials}}后写明{{kindLabel kind}}内容，如：{{initials}} 小区路灯不亮。',
  'status.bad_number': '号码{{number}}有误（校验位不符），请核对后重新发送。',
  'status.not_found': '未查到与本机号码相符的{{number}}。查他人事项请发送：CX 号码 查询码。',
  'status.ticket':
    '工单{{number}}（{{kindLabel kind}}）：{{ticketStatus status}}' +
    '{{#if departmentName}}（{{departmentName}}）{{/if}}，更新于{{updatedAt}}。' +
    '{{#if canRate}}请发送PJ 1/2/3评价。{{/if}}',
  'status.application':
    '办件{{number}}（{{item}}）：{{applicationStatus status}}。' +
    '{{#if step}}最新环节：{{step}}{{#if stepAt}} {{stepAt}}{{/if}}。{{/if}}' +
    '{{#if promisedDate}}承诺办结{{promisedDate}}。{{/if}}{{#if result}}结果：{{result}}{{/if}}',
  'subsidy.unregistered': '本机号码未登记惠农补贴信息。如有疑问，请拨打12345热线咨询。',
  'subsidy.no_match': '未找到与本机号码及身份证后6位相符的补贴信息，请核对后重发，或拨打12345咨询。',
  'subsidy.choose': '本机号码登记了{{count}}户补贴信息，请发送BT+户主身份证号后6位查询，如BT 12345X。',
  'subsidy.head': '{{head}}户补贴{{#if account}}（账户{{account}}）{{/if}}：',
  'subsidy.item':
    '{{year}}年{{subsidyType type}}{{amount}}元，{{#if paidDate}}{{paidDate}}{{/if}}{{paymentStatus status}}' +
    '{{#if account}}，账户{{account}}{{/if}}',
  'subsidy.none': '{{head}}户暂无补贴发放记录。如有疑问，请拨打12345热线咨询。',
  'list.more': '…共{{total}}条',
  'rate.done':
    '感谢您对工单{{number}}的评价（{{rating value}}）。{{#if reopened}}我们将督促承办单位重新办理。{{/if}}',
  'rate.none': '您暂无待评价的工单。工单答复后，可发送PJ 1/2/3评价。',
  'conversation.added': '您的留言已补充到工单{{number}}，承办单位将一并办理。',
  listSeparator: '；',
  listEnd: '。',
};
