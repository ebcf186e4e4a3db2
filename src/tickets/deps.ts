import type { Redis } from 'ioredis';
import type { Store } from '../store/store.js';
import type { Render } from '../templates/renderer.js';
import type { LiveEvents } from './live-events.js';
import type { NumberSequence } from './number-sequence.js';
import type { SlaTimers } from './sla-timers.js';
import type { RoutingTables } from '../routing/tables.js';
import type { OutboxRelay } from '../notify/relay.js';

/** What the ticket core's use cases need; built once by the core plugin, passed explicitly. */
export interface CoreDeps {
  store: Store;
  redis: Redis;
  sequence: NumberSequence;
  render: Render;
  live: LiveEvents;
  lock: { ttlMs: number; waitMs: number };
  /** The routing tables in force now (rebuilt when an admin changes rules, policies or the calendar). */
  routing: () => RoutingTables;
  timers: SlaTimers;
  /** Marks tickets before outbox entries are written and queues the entries after. */
  outbox: OutboxRelay;
  settings: { returnSupervisionLimit: number; dissatisfiedAction: 'reopen' | 'supervise' };
}
