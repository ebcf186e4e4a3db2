import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken } from './errors.js';

/**
 * Admins' overrides of the notification templates. `message_templates` holds the one in use per
 * template (`_id` = `<event>/<channel>/<locale>`: event names hold dots, which ids may but keys may
 * not); every version ever saved is kept in `message_template_versions` (`_id` = `<id>@<version>`),
 * also after a delete, so numbering carries on and what was sent can always be looked up.
 * Checking a template is the templates' business (src/templates), not this repository's.
 */
export interface StoredTemplate {
  event: string;
  channel: string;
  locale: string;
  subject?: string;
  body: string;
  html?: string;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

export type TemplateAddress = Pick<StoredTemplate, 'event' | 'channel' | 'locale'>;

type TemplateDoc = StoredTemplate & { _id: string };

const fields = {
  event: { type: String, required: true },
  channel: { type: String, required: true },
  locale: { type: String, required: true },
  subject: String,
  body: { type: String, required: true },
  html: String,
  version: { type: Number, required: true },
  updatedAt: { type: Date, required: true },
  updatedBy: { type: String, required: true },
};

const TemplateSchema = new Schema<TemplateDoc>(
  { _id: { type: String, required: true }, ...fields },
  { versionKey: false, collection: 'message_templates' },
);
const VersionSchema = new Schema<TemplateDoc>(
  { _id: { type: String, required: true }, ...fields },
  { versionKey: false, collection: 'message_template_versions' },
);
VersionSchema.index({ event: 1, channel: 1, locale: 1, version: -1 });

export type SaveTemplateResult =
  { ok: true; template: StoredTemplate } | { ok: false; reason: 'version_conflict' };

export function templateDocId(address: TemplateAddress): string {
  return `${address.event}/${address.channel}/${address.locale}`;
}

export class MessageTemplateRepository {
  readonly model: Model<TemplateDoc>;
  readonly versions: Model<TemplateDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<TemplateDoc>('MessageTemplate', TemplateSchema);
    this.versions = connection.model<TemplateDoc>('MessageTemplateVersion', VersionSchema);
  }

  /** Every override in use. */
  async list(): Promise<StoredTemplate[]> {
    const docs = await this.model.find({}).lean();
    return docs.map(withoutId);
  }

  async find(address: TemplateAddress): Promise<StoredTemplate | undefined> {
    const doc = await this.model.findById(templateDocId(address)).lean();
    return doc ? withoutId(doc) : undefined;
  }

  /** Every saved version, newest first. */
  async history(address: TemplateAddress): Promise<StoredTemplate[]> {
    const { event, channel, locale } = address;
    const docs = await this.versions.find({ event, channel, locale }).sort({ version: -1 }).lean();
    return docs.map(withoutId);
  }

  /**
   * Saves the next version (one more than any saved before) as the one in use. Two admins saving
   * the same template at once: the second is told (`version_conflict`), not silently overwritten.
   * With `baseVersion` (the version in use that the admin edited, 0 for the built-in) a save over
   * any other version in use is refused the same way.
   */
  async save(template: Omit<StoredTemplate, 'version'>, baseVersion?: number): Promise<SaveTemplateResult> {
    const _id = templateDocId(template);
    const [current, latest] = await Promise.all([
      this.model.findById(_id).lean(),
      this.versions
        .findOne({ event: template.event, channel: template.channel, locale: template.locale })
        .sort({ version: -1 })
        .lean(),
    ]);
    if (baseVersion !== undefined && baseVersion !== (current?.version ?? 0)) {
      return { ok: false, reason: 'version_conflict' };
    }
    const version = Math.max(current?.version ?? 0, latest?.version ?? 0) + 1;
    const next: StoredTemplate = { ...template, version };
    // The version record is the guard: its id is unique, so only one save gets this number.
    if (!(await insertUnlessTaken(this.versions.collection, { ...next, _id: `${_id}@${String(version)}` }))) {
      return { ok: false, reason: 'version_conflict' };
    }
    // Undefined parts (an SMS has no subject) are left out: the connection ignores undefined.
    const doc = { ...next, _id };
    const written = current
      ? (await this.model.replaceOne({ _id, version: current.version }, doc)).matchedCount > 0
      : await insertUnlessTaken(this.model.collection, doc);
    if (!written) return { ok: false, reason: 'version_conflict' };
    return { ok: true, template: next };
  }

  /** Back to the built-in: the override is no longer used; its versions are kept. False if none. */
  async remove(address: TemplateAddress): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: templateDocId(address) });
    return result.deletedCount > 0;
  }
}

function withoutId({ _id: _key, ...template }: TemplateDoc): StoredTemplate {
  return template;
}
