import type { IvrMenu } from './menu.js';

/**
 * The menu shipped on first start (version 1, Mandarin). Admins change it through
 * `PUT /api/v1/ivr/menu`; this one is then only the starting point.
 */
export const DEFAULT_MENU: IvrMenu = {
  root: 'main',
  nodes: [
    {
      id: 'main',
      prompt:
        '查询工单或办件进度请按1；查询惠农补贴请按2；留言请按3；人工服务请按4；查询部门电话请按5；重听请按0。',
      options: [
        { digit: '1', action: 'status' },
        { digit: '2', action: 'subsidy' },
        { digit: '3', action: 'message' },
        { digit: '4', action: 'operator' },
        { digit: '5', action: 'directory' },
        { digit: '0', action: 'repeat' },
      ],
    },
  ],
  prompts: {
    welcome: '您好，欢迎致电12345政务服务便民热线。',
    invalidKey: '您的输入有误。',
    noInput: '没有收到您的按键。',
    toOperator: '正在为您转接人工服务，请稍候。',
    queueWait: '座席正忙，您当前排在第{position}位，请耐心等候。',
    queueFailed: '座席繁忙，请在提示音后留言，按井号键结束。',
    statusAsk: '请输入工单号或办件号，以井号键结束。',
    statusWrongNumber: '号码有误，请核对。',
    statusReadBack: '您输入的号码是：{digits}。确认请按2，重新输入请按1。',
    statusNotFound: '没有查到号码{digits}的记录。',
    ticketStatus: '工单{digits}，当前状态：{status}。{department}',
    applicationStatus: '办件{digits}，{item}，当前状态：{status}。{department}{promised}',
    subsidyNoCallerId: '未能识别您的来电号码，请开启来电显示后再拨，或转人工服务。',
    subsidyNotRegistered: '您的来电号码不是补贴户登记的联系电话，请使用登记的电话拨打，或转人工服务。',
    subsidyAskIdTail: '请输入户主身份证号码后六位，末位是X的请按星号键，以井号键结束。',
    subsidyMismatch: '信息不符。',
    subsidyLocked: '今日查询验证失败次数过多，请明天再试，或转人工服务。',
    subsidyIntro: '以下是您家最近{count}笔补贴记录：',
    subsidyPayment: '{year}年{type}，{amount}，{status}{date}。',
    subsidyNone: '暂无补贴发放记录。',
    messageAsk: '请在提示音后留言，留言完毕请按井号键。',
    messageThanks: '您的留言已收到，我们会尽快处理。感谢您的来电，再见。',
    directoryEntry: '{name}请按{digit}；',
    directoryTail: '下一页请按9，重听请按0，返回主菜单请按星号键。',
    directoryNumber: '{name}的电话是：{phone}。转接请按1，重听请按2，返回部门列表请按0。',
    directoryConnecting: '正在为您转接{name}，请稍候。',
    directoryDialFailed: '转接未成功，请稍后再拨。',
    afterHours: '您好，现在是非工作时间。请在提示音后留言，我们将在工作时间内尽快处理，留言完毕请按井号键。',
    goodbye: '感谢您的来电，再见。',
  },
  timeoutSeconds: 6,
  maxStrikes: 3,
  recordMaxSeconds: 120,
  afterHours: 'voicemail',
};
