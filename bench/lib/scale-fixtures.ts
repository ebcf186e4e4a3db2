import { randomUUID } from 'node:crypto';
import type { Department } from '../../src/store/departments.js';
import type { NewTicket } from '../../src/store/tickets.js';
import type { ClockName, SlaClock } from '../../src/routing/sla-clock.js';
import { formatTicketNumber } from '../../src/tickets/ticket-number.js';
import {
  CHANNELS,
  KINDS,
  type Actor,
  type Channel,
  type TicketEvent,
  type TicketStatus,
} from '../../src/tickets/types.js';

/**
 * A hotline centre's history for the scale benchmark: departments, callers and three years of tickets,
 * made by a seeded generator (the same options give the same data), shaped as the ticket core writes
 * them — clocks, supervision flags, an event timeline — so the list keys come out as they would.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
/** China has one zone and no daylight saving: the local date of a ticket number is UTC + 8 h. */
const CHINA_OFFSET_MS = 8 * HOUR;
/** The completion clock the generated tickets run (15 working days, roughly three weeks). */
const COMPLETION_MS = 21 * DAY;
const CALLBACK_MS = 3 * DAY;
const THRESHOLDS = { yellow: 0.5, red: 0.8 } as const;

const TEXTS = [
  '小区门口的垃圾已经三天没人清运了，天气炎热，气味很大，希望尽快安排车辆清运。',
  '我家楼下的路灯坏了半个多月，晚上出行很不方便，老人孩子容易摔倒，请派人维修。',
  '附近工地夜间施工噪音很大，已经连续一周到凌晨两点，严重影响休息，请有关部门查处。',
  '咨询一下灵活就业人员的养老保险怎么续交，网上没有找到办理入口，需要带哪些材料。',
  '小区自来水发黄有异味，已经持续两天，物业说是市政管网的问题，请供水公司尽快检修。',
  '反映公交二十三路车班次太少，早高峰等车要四十分钟，建议增加班次或调整发车时间。',
  '村里通往镇上的道路有很多坑洼，下雨天积水严重，车辆无法通行，希望纳入修缮计划。',
  '商场门口人行道被共享单车和电动车占满，行人只能走机动车道，存在安全隐患，请整治。',
  '孩子今年九月上小学，户口和房产不在同一个区，想咨询入学登记需要准备哪些证明材料。',
  '我在网上办理的营业执照变更已经提交十个工作日了，一直显示审核中，请帮忙催办一下。',
  '举报某餐馆后厨卫生条件很差，老鼠蟑螂很多，还有过期食材，请市场监管部门检查处理。',
  '感谢社区工作人员帮助我家老人办理了高龄补贴，服务热情周到，特此表扬。',
] as const;
const SUBJECTS = ['垃圾清运', '路灯维修', '夜间施工噪音', '养老保险续交', '水质异味', '公交班次', '道路修缮'];
const DISTRICTS = ['130102', '130104', '130105', '130107', '130108', '130109', '130110', '130111'];
const DEPARTMENT_WORDS = [
  '人社局',
  '民政局',
  '住建局',
  '城管局',
  '交通局',
  '教育局',
  '卫健委',
  '市场监管局',
  '生态环境局',
  '水务局',
  '公安局',
  '自然资源局',
];

export interface ScaleOptions {
  tickets: number;
  contacts: number;
  departments: number;
  /** Milliseconds since the epoch: "now" for every clock and date generated. */
  now: number;
  seed: number;
  /** The keyed contact id (store.contacts.idFor of its phone) of each contact index. */
  contactIds: readonly string[];
}

