/** The admin area's start page: the admin pages that exist, and what is still to come. */
export const ADMIN_HOME_WORDS = {
  'zh-CN': {
    'area.admin.intro': '现已提供的管理功能：',
    'area.admin.users': '工作人员账号',
    'area.admin.usersText': '新建账号、停用与启用、重置密码。',
    'area.admin.audit': '审计日志',
    'area.admin.auditText': '按操作人、操作、工单号和日期检索所有操作记录。',
    'area.admin.later':
      '部门、派单规则（含测试与版本）、时限策略与节假日、消息模板、IVR 菜单、短信关键词、电话目录、补贴与办件数据导入、队列监控将陆续上线。',
  },
  en: {
    'area.admin.intro': 'Available now:',
    'area.admin.users': 'Staff accounts',
    'area.admin.usersText': 'Create accounts, disable and enable them, reset passwords.',
    'area.admin.audit': 'Audit log',
    'area.admin.auditText': 'Search every recorded action by who, what, ticket number and date.',
    'area.admin.later':
      'Departments, routing rules (with a test box and versions), SLA policies and holidays, message templates, the IVR menu, SMS keywords, the directory, imports of subsidy and application data, and the queue monitor come next.',
  },
};
