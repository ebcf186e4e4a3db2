import type { Redis } from 'ioredis';
import type { Store } from '../store/store.js';
import type { Render } from '../templates/renderer.js';
import type { LiveEvents } from './live-events.js';
import type { NumberSequence } from './number-sequence.js';

/** What the ticket core's use cases need; built once by the core plugin, passed explicitly. */
export interface CoreDeps {
  store: Store;
  redis: Redis;
  sequence: NumberSequence;
  render: Render;
  live: LiveEvents;
  lock: { ttlMs: number; waitMs: number };
}
