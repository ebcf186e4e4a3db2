import { buildCalendar } from '../../src/routing/calendar.js';
import { CN_HOLIDAYS } from '../../src/routing/holidays-cn.js';
import type { ClockOptions, Rule, RoutingFacts, TimeWindow } from '../../src/routing/rules.js';
import { CHANNELS, KINDS, PRIORITIES, type Priority } from '../../src/tickets/types.js';

/**
 * Routing rules and tickets at scale, made deterministically from a seed (so a failure replays), for
 * the routing reference test and `npm run bench -- routing`: 10,000 rules over 1,000 departments with
 * a realistic mix of conditions, tickets that often aim at one rule (so conditions deep in the list
 * are exercised, and near misses too), and a brute-force reference router that knows nothing of the
 * engine: rules sorted by order then id, every keyword looked for with `String.prototype.includes`.
 */

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, good enough to spread test data; the same seed gives the same data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Up to `k` distinct items (fewer when `items` has fewer). */
  sample<T>(items: readonly T[], k: number): T[] {
    const chosen = new Set<T>();
    for (let tries = 0; chosen.size < Math.min(k, items.length) && tries < k * 20; tries++)
      chosen.add(this.pick(items));
    return [...chosen];
  }

  /** A new array, Fisher–Yates shuffled. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }

  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(10));
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------
// The world: departments, vocabulary, places, callers, categories, the hub's clock

export const RULE_COUNT = 10_000;
export const DEPARTMENT_COUNT = 1_000;
export const RULE_SEED = 20_251_121;
export const TICKET_SEED = 20_260_214;
export const TIME_ZONE = 'Asia/Shanghai';
/** China has kept UTC+8 all year since 1991: the reference needs no time-zone database. */
const UTC_OFFSET_MS = 8 * 3_600_000;
export const WORKING_HOURS = [
  { from: '09:00', to: '12:00' },
  { from: '13:30', to: '17:30' },
] as const;

/** The engine's clock: the project's own calendar built from the official holiday data. */
export const HUB_CLOCK: ClockOptions = {
  calendar: buildCalendar(CN_HOLIDAYS),
  timeZone: TIME_ZONE,
  workingHours: WORKING_HOURS,
};

export function departmentCodes(count = DEPARTMENT_COUNT): string[] {
  return Array.from({ length: count }, (_, i) => `D${String(i + 1).padStart(4, '0')}`);
}

/** Common characters of citizens' complaints, from which most of the vocabulary is built. */
const HANZI = [
  ...new Set(
    '水电气暖路灯桥车站街道社区小区物业业主楼房屋租售工地施工噪音扰民垃圾清运环卫污染排放油烟烧烤摊贩' +
      '占道停违章拆迁补偿征地农村医保社养老退休资拖欠劳动合同学校教育招生培训食品药安全价格收费公交铁出' +
      '租网约快递外卖通信号宽带视燃料供热井盖窨积漏维修绿化树木砍伐园广场健身设施消防梯故障户籍证件办理' +
      '审批许可营执照税务发票银行贷款诈骗传销赌博治噪声狗宠流浪疫苗医院诊所生护士救急夜间早晚周末节假日' +
      '门口窗户墙体裂缝渗屋顶下雨积雪结冰滑倒受伤老人儿童残疾低困难救助补贴粮种植养殖猪鸡鱼虫病害' +
      '河湖池塘臭异味烟尘粉煤炭锅炉空调外机风扇音响喇叭商铺超市菜市场摊位秤短斤少两假冒伪劣过期变质',
  ),
];

/** Words a real rule set would use; some contain each other (噪音 in 噪音扰民). */
const HOTLINE_WORDS = [
  '噪音',
  '扰民',
  '噪音扰民',
  '施工',
  '夜间施工',
  '停水',
  '停电',
  '供暖',
  '暖气不热',
  '垃圾',
  '垃圾清运',
  '油烟',
  '拖欠工资',
  '占道经营',
  '违章停车',
  '井盖',
  '路灯',
  '物业',
  '电梯',
  '电梯故障',
  '医保',
  '社保',
  '养老金',
  '拆迁',
  '补偿',
  '诈骗',
  '广场舞',
  '燃气',
  '漏水',
  '积水',
  '食品安全',
  '快递',
  '网约车',
  '出租车',
  '公交',
  '招生',
  '疫苗',
  '流浪狗',
  '消防通道',
  '违建',
  '群租房',
  '高空抛物',
];

