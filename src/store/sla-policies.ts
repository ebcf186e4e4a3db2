import { Schema, type Connection, type Model } from 'mongoose';
import type { SlaPolicy } from '../routing/sla-policy.js';
import { insertUnlessTaken } from './errors.js';

/** SLA policies, `_id` = policy code; every save bumps the version a ticket records. */
type PolicyDoc = Omit<SlaPolicy, 'code'> & { _id: string; updatedAt: Date; updatedBy: string };

const PolicySchema = new Schema<PolicyDoc>(
  {
    _id: { type: String, required: true },
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
  },
  { versionKey: false, minimize: false, collection: 'sla_policies' },
);

export class SlaPolicyRepository {
  readonly model: Model<PolicyDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<PolicyDoc>('SlaPolicy', PolicySchema);
  }

  async list(): Promise<SlaPolicy[]> {
    const docs = await this.model.find({}).lean();
    return docs.map(toPolicy);
  }

  async findByCode(code: string): Promise<SlaPolicy | undefined> {
    const doc = await this.model.findById(code).lean();
    return doc ? toPolicy(doc) : undefined;
  }

  /** Inserts the shipped defaults that are missing (first start); an admin's edits are kept. */
  async insertMissing(policies: readonly SlaPolicy[], at: Date): Promise<number> {
    let inserted = 0;
    for (const policy of policies) {
      if (await insertUnlessTaken(this.model.collection, toDoc(policy, at, 'system'))) inserted++;
    }
    return inserted;
  }

  /** Saves a policy as its next version (creating version 1); returns what was stored. */
  async save(policy: Omit<SlaPolicy, 'version'>, at: Date, by: string): Promise<SlaPolicy> {
    const current = await this.model.findById(policy.code).lean();
    const next: SlaPolicy = { ...policy, version: (current?.version ?? 0) + 1 };
    await this.model.replaceOne({ _id: policy.code }, toDoc(next, at, by), { upsert: true });
    return next;
  }
}

function toDoc(policy: SlaPolicy, at: Date, by: string): PolicyDoc {
  const { code, ...rest } = policy;
  return { ...rest, _id: code, updatedAt: at, updatedBy: by };
}

function toPolicy(doc: PolicyDoc): SlaPolicy {
  const { _id, updatedAt: _at, updatedBy: _by, ...rest } = doc;
  return { ...rest, code: _id };
}
