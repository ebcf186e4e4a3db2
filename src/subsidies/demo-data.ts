import { residentIdCheckChar } from '../privacy/resident-id.js';
import type { ApplicationRepository } from '../store/applications.js';
import type { SubsidyRepository } from '../store/subsidies.js';
import { formatApplicationNumber } from './application-number.js';
import type { ApplicationCase, HouseholdInput, PaymentInput } from './types.js';

/**
 * Demo application cases and subsidy households for `npm run seed`, the simulator and tests (other
 * channels' tests load them with {@link loadDemoCases} and query them by the numbers, phones and ID
 * numbers below). Villages of 正定县 (region 130123); phones are made-up 139 0311 numbers; ID numbers
 * are valid (their check character is computed, one ends in X).
 */

const idNumber = (first17: string): string => first17 + residentIdCheckChar(first17);
const at = (iso: string): Date => new Date(`${iso}+08:00`);

// --- application cases (办件) ----------------------------------------------------------------------

function application(
  number: string,
  queryCode: string,
  fields: Omit<ApplicationCase, 'number' | 'queryCode' | 'acceptedAt' | 'updatedAt'>,
): ApplicationCase {
  const first = fields.steps[0]?.at ?? new Date(0);
  const last = fields.steps.at(-1)?.at ?? first;
  return { number, queryCode, ...fields, acceptedAt: first, updatedAt: last };
}

export const DEMO_APPLICATIONS: readonly ApplicationCase[] = [
  application(formatApplicationNumber('261102', 7), '305117', {
    item: '城乡居民基本养老保险待遇申领',
    applicantName: '王建国',
    applicantPhone: '+8613903110001',
    department: 'RSJ',
    steps: [
      { name: '受理', at: at('2026-11-02T09:40:00'), by: '市民服务中心人社窗口' },
      { name: '审查', at: at('2026-11-05T15:10:00'), by: '养老保险科' },
      { name: '决定', at: at('2026-11-09T10:00:00'), by: '养老保险科' },
      { name: '办结', at: at('2026-11-10T16:30:00'), by: '市民服务中心人社窗口' },
    ],
    status: 'completed',
    promisedDate: '2026-11-20',
    result: '准予享受待遇，自2026年12月起按月发放',
  }),
  application(formatApplicationNumber('261116', 21), '480262', {
    item: '最低生活保障申请',
    applicantName: '李秀英',
    applicantPhone: '+8613903110002',
    department: 'MZJ',
    steps: [
      { name: '受理', at: at('2026-11-16T10:05:00'), by: '新城铺镇社会事务办' },
      { name: '审查', at: at('2026-11-18T09:00:00'), by: '县民政局社会救助股', note: '入户调查中' },
    ],
    status: 'reviewing',
    promisedDate: '2026-12-14',
  }),
  application(formatApplicationNumber('261119', 3), '917340', {
    item: '食品经营许可',
    applicantName: '张志强',
    applicantPhone: '+8613903110004',
    department: 'SCJ',
    steps: [
      { name: '受理', at: at('2026-11-19T14:20:00'), by: '行政审批局食品窗口' },
      { name: '补正告知', at: at('2026-11-20T11:00:00'), by: '行政审批局食品窗口', note: '请补交健康证明' },
    ],
    status: 'supplement',
    promisedDate: '2026-12-03',
  }),
  application(formatApplicationNumber('261120', 12), '662095', {
    item: '农村宅基地和建房（规划许可）审批',
    applicantName: '王建国',
    applicantPhone: '+8613903110001',
    department: 'NYJ',
    steps: [{ name: '受理', at: at('2026-11-20T09:15:00'), by: '新城铺镇农业综合服务中心' }],
    status: 'accepted',
    promisedDate: '2026-12-18',
  }),
  application(formatApplicationNumber('261009', 45), '128804', {
    item: '残疾人两项补贴申请',
    applicantName: '赵桂兰',
    applicantPhone: '+8613903110005',
    department: 'MZJ',
    steps: [
      { name: '受理', at: at('2026-10-09T10:30:00'), by: '新城铺镇社会事务办' },
      { name: '审查', at: at('2026-10-12T16:00:00'), by: '县残联' },
      { name: '决定', at: at('2026-10-20T09:30:00'), by: '县民政局', note: '残疾等级不符合条件' },
    ],
    status: 'rejected',
    promisedDate: '2026-10-30',
    result: '不予批准：残疾等级不符合申请条件，可申请复核',
  }),
];

