import type { LocaleCatalog, TemplateParts } from './parts.js';

/**
 * What citizens are told, in Chinese. SMS texts get the signature (【12345】) in front when rendered;
 * received, dispatched and signed fit one 70-character part with it. Voice texts are said by
 * `<Say language="cmn-CN">`: no links, numbers spelled digit by digit.
 */

const HELLO = '您好，这里是12345政务服务便民热线。';
const BYE = '谢谢，再见。';
const MORE = '{{moreUpdates collapsed}}';
const DEPARTMENT_OR = (otherwise: string) =>
  `{{#if departmentName}}{{departmentName}}{{else}}${otherwise}{{/if}}`;

/** The text part of an email: greeting, what happened, where to follow it, who wrote. */
function email(subject: string, main: string): TemplateParts {
  return {
    subject,
    body:
      '{{#if citizenName}}{{citizenName}}{{else}}市民朋友{{/if}}：\n\n' +
      `您好！${main}${MORE}\n\n` +
      '工单号：{{number}}\n查询码：{{queryCode}}\n办理进度：{{trackUrl}}\n\n' +
      '12345政务服务便民热线\n（本邮件由系统发送，回复本邮件即可补充说明。）\n',
  };
}

const say = (main: string): TemplateParts => ({ body: `${HELLO}${main}${MORE}${BYE}` });
const text = (body: string): TemplateParts => ({ body });

