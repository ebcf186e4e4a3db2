import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { customKeywordProblems } from '../channels/sms/custom-keyword-rules.js';
import { parseSms } from '../channels/sms/keywords.js';
import {
  deleteSmsKeyword,
  saveSmsKeyword,
  setSmsKeywordActive,
  spelling,
  type KeywordAdminDeps,
  type KeywordOutcome,
} from '../channels/sms/save-keyword.js';
import { CATEGORIES } from '../channels/web/ticket-options.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import type { StoredSmsKeyword } from '../store/sms-keywords.js';
import { localMinute } from '../time/local-format.js';
import { KINDS } from '../tickets/types.js';
import {
  formOf,
  formValues,
  NEW_FORM,
  problemText,
  problemTexts,
  readForm,
  type FormProblems,
  type KeywordFormValues,
} from './admin-keywords-form.js';
import { builtInRows, customRows, tryFacts } from './admin-keywords-view.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_KEYWORDS_WORDS } from './words/admin-keywords.js';
import './words/ticket.js';

addStaffMessages(ADMIN_KEYWORDS_WORDS);

const ADMINS = AREAS.admin.roles;
const BASE = '/staff/admin/keywords';

/** Generous caps: the rules give the per-field messages; these only stop a flood. */
const text = (max: number) => Type.String({ maxLength: max, default: '' });
const keywordFields = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  initials: text(100),
  words: text(500),
  kind: text(40),
  category: text(1000),
  reply: text(2000),
  validFrom: text(40),
  validTo: text(40),
  /** The checkbox: present (`on`) when ticked. */
  active: Type.Optional(Type.String({ maxLength: 10 })),
};
const Version = Type.String({ pattern: '^[0-9]{1,9}$' });
const KeywordForm = Type.Object(keywordFields);
const EditForm = Type.Object({ ...keywordFields, version: Version });
const VersionForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), version: Version });
const TryForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), text: text(1600) });
const KeywordParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{24}$' }) });
const DONE = Type.Union([
  Type.Literal('created'),
  Type.Literal('saved'),
  Type.Literal('disabled'),
  Type.Literal('enabled'),
  Type.Literal('deleted'),
]);
type Done = Type.Static<typeof DONE>;
const DoneQuery = Type.Object({
  done: Type.Optional(DONE),
  keyword: Type.Optional(Type.String({ maxLength: 60 })),
  version: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
});

/** What the list page shows besides the keywords. */
interface ListExtra {
  form?: KeywordFormValues;
  problems?: FormProblems;
  rowProblem?: string;
  done?: string;
  tryText?: string;
}

/**
 * `/staff/admin/keywords` (admins only): the built-in SMS keywords (read-only, from the parser's
 * own tables), the hotline's custom ones with a form to add one, per keyword an edit page,
 * disable / enable and delete behind a confirm page, and a try-it box (a text → what the parser
 * makes of it with the keywords in force, and where such a ticket would be routed; nothing is
 * created). Plain forms, POST-redirect-GET; every form carries the version it was made from and a
 * stale one is refused with what is there now. Refused input comes back with a message per field
 * (400) and nothing stored. Each change is a use-case in src/channels/sms (checked, audited, and
 * announced to every process).
 */