/** ASCII and full-width words: matched across widths and cases. */
const LATIN_WORDS = [
  'WiFi',
  'ETC',
  'PM2.5',
  'APP',
  '12345',
  '5G',
  'QQ',
  'SIM',
  'POS',
  'ATM',
  'U盘',
  'GPS',
  'VIP',
  'KTV',
  'LED',
  'EMS',
  'NFC',
  'ＡＰＰ',
  'ＥＴＣ',
  'ｗｉｆｉ',
  'Ｐｍ２．５',
  '１２３４５',
  '４Ｇ',
];

/**
 * Everyday phrases a ticket's text is made of around its vocabulary words. No vocabulary word occurs in
 * them, nor across two of them (buildVocabulary drops such words), so a text mentions exactly the
 * words put in it, give or take one formed across a word's edge.
 */
const FILLERS = [
  '市民来电反映',
  '希望尽快处理',
  '多次反映未解决',
  '请相关部门核实',
  '情况比较紧急',
  '今天上午',
  '昨天晚上',
  '我家附近',
  '想咨询一下',
  '谢谢',
  '已经打过热线',
  '具体地址在',
  '号楼三单元',
  '持续了一个多月',
  '影响休息',
  '来电人要求回复',
  '希望有关部门尽快协调处理并给予答复',
  '来电人表示这个情况已经持续了很长时间',
  '之前反映过但是一直没有得到解决',
  '请尽快安排工作人员到现场查看',
  '来电人情绪比较激动要求尽快回复',
  '具体位置在东门往北一百米左右',
  '附近居民都有意见',
  '联系人白天上班请下午六点以后联系',
  '该问题涉及多个部门请协调',
];
/** Every pair of phrases with every separator between: where accidental words would show up. */
const FILLER_CORPUS = FILLERS.flatMap((a) => FILLERS.map((b) => a + b)).join('|');

export interface Vocabulary {
  /** Every word, hotline words and Latin ones included. */
  words: readonly string[];
  chinese: readonly string[];
  latin: readonly string[];
}

/** A few thousand 2–4 character Chinese words, a quarter of them extending a shorter word. */
export function buildVocabulary(random: Random, size = 5_000): Vocabulary {
  const chinese = new Set<string>(HOTLINE_WORDS.filter((w) => !FILLER_CORPUS.includes(w)));
  const list = [...chinese];
  const shorter = list.filter((w) => w.length < 4);
  while (chinese.size < size) {
    let word: string;
    if (random.chance(0.25)) {
      const base = random.pick(shorter);
      const extra = random.pick(HANZI);
      word = random.chance(0.5) ? base + extra : extra + base;
    } else {
      const length = random.chance(0.5) ? 2 : random.chance(0.6) ? 3 : 4;
      word = Array.from({ length }, () => random.pick(HANZI)).join('');
    }
    if (!chinese.has(word) && !FILLER_CORPUS.includes(word)) {
      chinese.add(word);
      list.push(word);
      if (word.length < 4) shorter.push(word);
    }
  }
  return { words: [...list, ...LATIN_WORDS], chinese: list, latin: LATIN_WORDS };
}

/** 60 districts (6 digits), 25 townships each (9), 40 villages each (12): codes as the hub stores them. */
const DISTRICTS = ['1301', '1302', '1303', '1304', '1305', '1306'].flatMap((city) =>
  Array.from({ length: 10 }, (_, d) => `${city}${String(d + 1).padStart(2, '0')}`),
);

function randomRegionCode(random: Random, length: 6 | 9 | 12): string {
  let code = random.pick(DISTRICTS);
  if (length >= 9) code += String(random.between(1, 25)).padStart(3, '0');
  if (length === 12) code += String(random.between(1, 40)).padStart(3, '0');
  return code;
}

/** A full code (6, 9 or 12 digits) that starts with `prefix`. */
function regionCodeWithin(random: Random, prefix: string): string {
  let code = prefix;
  if (code.length === 6 && random.chance(0.7)) code += String(random.between(1, 25)).padStart(3, '0');
  if (code.length === 9 && random.chance(0.5)) code += String(random.between(1, 40)).padStart(3, '0');
  return code;
}

function locationOf(code: string): RoutingFacts['location'] {
  return {
    districtCode: code.slice(0, 6),
    ...(code.length >= 9 ? { townshipCode: code.slice(0, 9) } : {}),
    ...(code.length === 12 ? { villageCode: code } : {}),
  };
}

function randomMobile(random: Random): string {
  return `+861${random.pick(['3', '4', '5', '7', '8', '9'])}${random.digits(9)}`;
}

function randomLandline(random: Random): string {
  return `+86311${random.digits(8)}`;
}

