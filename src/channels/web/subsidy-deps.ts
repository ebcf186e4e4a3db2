import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SubsidyCodeJob } from '../../queues/names.js';
import type { Store } from '../../store/store.js';
import type { Actor } from '../../tickets/types.js';

/** What the subsidy look-up's use cases need (built once by subsidy-routes.ts). */
export interface SubsidyWebDeps {
  store: Pick<Store, 'subsidies' | 'otpChallenges' | 'audit'>;
  redis: Redis;
  /** Producer of the code SMS and clean-up jobs (ids only). */
  codes: Queue<SubsidyCodeJob>;
  /** HUB_SECRET: keys the code's HMAC and the look-up counters. */
  secret: string;
  lookupsPerHour: number;
  now(): Date;
}

/** The web visitor as the audit log knows them (no account: their address). */
export function webVisitor(ip: string): Actor {
  return { kind: 'citizen', id: `web:${ip}` };
}
