import type { TicketStatus } from '../tickets/types.js';

/** Text for the voice: numbers a Mandarin voice reads the way a caller needs to hear them. */

/** `26112100425` → `2 6 1 1 2 1 0 0 4 2 5`: read digit by digit, not as a number in the billions. */
export function spellDigits(digits: string): string {
  return digits.replace(/(?<=.)(?=.)/gu, ' ');
}

/** `0311-86681002` → `0 3 1 1，8 6 6 8 1 0 0 2`: digit by digit, a pause where the number had a dash. */
export function spellPhone(phone: string): string {
  return phone
    .split(/[\s-]+/)
    .filter((part) => part.length > 0)
    .map((part) => spellDigits(part.replace(/^\+/, '')))
    .join('，');
}

/** Fen → `123元4角5分` (parts that are zero are left out; `0元` for nothing). */
export function yuanText(fen: number): string {
  const whole = Math.floor(Math.abs(fen) / 100);
  const jiao = Math.floor((Math.abs(fen) % 100) / 10);
  const rest = Math.abs(fen) % 10;
  const sign = fen < 0 ? '负' : '';
  let text = `${sign}${String(whole)}元`;
  if (jiao > 0) text += `${String(jiao)}角`;
  if (rest > 0) text += `${jiao === 0 ? '零' : ''}${String(rest)}分`;
  return text;
}

/** `2025-03-15` (or an instant, read in `timeZone`) → `2025年3月15日`. */
export function dateText(date: string): string {
  const [y = '', m = '', d = ''] = date.slice(0, 10).split('-');
  return `${y}年${String(Number(m))}月${String(Number(d))}日`;
}

/** Ticket statuses as a caller understands them. */
export const TICKET_STATUS_WORDS: Record<TicketStatus, string> = {
  received: '已受理，正在分派',
  dispatched: '已派单至承办单位',
  signed: '承办单位已签收',
  in_progress: '正在办理',
  waiting_citizen: '等待您补充信息',
  replied: '已答复',
  closed: '已办结',
  reopened: '已重新办理',
  return_review: '正在重新分派',
  merged: '已与相同诉求合并办理',
  cancelled: '已撤销',
  rejected: '不予受理',
};
