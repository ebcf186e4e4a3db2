import { addStaffMessages } from '../messages.js';

/**
 * The ticket core's own values as every staff page names them: kinds, priorities, statuses and
 * channels (the ones a ticket comes in by and the ones a notice goes out by). Keys are
 * `ticket.<field>.<value>`. Registered here, once, for every page module that imports this file.
 */
const VALUES: Record<string, [zh: string, en: string]> = {
  'kind.complaint': ['投诉', 'complaint'],
  'kind.consultation': ['咨询', 'consultation'],
  'kind.help': ['求助', 'request for help'],
  'kind.suggestion': ['建议', 'suggestion'],
  'kind.report': ['举报', 'report'],
  'kind.praise': ['表扬', 'praise'],
  'priority.normal': ['一般', 'normal'],
  'priority.urgent': ['紧急', 'urgent'],
  'priority.critical': ['特急', 'critical'],
  'status.received': ['已受理', 'received'],
  'status.dispatched': ['待签收', 'dispatched'],
  'status.signed': ['已签收', 'signed'],
  'status.in_progress': ['办理中', 'in progress'],
  'status.waiting_citizen': ['待群众补充', 'waiting for the citizen'],
  'status.replied': ['已答复', 'replied'],
  'status.closed': ['已办结', 'closed'],
  'status.reopened': ['重办', 'reopened'],
  'status.return_review': ['退单审核中', 'return under review'],
  'status.merged': ['已合并', 'merged'],
  'status.cancelled': ['已撤销', 'cancelled'],
  'status.rejected': ['不予受理', 'rejected'],
  'channel.ivr': ['电话语音', 'phone menu'],
  'channel.hotline': ['热线电话', 'hotline call'],
  'channel.sms': ['短信', 'SMS'],
  'channel.web': ['网站', 'web'],
  'channel.email': ['电子邮件', 'email'],
  'channel.api': ['工作平台', 'staff'],
  'channel.open311': ['Open311', 'Open311'],
  'channel.voice': ['语音电话', 'voice call'],
  'channel.push': ['页面推送', 'page push'],
};

export const TICKET_WORDS = {
  'zh-CN': Object.fromEntries(Object.entries(VALUES).map(([key, [zh]]) => [`ticket.${key}`, zh])),
  en: Object.fromEntries(Object.entries(VALUES).map(([key, [, en]]) => [`ticket.${key}`, en])),
};

addStaffMessages(TICKET_WORDS);
