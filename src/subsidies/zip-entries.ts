import { inflateRawSync } from 'node:zlib';

/**
 * The entries an XLSX file (a ZIP archive) declares in its central directory, read before anything
 * is inflated: which parts it has, and how large they say they are once inflated. This is how a
 * "ZIP bomb" (a few MB that inflate to gigabytes) is refused before the spreadsheet reader starts.
 * Declared sizes can lie; the reader's row limit, streaming and `readZipEntry`'s cap bound the rest.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (the only methods XLSX writers use). */
  method: number;
  compressedSize: number;
  /** Inflated size as declared (0xFFFFFFFF: ZIP64, i.e. at least 4 GiB). */
  size: number;
  /** Where the entry's local header starts. */
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_LENGTH = 22;

/** The central directory's entries; undefined when the bytes are not a readable ZIP archive. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is the last thing in the file, followed only by a comment of up to 64 KiB.
  let end = -1;
  for (let at = bytes.length - EOCD_LENGTH; at >= Math.max(0, bytes.length - EOCD_LENGTH - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names = new TextDecoder();
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length) return undefined;
    entries.push({
      name: names.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * An entry's stored (usually deflated) bytes, found through its local header; the sizes come from
 * the central directory, which is right even when the local header defers them to a data descriptor.
 */
export function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (entry.offset + 30 > bytes.length || view.getUint32(entry.offset, true) !== LOCAL) return undefined;
  const start =
    entry.offset + 30 + view.getUint16(entry.offset + 26, true) + view.getUint16(entry.offset + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  return data.length === entry.compressedSize && (entry.method === 0 || entry.method === 8)
    ? data
    : undefined;
}

/** One entry's bytes, inflated whole; undefined when unreadable or larger than `maxBytes`. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Buffer | undefined {
  const data = entryData(bytes, entry);
  if (!data) return undefined;
  try {
    if (entry.method === 0) return data.length <= maxBytes ? Buffer.from(data) : undefined;
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    // Corrupt, or larger than allowed.
  }
  return undefined;
}
