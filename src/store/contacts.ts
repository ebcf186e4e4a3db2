import { createHmac } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken } from './errors.js';
import { GroupedReads } from './grouped.js';

/**
 * Citizens as reachable contacts. A contact's `_id` is a keyed hash (HMAC-SHA256 with the hub
 * secret) of the identity it was first seen by — `phone:+8613800138000` or `email:a@b.cn` — so:
 * - intake finds or creates it with one insert and no lookup (a duplicate means "already known");
 * - ticket documents, outbox entries and queue jobs carry an opaque id, never a phone number.
 * Later numbers and addresses join the history arrays of the same document.
 */
export interface Contact {
  id: string;
  name?: string;
  phones: { number: string; addedAt: Date; verifiedAt?: Date }[];
  emails: { address: string; addedAt: Date; verifiedAt?: Date }[];
  /** Channel (`sms`, `voice`, `email`, `push`, or `all`) → time of opt-out (TD / 退订 / STOP). */
  optOuts: Record<string, Date>;
  /** Channels the citizen asked to hear on besides the one they came from. */
  preferences: { channels: string[] };
  language: string;
  createdAt: Date;
}

type ContactDoc = Omit<Contact, 'id'> & { _id: string };

const ContactSchema = new Schema<ContactDoc>(
  {
    _id: { type: String, required: true },
    name: String,
    phones: [new Schema({ number: String, addedAt: Date, verifiedAt: Date }, { _id: false })],
    emails: [new Schema({ address: String, addedAt: Date, verifiedAt: Date }, { _id: false })],
    optOuts: { type: Map, of: Date, default: {} },
    preferences: { channels: { type: [String], default: [] } },
    language: { type: String, default: 'zh-CN' },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'contacts' },
);

export interface ContactInput {
  /** Normalised (`+86…`). */
  phone?: string;
  /** Normalised (lower case). */
  email?: string;
  name?: string;
  language?: string;
}

/** Ids known to exist, so a returning citizen costs no write at all. Bounded; cleared when full. */
const KNOWN_LIMIT = 50_000;

export class ContactRepository {
  readonly model: Model<ContactDoc>;
  private readonly known = new Set<string>();
  /** Reads by id, grouped with others of the moment (src/store/grouped.ts). */
  readonly #reads: GroupedReads<ContactDoc>;

  constructor(
    connection: Connection,
    private readonly secret: string,
  ) {
    this.model = connection.model<ContactDoc>('Contact', ContactSchema);
    this.#reads = new GroupedReads(this.model.collection);
  }

  /** The id a phone or email maps to (whether or not the contact exists yet). */
  idFor(identity: { phone: string } | { email: string }): string {
    const key = 'phone' in identity ? `phone:${identity.phone}` : `email:${identity.email}`;
    return `c_${createHmac('sha256', this.secret).update(key).digest('base64url').slice(0, 27)}`;
  }

  /**
   * Records opt-outs (TD / 退订 / STOP, or a provider saying the recipient unsubscribed). The caller
   * holds the contact's lock (FerretDB updates are read-and-write-back). False: no such contact.
   */
  async optOut(id: string, channels: string[], at = new Date()): Promise<boolean> {
    const set = Object.fromEntries(channels.map((channel) => [`optOuts.${channel}`, at]));
    const result = await this.model.updateOne({ _id: id }, { $set: set });
    return result.matchedCount === 1;
  }

  /** Takes opt-outs back (KT / 恢复 / START). */
  async optIn(id: string, channels: string[]): Promise<boolean> {
    const unset = Object.fromEntries(channels.map((channel) => [`optOuts.${channel}`, '']));
    const result = await this.model.updateOne({ _id: id }, { $unset: unset });
    return result.matchedCount === 1;
  }

  async setPreferredChannels(id: string, channels: string[]): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id }, { $set: { 'preferences.channels': channels } });
    return result.matchedCount === 1;
  }

  /** Adds an address to a contact first seen by another (a citizen giving their email on a call). */
  async addEmail(id: string, address: string, at = new Date()): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, 'emails.address': { $ne: address } },
      { $push: { emails: { address, addedAt: at } } },
    );
    return result.matchedCount === 1;
  }

  async findById(id: string): Promise<Contact | undefined> {
    const doc = await this.#reads.findById(id);
    return doc ? toContact(doc) : undefined;
  }

  /**
   * The id of the contact for a phone (preferred) or email, created on first sight: one insert,
   * and a duplicate-key answer simply means the contact exists. Racing intakes meet at `_id`.
   */
  async ensure(input: ContactInput): Promise<string | undefined> {
    return (await this.ensureMade(input))?.id;
  }

  /**
   * As {@link ensure}, and when this call created the contact, the contact as stored (`made`):
   * intake plans the received notice and shows the contact without reading back what it just wrote.
   */
  async ensureMade(input: ContactInput): Promise<{ id: string; made?: Contact } | undefined> {
    const identity = input.phone ? { phone: input.phone } : input.email ? { email: input.email } : undefined;
    if (!identity) return undefined;
    const id = this.idFor(identity);
    if (this.known.has(id)) return { id };
    const now = new Date();
    const doc: ContactDoc = {
      _id: id,
      name: input.name,
      phones: input.phone ? [{ number: input.phone, addedAt: now }] : [],
      emails: input.email ? [{ address: input.email, addedAt: now }] : [],
      optOuts: {},
      preferences: { channels: [] },
      language: input.language ?? 'zh-CN',
      createdAt: now,
    };
    // Straight to the driver (see TicketRepository.insert): intake's hot path. Taken: a twin made it.
    const inserted = await insertUnlessTaken(this.model.collection, doc);
    if (this.known.size >= KNOWN_LIMIT) this.known.clear();
    this.known.add(id);
    return inserted ? { id, made: toContact(doc) } : { id };
  }
}

function toContact(doc: ContactDoc): Contact {
  const { _id, optOuts, preferences, ...rest } = doc;
  const outs = optOuts as Record<string, Date> | Map<string, Date> | undefined;
  return {
    ...rest,
    id: _id,
    optOuts: outs instanceof Map ? Object.fromEntries(outs) : (outs ?? {}),
    // Contacts stored before preferences existed have none.
    preferences: { channels: (preferences as Contact['preferences'] | undefined)?.channels ?? [] },
  };
}
