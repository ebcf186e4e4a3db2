import { Schema, type Connection, type Model } from 'mongoose';
import type { Rule } from '../routing/rules.js';
import { insertUnlessTaken } from './errors.js';

/**
 * Routing rules. `routing_rules` holds each rule's current version (`_id` = rule id); every version
 * ever saved is kept in `routing_rule_versions` (`_id` = `id@version`), so a ticket's recorded rule
 * id + version can always be looked up as it was when it routed the ticket.
 */
export interface StoredRule extends Rule {
  updatedAt: Date;
  updatedBy: string;
}

type RuleDoc = Omit<StoredRule, 'id'> & { _id: string };
type VersionDoc = StoredRule & { _id: string };

const fields = {
  version: { type: Number, required: true },
  name: { type: String, required: true },
  order: { type: Number, required: true },
  enabled: { type: Boolean, required: true },
  effectiveFrom: Date,
  effectiveTo: Date,
  conditions: { type: Schema.Types.Mixed, required: true },
  actions: { type: Schema.Types.Mixed, required: true },
  updatedAt: { type: Date, required: true },
  updatedBy: { type: String, required: true },
};

const RuleSchema = new Schema<RuleDoc>(
  { _id: { type: String, required: true }, ...fields },
  { versionKey: false, minimize: false, collection: 'routing_rules' },
);
const VersionSchema = new Schema<VersionDoc>(
  { _id: { type: String, required: true }, id: { type: String, required: true }, ...fields },
  { versionKey: false, minimize: false, collection: 'routing_rule_versions' },
);

export type SaveResult =
  { ok: true; rule: StoredRule } | { ok: false; reason: 'exists' | 'version_conflict' };

export class RoutingRuleRepository {
  readonly model: Model<RuleDoc>;
  readonly versions: Model<VersionDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<RuleDoc>('RoutingRule', RuleSchema);
    this.versions = connection.model<VersionDoc>('RoutingRuleVersion', VersionSchema);
  }

  async list(): Promise<StoredRule[]> {
    const docs = await this.model.find({}).lean();
    return docs.map(toRule);
  }

  async findById(id: string): Promise<StoredRule | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toRule(doc) : undefined;
  }

  async findVersion(id: string, version: number): Promise<StoredRule | undefined> {
    const doc = await this.versions.findById(`${id}@${String(version)}`).lean();
    if (!doc) return undefined;
    const { _id: _key, ...rule } = doc;
    return rule;
  }

  async history(id: string): Promise<StoredRule[]> {
    const docs = await this.versions.find({ id }).sort({ version: -1 }).lean();
    return docs.map(({ _id: _key, ...rule }) => rule);
  }

  /** Version 1 of a new rule; refused when the id is taken. */
  async create(rule: StoredRule): Promise<SaveResult> {
    await this.keepVersion(rule);
    if (!(await insertUnlessTaken(this.model.collection, toDoc(rule))))
      return { ok: false, reason: 'exists' };
    return { ok: true, rule };
  }

  /**
   * The next version of a rule, only if the current one is still `expectedVersion` (two admins
   * editing at once: the second is told, not silently overwritten).
   */
  async update(rule: StoredRule, expectedVersion: number): Promise<SaveResult> {
    const next = { ...rule, version: expectedVersion + 1 };
    const { _id, ...set } = toDoc(next);
    // A date the new version no longer has is removed, not kept from the old one.
    const unset = Object.fromEntries(
      (['effectiveFrom', 'effectiveTo'] as const).filter((f) => set[f] === undefined).map((f) => [f, '']),
    );
    const doc = await this.model
      .findOneAndUpdate(
        { _id, version: expectedVersion },
        Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set },
        { returnDocument: 'after' },
      )
      .lean();
    if (!doc) return { ok: false, reason: 'version_conflict' };
    await this.keepVersion(next);
    return { ok: true, rule: toRule(doc) };
  }

  /** The same version written again (a retried save) is the same content: the first is kept. */
  private async keepVersion(rule: StoredRule): Promise<void> {
    await insertUnlessTaken(this.versions.collection, { ...rule, _id: `${rule.id}@${String(rule.version)}` });
  }
}

function toDoc(rule: StoredRule): RuleDoc {
  const { id, ...rest } = rule;
  return { ...rest, _id: id };
}

function toRule(doc: RuleDoc): StoredRule {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
