import type { RowProblem } from './import-common.js';
import { rowKey, type SubsidyRow } from './subsidy-rows.js';

/**
 * Checks of a register against itself. The same payment (household × year × type × batch) twice:
 * an identical repeat is dropped with a `duplicate-row` note pointing at the first; repeats that
 * disagree (another amount, date …) reject every row of that payment — which one is right is for
 * the clerk to say. A household whose head name differs between rows rejects the later rows.
 */
export function checkWithinFile(rows: readonly SubsidyRow[]): { kept: SubsidyRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const byKey = new Map<string, SubsidyRow[]>();
  for (const row of rows) byKey.set(rowKey(row), [...(byKey.get(rowKey(row)) ?? []), row]);
  const rejected = new Set<SubsidyRow>();
  for (const group of byKey.values()) {
    const [first, ...repeats] = group;
    if (!first) continue;
    const disagree = repeats.some((row) => !samePayment(row, first));
    for (const row of repeats) {
      rejected.add(row);
      problems.push(
        disagree
          ? conflicting(row, first.row)
          : { row: row.row, code: 'duplicate-row', message: `repeats row ${first.row}`, firstRow: first.row },
      );
    }
    if (disagree) {
      rejected.add(first);
      problems.push(conflicting(first, repeats[0]?.row ?? first.row));
    }
  }
  const heads = new Map<string, SubsidyRow>();
  for (const row of rows) {
    const first = heads.get(row.idNumber);
    if (!first) heads.set(row.idNumber, row);
    else if (first.headName !== row.headName && !rejected.has(row)) {
      rejected.add(row);
      problems.push({
        row: row.row,
        column: 'headName',
        code: 'household-mismatch',
        message: `the same ID number has another head name in row ${first.row}`,
        firstRow: first.row,
      });
    }
  }
  return { kept: rows.filter((row) => !rejected.has(row)), problems };
}

function conflicting(row: SubsidyRow, other: number): RowProblem {
  return {
    row: row.row,
    code: 'conflicting-rows',
    message: `the same payment (ID, year, type, batch) differs in row ${other}`,
    firstRow: other,
  };
}

function samePayment(a: SubsidyRow, b: SubsidyRow): boolean {
  return (
    a.amountFen === b.amountFen &&
    a.status === b.status &&
    a.paidDate === b.paidDate &&
    a.accountMasked === b.accountMasked &&
    a.headName === b.headName
  );
}
