import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import type { Actor } from '../tickets/types.js';
import {
  MAX_PAGE_SIZE,
  collectionOf,
  readPage,
  type ListOrder,
  type Page,
  type PageRequest,
} from './paging.js';

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
// The search's lists, newest first: one index per equality it filters on, and one for no filter.
AuditSchema.index({ ticketNumber: 1, at: -1, _id: -1 });
AuditSchema.index({ 'actor.id': 1, at: -1, _id: -1 });
AuditSchema.index({ action: 1, at: -1, _id: -1 });
AuditSchema.index({ at: -1, _id: -1 });

type AuditDoc = AuditEntry & { _id: mongo.ObjectId };

// Entries get the driver's ObjectIds (`_id` breaks ties between entries of one millisecond).
const SEARCH: ListOrder = { list: 'audit-search', field: 'at', type: 'date', direction: -1, id: 'objectId' };
const OF_TICKET: ListOrder = {
  list: 'audit-ticket',
  field: 'at',
  type: 'date',
  direction: -1,
  id: 'objectId',
};

export class AuditLogRepository {
  readonly model: Model<AuditEntry>;

  constructor(connection: Connection) {
    this.model = connection.model<AuditEntry>('AuditEntry', AuditSchema);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.model.create(entry);
  }

  /**
   * 全程留痕 search for supervisors and admins: newest first, one page at a time after the cursor of
   * the page before (a cursor of another search is refused). The most selective equality asked for
   * (ticket, actor, action) leads to its index; the date range and any other field filter within it.
   */
  async search(filter: AuditSearch, request: PageRequest): Promise<Page<AuditEntry>> {
    const query: Record<string, unknown> = {};
    if (filter.actorIds?.length) query['actor.id'] = { $in: filter.actorIds };
    if (filter.action) query.action = filter.action;
    if (filter.ticketNumber) query.ticketNumber = filter.ticketNumber;
    if (filter.from || filter.to) {
      query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    }
    const scope = [
      filter.actorIds ?? null,
      filter.action ?? null,
      filter.ticketNumber ?? null,
      filter.from?.getTime() ?? null,
      filter.to?.getTime() ?? null,
    ];
    return toEntries(await readPage(collectionOf<AuditDoc>(this.model), query, SEARCH, request, scope));
  }

  /** A ticket's entries, newest first (the API and tests read the first page). */
  async forTicket(
    ticketNumber: string,
    request: PageRequest = { limit: MAX_PAGE_SIZE },
  ): Promise<Page<AuditEntry>> {
    const collection = collectionOf<AuditDoc>(this.model);
    return toEntries(await readPage(collection, { ticketNumber }, OF_TICKET, request, ticketNumber));
  }
}

function toEntries(page: Page<AuditDoc>): Page<AuditEntry> {
  const items = page.items.map(({ _id, ...entry }) => entry);
  return page.next === undefined ? { items } : { items, next: page.next };
}