// --- subsidy households and payments ---------------------------------------------------------------

/** A demo household with its plain ID number (tests key it) and its payments. */
export interface DemoHousehold extends HouseholdInput {
  payments: readonly Omit<PaymentInput, 'householdId' | 'source'>[];
}

const TOWNSHIP = '新城铺镇';
const paid = (year: number, type: PaymentInput['type'], batch: string, amountFen: number, paidDate: string) =>
  ({
    year,
    type,
    batch,
    amountFen,
    status: 'paid',
    paidDate,
    accountMasked: '****6021',
    bank: '正定县农村信用社',
  }) as const;

export const DEMO_SUBSIDY_HOUSEHOLDS: readonly DemoHousehold[] = [
  {
    headName: '王建国',
    idNumber: idNumber('13012319580312101'), // ends in X
    phones: ['+8613903110001'],
    township: TOWNSHIP,
    village: '塔元庄村',
    payments: [
      paid(2024, 'grain', '1', 82_150, '2024-05-20'),
      paid(2025, 'grain', '1', 83_400, '2025-05-22'),
      paid(2025, 'farm-input', '1', 41_260, '2025-06-10'),
      paid(2026, 'grain', '1', 84_000, '2026-05-21'),
    ],
  },
  {
    headName: '李秀英',
    idNumber: idNumber('13012319620708102'),
    phones: ['+8613903110002', '+8613903110003'],
    township: TOWNSHIP,
    village: '塔元庄村',
    payments: [
      paid(2025, 'medical-aid', '1', 356_080, '2025-09-03'),
      paid(2026, 'dibao', '2026-09', 62_000, '2026-09-10'),
      paid(2026, 'dibao', '2026-10', 62_000, '2026-10-10'),
      { year: 2026, type: 'dibao', batch: '2026-11', amountFen: 62_000, status: 'pending' },
    ],
  },
  {
    headName: '张志强',
    idNumber: idNumber('13012319700215101'),
    phones: ['+8613903110004'],
    township: TOWNSHIP,
    village: '东权城村',
    payments: [
      paid(2025, 'grain', '1', 61_020, '2025-05-22'),
      paid(2026, 'medical-aid', '1', 120_000, '2026-03-15'),
    ],
  },
  {
    // Shares the phone of 张志强 (brothers): BT by SMS needs the last 6 of the ID to tell them apart.
    headName: '张志刚',
    idNumber: idNumber('13012319731109103'),
    phones: ['+8613903110004', '+8613903110006'],
    township: TOWNSHIP,
    village: '东权城村',
    payments: [
      paid(2025, 'grain', '1', 58_830, '2025-05-22'),
      paid(2025, 'farm-input', '1', 29_410, '2025-06-10'),
      {
        ...paid(2026, 'farm-input', '1', 30_120, '2026-06-12'),
        status: 'returned', // account closed: the bank sent it back
      },
    ],
  },
  {
    headName: '赵桂兰',
    idNumber: idNumber('13012319450520102'),
    phones: ['+8613903110005'],
    township: TOWNSHIP,
    village: '吴兴村',
    payments: [
      paid(2025, 'wubao', '2025-H2', 420_000, '2025-07-08'),
      paid(2026, 'wubao', '2026-H1', 450_000, '2026-01-08'),
      paid(2026, 'wubao', '2026-H2', 450_000, '2026-07-08'),
    ],
  },
];

/**
 * Loads the demo cases into a store: cases upserted by number, households by ID hash, payments
 * replaced by key — running it twice leaves the same records (only the payments' import time moves).
 * Returns how many of each the demo has.
 */
export async function loadDemoCases(store: {
  applications: ApplicationRepository;
  subsidies: SubsidyRepository;
}): Promise<{ applications: number; households: number; payments: number }> {
  for (const application of DEMO_APPLICATIONS) await store.applications.upsert(application);
  let payments = 0;
  for (const { payments: list, ...household } of DEMO_SUBSIDY_HOUSEHOLDS) {
    const { id } = await store.subsidies.upsertHousehold(household);
    for (const payment of list) {
      await store.subsidies.replacePayment({ ...payment, householdId: id, source: 'seed' });
      payments++;
    }
  }
  return { applications: DEMO_APPLICATIONS.length, households: DEMO_SUBSIDY_HOUSEHOLDS.length, payments };
}
