import { Schema, type Connection, type Model } from 'mongoose';
import type { Role } from '../tickets/types.js';

/**
 * Staff API bearer tokens, stored as SHA-256 hashes only; the plain token is shown once. `_id` is
 * the hash: authentication is one lookup by `_id`.
 */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  department?: string;
  createdAt: Date;
  revokedAt?: Date;
}

interface TokenDoc extends Omit<ApiToken, 'id'> {
  _id: string;
  /** A short public id for audit entries (never the hash). */
  tokenId: string;
}

const TokenSchema = new Schema<TokenDoc>(
  {
    _id: { type: String, required: true },
    tokenId: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    department: String,
    createdAt: { type: Date, required: true },
    revokedAt: Date,
  },
  { versionKey: false, collection: 'api_tokens' },
);

export class ApiTokenRepository {
  readonly model: Model<TokenDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<TokenDoc>('ApiToken', TokenSchema);
  }

  async create(hash: string, tokenId: string, token: Omit<ApiToken, 'id'>): Promise<ApiToken> {
    const doc = await this.model.create({ ...token, _id: hash, tokenId });
    return toToken(doc.toObject());
  }

  async findActiveByHash(hash: string): Promise<ApiToken | undefined> {
    const doc = await this.model.findById(hash).lean();
    if (!doc || doc.revokedAt) return undefined;
    return toToken(doc);
  }
}

function toToken(doc: TokenDoc): ApiToken {
  return {
    id: doc.tokenId,
    name: doc.name,
    role: doc.role,
    department: doc.department,
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt,
  };
}
