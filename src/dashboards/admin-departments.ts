import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';

/** `/staff/admin/departments` (admins only). Being built. */
export const adminDepartmentsRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async () => {};
