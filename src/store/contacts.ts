import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './errors.js';

/**
 * Citizens as reachable contacts. `key` (`phone:+86…` or `email:…`) is the unique identity a contact
 * was first seen by; later numbers and addresses join the history arrays.
 */
export interface Contact {
  id: string;
  key: string;
  name?: string;
  phones: { number: string; addedAt: Date; verifiedAt?: Date }[];
  emails: { address: string; addedAt: Date; verifiedAt?: Date }[];
  /** Channel → time of opt-out (TD / 退订 / STOP). */
  optOuts: Record<string, Date>;
  language: string;
  createdAt: Date;
}

type ContactDoc = Omit<Contact, 'id'>;

const ContactSchema = new Schema<ContactDoc>(
  {
    key: { type: String, required: true },
    name: String,
    phones: [new Schema({ number: String, addedAt: Date, verifiedAt: Date }, { _id: false })],
    emails: [new Schema({ address: String, addedAt: Date, verifiedAt: Date }, { _id: false })],
    optOuts: { type: Map, of: Date, default: {} },
    language: { type: String, default: 'zh-CN' },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'contacts' },
);
ContactSchema.index({ key: 1 }, { unique: true });
ContactSchema.index({ 'phones.number': 1 });
ContactSchema.index({ 'emails.address': 1 });

export class ContactRepository {
  readonly model: Model<ContactDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<ContactDoc>('Contact', ContactSchema);
  }

  async findById(id: string): Promise<Contact | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toContact(doc) : undefined;
  }

  async findByPhone(phone: string): Promise<Contact | undefined> {
    const doc = await this.model.findOne({ 'phones.number': phone }).lean();
    return doc ? toContact(doc) : undefined;
  }

  async findByEmail(address: string): Promise<Contact | undefined> {
    const doc = await this.model.findOne({ 'emails.address': address }).lean();
    return doc ? toContact(doc) : undefined;
  }

  /**
   * The contact for a normalised phone or email, created on first sight. Two intakes racing for the
   * same new contact meet at the unique key: the loser reads the winner's document.
   */
  async findOrCreate(input: {
    phone?: string;
    email?: string;
    name?: string;
    language?: string;
  }): Promise<Contact> {
    const existing =
      (input.phone ? await this.findByPhone(input.phone) : undefined) ??
      (input.email ? await this.findByEmail(input.email) : undefined);
    if (existing) return existing;
    const key = input.phone ? `phone:${input.phone}` : `email:${input.email ?? ''}`;
    const now = new Date();
    try {
      const created = await this.model.create({
        key,
        name: input.name,
        phones: input.phone ? [{ number: input.phone, addedAt: now }] : [],
        emails: input.email ? [{ address: input.email, addedAt: now }] : [],
        optOuts: {},
        language: input.language ?? 'zh-CN',
        createdAt: now,
      });
      return toContact(created.toObject());
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.model.findOne({ key }).lean();
      if (!winner) throw error;
      return toContact(winner);
    }
  }
}

function toContact(doc: ContactDoc & { _id: unknown }): Contact {
  const { _id, optOuts, ...rest } = doc;
  const outs = optOuts as Record<string, Date> | Map<string, Date> | undefined;
  return { ...rest, id: String(_id), optOuts: outs instanceof Map ? Object.fromEntries(outs) : (outs ?? {}) };
}
