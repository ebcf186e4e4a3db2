import { readZipEntry, type ZipEntry } from './zip-entries.js';

/**
 * What the workbook part of an XLSX says, read (it is small) before the sheet is streamed: which
 * part holds the first tab, and whether days count from 1904 (old Mac Excel). The streaming reader
 * meets these parts in whatever order the archive has them — exceljs writes xl/workbook.xml last —
 * so neither can be left to it.
 */

export interface WorkbookFacts {
  /** The first tab's part, e.g. `xl/worksheets/sheet2.xml`. */
  firstSheetPart: string;
  date1904: boolean;
}

const SMALL_PART = 1024 * 1024;

/** Undefined when the workbook part or its relationships cannot be read. */
export function workbookFacts(bytes: Uint8Array, entries: readonly ZipEntry[]): WorkbookFacts | undefined {
  const text = (name: string) => {
    const entry = entries.find((e) => e.name === name);
    return entry ? readZipEntry(bytes, entry, SMALL_PART)?.toString('utf8') : undefined;
  };
  const workbook = text('xl/workbook.xml');
  const rels = text('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) return undefined;
  // `<sheets>` does not match: the tag name must end at a space.
  const firstSheet = /<(?:\w+:)?sheet\s[^>]*>/.exec(workbook)?.[0];
  const rId = firstSheet && /\s\w+:id="([^"]*)"/.exec(firstSheet)?.[1];
  if (!rId) return undefined;
  const relation = [...rels.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)]
    .map(([tag]) => tag)
    .find((tag) => attribute(tag, 'Id') === rId);
  const target = relation && attribute(relation, 'Target');
  if (!target) return undefined;
  return {
    firstSheetPart: target.startsWith('/') ? target.slice(1) : `xl/${target}`,
    date1904: /<(?:\w+:)?workbookPr\s[^>]*\bdate1904="(?:1|true)"/.test(workbook),
  };
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}
