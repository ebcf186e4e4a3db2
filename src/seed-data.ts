import type { Rule } from './routing/rules.js';
import type { Department } from './store/departments.js';

/**
 * Demo departments of a prefecture-level city (region codes of 石家庄市, 1301xx). Phones are the
 * national service lines where one exists (12333, 12315 …) and made-up 0311 numbers otherwise.
 */
const HOURS = [
  { from: '09:00', to: '12:00' },
  { from: '13:30', to: '17:30' },
];
const CITY = ['1301'];

function department(code: string, name: string, nameEn: string, phones: string[], email: string): Department {
  return { code, name, nameEn, phones, email, regionCodes: CITY, workingHours: HOURS, active: true };
}

export const DEMO_DEPARTMENTS: readonly Department[] = [
  department(
    'RSJ',
    '市人力资源和社会保障局',
    'Human Resources and Social Security Bureau',
    ['12333', '0311-86681001'],
    'rsj@demo.gov.cn',
  ),
  department('MZJ', '市民政局', 'Civil Affairs Bureau', ['0311-86681002'], 'mzj@demo.gov.cn'),
  department(
    'ZJJ',
    '市住房和城乡建设局',
    'Housing and Urban-Rural Development Bureau',
    ['0311-86681003'],
    'zjj@demo.gov.cn',
  ),
  department(
    'NYJ',
    '市农业农村局',
    'Agriculture and Rural Affairs Bureau',
    ['12316', '0311-86681004'],
    'nyj@demo.gov.cn',
  ),
  department(
    'SCJ',
    '市市场监督管理局',
    'Market Regulation Administration',
    ['12315', '0311-86681005'],
    'scj@demo.gov.cn',
  ),
  department(
    'CGJ',
    '市城市管理综合行政执法局',
    'Urban Management Bureau',
    ['12319', '0311-86681006'],
    'cgj@demo.gov.cn',
  ),
  department(
    'STJ',
    '市生态环境局',
    'Ecology and Environment Bureau',
    ['12369', '0311-86681007'],
    'stj@demo.gov.cn',
  ),
  department('JTJ', '市交通运输局', 'Transport Bureau', ['12328', '0311-86681008'], 'jtj@demo.gov.cn'),
  department('WJW', '市卫生健康委员会', 'Health Commission', ['12320', '0311-86681009'], 'wjw@demo.gov.cn'),
  department('JYJ', '市教育局', 'Education Bureau', ['0311-86681010'], 'jyj@demo.gov.cn'),
  department('SPJ', '市行政审批局', 'Administrative Approval Bureau', ['0311-86681011'], 'spj@demo.gov.cn'),
  department(
    'GAJ',
    '市公安局（非紧急警务）',
    'Public Security Bureau (non-emergency)',
    ['0311-86681012'],
    'gaj@demo.gov.cn',
  ),
  ...[
    ['130102', '长安区'],
    ['130104', '桥西区'],
    ['130105', '新华区'],
    ['130108', '裕华区'],
  ].map(([code = '', name = '']) => ({
    code: `D${code}`,
    name: `${name}人民政府`,
    nameEn: `${name} district government`,
    phones: [`0311-8668${code.slice(-2)}00`],
    regionCodes: [code],
    workingHours: HOURS,
    active: true,
  })),
];

const rule = (
  id: string,
  name: string,
  order: number,
  conditions: Rule['conditions'],
  actions: Rule['actions'],
): Rule => ({ id, name, order, version: 1, enabled: true, conditions, actions });

/**
 * Demo routing rules (派单规则) for the demo departments: keyword rules as a 12345 centre starts
 * with; admins refine them through the API. Rules are tried by order; no match → triage.
 */
export const DEMO_RULES: readonly Rule[] = [
  rule(
    'social-insurance',
    '社保、养老金、工资拖欠 → 人社局',
    10,
    { keywords: { any: ['社保', '养老金', '医保卡', '拖欠工资', '欠薪'] } },
    { leadDepartment: 'RSJ' },
  ),
  rule(
    'subsidy-farm',
    '惠农补贴 → 农业农村局（民政局会办）',
    20,
    { keywords: { any: ['粮食直补', '农资', '惠农补贴', '种粮补贴'] } },
    { leadDepartment: 'NYJ', coDepartments: ['MZJ'], tags: ['惠农补贴'] },
  ),
  rule(
    'welfare',
    '低保、五保、医疗救助 → 民政局',
    30,
    { keywords: { any: ['低保', '五保', '医疗救助', '救助金'] } },
    { leadDepartment: 'MZJ', tags: ['民生保障'] },
  ),
  rule(
    'property',
    '物业、住房、公积金 → 住建局',
    40,
    { keywords: { any: ['物业', '公积金', '房屋漏水', '电梯'] } },
    { leadDepartment: 'ZJJ' },
  ),
  rule(
    'food-safety',
    '食品安全 → 市场监管局（紧急）',
    50,
    { keywords: { any: ['食物中毒', '过期食品', '食品安全'] } },
    { leadDepartment: 'SCJ', priority: 'urgent' },
  ),
  rule(
    'streets',
    '路灯、占道、垃圾 → 城管局',
    60,
    { keywords: { any: ['路灯', '占道经营', '垃圾', '井盖'] } },
    { leadDepartment: 'CGJ' },
  ),
  rule(
    'noise-night',
    '夜间噪音 → 生态环境局（公安局会办）',
    70,
    { keywords: { any: ['噪音', '噪声', '扰民'] }, timeWindow: 'after_hours' },
    { leadDepartment: 'STJ', coDepartments: ['GAJ'] },
  ),
  rule(
    'noise',
    '噪音 → 生态环境局',
    71,
    { keywords: { any: ['噪音', '噪声', '扰民'] } },
    { leadDepartment: 'STJ' },
  ),
  rule(
    'traffic',
    '公交、出租车 → 交通运输局',
    80,
    { keywords: { any: ['公交', '出租车', '网约车'] } },
    { leadDepartment: 'JTJ' },
  ),
  rule(
    'schools',
    '学校、招生 → 教育局',
    90,
    { keywords: { any: ['学校', '招生', '入学', '校外培训'] } },
    { leadDepartment: 'JYJ' },
  ),
];

// Application cases (办件) and subsidy households: their own module, re-exported for the seed and tests.
export {
  DEMO_APPLICATIONS,
  DEMO_SUBSIDY_HOUSEHOLDS,
  loadDemoCases,
  type DemoHousehold,
} from './subsidies/demo-data.js';
