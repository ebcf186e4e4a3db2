import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { DEMO_DEPARTMENTS } from '../../src/seed-data.js';

/** Set MONGODB_URI to run the whole suite against that server instead of the embedded one. */
export const externalMongo = process.env.MONGODB_URI;

export interface TestHub {
  app: FastifyInstance;
  config: Config;
  /** The bootstrap admin token. */
  token: string;
  request(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A real hub for one test file: its own DATA_DIR (so its own embedded FerretDB), its own database
 * name and Redis key prefix, demo departments loaded. `close()` removes all of it.
 */
export async function startHub(env: Record<string, string> = {}): Promise<TestHub> {
  const id = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(path.join(tmpdir(), `hub-test-${id}-`));
  const token = `test-admin-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    DATA_DIR: dataDir,
    MONGODB_DB: `hubtest_${id}`,
    EMBEDDED_DB_PORT: '0',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `hubtest-${id}`,
    HUB_API_TOKEN: token,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    STORE_TIMEOUT_MS: '1500',
    // The inbound SMTP listener only where a test asks for it (SMTP_PORT), never on the default port.
    SMTP_PORT: '0',
    ...(externalMongo ? { MONGODB_URI: externalMongo } : {}),
    ...env,
  });
  const app = await buildApp(config);
  try {
    await app.ready();
    for (const department of DEMO_DEPARTMENTS) await app.store.departments.upsert(department);
    // Routing validates rules against the departments it knows: rebuild with them loaded.
    await app.routingService.changed();
  } catch (error) {
    await app.close();
    throw error;
  }

  return {
    app,
    config,
    token,
    request: ({ token: as, ...options }) =>
      app.inject({
        ...options,
        headers: {
          ...(as === null ? {} : { authorization: `Bearer ${as ?? token}` }),
          ...(options.headers ?? {}),
        },
      }),
    async close() {
      if (config.mongodbUri) await dropDatabase(config.mongodbUri, config.mongodbDb);
      await app.close();
      await deleteRedisKeys(config.redisUrl, `${config.redisPrefix}:`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  await connection.dropDatabase();
  await connection.close();
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/** Opens a ticket through the staff API and returns its JSON. */
export async function openTicket(
  hub: TestHub,
  body: Record<string, unknown> = {},
  idempotencyKey?: string,
): Promise<{ number: string; status: string; version: number } & Record<string, unknown>> {
  const response = await hub.request({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    payload: { kind: 'complaint', body: '路灯不亮已经一周', contact: { phone: '13800138000' }, ...body },
  });
  if (response.statusCode >= 300) throw new Error(`openTicket: ${response.statusCode} ${response.body}`);
  return response.json<{ ticket: { number: string; status: string; version: number } }>().ticket;
}

/** Runs a command through the staff API. */
export function command(
  hub: TestHub,
  number: string,
  name: string,
  payload: Record<string, unknown> = {},
  token?: string,
): Promise<LightMyRequestResponse> {
  return hub.request({ method: 'POST', url: `/api/v1/tickets/${number}/${name}`, payload, token });
}

/** Issues a staff token with a role (and department) through the API. */
export async function issueToken(hub: TestHub, role: string, department?: string): Promise<string> {
  const response = await hub.request({
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: `${role} ${department ?? ''}`.trim(), role, ...(department ? { department } : {}) },
  });
  if (response.statusCode !== 201) throw new Error(`issueToken: ${response.statusCode} ${response.body}`);
  return response.json<{ token: string }>().token;
}

/** Polls /readyz until it answers 200 (after an outage of the database or Redis). */
export async function waitUntilReady(hub: TestHub, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await hub.request({ method: 'GET', url: '/readyz', token: null });
    if (ready.statusCode === 200) return;
    await sleep(100);
  }
  throw new Error('hub did not become ready again');
}
