import { Schema, type Connection, type Model } from 'mongoose';
import type { IvrMenu, StoredMenu } from '../ivr/menu.js';
import { insertUnlessTaken } from './errors.js';

/**
 * The IVR menu, every version ever saved (`ivr_menu_versions`, `_id` = version number). The menu in
 * force is the newest version; a call keeps the version it started with, so versions are never
 * changed or deleted. Checking a menu is src/ivr's business (validate-menu.ts), not this one's.
 */
type MenuDoc = IvrMenu & { _id: number; updatedAt: Date; updatedBy: string };

const OptionSchema = new Schema(
  { digit: { type: String, required: true }, action: { type: String, required: true }, node: String },
  { _id: false },
);
const NodeSchema = new Schema(
  { id: { type: String, required: true }, prompt: { type: String, required: true }, options: [OptionSchema] },
  { _id: false },
);
const MenuSchema = new Schema<MenuDoc>(
  {
    _id: { type: Number, required: true },
    root: { type: String, required: true },
    nodes: [NodeSchema],
    // Keys are the fixed prompt names (PROMPT_KEYS): no dots, never user-chosen.
    prompts: { type: Schema.Types.Mixed, required: true },
    timeoutSeconds: { type: Number, required: true },
    maxStrikes: { type: Number, required: true },
    recordMaxSeconds: { type: Number, required: true },
    afterHours: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'ivr_menu_versions' },
);

export type SaveMenuResult =
  { ok: true; menu: StoredMenu } | { ok: false; reason: 'version_conflict'; current: number };

/** A version in a list: who saved it and when. */
export interface MenuVersionInfo {
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

export class IvrMenuRepository {
  readonly model: Model<MenuDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<MenuDoc>('IvrMenuVersion', MenuSchema);
  }

  /** The menu in force: the newest version (undefined before the first start seeded one). */
  async current(): Promise<StoredMenu | undefined> {
    const doc = await this.model.findOne({}).sort({ _id: -1 }).lean();
    return doc ? toMenu(doc) : undefined;
  }

  /** One saved version (calls in progress keep theirs). */
  async version(version: number): Promise<StoredMenu | undefined> {
    const doc = await this.model.findById(version).lean();
    return doc ? toMenu(doc) : undefined;
  }

  /** Every version, newest first. */
  async history(): Promise<MenuVersionInfo[]> {
    const docs = await this.model.find({}, { _id: 1, updatedAt: 1, updatedBy: 1 }).sort({ _id: -1 }).lean();
    return docs.map((d) => ({ version: d._id, updatedAt: d.updatedAt, updatedBy: d.updatedBy }));
  }

  /**
   * Saves `menu` as the next version. With `baseVersion` (the version the admin edited), a save on
   * top of a newer one is refused; two saves racing for the same number: the unique `_id` lets one
   * win and the other is told (`version_conflict`), never silently overwritten.
   */
  async save(menu: IvrMenu, by: string, at: Date, baseVersion?: number): Promise<SaveMenuResult> {
    const latest = (await this.model.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean())?._id ?? 0;
    if (baseVersion !== undefined && baseVersion !== latest) {
      return { ok: false, reason: 'version_conflict', current: latest };
    }
    const doc = toDoc(menu, latest + 1, by, at);
    if (!(await insertUnlessTaken(this.model.collection, doc))) {
      return { ok: false, reason: 'version_conflict', current: latest + 1 };
    }
    return { ok: true, menu: toMenu(doc) };
  }

  /** Version 1 from `menu` unless any version exists (first start; processes racing are fine). */
  async seed(menu: IvrMenu, at: Date): Promise<boolean> {
    if (await this.model.exists({})) return false;
    return insertUnlessTaken(this.model.collection, toDoc(menu, 1, 'system', at));
  }
}

function toDoc(menu: IvrMenu, version: number, by: string, at: Date): MenuDoc {
  return {
    _id: version,
    root: menu.root,
    nodes: menu.nodes.map((n) => ({
      id: n.id,
      prompt: n.prompt,
      options: n.options.map((o) => ({
        digit: o.digit,
        action: o.action,
        ...(o.node ? { node: o.node } : {}),
      })),
    })),
    prompts: { ...menu.prompts },
    timeoutSeconds: menu.timeoutSeconds,
    maxStrikes: menu.maxStrikes,
    recordMaxSeconds: menu.recordMaxSeconds,
    afterHours: menu.afterHours,
    updatedAt: at,
    updatedBy: by,
  };
}

function toMenu(doc: MenuDoc): StoredMenu {
  const { _id, ...menu } = doc;
  return {
    ...menu,
    nodes: menu.nodes.map((n) => ({
      id: n.id,
      prompt: n.prompt,
      options: n.options.map((o) => ({
        digit: o.digit,
        action: o.action,
        ...(o.node ? { node: o.node } : {}),
      })),
    })),
    version: _id,
  };
}
