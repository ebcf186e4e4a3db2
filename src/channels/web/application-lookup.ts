import type { Redis } from 'ioredis';
import type { Department } from '../../store/departments.js';
import type { Store } from '../../store/store.js';
import { isValidApplicationNumber } from '../../subsidies/application-number.js';
import type { ApplicationCase } from '../../subsidies/types.js';
import { toHalfWidth } from '../../text/width.js';
import type { Actor } from '../../tickets/types.js';
import { countLookup } from './lookup-limit.js';
import type { FieldProblem } from './subsidy-identify.js';

export interface ApplicationLookupDeps {
  store: Pick<Store, 'applications' | 'departments' | 'audit'>;
  redis: Redis;
  secret: string;
  lookupsPerHour: number;
  now(): Date;
}

export type ApplicationLookupResult =
  | { kind: 'invalid'; errors: { number?: FieldProblem; code?: FieldProblem } }
  | { kind: 'refused'; by: 'ip' | 'identity'; retryAfterSeconds: number; identity: string }
  | { kind: 'not-found' }
  | { kind: 'found'; application: ApplicationCase; department?: Department };

/**
 * `/applications`: a case (办件) by its number and the query code on the receipt. The number's form
 * and check digit are checked first (a mistyped number is said to be wrong and looked up nowhere);
 * then the try is counted against the hourly budgets of the visitor's address and of the number
 * (`countLookup`, kind `application`) — guessing a case's six-digit code is slowed to a crawl, and
 * the caller records each refusal. An unknown number and a wrong code get one answer. A match is
 * audited (`web_application_query`): the page shows the applicant, masked.
 */
export async function lookUpApplication(
  deps: ApplicationLookupDeps,
  input: { number: string; code: string; ip: string; actor: Actor },
): Promise<ApplicationLookupResult> {
  const number = digitsOf(input.number);
  const code = digitsOf(input.code);
  const errors = { number: numberProblem(number), code: codeProblem(code) };
  if (errors.number || errors.code) {
    return {
      kind: 'invalid',
      errors: {
        ...(errors.number ? { number: errors.number } : {}),
        ...(errors.code ? { code: errors.code } : {}),
      },
    };
  }
  const verdict = await countLookup(deps.redis, deps.secret, 'application', input.ip, number, {
    perHour: deps.lookupsPerHour,
  });
  if (!verdict.allowed) {
    return {
      kind: 'refused',
      by: verdict.by,
      retryAfterSeconds: verdict.retryAfterSeconds,
      identity: number,
    };
  }
  const application = await deps.store.applications.verify(number, code);
  if (!application) return { kind: 'not-found' };
  const department = await deps.store.departments.findActive(application.department);
  await deps.store.audit.append({
    actor: input.actor,
    action: 'web_application_query',
    fields: [`application:${number}`, 'applicantName', 'applicantPhone', 'steps'],
    at: deps.now(),
  });
  return { kind: 'found', application, ...(department ? { department } : {}) };
}

/** What people type around digits: full-width digits, spaces, dashes. */
export function digitsOf(input: string): string {
  return toHalfWidth(input).replace(/[\s-]/g, '');
}

function numberProblem(number: string): FieldProblem | undefined {
  if (number === '') return { key: 'application.number.empty' };
  if (!/^9\d{11,16}$/.test(number)) return { key: 'application.number.format' };
  if (!isValidApplicationNumber(number)) return { key: 'application.number.checkDigit' };
  return undefined;
}

function codeProblem(code: string): FieldProblem | undefined {
  if (code === '') return { key: 'application.code.empty' };
  return /^\d{6}$/.test(code) ? undefined : { key: 'application.code.format' };
}
