import { HubErrors } from '../../errors.js';
import { withLock } from '../../redis/lock.js';
import type { OtpChallenge } from '../../store/otp-challenges.js';
import type { SubsidyHousehold, SubsidyPayment } from '../../subsidies/types.js';
import type { Actor } from '../../tickets/types.js';
import { codeMatches } from './subsidy-code-crypto.js';
import { SubsidyCodeGuard } from './subsidy-code-guard.js';
import { CHALLENGE_PURPOSE } from './subsidy-code-issue.js';
import type { SubsidyWebDeps } from './subsidy-deps.js';

export type VerifyResult =
  | { kind: 'ok'; household: SubsidyHousehold; payments: SubsidyPayment[] }
  | { kind: 'wrong'; left: number; challenge: OtpChallenge }
  /** `now`: this wrong code was the one that locked the household. */
  | { kind: 'locked'; seconds: number; now: boolean }
  /** Expired, replaced by a newer code, or used already: a new code is needed. */
  | { kind: 'expired'; challenge: OtpChallenge }
  | { kind: 'unknown' };

/** The fields the payment list shows (recorded with every look-up that showed them). */
export const SHOWN_FIELDS = [
  'headName',
  'idMasked',
  'village',
  'year',
  'type',
  'batch',
  'amount',
  'status',
  'paidDate',
  'accountMasked',
  'bank',
] as const;

export function challengeLockKey(challengeId: string): string {
  return `lock:otp:${challengeId}`;
}

/**
 * Step 3: the code the visitor typed (six digits, checked by the caller) against the challenge bound
 * to their browser. Under a short lock per challenge (one writer, DESIGN §5a):
 * - a locked household is refused whatever the code — also the right one — and the refusal audited;
 * - an expired, replaced or used challenge asks for a new code (nothing counted);
 * - a wrong code counts against the household; the third within an hour locks its web look-up for
 *   an hour (audited `web_subsidy_locked`);
 * - the right code is spent at once, and the household's payments are read and the view audited
 *   like the SMS look-up (`web_subsidy_query`, with the fields shown).
 */
export async function verifyCode(
  deps: SubsidyWebDeps,
  input: { challengeId: string; code: string; actor: Actor },
): Promise<VerifyResult> {
  const held = await withLock(
    deps.redis,
    challengeLockKey(input.challengeId),
    { ttlMs: 5000, waitMs: 5000 },
    () => verifyHeld(deps, input),
  );
  if (!held) throw new HubErrors.Internal();
  return held.value;
}

async function verifyHeld(
  deps: SubsidyWebDeps,
  input: { challengeId: string; code: string; actor: Actor },
): Promise<VerifyResult> {
  const challenge = await deps.store.otpChallenges.findById(input.challengeId);
  if (challenge?.purpose !== CHALLENGE_PURPOSE) return { kind: 'unknown' };
  const household = challenge.householdId;
  const guard = new SubsidyCodeGuard(deps.redis);
  const audit = async (action: string, fields: string[]): Promise<void> => {
    await deps.store.audit.append({ actor: input.actor, action, fields, at: deps.now() });
  };

  const locked = await guard.lockedFor(household);
  if (locked > 0) {
    await audit('web_subsidy_code_refused', [`household:${household}`, 'reason:locked']);
    return { kind: 'locked', seconds: locked, now: false };
  }
  const now = deps.now();
  const current = await guard.current(household);
  if (challenge.usedAt || challenge.expiresAt <= now || current !== challenge.id) {
    return { kind: 'expired', challenge };
  }

  if (!codeMatches(deps.secret, challenge.id, input.code, challenge.codeHash)) {
    await deps.store.otpChallenges.recordAttempt(challenge.id, { used: false, at: now });
    const wrong = await guard.wrongCode(household);
    if (wrong.locked) {
      await audit('web_subsidy_locked', [`household:${household}`, `challenge:${challenge.id}`]);
      return { kind: 'locked', seconds: await guard.lockedFor(household), now: true };
    }
    return { kind: 'wrong', left: wrong.left, challenge };
  }

  await deps.store.otpChallenges.recordAttempt(challenge.id, { used: true, at: now });
  await guard.rightCode(household);
  const found = await deps.store.subsidies.householdById(household);
  if (!found) return { kind: 'unknown' };
  const payments = await deps.store.subsidies.paymentsOf(household);
  await audit('web_subsidy_query', [
    `household:${household}`,
    `payments:${String(payments.length)}`,
    ...SHOWN_FIELDS,
  ]);
  return { kind: 'ok', household: found, payments };
}
