import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/ivr` (admins only). Being built. */
export const adminIvrRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
