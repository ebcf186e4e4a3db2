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
