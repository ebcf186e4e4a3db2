import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/templates` (admins only). Being built. */
export const adminTemplatesRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
