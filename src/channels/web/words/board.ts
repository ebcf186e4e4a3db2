import { addMessages } from '../messages.js';

/** Words of the public results board (`/board`, 公示), both languages. */
addMessages({
  'zh-CN': {
    'board.title': '办理结果公示',
    'board.intro': '以下是经诉求人同意公开的已办结诉求及办理结果，个人信息已隐去。',
    'board.empty': '暂无公示内容。',
    'board.number': '工单号',
    'board.place': '地点',
    'board.resolvedAt': '办结：{{date}}',
    'board.publishedAt': '公示：{{date}}',
    'board.page': '第 {{page}} 页',
    'board.newest': '最新公示',
    'board.older': '下一页',
  },
  en: {
    'board.title': 'Published results',
    'board.intro':
      'Resolved requests whose senders agreed to publication, with their results. Personal details are removed.',
    'board.empty': 'Nothing has been published yet.',
    'board.number': 'Request',
    'board.place': 'Place',
    'board.resolvedAt': 'Resolved {{date}}',
    'board.publishedAt': 'Published {{date}}',
    'board.page': 'Page {{page}}',
    'board.newest': 'Newest results',
    'board.older': 'Next page',
  },
});
