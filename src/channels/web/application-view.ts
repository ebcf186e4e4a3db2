import { maskPhone } from '../../privacy/phone.js';
import type { Department } from '../../store/departments.js';
import { maskName } from '../../subsidies/mask.js';
import type { ApplicationCase } from '../../subsidies/types.js';
import { toLocal } from '../../time/zoned-time.js';
import { translate, type PageLanguage } from './messages.js';

export type ApplicationStatusView = {
  number: string;
  item: string;
  status: string;
  /** `status-open` while the case runs, `status-done` once finished. */
  statusClass: string;
  applicant: string;
  phone?: string;
  department?: string;
  departmentPhone?: string;
  accepted: string;
  promised?: string;
  result?: string;
  steps: { name: string; at: string; by?: string; note?: string }[];
};

const FINISHED = new Set(['completed', 'rejected', 'withdrawn']);

/**
 * The status page of a case: service item, status in words, the steps with their China-time dates,
 * the department (its public phone too) and the promised date (承诺办结日期). The
 * applicant's name and phone are masked: the query code proves the visitor holds the receipt, not
 * who they are.
 */
export function applicationStatusView(
  language: PageLanguage,
  timeZone: string,
  application: ApplicationCase,
  department: Department | undefined,
): ApplicationStatusView {
  const open = !FINISHED.has(application.status);
  const departmentName = department
    ? language === 'en'
      ? (department.nameEn ?? department.name)
      : department.name
    : undefined;
  const departmentPhone = department?.phones[0];
  return {
    number: application.number,
    item: application.item,
    status: translate(language, `application.status.${application.status}`),
    statusClass: open ? 'status-open' : 'status-done',
    applicant: maskName(application.applicantName),
    ...(application.applicantPhone ? { phone: maskPhone(application.applicantPhone) } : {}),
    ...(departmentName ? { department: departmentName } : {}),
    ...(departmentPhone
      ? { departmentPhone: translate(language, 'application.departmentPhone', { phone: departmentPhone }) }
      : {}),
    accepted: dateTime(application.acceptedAt, timeZone),
    ...(application.promisedDate ? { promised: application.promisedDate } : {}),
    ...(application.result ? { result: application.result } : {}),
    steps: application.steps.map((step) => ({
      name: step.name,
      at: dateTime(step.at, timeZone),
      ...(step.by ? { by: step.by } : {}),
      ...(step.note ? { note: step.note } : {}),
    })),
  };
}

/** `2026-11-02 09:40` in the hub's zone. */
function dateTime(at: Date, timeZone: string): string {
  const local = toLocal(at, timeZone);
  const minutes = Math.floor(local.minutes);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local.date} ${hh}:${mm}`;
}
