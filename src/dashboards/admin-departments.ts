import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { rulesSendingTo, type DepartmentProblem } from '../departments/check-department.js';
import { countOpenTickets, saveDepartment, type Expected } from '../departments/save-department.js';
import { HubErrors } from '../errors.js';
import type { StoredDepartment } from '../store/departments.js';
import {
  departmentInput,
  formText,
  hoursLines,
  problemTexts,
  type DepartmentFormText,
} from './admin-departments-form.js';
import { addStaffMessages, staffText, type StaffLanguage } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_DEPARTMENTS_WORDS } from './words/admin-departments.js';

addStaffMessages(ADMIN_DEPARTMENTS_WORDS);

const ADMINS = AREAS.admin.roles;
const LIST = '/staff/admin/departments';

const text = (max: number) => Type.String({ maxLength: max, default: '' });
const formFields = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  name: text(300),
  nameEn: text(400),
  phones: text(2000),
  email: text(320),
  parent: text(100),
  regionCodes: text(2000),
  workingHours: text(500),
  /** The checkbox: sent only when ticked. */
  active: Type.Optional(Type.String({ maxLength: 10 })),
};
const CreateForm = Type.Object({ code: text(100), ...formFields });
const EditForm = Type.Object({ version: Type.String({ pattern: '^[0-9]{1,9}$' }), ...formFields });
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });
const Done = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('saved')])),
  code: Type.Optional(Type.String({ maxLength: 40 })),
});

/** What the form page shows besides the typed values. */
interface FormState {
  /** The department being edited (absent when creating). */
  current?: StoredDepartment;
  version?: string;
  problems?: readonly DepartmentProblem[];
  /** Someone saved a newer version: this one. */
  conflict?: number;
  busy?: boolean;
}

/**
 * `/staff/admin/departments` (admins only): every department, active or disabled, with its phones,
 * mailbox, parent, regions, working hours and how many open tickets it has (counted, not loaded);
 * `…/new` and `…/:code/edit` are one form (the code fixed once created). A save goes through
 * `saveDepartment`, the same use-case as `PUT /api/v1/departments/:code`: checked there (a refused
 * form comes back 400 with a message per field and nothing saved), versioned (a second admin's
 * stale form is told), audited and rebuilt into routing in every process. Disabling a department a
 * rule still sends tickets to is refused with the rules named; one with open tickets is disabled and
 * the list says how many it keeps. POST-redirect-GET after a save.
 */
export const adminDepartmentsRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app) => {
  const deps = { store: app.store, routing: app.routingService, redis: app.redis };

  app.get(
    '/admin/departments',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: Done } },
    async (request, reply) => listPage(app, request, reply),
  );

  app.get(
    '/admin/departments/new',
    { config: { staffRoles: ADMINS }, schema: { hide: true } },
    (request, reply) => formPage(app, request, reply, emptyForm(), {}),
  );

  app.post(
    '/admin/departments',
    { config: { staffRoles: ADMINS }, schema: { hide: true, body: CreateForm } },
    async (request, reply) => {
      const form = typedForm(request.body, request.body.code);
      return save(request, reply, form, 'absent', {});
    },
  );

  app.get(
    '/admin/departments/:code/edit',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: CodeParams } },
    async (request, reply) => {
      const current = await existing(app, request.params.code);
      return formPage(app, request, reply, formText(current), { current, version: String(current.version) });
    },
  );

  app.post(
    '/admin/departments/:code',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: CodeParams, body: EditForm } },
    async (request, reply) => {
      const current = await existing(app, request.params.code);
      const form = typedForm(request.body, current.code);
      const { version } = request.body;
      return save(request, reply, form, Number(version), { current, version });
    },
  );

  async function save(
    request: FastifyRequest,
    reply: FastifyReply,
    form: DepartmentFormText,
    expected: Expected,
    state: FormState,
  ): Promise<FastifyReply> {
    const saved = await saveDepartment(deps, departmentInput(form), expected, request.actor);
    if (saved.ok) {
      const done = saved.created ? 'created' : 'saved';
      return reply.redirect(`${LIST}?done=${done}&code=${encodeURIComponent(saved.department.code)}`, 303);
    }
    switch (saved.reason) {
      case 'invalid':
        return formPage(app, request, reply.status(400), form, { ...state, problems: saved.problems });
      case 'conflict':
        return formPage(app, request, reply.status(409), form, { ...state, conflict: saved.version });
      case 'busy':
        return formPage(app, request, reply.status(409), form, { ...state, busy: true });
      case 'not_found':
        throw new HubErrors.NotFound();
    }
  }
};

