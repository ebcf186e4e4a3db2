import { Schema, type Connection, type Model } from 'mongoose';
import type { Actor } from '../tickets/types.js';

/** 全程留痕: insert-only record of staff actions and of every view of personal data. */
export interface AuditEntry {
  actor: Actor;
  action: string;
  ticketNumber?: string;
  contactId?: string;
  fields?: string[];
  at: Date;
}

const AuditSchema = new Schema<AuditEntry>(
  {
    actor: { kind: String, id: String, role: String, department: String },
    action: { type: String, required: true },
    ticketNumber: String,
    contactId: String,
    fields: [String],
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'audit_log' },
);
AuditSchema.index({ ticketNumber: 1, at: -1 });
AuditSchema.index({ 'actor.id': 1, at: -1 });

export class AuditLogRepository {
  readonly model: Model<AuditEntry>;

  constructor(connection: Connection) {
    this.model = connection.model<AuditEntry>('AuditEntry', AuditSchema);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.model.create(entry);
  }

  async forTicket(ticketNumber: string): Promise<AuditEntry[]> {
    return this.model.find({ ticketNumber }, { _id: 0 }).sort({ at: -1 }).lean();
  }
}
