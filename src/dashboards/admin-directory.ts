import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { deleteDirectoryEntry } from '../directory/delete-entry.js';
import {
  DIRECTORY_CATEGORIES,
  ENTRY_ID_PATTERN,
  ENTRY_LIMITS,
  type DirectoryEntryInput,
  type EntryProblem,
} from '../directory/entry-rules.js';
import {
  saveDirectoryEntry,
  setDirectoryEntryActive,
  type SaveEntryOutcome,
} from '../directory/save-entry.js';
import { HubErrors } from '../errors.js';
import type { DirectoryEntry } from '../store/directory-entries.js';
import { localMinute } from '../time/local-format.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_DIRECTORY_WORDS, DIRECTORY_WORDS } from './words/admin-directory.js';

addStaffMessages(DIRECTORY_WORDS);
addStaffMessages(ADMIN_DIRECTORY_WORDS);

const ADMINS = AREAS.admin.roles;
const BASE = '/staff/admin/directory';

/** Generous caps: the core's limits give the per-field messages; these only stop a flood. */
const entryFields = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  name: Type.String({ maxLength: 1000, default: '' }),
  nameEn: Type.String({ maxLength: 1000, default: '' }),
  phones: Type.String({ maxLength: 2000, default: '' }),
  hours: Type.String({ maxLength: 1000, default: '' }),
  note: Type.String({ maxLength: 5000, default: '' }),
  aliases: Type.String({ maxLength: 2000, default: '' }),
  category: Type.String({ maxLength: 40, default: '' }),
  /** The checkbox: present (`on`) when ticked. */
  active: Type.Optional(Type.String({ maxLength: 10 })),
};
const Version = Type.String({ pattern: '^[0-9]{1,9}$' });
const EntryForm = Type.Object(entryFields);
const EditForm = Type.Object({ ...entryFields, version: Version });
const VersionForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), version: Version });
const EntryParams = Type.Object({ id: Type.String({ pattern: ENTRY_ID_PATTERN }) });
const Done = Type.Object({
  done: Type.Optional(
    Type.Union([
      Type.Literal('created'),
      Type.Literal('saved'),
      Type.Literal('disabled'),
      Type.Literal('enabled'),
      Type.Literal('deleted'),
    ]),
  ),
  entry: Type.Optional(Type.String({ pattern: ENTRY_ID_PATTERN })),
});

/** What the entry form shows: the text as typed (phones one a line, aliases with 、). */
interface FormValues {
  name: string;
  nameEn: string;
  phones: string;
  hours: string;
  note: string;
  aliases: string;
  category: string;
  active: boolean;
}

type FormBody = Omit<FormValues, 'active'> & { active?: string };

const NEW_FORM: FormValues = {
  name: '',
  nameEn: '',
  phones: '',
  hours: '',
  note: '',
  aliases: '',
  category: '',
  active: true,
};

/**
 * `/staff/admin/directory` (admins only): the 查号 entries that are not departments (utilities,
 * emergency numbers, hospitals …) with a form to add one; per entry an edit page, disable / enable
 * and delete behind a confirm page. Plain forms, POST-redirect-GET; every form carries the version
 * it was made from, and the core's use-cases (the same the API calls) refuse a stale one — the
 * page then shows what is there now. Refused input comes back with a message per field (400).
 */