/** A block of numbers: a unit's landlines or an enterprise's mobiles (7–9 digits after +86). */
function callerPrefix(random: Random): string {
  const number = random.chance(0.3) ? randomLandline(random) : randomMobile(random);
  return number.slice(0, random.between(10, 12));
}

/** A number that starts with `prefix`, as long as a real one (+86 and 11 digits). */
function callerWithin(random: Random, prefix: string): string {
  return prefix + random.digits(14 - prefix.length);
}

const CATEGORIES = [
  'environment.noise',
  'environment.air',
  'environment.water',
  'city.sanitation',
  'city.roads',
  'city.lighting',
  'city.greening',
  'housing.property',
  'housing.demolition',
  'housing.rental',
  'utilities.water',
  'utilities.power',
  'utilities.gas',
  'utilities.heating',
  'traffic.parking',
  'traffic.bus',
  'traffic.taxi',
  'labour.wages',
  'labour.contracts',
  'social.insurance',
  'social.pension',
  'social.assistance',
  'health.hospitals',
  'health.vaccines',
  'education.enrolment',
  'market.food-safety',
  'market.prices',
  'public-security.fraud',
  'agriculture.subsidies',
  'other',
];

const SLA_POLICIES = ['standard', 'urgent-24h', 'consultation-3d', 'complaint-5d', 'subsidy'];
const TAGS = ['noise', 'night', 'repeat', 'media', 'vip', 'epidemic', 'winter', 'flood-season'];

// ---------------------------------------------------------------------------------------------------
// Time: China time, holidays and make-up workdays, reference time windows

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function expandDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000)
    days.push(isoDay(ms));
  return days;
}

const HOLIDAY_DAYS = new Set(CN_HOLIDAYS.flatMap((y) => y.holidays.flatMap((h) => expandDays(h.from, h.to))));
const MAKEUP_WORKDAYS = new Set(CN_HOLIDAYS.flatMap((y) => y.makeupWorkdays));
const HOLIDAY_LIST = [...HOLIDAY_DAYS];
const MAKEUP_LIST = [...MAKEUP_WORKDAYS];
const FIRST_DAY_MS = Date.parse('2025-01-01T00:00:00Z');
const DAYS = 730;
/** Minutes of day around the working-hours edges (and midnight), where off-by-one errors live. */
const EDGE_MINUTES = [0, 1, 539, 540, 541, 719, 720, 721, 809, 810, 811, 1049, 1050, 1051, 1439];
const WORKING_MINUTES = WORKING_HOURS.map((h) => [minutesOfDay(h.from), minutesOfDay(h.to)] as const);

function minutesOfDay(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** The instant of a China-time date and milliseconds since its midnight. */
function chinaInstant(date: string, msOfDay: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - UTC_OFFSET_MS + msOfDay);
}

