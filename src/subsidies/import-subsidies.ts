import type { SubsidyRepository } from '../store/subsidies.js';
import type { PaymentInput, SubsidyHousehold, SubsidyPayment } from './types.js';
import type { CsvEncoding } from './csv-read.js';
import { flaggedCells, forEachLimit, withFlagged, type RowProblem } from './import-common.js';
import {
  emptyReport,
  openTable,
  setProblems,
  zeroCounts,
  type ImportHooks,
  type ImportMode,
  type ImportReport,
} from './import-report.js';
import type { TableRead } from './table-read.js';
import { checkWithinFile } from './subsidy-duplicates.js';
import { SUBSIDY_COLUMNS, SUBSIDY_REQUIRED, validateSubsidyRow, type SubsidyRow } from './subsidy-rows.js';

/**
 * Use-case: import a subsidy register (发放花名册, one row per payment) from CSV.
 *
 * Every row is validated (ID check character, phone, type, amount, dates), checked against the rest
 * of the file (duplicates) and against the store (a stored payment with another amount is a
 * conflict: paid money is not rewritten by an import). Then, unless it is a dry run (or
 * all-or-nothing with problems), the households and payments of the valid rows are written:
 * households upserted by ID hash, payments inserted by their natural key, or replaced when a later
 * register reports a status, date or account change. A re-run of the same file writes nothing.
 *
 * One import at a time per store (FerretDB updates are read-and-write-back, DESIGN §5a); a crash
 * half-way leaves a consistent prefix that re-running completes.
 */

export interface ImportSubsidiesInput extends ImportHooks {
  bytes: Uint8Array;
  /** The file already read (an XLSX, or a CSV read with limits): `bytes` and `encoding` are then unused. */
  table?: TableRead;
  /** The file's base name: the payments' `source`. */
  source: string;
  mode: ImportMode;
  encoding?: CsvEncoding | 'auto';
  /** China date `YYYY-MM-DD`: paid dates after it are refused. */
  today: string;
  /** Households read or written at the same time (round trips overlap; each household has one lane). */
  concurrency?: number;
}

/** What the store already has for one household of the file, and what the file makes of it. */
interface HouseholdPlan {
  id: string;
  household: 'created' | 'updated' | 'unchanged';
  payments: { row: SubsidyRow; input: PaymentInput; action: 'created' | 'updated' | 'unchanged' }[];
}

export async function importSubsidies(
  repository: SubsidyRepository,
  input: ImportSubsidiesInput,
): Promise<ImportReport> {
  const { report, rows } = checkSubsidyFile(input);
  if (report.fatal) return report;
  const plans = await plan(repository, rows, input);
  setProblems(report, [...report.problems, ...plans.problems]);
  report.counts = countsOf(plans.households);
  if (input.mode === 'import' || (input.mode === 'all-or-nothing' && report.problems.length === 0)) {
    await input.beforeWrite?.(report);
    const total = plans.households.reduce((sum, p) => sum + p.payments.length, 0);
    let done = 0;
    await forEachLimit(plans.households, input.concurrency ?? 8, async (p) => {
      await apply(repository, p);
      done += p.payments.length;
      input.onProgress?.({ phase: 'writing', done, total });
    });
    report.written = true;
  }
  return report;
}

/**
 * Reads and checks a register without the store (row validation, duplicates within the file):
 * the report so far and the rows that passed. The pure half of {@link importSubsidies}.
 */
export function checkSubsidyFile(input: Omit<ImportSubsidiesInput, 'concurrency' | keyof ImportHooks>): {
  report: ImportReport;
  rows: SubsidyRow[];
} {
  const report = emptyReport('subsidies', input.source, input.mode);
  const parsed = parseFile(input, report);
  if (!parsed) return { report, rows: [] };
  const { kept, problems } = checkWithinFile(parsed.valid);
  setProblems(report, [...parsed.problems, ...problems]);
  return { report, rows: kept };
}

/** Reads, maps and validates; records a fatal problem and returns undefined when the file is unusable. */
function parseFile(
  input: Omit<ImportSubsidiesInput, 'concurrency' | keyof ImportHooks>,
  report: ImportReport,
): { valid: SubsidyRow[]; problems: RowProblem[] } | undefined {
  const opened = openTable(input, report, {
    aliases: SUBSIDY_COLUMNS,
    required: SUBSIDY_REQUIRED,
    // The amount may come in yuan or in fen: one of the two columns is required.
    extraMissing: (index) =>
      index.amountYuan === undefined && index.amountFen === undefined ? ['amountYuan'] : [],
  });
  if (!opened) return undefined;
  const { table, index } = opened;
  const valid: SubsidyRow[] = [];
  const problems: RowProblem[] = [];
  for (const row of table.rows) {
    const result = validateSubsidyRow(row, { index, count: table.header.length }, input.today);
    const flagged = flaggedCells(row, index, report.columns);
    if (result.ok && flagged.length === 0) valid.push(result.value);
    else problems.push(...withFlagged(flagged, result.ok ? [] : result.problems));
  }
  return { valid, problems };
}

