import type { ClockName, Stage } from '../routing/sla-clock.js';
import type { Channel, Priority, SupervisionKind, TicketKind, TicketStatus } from '../tickets/types.js';

/** Words of the board's exports (zh-CN, with English), for the codes the board's rows carry. */
export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

type Words<K extends string> = Record<K, [zh: string, en: string]>;

const STATUS: Words<TicketStatus> = {
  received: ['已受理', 'Received'],
  dispatched: ['已派单', 'Dispatched'],
  signed: ['已签收', 'Signed'],
  in_progress: ['办理中', 'In progress'],
  waiting_citizen: ['待市民补充', 'Waiting for citizen'],
  replied: ['已答复', 'Answered'],
  closed: ['已办结', 'Closed'],
  reopened: ['重新办理', 'Reopened'],
  return_review: ['退单审核', 'Return review'],
  merged: ['已合并', 'Merged'],
  cancelled: ['已撤销', 'Cancelled'],
  rejected: ['不予受理', 'Rejected'],
};

const CHANNEL: Words<Channel> = {
  ivr: ['语音导航', 'IVR'],
  hotline: ['热线', 'Hotline'],
  sms: ['短信', 'SMS'],
  web: ['网站', 'Web'],
  email: ['邮件', 'Email'],
  api: ['接口', 'API'],
  open311: ['Open311', 'Open311'],
};

const KIND: Words<TicketKind> = {
  complaint: ['投诉', 'Complaint'],
  consultation: ['咨询', 'Consultation'],
  help: ['求助', 'Help'],
  suggestion: ['建议', 'Suggestion'],
  report: ['举报', 'Report'],
  praise: ['表扬', 'Praise'],
};

const PRIORITY: Words<Priority> = {
  normal: ['一般', 'Normal'],
  urgent: ['紧急', 'Urgent'],
  critical: ['特急', 'Critical'],
};

const CLOCK: Words<ClockName> = {
  sign: ['签收', 'Sign-off'],
  response: ['首次响应', 'First response'],
  completion: ['办结', 'Completion'],
  callback: ['回访', 'Callback'],
};

const STAGE: Words<Stage> = {
  yellow: ['黄色预警', 'Yellow warning'],
  red: ['红色预警', 'Red warning'],
  overdue: ['超期', 'Overdue'],
};

const FLAG: Words<SupervisionKind> = {
  overdue: ['超期', 'Overdue'],
  returned: ['多次退单', 'Returned repeatedly'],
  dissatisfied: ['不满意', 'Dissatisfied'],
  manual: ['人工督办', 'Supervisor'],
};

const CAUSE: Words<'reopen' | 'rating'> = {
  reopen: ['重办', 'Reopened by the hotline'],
  rating: ['不满意评价', 'Dissatisfied rating'],
};

const YES_NO: Words<'yes' | 'no'> = { yes: ['是', 'yes'], no: ['否', 'no'] };

const DICTIONARIES = {
  status: STATUS,
  channel: CHANNEL,
  kind: KIND,
  priority: PRIORITY,
  clock: CLOCK,
  stage: STAGE,
  flag: FLAG,
  cause: CAUSE,
  yesNo: YES_NO,
};

type Dictionaries = typeof DICTIONARIES;

/** The word for a code; an unknown code (an older document) shows as itself. */
export function label<D extends keyof Dictionaries>(
  dictionary: D,
  code: keyof Dictionaries[D] & string,
  language: ExportLanguage,
): string {
  const words = (DICTIONARIES[dictionary] as Record<string, [string, string]>)[code];
  if (!words) return code;
  return language === 'en' ? words[1] : words[0];
}
