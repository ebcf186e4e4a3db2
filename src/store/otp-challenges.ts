import { Schema, type Connection, type Model } from 'mongoose';
import { insertUnlessTaken } from './errors.js';

/**
 * One-time codes sent by SMS to prove that a web visitor holds a registered phone (the subsidy
 * look-up, `/subsidies`). `_id` is a random challenge id (the only key anything reads it by); the
 * code itself is kept only as an HMAC (`codeHash`) — plus, until the SMS worker has sent it, a
 * sealed copy (AES-GCM, `sealedCode`) so the send job can carry nothing but the challenge id (no code
 * or phone in Redis, STYLE 4). The worker removes the sealed copy once the SMS is handed over.
 *
 * Writers: the web request that creates it, the send worker (`markSent` / `recordSendFailure`) and
 * the verifying request (`recordAttempt`); the callers hold a short Redis lock per challenge for the
 * last two (FerretDB updates are read-and-write-back, DESIGN §5a). No TTL index: a delayed job
 * deletes the challenge after it expired (`remove`).
 */
export interface OtpChallenge {
  /** Random (128 bits, base64url). */
  id: string;
  /** What the code unlocks: `web-subsidy`. */
  purpose: string;
  householdId: string;
  /** The registered phone the code goes to (normalised `+86…`), never one a visitor typed. */
  phone: string;
  /** HMAC-SHA256 of the challenge id and the code. */
  codeHash: string;
  /** The code sealed for the send job; absent once sent. */
  sealedCode?: string;
  language: 'zh-CN' | 'en';
  createdAt: Date;
  expiresAt: Date;
  sentAt?: Date;
  providerId?: string;
  sendError?: string;
  /** Codes entered against this challenge (right or wrong). */
  attempts: number;
  /** When the right code was entered: the code works once. */
  usedAt?: Date;
}

type OtpChallengeDoc = Omit<OtpChallenge, 'id'> & { _id: string };

const OtpChallengeSchema = new Schema<OtpChallengeDoc>(
  {
    _id: { type: String, required: true, match: /^[A-Za-z0-9_-]{16,64}$/ },
    purpose: { type: String, required: true },
    householdId: { type: String, required: true },
    phone: { type: String, required: true },
    codeHash: { type: String, required: true },
    sealedCode: String,
    language: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    sentAt: Date,
    providerId: String,
    sendError: String,
    attempts: { type: Number, required: true, default: 0 },
    usedAt: Date,
  },
  { versionKey: false, collection: 'otp_challenges' },
);

export class OtpChallengeRepository {
  readonly model: Model<OtpChallengeDoc>;

  constructor(connection: Connection) {
    this.model = connection.model<OtpChallengeDoc>('OtpChallenge', OtpChallengeSchema);
  }

  /** Stores a new challenge; false when its (random) id is taken. */
  async create(challenge: OtpChallenge): Promise<boolean> {
    const { id, ...rest } = challenge;
    const doc: OtpChallengeDoc = { ...rest, _id: id };
    await this.model.validate(doc);
    return insertUnlessTaken(this.model.collection, doc);
  }

  async findById(id: string): Promise<OtpChallenge | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toChallenge(doc) : undefined;
  }

  /** The SMS was handed to the provider: the sealed copy of the code goes. */
  async markSent(id: string, sent: { at: Date; providerId: string }): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      { $set: { sentAt: sent.at, providerId: sent.providerId }, $unset: { sealedCode: 1, sendError: 1 } },
    );
  }

  async recordSendFailure(id: string, problem: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { sendError: problem.slice(0, 300) } });
  }

  /** Counts an entered code; `used` marks the challenge spent (the right code, once). */
  async recordAttempt(id: string, result: { used: boolean; at: Date }): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      { $inc: { attempts: 1 }, ...(result.used ? { $set: { usedAt: result.at } } : {}) },
    );
  }

  /** After expiry nothing needs it: the phone and the code's hash go with it. */
  async remove(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }
}

function toChallenge(doc: OtpChallengeDoc): OtpChallenge {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id };
}
