/**
 * Records the hub holds for citizens' queries but does not own: administrative application cases
 * (办件) from the departments' approval systems and subsidy payments (惠农补贴, 一折通) from the
 * finance / civil-affairs registers. They arrive by import (CSV today, admin pages later) and are
 * read by the SMS keywords (CX, BT), the IVR and the WAP pages.
 */

/** Stable codes of the subsidy types (used in CSV files, SMS answers and the API). Never rename. */
export const SUBSIDY_TYPES = {
  grain: '粮食直补',
  'farm-input': '农资综合直补',
  'medical-aid': '医疗救助',
  dibao: '低保',
  wubao: '五保',
} as const;

export type SubsidyType = keyof typeof SUBSIDY_TYPES;

/** Where a payment stands: paid into the account, announced but not yet paid, or sent back by the bank. */
export const PAYMENT_STATUSES = { paid: '已发放', pending: '待发放', returned: '已退回' } as const;

export type PaymentStatus = keyof typeof PAYMENT_STATUSES;

/**
 * A subsidy household (户). Looked up only by a registered phone or by the keyed hash of the head's
 * resident ID number (the `id`), never by name or village: a lookup must not reach another household.
 */
export interface SubsidyHousehold {
  /** `h` + keyed hash (HMAC-SHA256, `ID_HASH_KEY`) of the head's 18-character ID number. */
  id: string;
  headName: string;
  /** `130102********0021`: region and last four kept. The plain number is never stored. */
  idMasked: string;
  /** Normalised (`+8613800138000`); several per household, a phone may serve several households. */
  phones: string[];
  township?: string;
  village?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What an import or the seed gives for a household: the plain ID number is hashed and masked on the way in. */
export interface HouseholdInput {
  /** A valid 18-character resident ID number (validated by the caller with `parseResidentId`). */
  idNumber: string;
  headName: string;
  /** Phones (any spelling); they replace the registered ones (the latest register wins); empty keeps them. */
  phones: string[];
  township?: string;
  village?: string;
}

/** One payment of one subsidy type to one household in one year and batch (发放批次). */
export interface SubsidyPayment {
  /** `householdId:year:type:batch` — the natural key, so a re-import is a no-op. */
  id: string;
  householdId: string;
  year: number;
  type: SubsidyType;
  /** Batch of the year (`1`, `2024-03` for a monthly 低保 payment …): letters, digits, `-`, `_`. */
  batch: string;
  /** Integer fen (分): 123450 is ¥1,234.50. */
  amountFen: number;
  status: PaymentStatus;
  /** China date `YYYY-MM-DD`; absent while pending. */
  paidDate?: string;
  /** `****1234`: the full account number is never stored. */
  accountMasked?: string;
  bank?: string;
  /** Where it came from: the import file name, or `seed`. */
  source: string;
  importedAt: Date;
}

export type PaymentInput = Omit<SubsidyPayment, 'id' | 'importedAt'>;

/** Where an application case (办件) stands. Never rename: stored and shown. */
export const APPLICATION_STATUSES = {
  accepted: '已受理',
  reviewing: '审查中',
  supplement: '待补正',
  decided: '已决定',
  completed: '已办结',
  rejected: '不予受理',
  withdrawn: '已撤回',
} as const;

export type ApplicationStatus = keyof typeof APPLICATION_STATUSES;

/** One step of a case (受理, 审查, 决定, 办结 …) with when and by whom (a role or office, not a person's phone). */
export interface ApplicationStep {
  name: string;
  at: Date;
  by?: string;
  note?: string;
}

/** An administrative application case (办件) as the citizen may query it. */
export interface ApplicationCase {
  /** Digits only, prefix `9`, Damm check digit (src/subsidies/application-number.ts). */
  number: string;
  /** Six digits printed on the receipt; needed for details beyond the status. */
  queryCode: string;
  /** 事项名称, e.g. 城乡居民基本养老保险待遇申领. */
  item: string;
  applicantName: string;
  /** Normalised (`+86…`). */
  applicantPhone?: string;
  /** Department code (src/store/departments.ts). */
  department: string;
  /** In time order. */
  steps: ApplicationStep[];
  status: ApplicationStatus;
  acceptedAt: Date;
  /** 承诺办结日期, China date `YYYY-MM-DD`. */
  promisedDate?: string;
  /** 办理结果, e.g. 准予许可. */
  result?: string;
  updatedAt: Date;
}