export const CITIZEN_ZH: LocaleCatalog = {
  received: {
    sms: text(
      '您的{{kindLabel kind}}已受理，工单号{{number}}，查询码{{queryCode}}' +
        '{{#if departmentName}}，已转交{{departmentName}}办理{{/if}}。' +
        MORE,
    ),
    voice: say(
      '您的{{kindLabel kind}}已受理，工单号 {{digits number}}，查询码 {{digits queryCode}}。' +
        '{{#if departmentName}}已转交{{departmentName}}办理。{{/if}}' +
        '您可凭工单号和查询码查询办理进度。',
    ),
    email: email(
      '您的{{kindLabel kind}}已受理（工单号{{number}}）',
      '您的{{kindLabel kind}}已受理。{{#if departmentName}}已转交{{departmentName}}办理。{{/if}}' +
        '您可凭工单号和查询码随时查询办理进度。',
    ),
    push: text(
      '您的{{kindLabel kind}}已受理，工单号{{number}}{{#if departmentName}}，已转交{{departmentName}}办理{{/if}}。' +
        MORE,
    ),
  },
  dispatched: {
    sms: text(`您的工单{{number}}已转交${DEPARTMENT_OR('承办单位')}办理，请耐心等待。${MORE}`),
    voice: say(`您的工单 {{digits number}} 已转交${DEPARTMENT_OR('承办单位')}办理，办理结果将及时告知您。`),
    email: email(
      '工单{{number}}已转交承办单位',
      `您的{{kindLabel kind}}已转交${DEPARTMENT_OR('承办单位')}办理，办理结果将及时告知您。`,
    ),
    push: text(`工单{{number}}已转交${DEPARTMENT_OR('承办单位')}办理。${MORE}`),
  },
  transferred: {
    sms: text(`您的工单{{number}}已改由${DEPARTMENT_OR('其他单位')}办理，请耐心等待。${MORE}`),
    voice: say(`您的工单 {{digits number}} 已改由${DEPARTMENT_OR('其他单位')}办理，办理结果将及时告知您。`),
    email: email(
      '工单{{number}}已改由其他单位办理',
      `经协调，您的{{kindLabel kind}}已改由${DEPARTMENT_OR('其他单位')}办理，办理结果将及时告知您。`,
    ),
    push: text(`工单{{number}}已改由${DEPARTMENT_OR('其他单位')}办理。${MORE}`),
  },
  signed: {
    sms: text(`您的工单{{number}}已由${DEPARTMENT_OR('承办单位')}签收，正在办理中。${MORE}`),
    voice: say(`您的工单 {{digits number}} 已由${DEPARTMENT_OR('承办单位')}签收，正在办理中。`),
    email: email(
      '工单{{number}}已签收，正在办理',
      `您的{{kindLabel kind}}已由${DEPARTMENT_OR('承办单位')}签收，正在办理中。`,
    ),
    push: text(`工单{{number}}已由${DEPARTMENT_OR('承办单位')}签收，正在办理中。${MORE}`),
  },
  asked_citizen: {
    sms: text(
      `您的工单{{number}}需补充信息，承办单位询问：{{text}}\n请直接回复本短信或拨打12345补充。${MORE}`,
    ),
    voice: say(
      '您的工单 {{digits number}} 需要补充信息，承办单位询问：\n{{truncate text 120}}\n' +
        '请回复短信或拨打12345补充。',
    ),
    email: email(
      '工单{{number}}需要您补充信息',
      '承办单位在办理您的{{kindLabel kind}}时需要您补充信息：\n\n{{text}}\n\n' +
        '请直接回复本邮件，或拨打12345热线补充。补充前，办理时限暂停计算。',
    ),
    push: text(`工单{{number}}需要您补充信息：{{truncate text 60}}${MORE}`),
  },
  replied: {
    sms: text(`您的工单{{number}}已答复：{{text}}\n详见{{trackUrl}}${MORE}`),
    voice: say(
      `您的工单 {{digits number}} 已由${DEPARTMENT_OR('承办单位')}答复，答复内容如下：\n` +
        '{{truncate text 120}}\n完整答复请查看短信或登录网站查询。',
    ),
    email: email(
      '工单{{number}}已答复',
      `${DEPARTMENT_OR('承办单位')}对您的{{kindLabel kind}}答复如下：\n\n{{text}}\n\n如对答复有疑问，请拨打12345。`,
    ),
    push: text(`工单{{number}}已答复：{{truncate text 60}}${MORE}`),
  },
  resolved: {
    sms: text(`您的工单{{number}}已办结。${MORE}{{#if ratingUrl}}请对办理结果评价：{{ratingUrl}}{{/if}}`),
    voice: say(`您的工单 {{digits number}} 已办结，欢迎您通过短信或网站对办理结果进行评价。`),
    email: email(
      '工单{{number}}已办结，请您评价',
      '您的{{kindLabel kind}}已办结。{{#if ratingUrl}}\n\n请对办理结果进行评价：{{ratingUrl}}{{/if}}',
    ),
    push: text(`工单{{number}}已办结，欢迎对办理结果进行评价。${MORE}`),
  },
  reopened: {
    sms: text(`您的工单{{number}}已重新交办，我们将督促承办单位尽快办理。${MORE}`),
    voice: say('您的工单 {{digits number}} 已重新交办，我们将督促承办单位尽快办理。'),
    email: email(
      '工单{{number}}已重新交办',
      '您的{{kindLabel kind}}已重新交办，我们将督促承办单位尽快办理，办理结果将及时告知您。',
    ),
    push: text(`工单{{number}}已重新交办。${MORE}`),
  },
  extension_approved: {
    sms: text(`您的工单{{number}}因情况复杂，办理时限延长至{{dueAt}}，感谢您的理解。${MORE}`),
    voice: say('您的工单 {{digits number}} 因情况复杂，办理时限延长至{{dueAt}}，感谢您的理解。'),
    email: email(
      '工单{{number}}办理时限延长至{{dueAt}}',
      '因情况复杂，经审核，您的{{kindLabel kind}}办理时限延长至{{dueAt}}，感谢您的理解与支持。',
    ),
    push: text(`工单{{number}}办理时限延长至{{dueAt}}。${MORE}`),
  },
  cancelled: {
    sms: text(`您的工单{{number}}已撤销。如仍需反映，请拨打12345。${MORE}`),
    voice: say('您的工单 {{digits number}} 已撤销。如仍需反映，请拨打12345。'),
    email: email('工单{{number}}已撤销', '您的{{kindLabel kind}}已撤销。如仍需反映，请拨打12345。'),
    push: text(`工单{{number}}已撤销。${MORE}`),
  },
  rejected: {
    sms: text(
      `您的工单{{number}}经审核不属于12345受理范围{{#if text}}（{{text}}）{{/if}}。如有疑问请拨打12345。${MORE}`,
    ),
    voice: say('您的工单 {{digits number}} 经审核不属于12345受理范围。如有疑问，请拨打12345咨询。'),
    email: email(
      '工单{{number}}不予受理',
      '经审核，您的{{kindLabel kind}}不属于12345受理范围，不予受理。如有疑问，请拨打12345咨询。' +
        '{{#if text}}\n\n原因：{{text}}{{/if}}',
    ),
    push: text(`工单{{number}}不属于受理范围，不予受理。${MORE}`),
  },
  merged: {
    sms: text(`您的工单{{number}}与已受理的同一问题合并办理，结果将一并告知您。${MORE}`),
    voice: say('您的工单 {{digits number}} 与已受理的同一问题合并办理，办理结果将一并告知您。'),
    email: email(
      '工单{{number}}已合并办理',
      '您反映的问题已有其他市民反映，现合并办理，办理结果将一并告知您。',
    ),
    push: text(`工单{{number}}已与同一问题合并办理。${MORE}`),
  },
  rated: {
    sms: text(`感谢您对工单{{number}}的评价，我们将持续改进服务。${MORE}`),
    voice: say('感谢您对工单 {{digits number}} 的评价，我们将持续改进服务。'),
    email: email('感谢您的评价（工单号{{number}}）', '感谢您对办理结果的评价，我们将持续改进服务。'),
    push: text(`感谢您对工单{{number}}的评价。${MORE}`),
  },
  broadcast: {
    sms: text('{{text}}\n回复TD退订'),
    voice: { body: `${HELLO}现播报一条通知：\n{{text}}\n${BYE}` },
    email: {
      subject: '12345政务服务便民热线通知',
      body: '{{text}}\n\n12345政务服务便民热线\n',
    },
    push: text('{{text}}'),
  },
};
