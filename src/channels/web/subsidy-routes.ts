import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { maskPhone } from '../../privacy/phone.js';
import type { OtpChallenge } from '../../store/otp-challenges.js';
import type { SubsidyHousehold } from '../../subsidies/types.js';
import { toHalfWidth } from '../../text/width.js';
import { fieldStates } from './field-state.js';
import { refuseLookup } from './lookup-refused.js';
import { translate, type PageLanguage } from './messages.js';
import { CODE_DIGITS } from './subsidy-code-crypto.js';
import { CODE_TTL_SECONDS } from './subsidy-code-guard.js';
import { issueCode, registeredMobiles, type IssueResult } from './subsidy-code-issue.js';
import { verifyCode } from './subsidy-code-verify.js';
import { webVisitor, type SubsidyWebDeps } from './subsidy-deps.js';
import { identifyHousehold, type FieldProblem } from './subsidy-identify.js';
import { subsidyResultView } from './subsidy-view.js';
import './words/subsidy.js';

/** Binds a challenge to the browser that asked for it (signed, so it cannot be made up). */
const CHALLENGE_COOKIE = 'subsidy_challenge';
const COOKIE_SECONDS = 1800;

const IdentifyBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    idNumber: Type.Optional(Type.String({ maxLength: 64 })),
    name: Type.Optional(Type.String({ maxLength: 120 })),
  },
  { additionalProperties: false },
);
const CodeBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    challenge: Type.Optional(Type.String({ maxLength: 64 })),
    code: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
const ResendBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String()),
    challenge: Type.Optional(Type.String({ maxLength: 64 })),
    phone: Type.Optional(Type.Integer({ minimum: 0, maximum: 9 })),
  },
  { additionalProperties: false },
);

/**
 * `/subsidies` (DESIGN §5, 惠农补贴查询) in three steps, each a plain form (no JavaScript):
 * 1. `GET /subsidies`, `POST /subsidies`: the head's ID number and name (subsidy-identify.ts);
 * 2. a one-time code by SMS to the household's registered mobile (subsidy-code-issue.ts), the page
 *    naming it masked; `POST /subsidies/resend` for a new one (limited);
 * 3. `POST /subsidies/code`: the right code shows the payments once (subsidy-code-verify.ts); three
 *    wrong ones lock the household's web look-up for an hour.
 * The challenge travels in a hidden field and in a signed, HTTP-only cookie; both must agree.
 */
export const subsidyRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const deps: SubsidyWebDeps = {
    store: app.store,
    redis: app.redis,
    codes: app.subsidyCodes,
    secret: config.secret,
    lookupsPerHour: config.web.lookupsPerHour,
    now: () => new Date(),
  };

  app.get('/subsidies', { schema: { hide: true } }, (request, reply) => identifyPage(request, reply));

  app.post('/subsidies', { schema: { hide: true, body: IdentifyBody } }, async (request, reply) => {
    const values = { idNumber: request.body.idNumber ?? '', name: request.body.name ?? '' };
    const actor = webVisitor(request.ip);
    const found = await identifyHousehold(deps, { ...values, ip: request.ip, actor });
    const t = words(request.pageLanguage);
    switch (found.kind) {
      case 'invalid':
        return identifyPage(request, reply.status(400), {
          values,
          errors: {
            idNumber: found.errors.idNumber && t.problem(found.errors.idNumber),
            name: found.errors.name && t.problem(found.errors.name),
          },
        });
      case 'refused':
        return refuseLookup(request, reply, deps.store.audit, { ...found, kind: 'subsidy', actor });
      case 'mismatch':
        return identifyPage(request, reply, { values, problem: t.word('subsidy.mismatch') });
      case 'match': {
        const issued = await issueCode(deps, { household: found.household, language: request.pageLanguage });
        return answerIssue(request, reply, found.household, issued, values);
      }
    }
  });

  app.post('/subsidies/resend', { schema: { hide: true, body: ResendBody } }, async (request, reply) => {
    const bound = await boundChallenge(request);
    const household = bound && (await deps.store.subsidies.householdById(bound.householdId));
    if (!household) return restart(request, reply);
    const issued = await issueCode(deps, {
      household,
      phoneIndex: request.body.phone,
      language: request.pageLanguage,
    });
    return answerIssue(request, reply, household, issued);
  });

  app.post('/subsidies/code', { schema: { hide: true, body: CodeBody } }, async (request, reply) => {
    const bound = await boundChallenge(request);
    const household = bound && (await deps.store.subsidies.householdById(bound.householdId));
    if (!bound || !household) return restart(request, reply);
    const t = words(request.pageLanguage);
    const code = toHalfWidth(request.body.code ?? '').replace(/\s+/g, '');
    if (code === '' || !new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code)) {
      const key = code === '' ? 'subsidy.code.empty' : 'subsidy.code.format';
      return codePage(request, reply.status(400), bound, household, { codeError: t.word(key) });
    }
    const result = await verifyCode(deps, { challengeId: bound.id, code, actor: webVisitor(request.ip) });
    switch (result.kind) {
      case 'ok':
        void reply.clearCookie(CHALLENGE_COOKIE, { path: '/subsidies' });
        return reply.page(
          'subsidy-result',
          subsidyResultView(request.pageLanguage, result.household, result.payments),
          t.word('subsidy.resultTitle'),
        );
      case 'wrong':
        return codePage(request, reply.status(400), bound, household, {
          codeError: t.word('subsidy.code.wrong', { left: result.left }),
        });
      case 'locked':
        return lockedPage(request, reply, result.seconds);
      case 'expired':
        return codePage(request, reply, bound, household, { problem: t.word('subsidy.code.expired') });
      case 'unknown':
        return restart(request, reply);
    }
  });

  // The language switch (and a reload) come back by GET: the bound challenge's code page again.
  app.get('/subsidies/code', { schema: { hide: true } }, async (request, reply) => {
    const id = cookieChallenge(request);
    const challenge = id === undefined ? undefined : await deps.store.otpChallenges.findById(id);
    const usable = challenge && !challenge.usedAt && challenge.expiresAt > deps.now() ? challenge : undefined;
    const household = usable && (await deps.store.subsidies.householdById(usable.householdId));
    if (!usable || !household) return reply.redirect('/subsidies', 303);
    return codePage(request, reply, usable, household, {});
  });
  app.get('/subsidies/resend', { schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/subsidies/code', 303),
  );

  /** The challenge named by both the hidden field and the signed cookie, when they agree. */
  async function boundChallenge(
    request: FastifyRequest<{ Body: { challenge?: string } }>,
  ): Promise<OtpChallenge | undefined> {
    const named = request.body.challenge;
    if (!named || cookieChallenge(request) !== named) return undefined;
    return deps.store.otpChallenges.findById(named);
  }

  function answerIssue(
    request: FastifyRequest,
    reply: FastifyReply,
    household: SubsidyHousehold,
    issued: IssueResult,
    values?: { idNumber: string; name: string },
  ): FastifyReply {
    const t = words(request.pageLanguage);
    switch (issued.kind) {
      case 'sent':
        return codePage(request, bind(reply, issued.challenge), issued.challenge, household, {});
      case 'limited': {
        const minutes = Math.max(1, Math.ceil(issued.retryAfterSeconds / 60));
        const why =
          issued.reason === 'wait'
            ? t.word('subsidy.code.wait', { seconds: issued.retryAfterSeconds })
            : t.word(issued.challenge ? 'subsidy.code.hourly' : 'subsidy.code.hourlyNone', { minutes });
        if (!issued.challenge) {
          return reply
            .status(429)
            .header('retry-after', issued.retryAfterSeconds)
            .page('error', { message: why }, t.word('error.title'));
        }
        return codePage(request, bind(reply, issued.challenge), issued.challenge, household, {
          problem: why,
        });
      }
      case 'locked':
        return lockedPage(request, reply, issued.seconds);
      case 'no-mobile':
        return identifyPage(request, reply, { values, problem: t.word('subsidy.noMobile') });
    }
  }

  function bind(reply: FastifyReply, challenge: OtpChallenge): FastifyReply {
    return reply.setCookie(CHALLENGE_COOKIE, challenge.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/subsidies',
      maxAge: COOKIE_SECONDS,
    });
  }
};

