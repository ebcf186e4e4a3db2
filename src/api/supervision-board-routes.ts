import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { toCsv } from '../supervision/export-csv.js';
import { exportTable, type ExportList } from '../supervision/export-lists.js';
import { toXlsx } from '../supervision/export-xlsx.js';
import { loadBoard } from '../supervision/load-board.js';
import { localDate } from '../time/local-format.js';
import { errorReplies } from './schemas.js';
import { BoardQuery, BoardReply, ExportParams, ExportQuery } from './supervision-board-schemas.js';
import { boardView } from './supervision-board-view.js';

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * The supervision board (效能监察): `GET /supervision/board` (counts, warnings, overdue, 督办 flags,
 * bottleneck departments, the three assessment rates, daily volume, returned and reopened tickets)
 * and `GET /supervision/export/{list}.csv|.xlsx`. Supervisors and admins see the whole hub, a
 * department its own board, operators nothing (403). Exports are audited (全程留痕).
 */
export const supervisionBoardRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (
  app,
  { config },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/supervision/board',
    {
      schema: {
        summary: 'The supervision board (效能监察): counts, alerts, bottlenecks, rates, volume',
        tags: ['sla'],
        querystring: BoardQuery,
        response: { 200: BoardReply, ...errorReplies },
      },
    },
    async (request) => {
      const { days, limit } = request.query;
      const board = await loadBoard(app.store, request.actor, { days, timeZone: config.timezone });
      return boardView(board, {
        limit,
        maySupervise: board.scope.kind === 'all',
        departments: await app.store.departments.list(),
      });
    },
  );

  app.get(
    '/supervision/export/:file',
    {
      schema: {
        summary: 'One list of the supervision board as CSV (UTF-8 with BOM) or XLSX (audited)',
        tags: ['sla'],
        params: ExportParams,
        querystring: ExportQuery,
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the file' }),
          ...errorReplies,
        },
      },
    },
    async (request, reply) => {
      const { days, lang } = request.query;
      const dot = request.params.file.lastIndexOf('.');
      const list = request.params.file.slice(0, dot) as ExportList;
      const format = request.params.file.slice(dot + 1) as keyof typeof CONTENT_TYPES;
      const board = await loadBoard(app.store, request.actor, { days, timeZone: config.timezone });
      const names = new Map(
        (await app.store.departments.list()).map((d) => [
          d.code,
          lang === 'en' ? (d.nameEn ?? d.name) : d.name,
        ]),
      );
      const table = exportTable(board, list, { language: lang, departmentName: (code) => names.get(code) });
      const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
      await app.store.audit.append({
        actor: request.actor,
        action: 'supervision_export',
        fields: [request.params.file, `days=${days}`, `rows=${table.rows.length}`],
        at: new Date(),
      });
      const scope = board.scope.kind === 'department' ? `-${board.scope.department}` : '';
      const name = `supervision-${list}${scope}-${localDate(board.window.now, config.timezone)}.${format}`;
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(body);
    },
  );
};
