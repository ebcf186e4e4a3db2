import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { ProviderError, type ChannelAdapter, type OutboundMessage } from '../../notify/types.js';
import { withLock } from '../../redis/lock.js';
import type { Store } from '../../store/store.js';
import { translate } from './messages.js';
import { unsealCode } from './subsidy-code-crypto.js';
import { CODE_TTL_SECONDS } from './subsidy-code-guard.js';
import { challengeLockKey } from './subsidy-code-verify.js';
import './words/subsidy.js';

export interface SendCodeDeps {
  store: Pick<Store, 'otpChallenges'>;
  redis: Redis;
  /** The SMS adapter notifications use: Twilio when configured, else the development outbox. */
  sms: ChannelAdapter;
  secret: string;
  /** SMS_SIGNATURE, in front of the text (【12345】). */
  signature: string;
  now(): Date;
}

export type SendCodeOutcome = 'sent' | 'recovered' | 'already' | 'expired' | 'unknown';

/** The delivery id of a code SMS: stable across retries, so the provider side can dedupe. */
export function codeDeliveryId(challengeId: string): string {
  return `otp.${challengeId}.sms`;
}

/**
 * The `send` job of the `subsidy-codes` queue: reads the challenge, unseals its code and sends it by
 * SMS to the registered phone stored with it, then removes the sealed copy. A retry after a crash
 * between the provider's answer and that record first asks the provider whether it has the message
 * (`findSent`), so the code is not sent twice. An expired challenge is not sent any more. Permanent
 * provider failures (a number that can never receive) stop the retries; the page already told the
 * visitor where the code went, and they may ask for a new one.
 */
export async function sendSubsidyCode(deps: SendCodeDeps, challengeId: string): Promise<SendCodeOutcome> {
  const challenge = await deps.store.otpChallenges.findById(challengeId);
  if (!challenge) return 'unknown';
  if (challenge.sentAt) return 'already';
  if (challenge.expiresAt <= deps.now() || !challenge.sealedCode) return 'expired';
  const code = unsealCode(deps.secret, challenge.id, challenge.sealedCode);
  if (!code) throw new UnrecoverableError('sealed code unreadable (HUB_SECRET changed?)');
  const message: OutboundMessage = {
    deliveryId: codeDeliveryId(challenge.id),
    channel: 'sms',
    to: challenge.phone,
    language: challenge.language,
    body: translate(challenge.language, 'subsidy.sms.code', {
      signature: deps.signature,
      code,
      minutes: CODE_TTL_SECONDS / 60,
    }),
  };
  const found = deps.sms.findSent ? await deps.sms.findSent(message, challenge.createdAt) : undefined;
  let outcome: SendCodeOutcome = 'recovered';
  let providerId = found?.providerId;
  if (!providerId) {
    try {
      providerId = (await deps.sms.send(message)).providerId;
      outcome = 'sent';
    } catch (error) {
      const problem = error instanceof ProviderError ? error : undefined;
      await record(deps, challenge.id, () =>
        deps.store.otpChallenges.recordSendFailure(
          challenge.id,
          `${problem?.kind ?? 'transient'} ${problem?.code ?? ''}`.trim(),
        ),
      );
      if (problem && (problem.kind === 'permanent' || problem.kind === 'opt_out')) {
        throw new UnrecoverableError(`code SMS refused for good (${problem.code ?? problem.kind})`);
      }
      throw error;
    }
  }
  const sent = providerId;
  await record(deps, challenge.id, () =>
    deps.store.otpChallenges.markSent(challenge.id, { at: deps.now(), providerId: sent }),
  );
  return outcome;
}

/** Writes to the challenge under its lock: the verifying request writes it too. */
async function record(deps: SendCodeDeps, challengeId: string, write: () => Promise<void>): Promise<void> {
  const held = await withLock(
    deps.redis,
    challengeLockKey(challengeId),
    { ttlMs: 5000, waitMs: 5000 },
    write,
  );
  if (!held) throw new Error(`challenge ${challengeId} busy`);
}
