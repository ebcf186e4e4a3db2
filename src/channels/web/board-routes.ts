import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { translate } from './messages.js';
import { localDate } from '../../time/local-format.js';
import { categoryLabel, placeLabel } from './ticket-options.js';
import './words/board.js';
import './words/ticket.js';

/** Results per page: a feature phone scrolls, but not forever. */
export const BOARD_PAGE_SIZE = 10;

const BoardQuery = Type.Object({ page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }) });

/**
 * `GET /board?page=N` (办理结果公示): published results, newest first, from the small `disclosures`
 * collection the core's `publish` command fills — kind, category, district, the staff's summary
 * (personal data already removed), dates. Nothing else of the ticket is read. A page past the end
 * shows the last one.
 */
export const boardRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.get('/board', { schema: { hide: true, querystring: BoardQuery } }, async (request, reply) => {
    const language = request.pageLanguage;
    const all = await app.store.disclosures.listNewestFirst();
    const pages = Math.max(1, Math.ceil(all.length / BOARD_PAGE_SIZE));
    const current = Math.min(request.query.page, pages);
    const rows = all.slice((current - 1) * BOARD_PAGE_SIZE, current * BOARD_PAGE_SIZE).map((row) => ({
      number: row.number,
      kind: translate(language, `kind.${row.kind}`),
      category: categoryLabel(language, row.category),
      place: row.districtCode ? placeLabel(language, { districtCode: row.districtCode }) : undefined,
      summary: row.summary,
      resolvedAt: row.resolvedAt ? localDate(row.resolvedAt, config.timezone) : undefined,
      publishedAt: localDate(row.publishedAt, config.timezone),
    }));
    return reply.page(
      'board',
      {
        rows,
        current,
        pages,
        newer: current > 1 ? current - 1 : undefined,
        older: current < pages ? current + 1 : undefined,
      },
      translate(language, 'board.title'),
    );
  });
};
