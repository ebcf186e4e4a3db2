import { Schema, type Connection, type Model } from 'mongoose';
import type { SlaPolicy } from '../routing/sla-policy.js';
import { insertUnlessTaken } from './errors.js';

/**
 * SLA policies. `sla_policies` holds each policy's current version (`_id` = policy code); every save
 * bumps the version a ticket records, and every version saved is kept in `sla_policy_versions`
 * (`_id` = `code@version`), so the limits a ticket was given can always be looked up.
 */
export interface StoredPolicy extends SlaPolicy {
  updatedAt: Date;
  updatedBy: string;
}

type PolicyDoc = Omit<StoredPolicy, 'code'> & { _id: string };
type VersionDoc = StoredPolicy & { _id: string };

const fields = {
  name: { type: String, required: true },
  version: { type: Number, required: true },
  order: { type: Number, required: true },
  active: { type: Boolean, required: true },
  match: { type: Schema.Types.Mixed, required: true },
  clocks: { type: Schema.Types.Mixed, required: true },
  coOpinion: Schema.Types.Mixed,
  thresholds: { type: Schema.Types.Mixed, required: true },
  updatedAt: { type: Date, required: true },
  updatedBy: { type: String, required: true },
};

const PolicySchema = new Schema<PolicyDoc>(
  { _id: { type: String, required: true }, ...fields },
  { versionKey: false, minimize: false, collection: 'sla_policies' },
);
const VersionSchema = new Schema<VersionDoc>(
  { _id: { type: String, required: true }, code: { type: String, required: true }, ...fields },
  { versionKey: false, minimize: false, collection: 'sla_policy_versions' },
);

/** Refused: the policy is no longer the version the edit started from (`current`: what it is now). */
export type PolicySaveResult = { ok: true; policy: StoredPolicy } | { ok: false; current?: StoredPolicy };

export class SlaPolicyRepository {
  readonly model: Model<PolicyDoc>;
  readonly versions: Model<VersionDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<PolicyDoc>('SlaPolicy', PolicySchema);
    this.versions = connection.model<VersionDoc>('SlaPolicyVersion', VersionSchema);
  }

  async list(): Promise<StoredPolicy[]> {
    const docs = await this.model.find({}).lean();
    return docs.map(toPolicy);
  }

  async findByCode(code: string): Promise<StoredPolicy | undefined> {
    const doc = await this.model.findById(code).lean();
    return doc ? toPolicy(doc) : undefined;
  }

  /** Every version kept of a policy, newest first. */
  async history(code: string): Promise<StoredPolicy[]> {
    const docs = await this.versions.find({ code }).sort({ version: -1 }).lean();
    return docs.map(({ _id: _key, ...policy }) => policy);
  }

  /**
   * Inserts the shipped defaults that are missing (first start); an admin's edits are kept. Version 1
   * of a shipped policy is the shipped default, so it is kept as that version too.
   */
  async insertMissing(policies: readonly SlaPolicy[], at: Date): Promise<number> {
    let inserted = 0;
    for (const policy of policies) {
      const stored = { ...policy, updatedAt: at, updatedBy: 'system' };
      await this.keepVersion(stored);
      if (await insertUnlessTaken(this.model.collection, toDoc(stored))) inserted++;
    }
    return inserted;
  }

  /**
   * Saves a policy as its next version. With `expectedVersion` only if the stored policy is still
   * that version (0: only if there is none yet) — two admins editing at once: the second is told,
   * not silently overwritten. Without it the next version is saved whatever is stored.
   */
  async save(
    policy: Omit<SlaPolicy, 'version'>,
    at: Date,
    by: string,
    expectedVersion?: number,
  ): Promise<PolicySaveResult> {
    const saved =
      expectedVersion === undefined
        ? await this.replace(policy, at, by)
        : await this.replaceIfVersion(policy, at, by, expectedVersion);
    if (!saved) return { ok: false, current: await this.findByCode(policy.code) };
    await this.keepVersion(saved);
    return { ok: true, policy: saved };
  }

  private async replace(policy: Omit<SlaPolicy, 'version'>, at: Date, by: string): Promise<StoredPolicy> {
    const current = await this.model.findById(policy.code).lean();
    const next = { ...policy, version: (current?.version ?? 0) + 1, updatedAt: at, updatedBy: by };
    await this.model.replaceOne({ _id: policy.code }, toDoc(next), { upsert: true });
    return next;
  }

  private async replaceIfVersion(
    policy: Omit<SlaPolicy, 'version'>,
    at: Date,
    by: string,
    expectedVersion: number,
  ): Promise<StoredPolicy | undefined> {
    const next: StoredPolicy = { ...policy, version: expectedVersion + 1, updatedAt: at, updatedBy: by };
    if (expectedVersion === 0) {
      return (await insertUnlessTaken(this.model.collection, toDoc(next))) ? next : undefined;
    }
    const { _id, ...set } = toDoc(next);
    // A co-opinion limit the new version no longer has is removed, not kept from the old one.
    const update = set.coOpinion === undefined ? { $set: set, $unset: { coOpinion: '' } } : { $set: set };
    const doc = await this.model
      .findOneAndUpdate({ _id, version: expectedVersion }, update, { returnDocument: 'after' })
      .lean();
    return doc ? toPolicy(doc) : undefined;
  }

  /** The same version written again (a retried save) is the same content: the first is kept. */
  private async keepVersion(policy: StoredPolicy): Promise<void> {
    const key = `${policy.code}@${String(policy.version)}`;
    await insertUnlessTaken(this.versions.collection, { ...toDoc(policy), code: policy.code, _id: key });
  }
}

/** No `undefined` fields: the driver would store them as null. */
function toDoc(policy: StoredPolicy): PolicyDoc {
  const { code, coOpinion, ...rest } = policy;
  return { ...rest, ...(coOpinion ? { coOpinion } : {}), _id: code };
}

function toPolicy(doc: PolicyDoc): StoredPolicy {
  const { _id, ...rest } = doc;
  return { ...rest, code: _id };
}