async function existing(app: FastifyInstance, code: string): Promise<StoredDepartment> {
  const department = await app.store.departments.find(code);
  if (!department) throw new HubErrors.NotFound();
  return department;
}

function emptyForm(): DepartmentFormText {
  return {
    code: '',
    name: '',
    nameEn: '',
    phones: '',
    email: '',
    parent: '',
    regionCodes: '',
    workingHours: '09:00-12:00\n13:30-17:30',
    active: true,
  };
}

function typedForm(
  body: Omit<DepartmentFormText, 'code' | 'active'> & { active?: string },
  code: string,
): DepartmentFormText {
  const { name, nameEn, phones, email, parent, regionCodes, workingHours } = body;
  return {
    code,
    name,
    nameEn,
    phones,
    email,
    parent,
    regionCodes,
    workingHours,
    active: body.active !== undefined,
  };
}

function displayName(language: StaffLanguage, department: Pick<StoredDepartment, 'name' | 'nameEn'>): string {
  return language === 'en' ? (department.nameEn ?? department.name) : department.name;
}

async function listPage(
  app: FastifyInstance,
  request: FastifyRequest<{ Querystring: { done?: 'created' | 'saved'; code?: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const language = request.staffLanguage;
  const departments = await app.store.departments.list();
  const open = await Promise.all(departments.map((d) => countOpenTickets(app.store.tickets, d.code)));
  const names = new Map(departments.map((d) => [d.code, displayName(language, d)]));
  const { done, code } = request.query;
  const doneAt = departments.findIndex((d) => d.code === code);
  const saved = departments[doneAt];
  const kept = saved && !saved.active ? (open[doneAt] ?? 0) : 0;
  const values = saved && { name: names.get(saved.code), code: saved.code, count: kept };
  return reply.page(
    'admin-departments',
    {
      departments: departments.map((d, n) => ({
        code: d.code,
        name: d.name,
        nameEn: d.nameEn,
        phones: d.phones,
        email: d.email,
        parent: d.parent && `${names.get(d.parent) ?? d.parent} (${d.parent})`,
        regions: d.regionCodes.join(' '),
        hours: hoursLines(d.workingHours),
        active: d.active,
        open: open[n] ?? 0,
        editLabel: staffText(language, 'departments.editOf', { name: names.get(d.code) }),
      })),
      count: staffText(language, 'departments.count', {
        total: departments.length,
        active: departments.filter((d) => d.active).length,
      }),
      done: done && values && staffText(language, `departments.done.${done}`, values),
      kept: done && values && kept > 0 ? staffText(language, 'departments.kept', values) : undefined,
    },
    staffText(language, 'departments.title'),
  );
}

async function formPage(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  form: DepartmentFormText,
  state: FormState,
): Promise<FastifyReply> {
  const language = request.staffLanguage;
  const { current } = state;
  const [departments, rules, open] = await Promise.all([
    app.store.departments.list(),
    app.store.rules.list(),
    current ? countOpenTickets(app.store.tickets, current.code) : Promise.resolve(0),
  ]);
  const routing = current ? rulesSendingTo(rules, current.code) : [];
  const problems = problemTexts(language, state.problems ?? [], form);
  const title = current
    ? staffText(language, 'departments.editTitle', { code: current.code })
    : staffText(language, 'departments.newTitle');
  return reply.page(
    'admin-departments-form',
    {
      title,
      creating: !current,
      action: current ? `${LIST}/${current.code}` : LIST,
      version: state.version,
      versionLabel: current && staffText(language, 'departments.version', { version: current.version }),
      form,
      parents: departments
        .filter((d) => d.code !== current?.code)
        .map((d) => ({
          code: d.code,
          name: displayName(language, d),
          off: !d.active,
          selected: d.code === form.parent,
        })),
      problems,
      invalid: Object.fromEntries(Object.keys(problems).map((field) => [field, true])),
      hasProblems: Object.keys(problems).length > 0,
      conflict:
        state.conflict !== undefined &&
        staffText(language, 'departments.conflict', { version: state.conflict }),
      busy: state.busy && staffText(language, 'departments.busy'),
      openNote: open > 0 && staffText(language, 'departments.openNote', { count: open }),
      routedNote:
        routing.length > 0 &&
        staffText(language, 'departments.routedNote', {
          rules: routing.map((r) => `${r.name} (${r.id})`).join('、'),
        }),
    },
    title,
  );
}
