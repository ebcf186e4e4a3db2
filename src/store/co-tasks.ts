import { Schema, type Connection, type Model } from 'mongoose';
import type { Ticket, TicketStatus } from '../tickets/types.js';
import { collectionOf, readPage, type Page, type PageRequest } from './paging.js';
import { NO_DEADLINE } from './ticket-lists.js';

/**
 * Co-handling parts (并联) on the co-departments' desks: one row per open part, `_id` =
 * `<department>|<ticket>`. A ticket can be co-handled by several departments, and a department's
 * membership cannot be one scalar key of the ticket document, so this small read model is the index
 * of "tickets this department co-handles". The ticket's `coDepartments` stays the truth: the rows
 * are written by the ticket repository right after each change of a co-handled ticket (under the
 * ticket's one writer), and a desk checks every ticket it reads against its own rules again, so a
 * row left behind by a crash between the two writes shows nothing it should not (it is put right
 * by the ticket's next change).
 */

/** A co-department has its part only while the lead still works the ticket. */
export const CO_OPEN_STATUSES: readonly TicketStatus[] = [
  'dispatched',
  'signed',
  'in_progress',
  'waiting_citizen',
];

interface CoTaskDoc {
  _id: string;
  department: string;
  ticket: string;
  status: 'pending' | 'signed';
  dueAt: Date;
  createdAt: Date;
}

const CoTaskSchema = new Schema<CoTaskDoc>(
  {
    _id: { type: String, required: true },
    department: { type: String, required: true },
    ticket: { type: String, required: true },
    status: { type: String, required: true },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'co_tasks' },
);
CoTaskSchema.index({ department: 1, dueAt: 1, _id: 1 });

const ORDER = { list: 'co-tasks', field: 'dueAt', type: 'date', direction: 1 } as const;

export class CoTaskRepository {
  readonly model: Model<CoTaskDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<CoTaskDoc>('CoTask', CoTaskSchema);
  }

  /** Brings the rows of one ticket in line with it (and with what it was, for parts removed since). */
  async sync(before: Ticket, after: Ticket): Promise<void> {
    const codes = new Set([...Object.keys(before.coDepartments), ...Object.keys(after.coDepartments)]);
    await Promise.all(
      [...codes].map(async (code) => {
        const _id = `${code}|${after.number}`;
        const part = after.coDepartments[code];
        if (!part || part.status === 'answered' || !CO_OPEN_STATUSES.includes(after.status)) {
          await this.model.deleteOne({ _id });
          return;
        }
        const row = {
          department: code,
          ticket: after.number,
          status: part.status,
          dueAt: part.dueAt ?? NO_DEADLINE,
        };
        await this.model.replaceOne({ _id }, { ...row, createdAt: after.createdAt }, { upsert: true });
      }),
    );
  }

  /** A department's open co-handling parts, due soonest first: ticket numbers, one page. */
  async page(department: string, request: PageRequest): Promise<Page<string>> {
    const page = await readPage(
      collectionOf<CoTaskDoc>(this.model),
      { department },
      ORDER,
      request,
      department,
    );
    return { ...page, items: page.items.map((row) => row.ticket) };
  }

  /** How many open parts a department has (counted on its index). */
  count(department: string): Promise<number> {
    return this.model.countDocuments({ department });
  }
}
