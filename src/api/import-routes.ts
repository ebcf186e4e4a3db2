import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { HubErrors, withDetails } from '../errors.js';
import type { ImportRecord } from '../store/import-jobs.js';
import { startImport } from '../subsidies/import-job-start.js';
import { IMPORT_LIMITS } from '../subsidies/import-limits.js';
import { reportCsv } from '../subsidies/import-report-csv.js';
import { requireAdmin } from './guards.js';
import {
  IMPORT_FILE_TYPES,
  ImportIdParams,
  ImportView,
  ImportViewQuery,
  StartImportQuery,
} from './import-schemas.js';
import { importView } from './import-view.js';
import { errorReplies } from './schemas.js';
import { PageQuery, PageReply } from './page-schemas.js';

/**
 * Register imports (admin only): hand in a CSV or XLSX file as the request body — multipart is not
 * registered in the hub, and a page sends a file as the body with `fetch` just as well — with
 * `?kind=subsidies|applications&mode=…`; follow its progress; read its report (every bad row with
 * its row, column and reason) as JSON or as CSV. The work is a BullMQ job (src/subsidies/import-*.ts).
 */
export const importRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  // Before the body is read: a non-admin's upload is refused without taking in 8 MiB.
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => {
    requireAdmin(request.actor, 'imports');
  });
  for (const type of IMPORT_FILE_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(
      type,
      { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.maxFileBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );
  }

  app.post(
    '/imports',
    {
      bodyLimit: IMPORT_LIMITS.maxFileBytes,
      schema: {
        summary:
          'Import a subsidy register or an application-case export (CSV or XLSX, the file as the body)',
        description:
          'Answers 202 at once; the import runs as a job. Default mode all-or-nothing: nothing is written unless every row is valid. ' +
          'One import at a time (HUB_ERR_IMPORT_BUSY). An Idempotency-Key header makes a retried request return the same import.',
        tags: ['imports'],
        consumes: IMPORT_FILE_TYPES,
        querystring: StartImportQuery,
        // Documentation only: the body is the file's bytes (a Buffer), which no JSON schema checks.
        body: Type.Unsafe<Buffer>({ description: 'the CSV or XLSX file itself (binary)' }),
        response: { 202: ImportView, ...errorReplies },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw withDetails(
          new HubErrors.ImportFileRefused(
            'send the file itself as the body (Content-Type text/csv or the XLSX type)',
          ),
          { reason: 'not-a-file' },
        );
      }
      const key = request.headers['idempotency-key'];
      const { kind, mode, encoding, name } = request.query;
      const record = await startImport(
        { store: app.store, redis: app.redis, queue: app.importQueue, secret: config.secret },
        {
          kind,
          mode,
          encoding: encoding === 'gbk' ? 'gb18030' : encoding,
          name,
          bytes: request.body,
          actor: request.actor,
          idempotencyKey: typeof key === 'string' && key.length > 0 ? key : undefined,
        },
      );
      return reply.code(202).send(await view(record, 0, 0));
    },
  );

  app.get(
    '/imports',
    {
      schema: {
        summary: 'The imports, newest first (without their problems), one page at a time',
        tags: ['imports'],
        querystring: PageQuery,
        response: { 200: PageReply(ImportView), ...errorReplies },
      },
    },
    async (request) => {
      const page = await app.store.imports.list(request.query);
      return { ...page, items: await Promise.all(page.items.map(async (record) => view(record, 0, 0))) };
    },
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        summary: "An import's status, progress, counts and report (its problems from offset, up to limit)",
        tags: ['imports'],
        params: ImportIdParams,
        querystring: ImportViewQuery,
        response: { 200: ImportView, ...errorReplies },
      },
    },
    async (request) => {
      const record = await find(request.params.id);
      return view(record, request.query.offset, request.query.limit);
    },
  );

  app.get(
    '/imports/:id/report.csv',
    {
      schema: {
        summary: "A finished import's problems as CSV (UTF-8 with BOM, for Excel)",
        tags: ['imports'],
        params: ImportIdParams,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const record = await find(request.params.id);
      if (record.status !== 'done') throw new HubErrors.InvalidState(`import ${record.id} has not finished`);
      const problems = await app.store.imports.problems(record);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${record.id}-report.csv"`)
        .header('x-content-type-options', 'nosniff')
        .send(reportCsv(record.report, problems));
    },
  );

  async function find(id: string): Promise<ImportRecord> {
    const record = await app.store.imports.findById(id);
    if (!record) throw new HubErrors.NotFound();
    return record;
  }

  async function view(record: ImportRecord, offset: number, limit: number): Promise<ImportView> {
    const problems =
      limit > 0 && record.problemCount > 0 ? await app.store.imports.problems(record, offset, limit) : [];
    const unfinished = record.status === 'queued' || record.status === 'running';
    const state = unfinished ? await (await app.importQueue.getJob(record.id))?.getState() : undefined;
    return importView(record, problems, state === 'failed');
  }
};