/** Reads what the store has for each household of the file (no writes). */
async function plan(
  repository: SubsidyRepository,
  rows: SubsidyRow[],
  input: ImportSubsidiesInput,
): Promise<{ households: HouseholdPlan[]; problems: RowProblem[] }> {
  const groups = new Map<string, SubsidyRow[]>();
  for (const row of rows) groups.set(row.idNumber, [...(groups.get(row.idNumber) ?? []), row]);
  const households: HouseholdPlan[] = [];
  const problems: RowProblem[] = [];
  let done = 0;
  const progress = (group: SubsidyRow[]) => {
    done += group.length;
    input.onProgress?.({ phase: 'checking', done, total: rows.length });
  };
  await forEachLimit([...groups.values()], input.concurrency ?? 8, async (group) => {
    await planHousehold(group);
    progress(group);
  });
  return { households, problems };

  async function planHousehold(group: SubsidyRow[]): Promise<void> {
    const [first] = group;
    const id = first && repository.householdIdFor(first.idNumber);
    if (!first || !id) return;
    const payments: HouseholdPlan['payments'] = [];
    for (const row of group) {
      const paymentInput = toPaymentInput(row, id, input.source);
      const stored = await repository.findPayment(repository.paymentIdFor(paymentInput));
      if (stored && stored.amountFen !== row.amountFen) problems.push(storedConflict(row));
      else payments.push({ row, input: paymentInput, action: paymentAction(stored, paymentInput) });
    }
    if (payments.length === 0) return;
    const household = householdAction(
      await repository.householdById(id),
      payments.map((p) => p.row),
    );
    households.push({ id, household, payments });
  }
}

async function apply(repository: SubsidyRepository, plan: HouseholdPlan): Promise<void> {
  if (plan.household !== 'unchanged')
    await repository.upsertHousehold(householdInput(plan.payments.map((p) => p.row)));
  for (const { input, action } of plan.payments) {
    if (action === 'created') {
      // Taken meanwhile (another import of the same file): the first write stands.
      await repository.insertPayment(input);
    } else if (action === 'updated') {
      await repository.replacePayment(input);
    }
  }
}

function householdInput(rows: SubsidyRow[]) {
  const [first] = rows as [SubsidyRow, ...SubsidyRow[]];
  return {
    idNumber: first.idNumber,
    headName: first.headName,
    phones: [...new Set(rows.flatMap((row) => row.phones))],
    township: rows.find((row) => row.township)?.township,
    village: rows.find((row) => row.village)?.village,
  };
}

function householdAction(
  stored: SubsidyHousehold | undefined,
  rows: SubsidyRow[],
): HouseholdPlan['household'] {
  if (!stored) return 'created';
  const wanted = householdInput(rows);
  const samePhones =
    wanted.phones.length === 0 ||
    (wanted.phones.length === stored.phones.length && wanted.phones.every((p) => stored.phones.includes(p)));
  const same =
    stored.headName === wanted.headName &&
    samePhones &&
    (wanted.township === undefined || wanted.township === stored.township) &&
    (wanted.village === undefined || wanted.village === stored.village);
  return same ? 'unchanged' : 'updated';
}

function toPaymentInput(row: SubsidyRow, householdId: string, source: string): PaymentInput {
  return {
    householdId,
    year: row.year,
    type: row.type,
    batch: row.batch,
    amountFen: row.amountFen,
    status: row.status,
    paidDate: row.paidDate,
    accountMasked: row.accountMasked,
    bank: row.bank,
    source,
  };
}

/** Same amount: unchanged when status, date and account agree (empty cells keep what is stored). */
function paymentAction(
  stored: SubsidyPayment | undefined,
  input: PaymentInput,
): 'created' | 'updated' | 'unchanged' {
  if (!stored) return 'created';
  if (input.accountMasked === undefined) input.accountMasked = stored.accountMasked;
  if (input.bank === undefined) input.bank = stored.bank;
  const same =
    stored.status === input.status &&
    stored.paidDate === input.paidDate &&
    stored.accountMasked === input.accountMasked &&
    stored.bank === input.bank;
  return same ? 'unchanged' : 'updated';
}

function storedConflict(row: SubsidyRow): RowProblem {
  return {
    row: row.row,
    column: 'amountYuan',
    code: 'conflict-stored',
    message:
      'this payment is already stored with another amount; correct it in the register system, not by import',
  };
}

function countsOf(plans: HouseholdPlan[]): ImportReport['counts'] {
  const households = zeroCounts();
  const payments = zeroCounts();
  for (const p of plans) {
    households[p.household]++;
    for (const { action } of p.payments) payments[action]++;
  }
  return { households, payments };
}
