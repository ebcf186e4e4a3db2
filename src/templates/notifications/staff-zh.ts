import type { LocaleCatalog, TemplateParts } from './parts.js';

/**
 * What departments and supervisors are told, in Chinese (email, console push, SMS). One text per
 * event serves both audiences, so warnings name the department and say what is due rather than
 * addressing the reader. `trackUrl` is the ticket in the console.
 */

const MORE = '{{moreUpdates collapsed}}';
const DEPARTMENT = '{{#if departmentName}}（承办单位：{{departmentName}}）{{/if}}';
const CLOCK = '{{clockLabel clock}}时限';
const APPLICANT = '{{#if departmentName}}{{departmentName}}{{else}}承办单位{{/if}}';

function email(subject: string, main: string): TemplateParts {
  return {
    subject,
    body:
      `${main}${MORE}\n\n` +
      '工单号：{{number}}\n类型：{{kindLabel kind}}\n{{#if dueAt}}时限：{{dueAt}}\n{{/if}}' +
      '查看工单：{{trackUrl}}\n\n12345政务服务便民热线（系统自动发送）\n',
  };
}

const text = (body: string): TemplateParts => ({ body });

/** Yellow, red, overdue: the same three channels, worded by how urgent it is. */
function warning(
  title: string,
  sms: string,
  main: string,
): Partial<Record<'email' | 'push' | 'sms', TemplateParts>> {
  return {
    sms: text(`${title}：${sms}${MORE}`),
    email: email(`${title}：工单{{number}}${CLOCK}{{dueAt}}`, main),
    push: text(`${title}：${sms}${MORE}`),
  };
}

export const STAFF_ZH: LocaleCatalog = {
  'department.new_ticket': {
    sms: text(
      `新工单{{number}}（{{kindLabel kind}}）已派至{{#if departmentName}}{{departmentName}}{{else}}您单位{{/if}}，请及时签收办理。${MORE}`,
    ),
    email: email(
      '新工单{{number}}：请及时签收',
      '12345热线派发新工单至{{#if departmentName}}{{departmentName}}{{else}}您单位{{/if}}，请及时签收办理。',
    ),
    push: text(`新工单{{number}}（{{kindLabel kind}}），请及时签收。${MORE}`),
  },
  'department.co_ticket': {
    sms: text(
      `并联工单{{number}}请{{#if departmentName}}{{departmentName}}{{else}}您单位{{/if}}协办，请及时签收并反馈意见{{#if dueAt}}（{{dueAt}}前）{{/if}}。${MORE}`,
    ),
    email: email(
      '并联工单{{number}}：请协办',
      '12345热线并联交办工单，请{{#if departmentName}}{{departmentName}}{{else}}您单位{{/if}}协办，' +
        '及时签收并{{#if dueAt}}于{{dueAt}}前{{/if}}反馈意见。',
    ),
    push: text(`并联工单{{number}}请协办，请及时签收。${MORE}`),
  },
  'department.co_answered': {
    sms: text(
      `工单{{number}}协办单位{{#if departmentName}}{{departmentName}}{{/if}}已反馈意见，请查看并答复。${MORE}`,
    ),
    email: email(
      '工单{{number}}：协办单位已反馈意见',
      '协办单位{{#if departmentName}}{{departmentName}}{{/if}}已就工单{{number}}反馈意见。' +
        '请查看后统一答复市民。{{#if text}}\n\n意见：{{text}}{{/if}}',
    ),
    push: text(`工单{{number}}协办单位{{#if departmentName}}{{departmentName}}{{/if}}已反馈意见。${MORE}`),
  },
  'sla.yellow': warning(
    '黄色预警',
    `工单{{number}}${CLOCK}将于{{dueAt}}到期${DEPARTMENT}，请及时办理。`,
    `工单{{number}}${CLOCK}将于{{dueAt}}到期${DEPARTMENT}，请及时办理。`,
  ),
  'sla.red': warning(
    '红色预警',
    `工单{{number}}${CLOCK}将于{{dueAt}}到期${DEPARTMENT}，请立即办理。`,
    `工单{{number}}${CLOCK}即将于{{dueAt}}到期${DEPARTMENT}，请立即办理，逾期将纳入督办。`,
  ),
  'sla.overdue': warning(
    '超期提醒',
    `工单{{number}}${CLOCK}已于{{dueAt}}到期${DEPARTMENT}，已纳入督办。`,
    `工单{{number}}${CLOCK}已于{{dueAt}}到期${DEPARTMENT}，已纳入督办，请从速办理并说明超期原因。`,
  ),
  'sla.extension_requested': {
    sms: text(`${APPLICANT}申请延期办理工单{{number}}，请审核。${MORE}`),
    email: email(
      '延期申请：工单{{number}}',
      `${APPLICANT}申请延期办理工单{{number}}，请及时审核。{{#if text}}\n\n申请理由：{{text}}{{/if}}`,
    ),
    push: text(`${APPLICANT}申请延期办理工单{{number}}，请审核。${MORE}`),
  },
  'sla.extension_approved': {
    sms: text(`工单{{number}}延期申请已批准，办结时限延长至{{dueAt}}。${MORE}`),
    email: email('延期已批准：工单{{number}}', '工单{{number}}延期申请已批准，办结时限延长至{{dueAt}}。'),
    push: text(`工单{{number}}延期已批准，时限{{dueAt}}。${MORE}`),
  },
  'sla.extension_denied': {
    sms: text(`工单{{number}}延期申请未获批准，请按原时限办结。${MORE}`),
    email: email(
      '延期未批准：工单{{number}}',
      '工单{{number}}延期申请未获批准{{#if text}}（{{text}}）{{/if}}，请按原时限办结。',
    ),
    push: text(`工单{{number}}延期未批准，请按原时限办结。${MORE}`),
  },
  'supervision.flagged': {
    sms: text(`督办通知：工单{{number}}已列为督办件${DEPARTMENT}，请从速办理并反馈。${MORE}`),
    email: email(
      '督办通知：工单{{number}}',
      `工单{{number}}已列为督办件${DEPARTMENT}，请从速办理并反馈办理情况。{{#if text}}\n\n督办事由：{{text}}{{/if}}`,
    ),
    push: text(`督办通知：工单{{number}}已列为督办件${DEPARTMENT}。${MORE}`),
  },
};
