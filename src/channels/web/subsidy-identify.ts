import { parseResidentId, type ResidentIdProblem } from '../../privacy/resident-id.js';
import type { SubsidyHousehold } from '../../subsidies/types.js';
import { toHalfWidth } from '../../text/width.js';
import type { Actor } from '../../tickets/types.js';
import { countLookup } from './lookup-limit.js';
import type { SubsidyWebDeps } from './subsidy-deps.js';

/** A field's problem as a page word and its values (the page translates it). */
export interface FieldProblem {
  key: string;
  values?: Record<string, number>;
}

export type IdentifyResult =
  | { kind: 'invalid'; errors: { idNumber?: FieldProblem; name?: FieldProblem } }
  | { kind: 'refused'; by: 'ip' | 'identity'; retryAfterSeconds: number; identity: string }
  | { kind: 'mismatch' }
  | { kind: 'match'; household: SubsidyHousehold };

const NAME_MAX = 30;

/**
 * Step 1 of the web subsidy look-up: the head's resident ID number and name.
 *
 * A malformed ID number is answered with what is wrong with it, before anything is counted or looked
 * up (it cannot be anyone's). A well-formed one is counted against the hourly look-up budgets of the
 * visitor's address and of the ID number itself (`countLookup`, identity = the keyed ID hash), so
 * walking through ID numbers is slow, and every refusal is left in the audit log by the caller. The
 * household is read by its keyed hash only; the registered head's name must match. An unknown ID and
 * a wrong name get one and the same answer, so the page does not tell whether an ID number is in
 * the register. Every try is audited (`web_subsidy_identify`).
 */
export async function identifyHousehold(
  deps: SubsidyWebDeps,
  input: { idNumber: string; name: string; ip: string; actor: Actor },
): Promise<IdentifyResult> {
  const id = checkIdNumber(input.idNumber);
  const name = normaliseName(input.name);
  const nameProblem = checkName(name);
  if (!id.ok || nameProblem) {
    return {
      kind: 'invalid',
      errors: { ...(id.ok ? {} : { idNumber: id.problem }), ...(nameProblem ? { name: nameProblem } : {}) },
    };
  }
  const identity = deps.store.subsidies.householdIdFor(id.id);
  if (!identity) return { kind: 'invalid', errors: { idNumber: { key: 'subsidy.id.chars' } } };
  const verdict = await countLookup(deps.redis, deps.secret, 'subsidy', input.ip, identity, {
    perHour: deps.lookupsPerHour,
  });
  if (!verdict.allowed) {
    return { kind: 'refused', by: verdict.by, retryAfterSeconds: verdict.retryAfterSeconds, identity };
  }
  const household = await deps.store.subsidies.householdById(identity);
  const matched = household !== undefined && normaliseName(household.headName) === name;
  await deps.store.audit.append({
    actor: input.actor,
    action: 'web_subsidy_identify',
    fields: matched ? ['result:match', `household:${identity}`] : ['result:mismatch', `identity:${identity}`],
    at: deps.now(),
  });
  return matched ? { kind: 'match', household } : { kind: 'mismatch' };
}

/** The ID number as parseResidentId wants it: half-width (an IME's full-width digits), no spaces. */
function checkIdNumber(input: string): { ok: true; id: string } | { ok: false; problem: FieldProblem } {
  const text = toHalfWidth(input).replace(/\s+/g, '');
  if (text === '') return { ok: false, problem: { key: 'subsidy.id.empty' } };
  const parsed = parseResidentId(text);
  if (parsed.ok) return { ok: true, id: parsed.id };
  return { ok: false, problem: idProblem(parsed.problem, text) };
}

function idProblem(problem: ResidentIdProblem, text: string): FieldProblem {
  switch (problem) {
    case 'format':
      // Length first: it is the mistake people make (a digit left out or typed twice).
      return text.length === 18
        ? { key: 'subsidy.id.chars' }
        : { key: 'subsidy.id.length', values: { count: Array.from(text).length } };
    case 'region':
      return { key: 'subsidy.id.region' };
    case 'birth-date':
      return { key: 'subsidy.id.birthDate' };
    case 'check-digit':
      return { key: 'subsidy.id.checkDigit' };
  }
}

function checkName(name: string): FieldProblem | undefined {
  if (name === '') return { key: 'subsidy.name.empty' };
  if (Array.from(name).length > NAME_MAX) return { key: 'subsidy.name.long' };
  return undefined;
}

/**
 * Names as registers and IMEs write them: full-width letters, spaces anywhere (`王 建 国`), and the
 * several dots of minority names (`买买提·艾力`, `買買提・艾力`) count as the same.
 */
export function normaliseName(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[.·•・‧∙⋅]/g, '·');
}
