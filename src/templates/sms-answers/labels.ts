import { APPLICATION_STATUSES, PAYMENT_STATUSES, SUBSIDY_TYPES } from '../../subsidies/types.js';
import type { RatingValue, TicketStatus } from '../../tickets/types.js';
import type { Locale } from '../renderer.js';

/** Codes said in words in SMS answers, per locale. The Chinese subsidy words are the registers' own. */
type Labels = Record<string, Record<Locale, string>>;

function zhOnly(table: Record<string, string>, en: Record<string, string>): Labels {
  return Object.fromEntries(
    Object.entries(table).map(([code, zh]) => [code, { 'zh-CN': zh, en: en[code] ?? zh }]),
  );
}

export const TICKET_STATUS_LABELS: Record<TicketStatus, Record<Locale, string>> = {
  received: { 'zh-CN': '已受理', en: 'received' },
  dispatched: { 'zh-CN': '已转交承办单位', en: 'passed to the department' },
  signed: { 'zh-CN': '承办单位已签收', en: 'accepted by the department' },
  in_progress: { 'zh-CN': '办理中', en: 'in progress' },
  waiting_citizen: { 'zh-CN': '待您补充信息', en: 'waiting for your information' },
  replied: { 'zh-CN': '已答复', en: 'answered' },
  closed: { 'zh-CN': '已办结', en: 'closed' },
  reopened: { 'zh-CN': '重新办理中', en: 'reopened' },
  return_review: { 'zh-CN': '重新分派中', en: 'being reassigned' },
  merged: { 'zh-CN': '已合并办理', en: 'merged with the same issue' },
  cancelled: { 'zh-CN': '已撤销', en: 'cancelled' },
  rejected: { 'zh-CN': '不予受理', en: 'not accepted' },
};

export const APPLICATION_STATUS_LABELS: Labels = zhOnly(APPLICATION_STATUSES, {
  accepted: 'accepted',
  reviewing: 'under review',
  supplement: 'documents needed',
  decided: 'decided',
  completed: 'completed',
  rejected: 'not accepted',
  withdrawn: 'withdrawn',
});

export const PAYMENT_STATUS_LABELS: Labels = zhOnly(PAYMENT_STATUSES, {
  paid: 'paid',
  pending: 'pending',
  returned: 'returned by the bank',
});

export const SUBSIDY_TYPE_LABELS: Labels = zhOnly(SUBSIDY_TYPES, {
  grain: 'grain subsidy',
  'farm-input': 'farm-input subsidy',
  'medical-aid': 'medical aid',
  dibao: 'minimum living allowance',
  wubao: 'five-guarantee support',
});

export const RATING_LABELS: Record<RatingValue, Record<Locale, string>> = {
  satisfied: { 'zh-CN': '满意', en: 'satisfied' },
  basically_satisfied: { 'zh-CN': '基本满意', en: 'basically satisfied' },
  dissatisfied: { 'zh-CN': '不满意', en: 'dissatisfied' },
};
