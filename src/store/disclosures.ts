import { Schema, type Connection, type Model } from 'mongoose';
import { collectionOf, readPage, type ListOrder, type Page, type PageRequest } from './paging.js';

/**
 * The public results board (公示): one row per published ticket, `_id` = the ticket number, holding
 * only what may be shown to anyone — never a name, phone, address or the citizen's own words. The
 * ticket (its `disclosure` field) is the truth; this small collection is what the board reads, so
 * the board never scans tickets. Written by the ticket core after a publish / unpublish / reopen.
 */
export interface Disclosure {
  number: string;
  kind: string;
  category?: string;
  /** District code (6 digits) of the ticket's location, when it had one. */
  districtCode?: string;
  /** The staff's summary of request and result, personal data removed. */
  summary: string;
  resolvedAt?: Date;
  publishedAt: Date;
}

type DisclosureDoc = Omit<Disclosure, 'number'> & { _id: string };

const DisclosureSchema = new Schema<DisclosureDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    category: String,
    districtCode: String,
    summary: { type: String, required: true },
    resolvedAt: Date,
    publishedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'disclosures' },
);
// The board, newest publication first (the number breaks ties), paged by cursor.
DisclosureSchema.index({ publishedAt: -1, _id: -1 });
const NEWEST_FIRST: ListOrder = { list: 'disclosures', field: 'publishedAt', type: 'date', direction: -1 };

export class DisclosureRepository {
  readonly model: Model<DisclosureDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<DisclosureDoc>('Disclosure', DisclosureSchema);
  }

  /** Puts the row on the board, or replaces it (a second publish with a better summary). */
  async put(disclosure: Disclosure): Promise<void> {
    const { number, ...rest } = disclosure;
    await this.model.replaceOne({ _id: number }, rest, { upsert: true });
  }

  async remove(number: string): Promise<void> {
    await this.model.deleteOne({ _id: number });
  }

  /**
   * The board newest publication first, one page at a time: every published result of the city
   * stays on it, so it is read a page after the last row shown, never whole.
   */
  async listNewestFirst(request: PageRequest): Promise<Page<Disclosure>> {
    const page = await readPage(collectionOf<DisclosureDoc>(this.model), {}, NEWEST_FIRST, request);
    const items = page.items.map(({ _id, ...rest }) => ({ ...rest, number: _id }));
    return page.next === undefined ? { items } : { items, next: page.next };
  }
}
