import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/keywords` (admins only). Being built. */
export const adminKeywordsRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
