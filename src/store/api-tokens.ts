import { Schema, type Connection, type Model } from 'mongoose';
import type { Role } from '../tickets/types.js';

/** Staff API bearer tokens, stored as SHA-256 hashes only; the plain token is shown once. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  department?: string;
  createdAt: Date;
  revokedAt?: Date;
}

interface TokenDoc extends Omit<ApiToken, 'id'> {
  hash: string;
}

const TokenSchema = new Schema<TokenDoc>(
  {
    hash: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    department: String,
    createdAt: { type: Date, required: true },
    revokedAt: Date,
  },
  { versionKey: false, collection: 'api_tokens' },
);
TokenSchema.index({ hash: 1 }, { unique: true });

export class ApiTokenRepository {
  readonly model: Model<TokenDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<TokenDoc>('ApiToken', TokenSchema);
  }

  async create(hash: string, token: Omit<ApiToken, 'id'>): Promise<ApiToken> {
    const doc = await this.model.create({ ...token, hash });
    return toToken(doc.toObject());
  }

  async findActiveByHash(hash: string): Promise<ApiToken | undefined> {
    const doc = await this.model.findOne({ hash }).lean();
    if (!doc || doc.revokedAt) return undefined;
    return toToken(doc);
  }
}

function toToken(doc: TokenDoc & { _id: unknown }): ApiToken {
  return {
    name: doc.name,
    role: doc.role,
    department: doc.department,
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt,
    id: String(doc._id),
  };
}
