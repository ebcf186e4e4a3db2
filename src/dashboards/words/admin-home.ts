/** The admin area's start page: the admin pages that exist, and what is still to come. */
export const ADMIN_HOME_WORDS = {
  'zh-CN': {
    'area.admin.intro': '现已提供的管理功能：',
    'area.admin.users': '工作人员账号',
    'area.admin.usersText': '新建账号、停用与启用、重置密码。',
    'area.admin.audit': '审计日志',
    'area.admin.auditText': '按操作人、操作、工单号和日期检索所有操作记录。',
    'area.admin.imports': '数据导入',
    'area.admin.importsText': '上传补贴花名册或办件数据，查看进度和每一行的问题报告。',
    'area.admin.routing': '派单规则',
    'area.admin.routingText': '按顺序查看规则及其历史版本，输入诉求测试会派往哪里、为什么。',
    'area.admin.queues': '队列监控',
    'area.admin.queuesText': '查看通知、时限、群发、导入等后台任务，重试失败的任务。',
    'area.admin.later':
      '部门、在页面上修改派单规则（目前请用管理接口）、时限策略与节假日、消息模板、IVR 菜单、短信关键词、电话目录将陆续上线。',
  },
  en: {
    'area.admin.intro': 'Available now:',
    'area.admin.users': 'Staff accounts',
    'area.admin.usersText': 'Create accounts, disable and enable them, reset passwords.',
    'area.admin.audit': 'Audit log',
    'area.admin.auditText': 'Search every recorded action by who, what, ticket number and date.',
    'area.admin.imports': 'Imports',
    'area.admin.importsText':
      'Upload a subsidy register or application cases; follow the progress and read the report of every bad row.',
    'area.admin.routing': 'Routing rules',
    'area.admin.routingText':
      'The rules in the order they are tried, with their versions; a test box shows where a request would go and why.',
    'area.admin.queues': 'Queue monitor',
    'area.admin.queuesText':
      'The background jobs (notices, SLA timers, broadcasts, imports…); retry the failed ones.',
    'area.admin.later':
      'Departments, editing routing rules on a page (the admin API does it for now), SLA policies and holidays, message templates, the IVR menu, SMS keywords and the directory come next.',
  },
};