function cookieChallenge(request: FastifyRequest): string | undefined {
  const raw = request.cookies[CHALLENGE_COOKIE];
  const cookie = raw === undefined ? undefined : request.unsignCookie(raw);
  return cookie?.valid ? cookie.value : undefined;
}

function words(language: PageLanguage): {
  word: (key: string, values?: Record<string, string | number>) => string;
  problem: (problem: FieldProblem) => string;
} {
  return {
    word: (key, values) => translate(language, key, values),
    problem: (problem) => translate(language, problem.key, problem.values),
  };
}

function identifyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    values?: { idNumber: string; name: string };
    errors?: { idNumber?: string; name?: string };
    problem?: string;
  } = {},
): FastifyReply {
  const { errors, ...rest } = data;
  return reply.page(
    'subsidy-identify',
    {
      ...rest,
      fields: fieldStates(['idNumber', 'name'], errors ?? {}, ['idNumber', 'name']),
    },
    translate(request.pageLanguage, 'subsidy.title'),
  );
}

function restart(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return identifyPage(request, reply.status(400), {
    problem: translate(request.pageLanguage, 'subsidy.restart'),
  });
}

function codePage(
  request: FastifyRequest,
  reply: FastifyReply,
  challenge: OtpChallenge,
  household: SubsidyHousehold,
  data: { problem?: string; codeError?: string },
): FastifyReply {
  const language = request.pageLanguage;
  const mobiles = registeredMobiles(household);
  return reply.page(
    'subsidy-code',
    {
      problem: data.problem,
      code: fieldStates(['code'], { code: data.codeError }, ['code']).code,
      challenge: challenge.id,
      sent: translate(language, 'subsidy.sent', {
        phone: maskPhone(challenge.phone),
        minutes: CODE_TTL_SECONDS / 60,
      }),
      phones:
        mobiles.length > 1
          ? mobiles.map((phone, index) => ({
              index,
              masked: maskPhone(phone),
              selected: phone === challenge.phone,
            }))
          : undefined,
    },
    translate(language, 'subsidy.codeTitle'),
  );
}

function lockedPage(request: FastifyRequest, reply: FastifyReply, seconds: number): FastifyReply {
  const language = request.pageLanguage;
  return reply
    .status(429)
    .header('retry-after', seconds)
    .page(
      'subsidy-locked',
      { message: translate(language, 'subsidy.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) }) },
      translate(language, 'subsidy.lockedTitle'),
    );
}