export const adminKeywordsRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const options = { config: { staffRoles: ADMINS } };
  const limit = { signature: config.smsSignature, maxParts: config.smsMaxParts };
  const deps = (): KeywordAdminDeps => ({
    store: app.store,
    redis: app.redis,
    lock: { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs },
    limit,
    table: app.smsKeywords,
  });

  async function departmentName(language: StaffLanguage): Promise<(code: string) => string> {
    const departments = await app.store.departments.list();
    const names = new Map(
      departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]),
    );
    return (code) => `${names.get(code) ?? code} (${code})`;
  }

  async function listPage(request: FastifyRequest, reply: FastifyReply, extra: ListExtra = {}) {
    const language = request.staffLanguage;
    const keywords = await app.store.smsKeywords.list();
    const tables = app.routingService.tables();
    const now = new Date();
    const tryText = extra.tryText;
    const result =
      tryText === undefined
        ? undefined
        : tryFacts(
            { language, keywords, tables, department: await departmentName(language), at: now },
            parseSms(tryText, { keywords: app.smsKeywords.current(), at: now }),
          );
    return reply.page(
      'admin-keywords',
      {
        builtIn: builtInRows(language),
        keywords: customRows(language, keywords, tables, config.timezone, now),
        ...formData(language, extra.form ?? NEW_FORM, extra.problems ?? {}),
        rowProblem: extra.rowProblem,
        done: extra.done,
        tryText,
        result,
      },
      staffText(language, 'keywords.title'),
    );
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    keyword: StoredSmsKeyword,
    extra: {
      form?: KeywordFormValues;
      problems?: FormProblems;
      version?: number;
      conflict?: KeywordFormValues;
    } = {},
  ) {
    const language = request.staffLanguage;
    return reply.page(
      'admin-keywords-edit',
      {
        id: keyword.id,
        // A refused form keeps the version the admin edited: a newer one is told on the next save.
        version: extra.version ?? keyword.version,
        versionLine: staffText(language, 'keywords.versionLine', {
          version: keyword.version,
          at: localMinute(keyword.updatedAt, config.timezone),
          by: keyword.updatedBy,
        }),
        ...formData(language, extra.form ?? formOf(keyword, config.timezone), extra.problems ?? {}),
        conflict: extra.conflict && {
          message: staffText(language, 'keywords.conflict', { version: keyword.version }),
          yours: yoursList(language, extra.conflict),
        },
      },
      staffText(language, 'keywords.editTitle'),
    );
  }

  async function deletePage(
    request: FastifyRequest,
    reply: FastifyReply,
    keyword: StoredSmsKeyword,
    conflict = false,
  ) {
    const language = request.staffLanguage;
    const [row] = customRows(language, [keyword], app.routingService.tables(), config.timezone, new Date());
    return reply.page(
      'admin-keywords-delete',
      {
        keyword: row,
        confirm: staffText(language, 'keywords.deleteConfirm', { keyword: spelling(keyword) }),
        problem: conflict
          ? staffText(language, 'keywords.conflictDelete', { version: keyword.version })
          : undefined,
      },
      staffText(language, 'keywords.deleteTitle'),
    );
  }

  function formData(language: StaffLanguage, form: KeywordFormValues, problems: FormProblems) {
    const known = new Set<string>(CATEGORIES.map((c) => c.value));
    for (const rule of app.routingService.tables().compiled.rules)
      for (const category of rule.conditions.categories ?? []) known.add(category);
    const messages = problemTexts(language, problems);
    return {
      form,
      kinds: KINDS.map((kind) => ({ kind, selected: form.kind === kind })),
      categories: [...known],
      problems: Object.keys(messages).length > 0 ? messages : undefined,
      maxParts: config.smsMaxParts,
    };
  }

  async function existing(id: string): Promise<StoredSmsKeyword> {
    const keyword = await app.store.smsKeywords.findById(id);
    if (!keyword) throw new HubErrors.NotFound();
    return keyword;
  }

  const doneUrl = (done: Done, keyword: StoredSmsKeyword) =>
    `${BASE}?done=${done}&keyword=${encodeURIComponent(spelling(keyword))}&version=${String(keyword.version)}`;

  /** The form refused before it reaches the use-case (a date that is no date): every problem at once. */
  async function pageProblems(form: KeywordFormValues, exceptId?: string): Promise<FormProblems | undefined> {
    const { draft, problems } = readForm(form, config.timezone);
    if (Object.keys(problems).length === 0) return undefined;
    const others = (await app.store.smsKeywords.list()).filter((k) => k.id !== exceptId);
    return { ...customKeywordProblems(draft, others, limit), ...problems };
  }

  app.get(
    '/admin/keywords',
    { ...options, schema: { hide: true, querystring: DoneQuery } },
    async (request, reply) => {
      const { done, keyword, version } = request.query;
      const note =
        done &&
        staffText(request.staffLanguage, `keywords.done.${done}`, { keyword: keyword ?? '', version });
      return listPage(request, reply, { done: note });
    },
  );

  app.post(
    '/admin/keywords',
    { ...options, schema: { hide: true, body: KeywordForm } },
    async (request, reply) => {
      const form = formValues(request.body);
      const early = await pageProblems(form);
      if (early) return listPage(request, reply.status(400), { form, problems: early });
      const outcome = await saveSmsKeyword(
        deps(),
        readForm(form, config.timezone).draft,
        undefined,
        request.actor,
      );
      if (outcome.ok) return reply.redirect(doneUrl('created', outcome.keyword), 303);
      if (outcome.reason === 'invalid')
        return listPage(request, reply.status(400), { form, problems: outcome.problems });
      return listPage(request, reply.status(409), {
        form,
        rowProblem: staffText(request.staffLanguage, 'keywords.busy'),
      });
    },
  );

  app.post(
    '/admin/keywords/try',
    { ...options, schema: { hide: true, body: TryForm } },
    async (request, reply) => listPage(request, reply, { tryText: request.body.text }),
  );

  app.get(
    '/admin/keywords/:id',
    { ...options, schema: { hide: true, params: KeywordParams } },
    async (request, reply) => editPage(request, reply, await existing(request.params.id)),
  );

  app.post(
    '/admin/keywords/:id',
    { ...options, schema: { hide: true, params: KeywordParams, body: EditForm } },
    async (request, reply) => {
      const { id } = request.params;
      const form = formValues(request.body);
      const baseVersion = Number(request.body.version);
      const early = await pageProblems(form, id);
      if (early)
        return editPage(request, reply.status(400), await existing(id), {
          form,
          problems: early,
          version: baseVersion,
        });
      const { draft } = readForm(form, config.timezone);
      const outcome = await saveSmsKeyword(deps(), draft, { id, baseVersion }, request.actor);
      if (outcome.ok) return reply.redirect(doneUrl('saved', outcome.keyword), 303);
      if (outcome.reason === 'invalid')
        return editPage(request, reply.status(400), await existing(id), {
          form,
          problems: outcome.problems,
          version: baseVersion,
        });
      if (outcome.reason === 'version_conflict')
        return editPage(request, reply.status(409), outcome.current, { conflict: form });
      return refused(request, reply, outcome);
    },
  );

  for (const [action, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/admin/keywords/:id/${action}`,
      { ...options, schema: { hide: true, params: KeywordParams, body: VersionForm } },
      async (request, reply) => {
        const { id } = request.params;
        const target = { id, baseVersion: Number(request.body.version) };
        const outcome = await setSmsKeywordActive(deps(), target, active, request.actor);
        if (outcome.ok) return reply.redirect(doneUrl(active ? 'enabled' : 'disabled', outcome.keyword), 303);
        const language = request.staffLanguage;
        if (outcome.reason === 'version_conflict') {
          const rowProblem = staffText(language, 'keywords.conflictRow', {
            keyword: spelling(outcome.current),
            version: outcome.current.version,
          });
          return listPage(request, reply.status(409), { rowProblem });
        }
        if (outcome.reason === 'invalid') {
          const keyword = await existing(id);
          const [field, problem] = Object.entries(outcome.problems)[0] ?? [];
          const rowProblem = staffText(language, 'keywords.enableRefused', {
            keyword: spelling(keyword),
            problem: field && problem ? problemText(language, field, problem) : '',
          });
          return listPage(request, reply.status(400), { rowProblem });
        }
        return refused(request, reply, outcome);
      },
    );
  }

  app.get(
    '/admin/keywords/:id/delete',
    { ...options, schema: { hide: true, params: KeywordParams } },
    async (request, reply) => deletePage(request, reply, await existing(request.params.id)),
  );

  app.post(
    '/admin/keywords/:id/delete',
    { ...options, schema: { hide: true, params: KeywordParams, body: VersionForm } },
    async (request, reply) => {
      const target = { id: request.params.id, baseVersion: Number(request.body.version) };
      const outcome = await deleteSmsKeyword(deps(), target, request.actor);
      if (outcome.ok) return reply.redirect(doneUrl('deleted', outcome.keyword), 303);
      if (outcome.reason === 'version_conflict')
        return deletePage(request, reply.status(409), outcome.current, true);
      return refused(request, reply, outcome);
    },
  );

  /** What is left after the page's own answers: gone (404 page) or busy (the list, 409). */
  async function refused(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Extract<KeywordOutcome, { ok: false }>,
  ) {
    if (outcome.reason === 'not_found') throw new HubErrors.NotFound();
    return listPage(request, reply.status(409), {
      rowProblem: staffText(request.staffLanguage, 'keywords.busy'),
    });
  }
};

/** The refused form's values, each with its label, to show beside what is there now. */
function yoursList(language: StaffLanguage, form: KeywordFormValues): { label: string; value: string }[] {
  const t = (key: string) => staffText(language, key);
  return [
    { label: t('keywords.initials'), value: form.initials },
    { label: t('keywords.words'), value: form.words },
    {
      label: t('keywords.kind'),
      value: (KINDS as readonly string[]).includes(form.kind) ? t(`ticket.kind.${form.kind}`) : form.kind,
    },
    { label: t('keywords.category'), value: form.category },
    { label: t('keywords.reply'), value: form.reply },
    { label: t('keywords.validFrom'), value: form.validFrom },
    { label: t('keywords.validTo'), value: form.validTo },
    { label: t('keywords.status'), value: t(form.active ? 'keywords.state.live' : 'keywords.state.off') },
  ].filter((item) => item.value !== '');
}
