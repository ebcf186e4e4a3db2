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
    'area.admin.departments': '部门',
    'area.admin.departmentsText': '新增和修改承办部门：名称、电话、邮箱、服务地区、工作时间，停用与启用。',
    'area.admin.sla': '时限与日历',
    'area.admin.slaText': '时限策略（签收、答复、办结、预警），法定节假日与调休上班日。',
    'area.admin.templates': '消息模板',
    'area.admin.templatesText': '短信、语音、邮件、推送的通知模板，边改边预览，短信显示条数。',
    'area.admin.ivr': '语音导航菜单',
    'area.admin.ivrText': '以树的形式修改 IVR 菜单，并在模拟器里逐级按键试听。',
    'area.admin.keywords': '短信关键词',
    'area.admin.keywordsText': '内置指令及其别名，自定义的业务关键词（如 GN 供暖）。',
    'area.admin.directory': '电话目录',
    'area.admin.directoryText': '查号目录中部门以外的条目：公共服务单位的电话与服务时间。',
    'area.admin.queues': '队列监控',
    'area.admin.queuesText': '查看通知、时限、群发、导入等后台任务，重试失败的任务。',
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
    'area.admin.departments': 'Departments',
    'area.admin.departmentsText':
      'Add and change departments: names, phones, mailbox, regions served, working hours; disable and enable.',
    'area.admin.sla': 'Time limits and calendar',
    'area.admin.slaText':
      'SLA policies (sign, answer, resolve, warning) and the official holidays and make-up workdays.',
    'area.admin.templates': 'Message templates',
    'area.admin.templatesText':
      'Notification templates for SMS, voice, email and push, with a live preview and the SMS part count.',
    'area.admin.ivr': 'IVR menu',
    'area.admin.ivrText': 'Edit the voice menu as a tree and click through it in the simulator.',
    'area.admin.keywords': 'SMS keywords',
    'area.admin.keywordsText':
      'The built-in commands and their aliases, and custom keywords (e.g. GN for heating).',
    'area.admin.directory': 'Directory',
    'area.admin.directoryText':
      'Directory entries besides the departments: public service numbers and their hours.',
    'area.admin.queues': 'Queue monitor',
    'area.admin.queuesText':
      'The background jobs (notices, SLA timers, broadcasts, imports…); retry the failed ones.',
  },
};
