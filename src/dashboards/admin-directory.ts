import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/directory` (admins only). Being built. */
export const adminDirectoryRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
