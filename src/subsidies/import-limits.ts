/**
 * Limits of a register uploaded through the API (`POST /api/v1/imports`). Constants, not settings:
 * they follow from how the import works, not from a site's taste.
 *
 * - **8 MiB per file.** The file is kept (sealed) in one database document until its import has
 *   finished, and a document is limited to 16 MiB (FerretDB's SQLite backend keeps binary data as
 *   base64, a third larger). A 50,000-row register is about 5 MiB as CSV and 2 MiB as XLSX.
 * - **50,000 data rows.** Every row is validated before anything is written (all-or-nothing), so
 *   the whole register is in memory at once (≈ 1 KiB a row with its parsed values), and the import
 *   holds the one-import-at-a-time lock for its whole run (on the embedded database about a minute
 *   per 10,000 rows). A county's larger register is imported township by township.
 * - **XLSX inflated sizes.** An XLSX is a ZIP archive: a few MiB may declare gigabytes once inflated.
 *   The sheet is read as a stream (bounded by the row limit), but its shared strings are held in
 *   memory: they may not declare more than 64 MiB, and the whole archive not more than 256 MiB.
 */
export const IMPORT_LIMITS: Readonly<ImportLimits> = {
  maxFileBytes: 8 * 1024 * 1024,
  maxRows: 50_000,
  maxXlsxSharedStringsBytes: 64 * 1024 * 1024,
  maxXlsxInflatedBytes: 256 * 1024 * 1024,
};

export interface ImportLimits {
  maxFileBytes: number;
  maxRows: number;
  maxXlsxSharedStringsBytes: number;
  maxXlsxInflatedBytes: number;
}