/** What the seed made, for choosing the benchmark's queries. */
export interface SeedFacts {
  /** Open (desk lane) tickets per department. */
  openByDepartment: Map<string, number>;
  /** Tickets per contact index. */
  ticketsByContact: Map<number, number>;
  byStatus: Record<string, number>;
  triage: number;
  review: number;
  overdue: number;
  flagged: number;
  /** Tickets with a contact, for CX queries: number and contact index (a sample, up to a few thousand). */
  sample: { number: string; contact: number }[];
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same centre. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Contact `index`'s mainland mobile, normalised (`+86…`); distinct for every index below 10⁹. */
export function contactPhone(index: number): string {
  const tail = String((index * 48_271) % 1_000_000_000).padStart(9, '0');
  return `+861${String(3 + (index % 7))}${tail}`;
}

export function departmentCode(index: number): string {
  return `D${String(index + 1).padStart(2, '0')}`;
}

export function scaleDepartments(count: number): (Department & { version: number })[] {
  return Array.from({ length: count }, (_, i) => ({
    code: departmentCode(i),
    name: `${DISTRICTS[i % DISTRICTS.length] ?? ''}区${DEPARTMENT_WORDS[i % DEPARTMENT_WORDS.length] ?? ''}${i >= DEPARTMENT_WORDS.length ? String(Math.floor(i / DEPARTMENT_WORDS.length) + 1) : ''}`,
    phones: [`0311-8${String(600_000 + i).padStart(7, '0')}`],
    regionCodes: [DISTRICTS[i % DISTRICTS.length] ?? '130102'],
    workingHours: [
      { from: '09:00', to: '12:00' },
      { from: '13:30', to: '17:30' },
    ],
    active: true,
    version: 1,
  }));
}

/** Cumulative shares of the statuses: mostly closed, about 7 % open. */
const STATUS_SHARES: [TicketStatus, number][] = [
  ['closed', 0.905],
  ['cancelled', 0.01],
  ['merged', 0.005],
  ['rejected', 0.005],
  ['received', 0.004],
  ['reopened', 0.001],
  ['return_review', 0.003],
  ['dispatched', 0.006],
  ['signed', 0.01],
  ['in_progress', 0.03],
  ['waiting_citizen', 0.006],
  ['replied', 0.015],
];
/** Of the tickets with a running completion clock, how many are past it now. */
const OVERDUE_SHARE = 0.15;
/** Of the overdue ones, how many a supervisor flagged (督办); and of the others, a few manual flags. */
const FLAG_OVERDUE_SHARE = 0.4;
const FLAG_OTHER_SHARE = 0.02;
/** Cap on the CX sample kept in memory. */
const SAMPLE_SIZE = 5000;

const HOTLINE_ACTOR: Actor = { kind: 'staff', id: 'op-0001', role: 'operator' };
const SYSTEM: Actor = { kind: 'system', id: 'hub' };

/**
 * The tickets, oldest numbers first within each day, as batches of `batchSize`. Callers are skewed
 * (index ≈ contacts·u²): a few frequent callers have thousands of tickets, most have a handful.
 * Departments are skewed too, so one inbox is large.
 */
export function* scaleTickets(
  options: ScaleOptions,
  batchSize: number,
  facts: SeedFacts,
): Generator<NewTicket[]> {
  const random = rng(options.seed);
  const sequences = new Map<string, number>();
  let batch: NewTicket[] = [];
  for (let i = 0; i < options.tickets; i++) {
    const { ticket, contact } = oneTicket(i, options, random, sequences);
    record(facts, ticket, contact, i, options.now, random);
    batch.push(ticket);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function emptyFacts(): SeedFacts {
  return {
    openByDepartment: new Map(),
    ticketsByContact: new Map(),
    byStatus: {},
    triage: 0,
    review: 0,
    overdue: 0,
    flagged: 0,
    sample: [],
  };
}

function record(
  facts: SeedFacts,
  ticket: NewTicket,
  contact: number,
  i: number,
  now: number,
  random: () => number,
): void {
  facts.byStatus[ticket.status] = (facts.byStatus[ticket.status] ?? 0) + 1;
  facts.ticketsByContact.set(contact, (facts.ticketsByContact.get(contact) ?? 0) + 1);
  // A uniform sample of every ticket (reservoir), for the CX queries.
  if (facts.sample.length < SAMPLE_SIZE) facts.sample.push({ number: ticket.number, contact });
  else if (random() < SAMPLE_SIZE / (i + 1))
    facts.sample[Math.floor(random() * SAMPLE_SIZE)] = { number: ticket.number, contact };
  if (ticket.status === 'received' || ticket.status === 'reopened') facts.triage++;
  if (ticket.status === 'return_review') facts.review++;
  if (ticket.supervision.flagged) facts.flagged++;
  const completion = ticket.sla.clocks.completion;
  if (completion?.state === 'running' && completion.dueAt.getTime() < now) facts.overdue++;
  const desk = ['dispatched', 'signed', 'in_progress', 'waiting_citizen', 'replied'].includes(ticket.status);
  if (desk && ticket.leadDepartment) {
    facts.openByDepartment.set(
      ticket.leadDepartment,
      (facts.openByDepartment.get(ticket.leadDepartment) ?? 0) + 1,
    );
  }
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function statusOf(random: () => number): TicketStatus {
  let u = random();
  for (const [status, share] of STATUS_SHARES) {
    if (u < share) return status;
    u -= share;
  }
  return 'closed';
}

function oneTicket(
  i: number,
  options: ScaleOptions,
  random: () => number,
  sequences: Map<string, number>,
): { ticket: NewTicket; contact: number } {
  const status = statusOf(random);
  const open = !['closed', 'cancelled', 'merged', 'rejected'].includes(status);
  const triage = status === 'received' || status === 'reopened';
  const running = ['dispatched', 'signed', 'in_progress', 'replied'].includes(status);
  const overdue = (running || status === 'waiting_citizen') && random() < OVERDUE_SHARE;

  // When it came in: ended tickets anywhere in three years; open ones recently (their clocks say how).
  let completionDue: number | undefined;
  let createdAt: number;
  if (triage) createdAt = options.now - random() * 7 * DAY;
  else if (status === 'return_review') createdAt = options.now - random() * 14 * DAY;
  else if (open) {
    completionDue = overdue
      ? options.now - HOUR - random() * 10 * DAY
      : options.now + HOUR + random() * (COMPLETION_MS - 2 * HOUR);
    createdAt = completionDue - COMPLETION_MS;
  } else createdAt = options.now - 14 * DAY - random() * (3 * YEAR - 14 * DAY);

  const at = new Date(createdAt);
  const numberDate = new Date(createdAt + CHINA_OFFSET_MS).toISOString().slice(2, 10).replaceAll('-', '');
  const numberSeq = (sequences.get(numberDate) ?? 0) + 1;
  sequences.set(numberDate, numberSeq);
  const number = formatTicketNumber(numberDate, numberSeq);

  const contact = Math.floor(options.contacts * random() ** 2);
  const department = departmentCode(Math.floor(options.departments * random() ** 1.6));
  const channel: Channel = random() < 0.7 ? 'hotline' : pick(CHANNELS, random);
  const textIndex = Math.floor(random() * TEXTS.length);
  const body = TEXTS[textIndex] ?? TEXTS[0];
  const subject = textIndex < SUBJECTS.length ? SUBJECTS[textIndex] : undefined;
  const idempotencyKey = `scale-${options.seed}-${i}`;

  const clocks: Partial<Record<ClockName, SlaClock>> = {};
  if (!triage) {
    const due = completionDue ?? createdAt + COMPLETION_MS;
    const state = running ? 'running' : status === 'waiting_citizen' ? 'paused' : 'stopped';
    clocks.completion = clock(createdAt, due, COMPLETION_MS, state, options.now, overdue);
    if (status === 'replied') {
      clocks.completion = {
        ...clocks.completion,
        state: 'stopped',
        stoppedAt: new Date(options.now - HOUR),
        met: !overdue,
      };
      const replyAt = options.now - random() * CALLBACK_MS * 0.9;
      clocks.callback = clock(replyAt, replyAt + CALLBACK_MS, CALLBACK_MS, 'running', options.now, false);
    }
  }

  const flags: NewTicket['supervision']['flags'] = [];
  if (open && overdue && random() < FLAG_OVERDUE_SHARE)
    flags.push({
      kind: 'overdue',
      at: new Date(Math.min(options.now, (completionDue ?? createdAt) + HOUR)),
      clock: 'completion',
    });
  else if (open && !triage && random() < FLAG_OTHER_SHARE)
    flags.push({
      kind: 'manual',
      at: new Date(Math.min(options.now, createdAt + 2 * DAY)),
      detail: '请加快办理',
    });

  const ticket: NewTicket = {
    number,
    numberDate,
    numberSeq,
    queryCode: String(Math.floor(random() * 1_000_000)).padStart(6, '0'),
    channel,
    kind: pick(KINDS, random),
    category: `cat-${String(textIndex + 1).padStart(2, '0')}`,
    ...(subject ? { subject } : {}),
    body,
    attachments: [],
    contactId: options.contactIds[contact] ?? `c_scale_${String(contact)}`,
    anonymous: false,
    location: { districtCode: pick(DISTRICTS, random) },
    ...(triage ? {} : { leadDepartment: department }),
    coDepartments: {},
    priority: random() < 0.9 ? 'normal' : 'urgent',
    status,
    sla: triage ? { clocks } : { policy: 'standard', policyVersion: 1, department, clocks },
    ...(triage
      ? {}
      : {
          routing: {
            by: 'rule' as const,
            rule: { id: 'r-scale', version: 1, name: '按类别派单' },
            reasons: ['category'],
            considered: 12,
            at,
          },
        }),
    supervision: {
      flagged: flags.length > 0,
      ...(overdue ? { warning: 'overdue' as const } : {}),
      flags,
    },
    tags: [],
    events: timeline(status, createdAt, options.now, channel, department),
    outbox: {},
    disclosure: { public: false },
    source: {
      channel,
      idempotencyKey,
      dedupeKey: `${channel}:${idempotencyKey}`,
      externalIds: [],
      receivedAt: at,
    },
    returnCount: status === 'return_review' ? 1 : 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return { ticket, contact };
}

function clock(
  startedAt: number,
  dueAt: number,
  limitMs: number,
  state: SlaClock['state'],
  now: number,
  overdue: boolean,
): SlaClock {
  const yellowAt = startedAt + limitMs * THRESHOLDS.yellow;
  const redAt = startedAt + limitMs * THRESHOLDS.red;
  // Stages already past have fired (as the timers would have), so a boot schedules only future ones.
  const fired = (at: number) => (at <= now ? new Date(at) : undefined);
  const c: SlaClock = {
    unit: 'working_days',
    startedAt: new Date(startedAt),
    dueAt: new Date(dueAt),
    limitMs,
    thresholds: THRESHOLDS,
    yellowAt: new Date(yellowAt),
    redAt: new Date(redAt),
    state,
    pausedMs: 0,
    version: 1,
  };
  const yellowFiredAt = fired(yellowAt);
  const redFiredAt = fired(redAt);
  const overdueFiredAt = overdue ? fired(dueAt) : undefined;
  if (yellowFiredAt) c.yellowFiredAt = yellowFiredAt;
  if (redFiredAt) c.redFiredAt = redFiredAt;
  if (overdueFiredAt) c.overdueFiredAt = overdueFiredAt;
  if (state === 'paused') c.pausedAt = new Date(Math.min(now, startedAt + limitMs * 0.9));
  if (state === 'stopped') {
    c.stoppedAt = new Date(Math.min(now, startedAt + limitMs * 0.7));
    c.met = true;
  }
  return c;
}

/** Two to five events: received, dispatched, signed, replied, closed — as far as the status got. */
function timeline(
  status: TicketStatus,
  createdAt: number,
  now: number,
  channel: Channel,
  department: string,
): TicketEvent[] {
  const steps: [string, TicketStatus][] = [['received', 'received']];
  if (status === 'reopened') steps.push(['replied', 'replied'], ['reopened', 'reopened']);
  else if (status === 'return_review')
    steps.push(['dispatched', 'dispatched'], ['returned', 'return_review']);
  else if (status !== 'received') {
    steps.push(['dispatched', 'dispatched']);
    const order: TicketStatus[] = ['signed', 'in_progress', 'replied', 'closed'];
    const last = ['closed', 'cancelled', 'merged', 'rejected'].includes(status) ? 3 : order.indexOf(status);
    for (let s = 0; s <= last && steps.length < 5; s++) {
      const next = order[s];
      if (next && next !== 'in_progress') steps.push([next === 'signed' ? 'signed' : next, next]);
    }
    if (status === 'waiting_citizen') steps.push(['asked_citizen', 'waiting_citizen']);
    if (status === 'cancelled' || status === 'merged' || status === 'rejected') steps.push([status, status]);
  }
  const span = Math.max(HOUR, Math.min(now, createdAt + COMPLETION_MS) - createdAt);
  let from: TicketStatus | undefined;
  return steps.slice(0, 5).map(([type, toStatus], k) => {
    const at = new Date(createdAt + (span * k) / steps.length);
    const actor =
      k === 0
        ? HOTLINE_ACTOR
        : type === 'dispatched'
          ? SYSTEM
          : ({ kind: 'staff', id: `clerk-${department}`, role: 'department', department } satisfies Actor);
    const event: TicketEvent = {
      id: randomUUID(),
      type,
      ...(from ? { fromStatus: from } : {}),
      toStatus,
      actor,
      channel: k === 0 ? channel : 'api',
      visibility: type === 'dispatched' || type === 'signed' ? 'internal' : 'public',
      at,
      ...(type === 'replied' ? { data: { text: '经核实，已安排相关人员处理，感谢您的监督。' } } : {}),
    };
    from = toStatus;
    return event;
  });
}
