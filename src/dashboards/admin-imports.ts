import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { IMPORT_KINDS, IMPORT_MODES, type ImportView } from '../api/import-schemas.js';
import { importView } from '../api/import-view.js';
import type { Config } from '../config.js';
import { HubErrors } from '../errors.js';
import type { ImportRecord } from '../store/import-jobs.js';
import { startImport } from '../subsidies/import-job-start.js';
import { IMPORT_LIMITS } from '../subsidies/import-limits.js';
import { localMinute } from '../time/local-format.js';
import { addStaffMessages, staffText } from './messages.js';
import { AREAS } from './nav.js';
import { ADMIN_IMPORTS_WORDS } from './words/admin-imports.js';

addStaffMessages(ADMIN_IMPORTS_WORDS);

const ADMINS = AREAS.admin.roles;
const IMPORTS = '/staff/admin/imports';
/** The page lists this many problems; the report CSV has them all. */
const PROBLEMS_SHOWN = 1000;
/** Imports a page of the list shows; older ones are a "next page" link (cursor) away. */
const RECENT = 20;
const ListQuery = Type.Object({ cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })) });
/** The body type the page's script sends; the format is told by the bytes, never by the type. */
const FILE_TYPE = 'application/octet-stream';

const UploadQuery = Type.Object(
  {
    kind: Type.Union(IMPORT_KINDS.map((k) => Type.Literal(k))),
    mode: Type.Union(
      IMPORT_MODES.map((m) => Type.Literal(m)),
      { default: 'all-or-nothing' },
    ),
    name: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
const ImportParams = Type.Object({ id: Type.String({ pattern: '^imp-[0-9a-f]{16}$' }) });

/**
 * `/staff/admin/imports` (admins only): the register imports of the staff API as pages. The form's
 * file goes up through a small script (dashboards/static/admin-imports.js) as the request's body —
 * the hub registers no multipart parser, and the API takes files the same way — with the page's
 * CSRF token in a header; the upload calls the same use-case as `POST /api/v1/imports`
 * (startImport). An import's page shows its progress (htmx refreshes it every second while it runs,
 * a meta refresh without JavaScript) and every bad row of its report (row, column, reason); the
 * report CSV is the API's, which the session cookie opens.
 */
export const adminImportsRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  if (app.hasContentTypeParser(FILE_TYPE)) app.removeContentTypeParser(FILE_TYPE);
  app.addContentTypeParser(
    FILE_TYPE,
    { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.maxFileBytes },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.get(
    '/admin/imports',
    { config: { staffRoles: ADMINS }, schema: { hide: true, querystring: ListQuery } },
    async (request, reply) => {
      const language = request.staffLanguage;
      const { cursor } = request.query;
      const page = await app.store.imports.list({
        limit: RECENT,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return reply.page(
        'admin-imports',
        {
          kinds: IMPORT_KINDS,
          modes: IMPORT_MODES.map((mode) => ({ mode, selected: mode === 'all-or-nothing' })),
          imports: await Promise.all(page.items.map(async (record) => row(await view(record, 0)))),
          paged: cursor !== undefined || page.next !== undefined,
          newest: cursor === undefined ? undefined : IMPORTS,
          older:
            page.next === undefined
              ? undefined
              : `${IMPORTS}?${new URLSearchParams({ cursor: page.next }).toString()}`,
        },
        staffText(language, 'imports.title'),
      );
    },
  );

  app.post(
    '/admin/imports/upload',
    {
      config: { staffRoles: ADMINS },
      bodyLimit: IMPORT_LIMITS.maxFileBytes,
      schema: { hide: true, querystring: UploadQuery },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        return refused(request, reply, 415, 'HUB_ERR_IMPORT_FILE', 'not-a-file');
      }
      const { kind, mode, name } = request.query;
      try {
        const record = await startImport(
          { store: app.store, redis: app.redis, queue: app.importQueue, secret: config.secret },
          { kind, mode, encoding: 'auto', name, bytes: request.body, actor: request.actor },
        );
        return await reply.status(201).send({ id: record.id, location: `${IMPORTS}/${record.id}` });
      } catch (error) {
        const { code, details } = error as { code?: unknown; details?: { reason?: string } };
        if (code === 'HUB_ERR_IMPORT_BUSY') return refused(request, reply, 409, code);
        if (code === 'HUB_ERR_IMPORT_FILE') return refused(request, reply, 400, code, details?.reason);
        throw error;
      }
    },
  );

  app.get(
    '/admin/imports/:id',
    { config: { staffRoles: ADMINS }, schema: { hide: true, params: ImportParams } },
    async (request, reply) => {
      const record = await app.store.imports.findById(request.params.id);
      if (!record) throw new HubErrors.NotFound();
      const shown = await view(record, PROBLEMS_SHOWN);
      const running = shown.status === 'queued' || shown.status === 'running';
      const language = request.staffLanguage;
      const self = `${IMPORTS}/${record.id}`;
      return reply.page(
        'admin-import',
        {
          ...row(shown),
          self,
          running,
          // Without JavaScript the layout's <noscript> refresh follows a running import.
          refresh: running ? 1 : undefined,
          guarantee: shown.guarantee,
          progressText: staffText(language, 'imports.progressText', {
            done: shown.progress.done,
            total: shown.progress.total,
            phase: staffText(language, `imports.phase.${shown.progress.phase}`),
          }),
          counts: Object.entries(shown.counts).map(([name, c]) =>
            staffText(language, 'imports.count', { name, ...c }),
          ),
          problems: shown.problems.map((p) => ({
            row: p.row,
            field: p.columnName ?? p.column ?? '',
            reason: p.message,
            related: p.firstRow,
          })),
          more:
            shown.problemCount > shown.problems.length
              ? staffText(language, 'imports.moreProblems', {
                  shown: shown.problems.length,
                  total: shown.problemCount,
                })
              : undefined,
          fatal: shown.fatal?.message,
          error: shown.error,
          reportCsv: shown.status === 'done' ? `/api/v1/imports/${record.id}/report.csv` : undefined,
        },
        staffText(language, 'imports.title'),
      );
    },
  );

  /** The API's view of an import (the same outcome, progress and problems the API answers). */
  async function view(record: ImportRecord, limit: number): Promise<ImportView> {
    const problems =
      limit > 0 && record.problemCount > 0 ? await app.store.imports.problems(record, 0, limit) : [];
    const unfinished = record.status === 'queued' || record.status === 'running';
    const state = unfinished ? await (await app.importQueue.getJob(record.id))?.getState() : undefined;
    return importView(record, problems, state === 'failed');
  }

  function row(shown: ImportView): Record<string, unknown> {
    return {
      id: shown.id,
      href: `${IMPORTS}/${shown.id}`,
      kind: shown.kind,
      mode: shown.mode,
      source: shown.source,
      status: shown.status,
      outcome: shown.outcome,
      createdAt: localMinute(new Date(shown.createdAt), config.timezone),
      createdBy: shown.createdBy,
      rows: shown.rows,
      problemCount: shown.problemCount,
      progress: shown.progress,
    };
  }
};

/** A refused upload, for the page's script: a coded answer with the words to show. */
function refused(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  reason?: string,
): FastifyReply {
  const language = request.staffLanguage;
  const message = reason ? staffText(language, `imports.refused.${reason}`) : '';
  const text = staffText(language, `imports.problem.${code}`, { message });
  return reply.status(status).send({ code, message: text });
}