/** Reference: working day unless a holiday or a weekend, and make-up workdays are working days. */
function referenceIsWorkingDay(date: string): boolean {
  if (MAKEUP_WORKDAYS.has(date)) return true;
  if (HOLIDAY_DAYS.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Reference time window: China time by shifting UTC by eight hours, no Intl involved. */
export function referenceTimeWindow(at: Date): TimeWindow {
  const shifted = at.getTime() + UTC_OFFSET_MS;
  const date = isoDay(shifted);
  if (!referenceIsWorkingDay(date)) return 'day_off';
  const minute = (((shifted % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
  return WORKING_MINUTES.some(([from, to]) => minute >= from && minute < to)
    ? 'working_hours'
    : 'after_hours';
}

function randomDate(random: Random): string {
  const roll = random.next();
  if (roll < 0.2) return random.pick(HOLIDAY_LIST);
  if (roll < 0.3) return random.pick(MAKEUP_LIST);
  if (roll < 0.35) return random.pick(['2024-12-31', '2025-01-01', '2025-12-31', '2026-01-01', '2026-12-31']);
  return isoDay(FIRST_DAY_MS + random.int(DAYS) * 86_400_000);
}

function randomMsOfDay(random: Random): number {
  if (random.chance(0.4)) {
    const edge = random.pick(EDGE_MINUTES) * 60_000;
    const roll = random.next();
    if (roll < 0.5) return edge;
    if (roll < 0.7) return Math.max(0, edge - 1);
    return edge + random.int(60_000);
  }
  return random.int(86_400_000);
}

function randomInstant(random: Random): Date {
  return chinaInstant(randomDate(random), randomMsOfDay(random));
}

/** Midnight China time on a random day, the way an admin dates a rule. */
function randomEffectiveDate(random: Random): Date {
  return chinaInstant(isoDay(FIRST_DAY_MS + random.int(DAYS) * 86_400_000), 0);
}

// ---------------------------------------------------------------------------------------------------
// Rules

export interface RuleSet {
  rules: Rule[];
  departments: readonly string[];
  vocabulary: Vocabulary;
}

export interface RuleSetOptions {
  seed?: number;
  count?: number;
  departments?: number;
}

/**
 * `count` rules over `departments` departments. Orders come from a range a third the size of the
 * rule count, so many rules share an order and the id decides; ids are lower-case ASCII letters,
 * digits and hyphens, whose code-unit order and `localeCompare` order agree.
 */
export function generateRules(options: RuleSetOptions = {}): RuleSet {
  const random = new Random(options.seed ?? RULE_SEED);
  const count = options.count ?? RULE_COUNT;
  const departments = departmentCodes(options.departments ?? DEPARTMENT_COUNT);
  const vocabulary = buildVocabulary(random);
  const perDepartment = new Map<string, number>();
  const rules: Rule[] = [];
  for (let i = 0; i < count; i++) {
    // Every department gets rules; the first ones get more (a big city's bureaus have more rules).
    const lead = i < departments.length ? (departments[i] ?? 'D0001') : pickSkewed(random, departments);
    const serial = (perDepartment.get(lead) ?? 0) + 1;
    perDepartment.set(lead, serial);
    rules.push(generateRule(random, vocabulary, departments, lead, serial, count));
  }
  return { rules, departments, vocabulary };
}

function pickSkewed<T>(random: Random, items: readonly T[]): T {
  const index = Math.floor(items.length * random.next() ** 2);
  return items[index] ?? random.pick(items);
}

function pickWord(random: Random, vocabulary: Vocabulary): string {
  const roll = random.next();
  if (roll < 0.1) return random.pick(HOTLINE_WORDS);
  if (roll < 0.14) return random.pick(vocabulary.latin);
  return random.pick(vocabulary.chinese);
}

function words(random: Random, vocabulary: Vocabulary, lo: number, hi: number): string[] {
  const out = new Set<string>();
  const n = random.between(lo, hi);
  while (out.size < n) out.add(pickWord(random, vocabulary));
  return [...out];
}

function regionPrefixes(random: Random, lo: number, hi: number): string[] {
  return Array.from({ length: random.between(lo, hi) }, () => {
    const roll = random.next();
    return randomRegionCode(random, roll < 0.5 ? 6 : roll < 0.85 ? 9 : 12);
  });
}

const WINDOWS: readonly TimeWindow[] = ['working_hours', 'after_hours', 'day_off'];

function generateRule(
  random: Random,
  vocabulary: Vocabulary,
  departments: readonly string[],
  lead: string,
  serial: number,
  count: number,
): Rule {
  const c: Rule['conditions'] = {};
  const template = random.next();
  if (template < 0.2) {
    // A city-wide topic: some words, mostly narrowed by kind, channel or priority.
    c.keywords = { any: words(random, vocabulary, 1, 3) };
    if (random.chance(0.15)) c.keywords.all = words(random, vocabulary, 1, 2);
    if (random.chance(0.2)) c.keywords.none = words(random, vocabulary, 1, 3);
    if (random.chance(0.6)) c.kinds = random.sample(KINDS, random.between(1, 2));
    if (random.chance(0.4)) c.channels = random.sample(CHANNELS, random.between(1, 3));
    if (random.chance(0.15)) c.priorities = random.sample(PRIORITIES, random.between(1, 2));
    if (random.chance(0.1)) c.timeWindow = random.pick(WINDOWS);
  } else if (template < 0.65) {
    // A topic in a place: the district's, township's or village's own department.
    c.keywords = { any: words(random, vocabulary, 1, 3) };
    if (random.chance(0.1)) c.keywords.none = words(random, vocabulary, 1, 2);
    c.regionPrefixes = regionPrefixes(random, 1, 3);
    if (random.chance(0.3)) c.kinds = random.sample(KINDS, random.between(1, 3));
    if (random.chance(0.15)) c.timeWindow = random.pick(WINDOWS);
    if (random.chance(0.15)) c.categories = random.sample(CATEGORIES, random.between(1, 3));
  } else if (template < 0.73) {
    // Out of hours: night and holiday duty teams.
    c.keywords = random.chance(0.5)
      ? { any: words(random, vocabulary, 1, 3) }
      : { all: words(random, vocabulary, 2, 2), any: words(random, vocabulary, 1, 2) };
    c.timeWindow = random.chance(0.5) ? 'after_hours' : 'day_off';
    if (random.chance(0.5)) c.channels = random.sample(CHANNELS, random.between(1, 4));
  } else if (template < 0.85) {
    // A category in a place, whatever the words.
    c.categories = random.sample(CATEGORIES, random.between(1, 2));
    c.regionPrefixes = regionPrefixes(random, 1, 2);
    if (random.chance(0.3)) c.kinds = random.sample(KINDS, random.between(1, 3));
    if (random.chance(0.2)) c.keywords = { none: words(random, vocabulary, 1, 2) };
  } else if (template < 0.9) {
    // Known callers (an enterprise, a unit's landlines).
    c.callerPrefixes = Array.from({ length: random.between(1, 2) }, () => callerPrefix(random));
    if (random.chance(0.4))
      c.channels = random.sample(['hotline', 'ivr', 'sms'] as const, random.between(1, 2));
    if (random.chance(0.3)) c.keywords = { none: words(random, vocabulary, 1, 2) };
    if (random.chance(0.3)) c.categories = random.sample(CATEGORIES, random.between(1, 3));
  } else if (template < 0.96) {
    // A precise combination, with exclusions.
    c.keywords = { all: words(random, vocabulary, 2, 2), none: words(random, vocabulary, 1, 2) };
    if (random.chance(0.5)) c.priorities = random.sample(PRIORITIES, 1);
  } else {
    // A township's or village's night line.
    c.regionPrefixes = [randomRegionCode(random, random.chance(0.5) ? 9 : 12)];
    c.timeWindow = random.chance(0.5) ? 'after_hours' : 'day_off';
    c.channels = random.sample(CHANNELS, random.between(1, 3));
  }

  const rule: Rule = {
    id: `${lead.toLowerCase()}-${serial}`,
    version: random.between(1, 5),
    name: `${lead} rule ${serial}`,
    // Many rules keep a default order (0, 100, 1000), so ties are common and the id decides them.
    order: random.chance(0.3) ? random.pick([0, 100, 1000]) : random.int(Math.ceil(count / 3)),
    enabled: random.chance(0.94),
    conditions: c,
    actions: {
      leadDepartment: lead,
      ...(random.chance(0.2) ? { coDepartments: random.sample(departments, random.between(1, 3)) } : {}),
      ...(random.chance(0.15) ? { priority: random.pick<Priority>(['urgent', 'critical']) } : {}),
      ...(random.chance(0.3) ? { slaPolicy: random.pick(SLA_POLICIES) } : {}),
      ...(random.chance(0.2) ? { tags: random.sample(TAGS, random.between(1, 2)) } : {}),
    },
  };
  const dated = random.next();
  if (dated < 0.1) rule.effectiveFrom = randomEffectiveDate(random);
  else if (dated < 0.18) rule.effectiveTo = randomEffectiveDate(random);
  else if (dated < 0.22) {
    // A campaign's rule: from one midnight to a later one (the API refuses an empty range).
    const from = randomEffectiveDate(random);
    rule.effectiveFrom = from;
    rule.effectiveTo = new Date(from.getTime() + random.between(1, 120) * 86_400_000);
  }
  return rule;
}

// ---------------------------------------------------------------------------------------------------
// Tickets

const SEPARATORS = ['', '', '，', '。', ' ', '\u3000', '、', '：'];

/** Full-width form of printable ASCII (what a Chinese IME types), the inverse of the normalisation. */
function toFullWidth(text: string): string {
  return text
    .replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    .replace(/ /g, '\u3000');
}

/** How a citizen might type a word: Latin words in any width and case, now and then split by a space. */
function typed(random: Random, word: string): string {
  if (/[\x21-\x7e\uff01-\uff5e]/.test(word)) {
    const roll = random.next();
    if (roll < 0.25) return word.toUpperCase();
    if (roll < 0.5) return word.toLowerCase();
    if (roll < 0.75) return toFullWidth(word);
    return word;
  }
  if (word.length >= 2 && random.chance(0.03)) return `${word.slice(0, 1)} ${word.slice(1)}`;
  return word;
}

/** 2–16 everyday phrases (typically 30–200 characters, like a hotline ticket's text) around the words. */
function composeText(random: Random, words: readonly string[]): string {
  const phrases = Array.from({ length: random.between(2, 16) }, () => random.pick(FILLERS));
  for (const word of words) phrases.splice(random.int(phrases.length + 1), 0, typed(random, word));
  return phrases.reduce((text, phrase) => text + random.pick(SEPARATORS) + phrase, '');
}

/** Parts of a rule a ticket aimed at it can deliberately miss. */
type Missable = Exclude<ReferencePart, 'enabled' | 'idTieBreak'>;

function missableParts(rule: Rule): Missable[] {
  const c = rule.conditions;
  const parts: Missable[] = [];
  if (c.channels) parts.push('channels');
  if (c.kinds) parts.push('kinds');
  if (c.categories) parts.push('categories');
  if (c.priorities) parts.push('priorities');
  if (c.keywords?.any?.length) parts.push('keywords.any');
  if (c.keywords?.all?.length) parts.push('keywords.all');
  if (c.keywords?.none?.length) parts.push('keywords.none');
  if (c.regionPrefixes) parts.push('regionPrefixes');
  if (c.callerPrefixes) parts.push('callerPrefixes');
  if (c.timeWindow) parts.push('timeWindow');
  if (rule.effectiveFrom || rule.effectiveTo) parts.push('effectiveDates');
  return parts;
}

/** A value from `all` that `allowed` holds, or (when `miss`) one it does not, if there is one. */
function choose<T>(random: Random, all: readonly T[], allowed: readonly T[] | undefined, miss: boolean): T {
  if (!allowed) return random.pick(all);
  const others = all.filter((item) => !allowed.includes(item));
  return miss && others.length > 0 ? random.pick(others) : random.pick(allowed);
}

const LAST_DAY_MS = FIRST_DAY_MS + DAYS * 86_400_000;

/** A random China-time instant in [from, to), on any day, at an edge of the working hours now and then. */
function instantBetween(random: Random, from: number, to: number): Date {
  const firstDay = Math.floor((from + UTC_OFFSET_MS) / 86_400_000);
  const lastDay = Math.floor((to - 1 + UTC_OFFSET_MS) / 86_400_000);
  const date = random.chance(0.3)
    ? randomDate(random)
    : isoDay(random.between(firstDay, lastDay) * 86_400_000);
  const at = chinaInstant(date, randomMsOfDay(random));
  return at.getTime() >= from && at.getTime() < to
    ? at
    : chinaInstant(isoDay(random.between(firstDay, lastDay) * 86_400_000), randomMsOfDay(random));
}

/**
 * When a ticket aimed at `rule` arrives: in force and in the rule's time window, unless it is to miss
 * exactly that; right on an effective date's edge now and then.
 */
function instantFor(random: Random, rule: Rule, miss: Missable | undefined): Date {
  const from = rule.effectiveFrom?.getTime();
  const to = rule.effectiveTo?.getTime();
  if (miss === 'effectiveDates') {
    const outside: number[] = [];
    if (to !== undefined) outside.push(to, to + 1, to + random.int(30) * 86_400_000 + random.int(86_400_000));
    if (from !== undefined)
      outside.push(from - 1, from - random.int(30) * 86_400_000 - random.int(86_400_000));
    return new Date(random.pick(outside));
  }
  const lo = from ?? FIRST_DAY_MS - UTC_OFFSET_MS;
  const hi = to ?? LAST_DAY_MS - UTC_OFFSET_MS;
  if (hi <= lo) return new Date(lo);
  const window = rule.conditions.timeWindow;
  let at = instantBetween(random, lo, hi);
  if (random.chance(0.15)) {
    const edges = [from, to === undefined ? undefined : to - 1].filter((t): t is number => t !== undefined);
    if (edges.length > 0) at = new Date(random.pick(edges));
  }
  for (let tries = 0; window !== undefined && tries < 100; tries++) {
    if ((referenceTimeWindow(at) === window) !== (miss === 'timeWindow')) break;
    at = instantBetween(random, lo, hi);
  }
  return at;
}

/**
 * `count` tickets: half aimed at a random rule, meeting all its conditions or all but one (so the
 * edges of every kind of condition are crossed, far down the list too), half at nothing in
 * particular. Texts carry 0–3 vocabulary words between everyday phrases.
 */
export function generateTickets(set: RuleSet, count: number, seed = TICKET_SEED): RoutingFacts[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () =>
    random.chance(0.5) ? aimedTicket(random, set, random.pick(set.rules)) : randomTicket(random, set),
  );
}

function randomPriority(random: Random): Priority {
  const roll = random.next();
  return roll < 0.8 ? 'normal' : roll < 0.95 ? 'urgent' : 'critical';
}

function randomLocation(random: Random): RoutingFacts['location'] {
  if (random.chance(0.05)) return {};
  const roll = random.next();
  return locationOf(randomRegionCode(random, roll < 0.35 ? 6 : roll < 0.7 ? 9 : 12));
}

function randomCaller(random: Random): string | undefined {
  const roll = random.next();
  return roll < 0.7 ? randomMobile(random) : roll < 0.85 ? randomLandline(random) : undefined;
}

function randomTicket(random: Random, set: RuleSet): RoutingFacts {
  const chosen = Array.from({ length: random.pick([0, 1, 1, 2, 2, 3]) }, () =>
    pickWord(random, set.vocabulary),
  );
  const category = random.chance(0.6) ? random.pick(CATEGORIES) : undefined;
  const callerPhone = randomCaller(random);
  return {
    channel: random.pick(CHANNELS),
    kind: random.pick(KINDS),
    ...(category === undefined ? {} : { category }),
    priority: randomPriority(random),
    text: composeText(random, chosen),
    location: randomLocation(random),
    ...(callerPhone === undefined ? {} : { callerPhone }),
    at: randomInstant(random),
  };
}

function aimedTicket(random: Random, set: RuleSet, rule: Rule): RoutingFacts {
  const c = rule.conditions;
  const parts = missableParts(rule);
  // Exclusions and priorities are rarer conditions than most: their misses weigh double.
  const weighted = [...parts, ...parts.filter((p) => p === 'keywords.none' || p === 'priorities')];
  const miss = parts.length > 0 && random.chance(0.5) ? random.pick(weighted) : undefined;

  const chosen: string[] = [];
  const any = c.keywords?.any ?? [];
  const all = c.keywords?.all ?? [];
  const none = c.keywords?.none ?? [];
  if (any.length > 0 && miss !== 'keywords.any') chosen.push(random.pick(any));
  const left = miss === 'keywords.all' ? random.int(all.length) : -1;
  all.forEach((word, i) => {
    if (i !== left) chosen.push(word);
  });
  if (miss === 'keywords.none') chosen.push(random.pick(none));
  if (chosen.length < 3 && random.chance(0.3)) chosen.push(pickWord(random, set.vocabulary));

  let location = randomLocation(random);
  if (c.regionPrefixes) {
    const prefixes = c.regionPrefixes;
    const within = (code: string | undefined): boolean => prefixes.some((p) => code?.startsWith(p));
    if (miss !== 'regionPrefixes') location = locationOf(regionCodeWithin(random, random.pick(prefixes)));
    else if (random.chance(0.3)) {
      // Less precise than the rule: the district of a township prefix, say.
      const prefix = random.pick(prefixes);
      location =
        prefix.length > 6 && random.chance(0.7) ? locationOf(prefix.slice(0, prefix.length - 3)) : {};
    }
    for (let tries = 0; miss === 'regionPrefixes' && tries < 20; tries++) {
      const { villageCode, townshipCode, districtCode } = location;
      if (!within(villageCode ?? townshipCode ?? districtCode)) break;
      location = randomLocation(random);
    }
  }

  let callerPhone = randomCaller(random);
  if (c.callerPrefixes) {
    const prefixes = c.callerPrefixes;
    if (miss !== 'callerPrefixes') callerPhone = callerWithin(random, random.pick(prefixes));
    else if (random.chance(0.3)) {
      // One digit off within the prefix.
      const prefix = random.pick(prefixes);
      const last = Number(prefix.slice(-1));
      callerPhone = callerWithin(random, prefix.slice(0, -1) + String((last + 1) % 10));
    }
    for (let tries = 0; miss === 'callerPrefixes' && tries < 20; tries++) {
      const phone = callerPhone;
      if (phone === undefined || !prefixes.some((p) => phone.startsWith(p))) break;
      callerPhone = randomCaller(random);
    }
  }

  const category =
    miss === 'categories' && random.chance(0.3)
      ? undefined
      : c.categories
        ? choose(random, CATEGORIES, c.categories, miss === 'categories')
        : random.chance(0.6)
          ? random.pick(CATEGORIES)
          : undefined;
  return {
    channel: choose(random, CHANNELS, c.channels, miss === 'channels'),
    kind: choose(random, KINDS, c.kinds, miss === 'kinds'),
    ...(category === undefined ? {} : { category }),
    priority: c.priorities
      ? choose(random, PRIORITIES, c.priorities, miss === 'priorities')
      : randomPriority(random),
    text: composeText(random, chosen),
    location,
    ...(callerPhone === undefined ? {} : { callerPhone }),
    at: instantFor(random, rule, miss),
  };
}

// ---------------------------------------------------------------------------------------------------
// The brute-force reference router

/** What the reference can be told to leave out, to show that each part of the decision matters. */
export type ReferencePart =
  | 'channels'
  | 'kinds'
  | 'categories'
  | 'priorities'
  | 'keywords.any'
  | 'keywords.all'
  | 'keywords.none'
  | 'regionPrefixes'
  | 'callerPrefixes'
  | 'timeWindow'
  | 'enabled'
  | 'effectiveDates'
  | 'idTieBreak';

export const REFERENCE_PARTS: readonly ReferencePart[] = [
  'channels',
  'kinds',
  'categories',
  'priorities',
  'keywords.any',
  'keywords.all',
  'keywords.none',
  'regionPrefixes',
  'callerPrefixes',
  'timeWindow',
  'enabled',
  'effectiveDates',
  'idTieBreak',
];

export interface ReferenceDecision {
  ruleId: string | undefined;
  considered: number;
  notInForce: number;
}

export type ReferenceRouter = (facts: RoutingFacts) => ReferenceDecision;

/** Full-width ASCII and the ideographic space to half-width, then lower case; written anew here. */
export function referenceNormalise(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xff01 && unit <= 0xff5e) out += String.fromCharCode(unit - 0xfee0);
    else if (unit === 0x3000) out += ' ';
    else out += text.charAt(i);
  }
  return out.toLowerCase();
}

interface PreparedRule {
  rule: Rule;
  any: readonly string[] | undefined;
  all: readonly string[] | undefined;
  none: readonly string[] | undefined;
}

/**
 * The obvious router: rules sorted by order then id (code units), each rule's conditions checked in
 * turn, keywords with `includes` on the normalised text. `leaveOut` drops parts of the decision
 * (the test uses this to show each part changes some outcome).
 */
export function referenceRouter(
  rules: readonly Rule[],
  leaveOut: ReadonlySet<ReferencePart> = new Set(),
): ReferenceRouter {
  const skip = (part: ReferencePart): boolean => leaveOut.has(part);
  const byId = !skip('idTieBreak');
  const ordered = [...rules].sort(
    (a, b) => a.order - b.order || (byId ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : 0),
  );
  const normalised = (list: readonly string[] | undefined, part: ReferencePart): string[] | undefined =>
    list === undefined || list.length === 0 || skip(part) ? undefined : list.map(referenceNormalise);
  const prepared: PreparedRule[] = ordered.map((rule) => ({
    rule,
    any: normalised(rule.conditions.keywords?.any, 'keywords.any'),
    all: normalised(rule.conditions.keywords?.all, 'keywords.all'),
    none: normalised(rule.conditions.keywords?.none, 'keywords.none'),
  }));
  const [channels, kinds, categories, priorities, regions, callers, windows, enabled, dates] = (
    [
      'channels',
      'kinds',
      'categories',
      'priorities',
      'regionPrefixes',
      'callerPrefixes',
      'timeWindow',
      'enabled',
      'effectiveDates',
    ] as const
  ).map((part) => !skip(part));

  return (facts) => {
    const text = referenceNormalise(facts.text);
    const window = referenceTimeWindow(facts.at);
    const at = facts.at.getTime();
    const { villageCode, townshipCode, districtCode } = facts.location;
    const region = villageCode ?? townshipCode ?? districtCode;
    let considered = 0;
    let notInForce = 0;
    for (const { rule, any, all, none } of prepared) {
      considered++;
      if (
        (enabled && !rule.enabled) ||
        (dates && rule.effectiveFrom !== undefined && at < rule.effectiveFrom.getTime()) ||
        (dates && rule.effectiveTo !== undefined && at >= rule.effectiveTo.getTime())
      ) {
        notInForce++;
        continue;
      }
      const c = rule.conditions;
      if (channels && c.channels && !c.channels.includes(facts.channel)) continue;
      if (kinds && c.kinds && !c.kinds.includes(facts.kind)) continue;
      if (
        categories &&
        c.categories &&
        (facts.category === undefined || !c.categories.includes(facts.category))
      )
        continue;
      if (priorities && c.priorities && !c.priorities.includes(facts.priority)) continue;
      if (any && !any.some((k) => text.includes(k))) continue;
      if (all && !all.every((k) => text.includes(k))) continue;
      if (none?.some((k) => text.includes(k))) continue;
      if (
        regions &&
        c.regionPrefixes &&
        (region === undefined || !c.regionPrefixes.some((p) => region.startsWith(p)))
      )
        continue;
      if (callers && c.callerPrefixes) {
        const phone = facts.callerPhone;
        if (phone === undefined || !c.callerPrefixes.some((p) => phone.startsWith(p))) continue;
      }
      if (windows && c.timeWindow !== undefined && c.timeWindow !== window) continue;
      return { ruleId: rule.id, considered, notInForce };
    }
    return { ruleId: undefined, considered, notInForce };
  };
}
