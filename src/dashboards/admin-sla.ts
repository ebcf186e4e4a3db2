import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/sla` (admins only). Being built. */
export const adminSlaRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
