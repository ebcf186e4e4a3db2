import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { PROJECT_ROOT } from '../config.js';
import { DASHBOARDS_DIR } from './views.js';

/**
 * The two libraries the staff pages may load, served by the hub from the installed packages (the
 * centre's network has no internet, and a CDN would see who works when). Only these files: the
 * rest of node_modules stays out of reach.
 */
const VENDOR: Record<string, string> = {
  '/htmx.min.js': path.join(PROJECT_ROOT, 'node_modules/htmx.org/dist'),
  '/echarts.min.js': path.join(PROJECT_ROOT, 'node_modules/echarts/dist'),
};

/**
 * `/staff/static/…` (dashboards/static: stylesheet, small scripts) and `/staff/static/vendor/…`
 * (htmx, ECharts). A sibling of the pages, so no session is needed: the sign-in page uses them.
 */
export const staticAssets: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: path.join(DASHBOARDS_DIR, 'static'),
    prefix: '/static/',
    decorateReply: false,
    index: false,
  });
  await app.register(vendorFiles);
};

/** Each vendor file as its own route (sendFile in this scope only, with the file's own folder). */
const vendorFiles: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { serve: false });
  for (const [file, folder] of Object.entries(VENDOR)) {
    app.get(`/static/vendor${file}`, { schema: { hide: true } }, (_request, reply) =>
      reply.sendFile(file.slice(1), folder),
    );
  }
};