export const adminDirectoryRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (
  app,
  { config },
) => {
  const options = { config: { staffRoles: ADMINS } };
  const deps = () => ({ store: app.store, redis: app.redis });

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: FormValues; problems?: EntryProblem[]; rowProblem?: string; done?: string } = {},
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    const entries = sortEntries(await app.store.directoryEntries.list());
    return reply.page(
      'admin-directory',
      {
        entries: entries.map((entry) => ({
          ...entry,
          aliases: entry.aliases.join('、'),
          versionLine: staffText(language, 'directory.versionLine', {
            version: entry.version,
            at: localMinute(entry.updatedAt, config.timezone),
            by: entry.updatedBy,
          }),
        })),
        ...formData(language, extra.form ?? NEW_FORM, extra.problems ?? []),
        rowProblem: extra.rowProblem,
        done: extra.done,
      },
      staffText(language, 'directory.title'),
    );
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: DirectoryEntry,
    extra: { form?: FormValues; problems?: EntryProblem[]; conflict?: FormValues } = {},
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    return reply.page(
      'admin-directory-edit',
      {
        id: entry.id,
        version: entry.version,
        ...formData(language, extra.form ?? formOf(entry), extra.problems ?? []),
        conflict: extra.conflict && {
          message: staffText(language, 'directory.conflict', { version: entry.version }),
          yours: yoursList(language, extra.conflict),
        },
      },
      staffText(language, 'directory.editTitle'),
    );
  }

  async function deletePage(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: DirectoryEntry,
    conflict = false,
  ): Promise<FastifyReply> {
    const language = request.staffLanguage;
    return reply.page(
      'admin-directory-delete',
      {
        entry,
        confirm: staffText(language, 'directory.deleteConfirm', { name: entry.name }),
        problem: conflict
          ? staffText(language, 'directory.conflictDelete', { version: entry.version })
          : undefined,
      },
      staffText(language, 'directory.deleteTitle'),
    );
  }

  async function existing(id: string): Promise<DirectoryEntry> {
    const entry = await app.store.directoryEntries.findById(id);
    if (!entry) throw new HubErrors.NotFound();
    return entry;
  }

  const done = (kind: 'created' | 'saved' | 'disabled' | 'enabled' | 'deleted', id: string) =>
    `${BASE}?done=${kind}&entry=${encodeURIComponent(id)}`;

  app.get(
    '/admin/directory',
    { ...options, schema: { hide: true, querystring: Done } },
    async (request, reply) => {
      const { done: kind, entry: id } = request.query;
      if (!kind || !id) return listPage(request, reply);
      const entry = await app.store.directoryEntries.findById(id);
      const note = staffText(request.staffLanguage, `directory.done.${kind}`, {
        name: entry?.name ?? id,
        version: entry?.version,
        id,
      });
      return listPage(request, reply, { done: note });
    },
  );

  app.post(
    '/admin/directory',
    { ...options, schema: { hide: true, body: EntryForm } },
    async (request, reply) => {
      const form = formValues(request.body);
      const outcome = await saveDirectoryEntry(deps(), { input: inputOf(form) }, request.actor);
      if (outcome.ok) return reply.redirect(done('created', outcome.entry.id), 303);
      if (outcome.problem === 'invalid')
        return listPage(request, reply.status(400), { form, problems: outcome.problems });
      const rowProblem = staffText(request.staffLanguage, 'error.busy');
      return listPage(request, reply.status(409), { form, rowProblem });
    },
  );

  app.get(
    '/admin/directory/:id',
    { ...options, schema: { hide: true, params: EntryParams } },
    async (request, reply) => editPage(request, reply, await existing(request.params.id)),
  );

  app.post(
    '/admin/directory/:id',
    { ...options, schema: { hide: true, params: EntryParams, body: EditForm } },
    async (request, reply) => {
      const { id } = request.params;
      const form = formValues(request.body);
      const baseVersion = Number(request.body.version);
      const outcome = await saveDirectoryEntry(
        deps(),
        { id, baseVersion, input: inputOf(form) },
        request.actor,
      );
      if (outcome.ok) return reply.redirect(done('saved', id), 303);
      if (outcome.problem === 'invalid') {
        const entry = await existing(id);
        // The version the admin edited stays in the form: a newer one is told on the next save.
        return editPage(
          request,
          reply.status(400),
          { ...entry, version: baseVersion },
          {
            form,
            problems: outcome.problems,
          },
        );
      }
      if (outcome.problem === 'version_conflict')
        return editPage(request, reply.status(409), outcome.current, { conflict: form });
      return refused(request, reply, outcome);
    },
  );

  for (const [action, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/admin/directory/:id/${action}`,
      { ...options, schema: { hide: true, params: EntryParams, body: VersionForm } },
      async (request, reply) => {
        const { id } = request.params;
        const baseVersion = Number(request.body.version);
        const outcome = await setDirectoryEntryActive(deps(), id, active, baseVersion, request.actor);
        if (outcome.ok) return reply.redirect(done(active ? 'enabled' : 'disabled', id), 303);
        if (outcome.problem === 'version_conflict') {
          const rowProblem = staffText(request.staffLanguage, 'directory.conflictRow', {
            name: outcome.current.name,
            version: outcome.current.version,
          });
          return listPage(request, reply.status(409), { rowProblem });
        }
        return refused(request, reply, outcome);
      },
    );
  }

  app.get(
    '/admin/directory/:id/delete',
    { ...options, schema: { hide: true, params: EntryParams } },
    async (request, reply) => deletePage(request, reply, await existing(request.params.id)),
  );

  app.post(
    '/admin/directory/:id/delete',
    { ...options, schema: { hide: true, params: EntryParams, body: VersionForm } },
    async (request, reply) => {
      const { id } = request.params;
      const outcome = await deleteDirectoryEntry(deps(), id, Number(request.body.version), request.actor);
      if (outcome.ok) return reply.redirect(done('deleted', id), 303);
      if (outcome.problem === 'version_conflict')
        return deletePage(request, reply.status(409), outcome.current, true);
      if (outcome.problem === 'not_found') throw new HubErrors.NotFound();
      return listPage(request, reply.status(409), {
        rowProblem: staffText(request.staffLanguage, 'error.busy'),
      });
    },
  );

  /** What is left after the page's own answers: gone (404 page) or busy (the list, 409). */
  async function refused(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Extract<SaveEntryOutcome, { ok: false }>,
  ): Promise<FastifyReply> {
    if (outcome.problem === 'not_found') throw new HubErrors.NotFound();
    return listPage(request, reply.status(409), {
      rowProblem: staffText(request.staffLanguage, 'error.busy'),
    });
  }
};

/** By category (in the list's order), then by name in pinyin order. */
function sortEntries(entries: DirectoryEntry[]): DirectoryEntry[] {
  const order = new Map<string, number>(DIRECTORY_CATEGORIES.map((c, n) => [c, n]));
  const collator = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
  return entries.sort(
    (a, b) =>
      (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0) ||
      collator.compare(a.name, b.name) ||
      (a.id < b.id ? -1 : 1),
  );
}

/** The form's fields, the category options and a message per refused field. */
function formData(language: StaffLanguage, form: FormValues, problems: EntryProblem[]) {
  const messages: Record<string, string> = {};
  for (const p of problems) messages[p.field] ??= problemText(language, p);
  return {
    form,
    categories: DIRECTORY_CATEGORIES.map((category) => ({ category, selected: form.category === category })),
    problems: problems.length > 0 ? messages : undefined,
    limits: ENTRY_LIMITS,
  };
}

function problemText(language: StaffLanguage, problem: EntryProblem): string {
  const { field, code, value } = problem;
  const max =
    field === 'phones'
      ? ENTRY_LIMITS.phones
      : field === 'aliases'
        ? code === 'tooMany'
          ? ENTRY_LIMITS.aliases
          : ENTRY_LIMITS.alias
        : field === 'category'
          ? undefined
          : ENTRY_LIMITS[field];
  return staffText(language, `directory.problem.${field}.${code}`, { max, value });
}

/** The refused form's values, each with its label, to show beside what is there now. */
function yoursList(language: StaffLanguage, form: FormValues): { label: string; value: string }[] {
  const category = (DIRECTORY_CATEGORIES as readonly string[]).includes(form.category)
    ? staffText(language, `directory.category.${form.category}`)
    : form.category;
  return [
    { label: staffText(language, 'directory.name'), value: form.name },
    { label: staffText(language, 'directory.nameEn'), value: form.nameEn },
    { label: staffText(language, 'directory.category'), value: category },
    { label: staffText(language, 'directory.phones'), value: form.phones },
    { label: staffText(language, 'directory.hours'), value: form.hours },
    { label: staffText(language, 'directory.aliases'), value: form.aliases },
    { label: staffText(language, 'directory.note'), value: form.note },
    {
      label: staffText(language, 'directory.status'),
      value: staffText(language, form.active ? 'directory.inUse' : 'directory.disabled'),
    },
  ].filter((item) => item.value !== '');
}

function formValues(body: FormBody): FormValues {
  const { name, nameEn, phones, hours, note, aliases, category } = body;
  return { name, nameEn, phones, hours, note, aliases, category, active: body.active !== undefined };
}

function formOf(entry: DirectoryEntry): FormValues {
  return {
    name: entry.name,
    nameEn: entry.nameEn ?? '',
    phones: entry.phones.join('\n'),
    hours: entry.hours ?? '',
    note: entry.note ?? '',
    aliases: entry.aliases.join('、'),
    category: entry.category,
    active: entry.active,
  };
}

/** Phones one a line (commas and 、 also separate), aliases separated by commas or 、. */
function inputOf(form: FormValues): DirectoryEntryInput {
  const split = (text: string) => text.split(/[\n,，;；、]+/);
  return {
    name: form.name,
    nameEn: form.nameEn,
    phones: split(form.phones),
    hours: form.hours,
    note: form.note,
    aliases: split(form.aliases),
    category: form.category,
    active: form.active,
  };
}
