import { createHash } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { AttachmentRef } from '../../tickets/types.js';
import type { MailPart } from './parse-mail.js';

export interface AttachmentPolicy {
  /** MAIL_ATTACHMENT_MAX_BYTES. */
  maxBytes: number;
  /** MAIL_ATTACHMENT_TYPES (lower case). */
  types: readonly string[];
}

/** A ticket lists at most this many (the staff API's own limit); the rest are listed as refused. */
const MAX_KEPT = 20;

/** What a mail client sends as `application/octet-stream` is judged by its name's extension. */
const TYPE_OF_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Never kept, whatever type the sender declared. */
const EXECUTABLE = /\.(exe|com|bat|cmd|scr|pif|msi|js|jse|vbs|vbe|wsf|ps1|jar|hta|lnk|dll|sh)$/i;

/**
 * Judges each part of a mail against the limits: kept ones go to the attachments store (`_id` =
 * SHA-256, so a resend keeps nothing twice) and are listed as `att:<sha256>`; refused ones
 * (`too_large`, `type_not_allowed`, `too_many`) are listed by name with the reason as
 * `refused:<sha256>` — nothing of them is stored, but staff see that the citizen sent them.
 */
export async function keepAttachments(
  store: Pick<Store, 'attachments'>,
  parts: MailPart[],
  policy: AttachmentPolicy,
  at = new Date(),
): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  let kept = 0;
  for (const [index, part] of parts.entries()) {
    const sha256 = createHash('sha256').update(part.content).digest('hex');
    const name = (part.filename ?? `attachment-${index + 1}`).slice(0, 200);
    const contentType = effectiveType(part.contentType, name);
    const refused = judge(part, name, contentType, policy, kept);
    if (refused) {
      refs.push({ ref: `refused:${sha256}`, name, contentType, size: part.size, refused });
      continue;
    }
    await store.attachments.keep({
      sha256,
      data: part.content,
      contentType,
      size: part.size,
      name,
      createdAt: at,
    });
    kept++;
    refs.push({ ref: `att:${sha256}`, name, contentType, size: part.size });
  }
  return refs;
}

function judge(
  part: MailPart,
  name: string,
  contentType: string,
  policy: AttachmentPolicy,
  kept: number,
): string | undefined {
  if (EXECUTABLE.test(name) || !policy.types.includes(contentType)) return 'type_not_allowed';
  if (part.size > policy.maxBytes) return 'too_large';
  if (kept >= MAX_KEPT) return 'too_many';
  return undefined;
}

/** The declared type without parameters; `application/octet-stream` by the name's extension. */
export function effectiveType(declared: string, name: string): string {
  const type = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/octet-stream') return type;
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return (extension ? TYPE_OF_EXTENSION[extension] : undefined) ?? 'application/octet-stream';
}
