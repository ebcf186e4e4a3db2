import { Schema, type Connection, type Model } from 'mongoose';
import type { Actor } from '../tickets/types.js';

/** 全程留痕: insert-only record of staff actions and of every view of personal data. */
export interface AuditEntry {
  actor: Actor;
  action: string;
  ticketNumber?: string;
  contactId?: string;
  fields?: string[];
  /** The address a staff sign-in came from (sign-in, lock and sign-out entries). */
  ip?: string;
  /** A short machine word about the action (`wrong_password`, `locked`, the changed user …). */
  detail?: string;
  at: Date;
}

/** What the audit search filters on (every field optional; dates are a half-open range). */
export interface AuditSearch {
  actorIds?: string[];
  action?: string;
  ticketNumber?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** The largest number of entries one search can page through: the embedded database scans. */
export const AUDIT_SEARCH_CAP = 1000;

const AuditSchema = new Schema<AuditEntry>(
  {
    actor: { kind: String, id: String, role: String, department: String, head: Boolean },
    action: { type: String, required: true },
    ticketNumber: String,
    contactId: String,
    fields: [String],
    ip: String,
    detail: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'audit_log' },
);
AuditSchema.index({ ticketNumber: 1, at: -1 });
AuditSchema.index({ 'actor.id': 1, at: -1 });
AuditSchema.index({ action: 1, at: -1 });
AuditSchema.index({ at: -1 });

export class AuditLogRepository {
  readonly model: Model<AuditEntry>;

  constructor(connection: Connection) {
    this.model = connection.model<AuditEntry>('AuditEntry', AuditSchema);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.model.create(entry);
  }

  /**
   * 全程留痕 search for supervisors and admins: newest first, one page at a time. The filter goes
   * into the query (MongoDB uses the indexes; FerretDB scans), and no page reaches past
   * {@link AUDIT_SEARCH_CAP} entries so one search cannot read the whole log.
   */
  async search(
    filter: AuditSearch,
    page: { skip: number; limit: number },
  ): Promise<{ entries: AuditEntry[]; more: boolean }> {
    const query: Record<string, unknown> = {};
    if (filter.actorIds?.length) query['actor.id'] = { $in: filter.actorIds };
    if (filter.action) query.action = filter.action;
    if (filter.ticketNumber) query.ticketNumber = filter.ticketNumber;
    if (filter.from || filter.to) {
      query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    }
    const skip = Math.min(Math.max(page.skip, 0), AUDIT_SEARCH_CAP);
    const limit = Math.max(0, Math.min(page.limit, AUDIT_SEARCH_CAP - skip));
    if (limit === 0) return { entries: [], more: false };
    const docs = await this.model
      .find(query, { _id: 0 })
      .sort({ at: -1, _id: -1 })
      .skip(skip)
      .limit(limit + 1)
      .lean<AuditEntry[]>();
    const more = docs.length > limit && skip + limit < AUDIT_SEARCH_CAP;
    return { entries: docs.slice(0, limit), more };
  }

  async forTicket(ticketNumber: string): Promise<AuditEntry[]> {
    return this.model.find({ ticketNumber }, { _id: 0 }).sort({ at: -1 }).lean();
  }
}
