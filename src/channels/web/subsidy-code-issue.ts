import type { JobsOptions } from 'bullmq';
import { isMainlandMobile } from '../../privacy/phone.js';
import type { OtpChallenge } from '../../store/otp-challenges.js';
import type { SubsidyHousehold } from '../../subsidies/types.js';
import type { PageLanguage } from './messages.js';
import { codeHash, newChallengeId, newCode, sealCode } from './subsidy-code-crypto.js';
import { CODE_TTL_SECONDS, SubsidyCodeGuard } from './subsidy-code-guard.js';
import type { SubsidyWebDeps } from './subsidy-deps.js';

export const CHALLENGE_PURPOSE = 'web-subsidy';
/** The expired challenge (phone, code hash) is deleted this long after its expiry. */
const PURGE_AFTER_EXPIRY_MS = 3600_000;
const SEND_ATTEMPTS = 5;

export type IssueResult =
  | { kind: 'sent'; challenge: OtpChallenge }
  /** A code went out less than a minute ago (or too many this hour): the current one stands. */
  | { kind: 'limited'; reason: 'wait' | 'hourly'; retryAfterSeconds: number; challenge?: OtpChallenge }
  | { kind: 'locked'; seconds: number }
  | { kind: 'no-mobile' };

/** The household's registered mobiles, in register order: the only numbers a code may go to. */
export function registeredMobiles(household: SubsidyHousehold): string[] {
  return household.phones.filter((phone) => isMainlandMobile(phone));
}

/**
 * Sends a new one-time code to one of the household's registered mobiles (`phoneIndex` into
 * {@link registeredMobiles}; the first when absent or out of range — never a number the visitor
 * typed). The code is stored hashed with a sealed copy for the worker, and the SMS goes out through
 * the `subsidy-codes` queue (job data: the challenge id). The new challenge replaces the household's
 * previous one. Locked households and the per-household send limits are checked first.
 */
export async function issueCode(
  deps: SubsidyWebDeps,
  input: { household: SubsidyHousehold; phoneIndex?: number; language: PageLanguage },
): Promise<IssueResult> {
  const { household } = input;
  const guard = new SubsidyCodeGuard(deps.redis);
  const locked = await guard.lockedFor(household.id);
  if (locked > 0) return { kind: 'locked', seconds: locked };
  const mobiles = registeredMobiles(household);
  const phone = mobiles[input.phoneIndex ?? 0] ?? mobiles[0];
  if (!phone) return { kind: 'no-mobile' };

  const verdict = await guard.allowSend(household.id);
  if (!verdict.ok) {
    const currentId = await guard.current(household.id);
    const current = currentId ? await deps.store.otpChallenges.findById(currentId) : undefined;
    const usable = current && !current.usedAt && current.expiresAt > deps.now() ? current : undefined;
    return {
      kind: 'limited',
      reason: verdict.reason,
      retryAfterSeconds: verdict.retryAfterSeconds,
      challenge: usable,
    };
  }

  const now = deps.now();
  const id = newChallengeId();
  const code = newCode();
  const challenge: OtpChallenge = {
    id,
    purpose: CHALLENGE_PURPOSE,
    householdId: household.id,
    phone,
    codeHash: codeHash(deps.secret, id, code),
    sealedCode: sealCode(deps.secret, id, code),
    language: input.language,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
    attempts: 0,
  };
  try {
    if (!(await deps.store.otpChallenges.create(challenge))) throw new Error('challenge id taken');
    await deps.codes.addBulk([
      { name: 'send', data: { challengeId: id }, opts: sendOptions(id) },
      {
        name: 'purge',
        data: { challengeId: id },
        opts: {
          jobId: `purge.${id}`,
          delay: CODE_TTL_SECONDS * 1000 + PURGE_AFTER_EXPIRY_MS,
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        },
      },
    ]);
  } catch (error) {
    await guard.sendFailed(household.id).catch(() => undefined);
    throw error;
  }
  await guard.setCurrent(household.id, id);
  const { sealedCode: _sealed, ...kept } = challenge;
  return { kind: 'sent', challenge: kept };
}

function sendOptions(challengeId: string): JobsOptions {
  return {
    // Deterministic: a second add of the same challenge's send is a no-op.
    jobId: `send.${challengeId}`,
    attempts: SEND_ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { count: 1000 },
  };
}
