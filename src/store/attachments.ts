import { Schema, type Connection, type Model } from 'mongoose';
import { toBuffer } from './binary.js';
import { insertUnlessTaken } from './errors.js';

/**
 * Files citizens sent (mail attachments), content-addressed: `_id` = the SHA-256 of the bytes (hex),
 * so the same file sent twice (a resend, a reply quoting it) is kept once and the insert is its own
 * duplicate guard. Tickets refer to one as `AttachmentRef.ref` = `att:<sha256>`.
 */
export interface StoredAttachment {
  sha256: string;
  data: Buffer;
  contentType: string;
  size: number;
  /** The name it was first sent under. */
  name?: string;
  createdAt: Date;
}

type AttachmentDoc = Omit<StoredAttachment, 'sha256'> & { _id: string };

const AttachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: { type: String, required: true },
    data: { type: Buffer, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    name: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'attachments' },
);

export class AttachmentRepository {
  readonly model: Model<AttachmentDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<AttachmentDoc>('Attachment', AttachmentSchema);
  }

  /** Keeps the file unless it is kept already (same bytes → same `_id`); true when this call kept it. */
  async keep(attachment: StoredAttachment): Promise<boolean> {
    const { sha256, ...rest } = attachment;
    return insertUnlessTaken(this.model.collection, { ...rest, _id: sha256 });
  }

  async findBySha256(sha256: string): Promise<StoredAttachment | undefined> {
    const doc = await this.model.findById(sha256).lean();
    if (!doc) return undefined;
    const { _id, data, ...rest } = doc;
    const bytes = toBuffer(data);
    return { ...rest, sha256: _id, data: bytes };
  }
}
