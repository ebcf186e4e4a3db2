import { isMainlandMobile, normalisePhone } from '../privacy/phone.js';

/**
 * The form a registered phone is stored and looked up in: E.164 as Twilio gives caller IDs, so a
 * household that registered `0311-86681001` is found when `+8631186681001` calls. Mainland mobiles
 * and mainland landlines with their area code are accepted; anything else is not a registered phone.
 */
export function phoneKey(input: string): string | undefined {
  const normalised = normalisePhone(input);
  if (!normalised) return undefined;
  if (isMainlandMobile(normalised)) return normalised;
  // A landline keyed with its trunk 0 (`031186681001`) or given with +86 already.
  const national =
    /^0([1-9]\d{8,10})$/.exec(normalised)?.[1] ?? /^\+86([1-9]\d{8,10})$/.exec(normalised)?.[1];
  return national ? `+86${national}` : undefined;
}
