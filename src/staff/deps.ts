import type { Redis } from 'ioredis';
import type { Store } from '../store/store.js';
import type { LoginGuard } from './login-guard.js';
import type { StaffSessions } from './sessions.js';

/** What the staff-account use-cases work with (wired once by plugin.ts). */
export interface StaffDeps {
  store: Pick<Store, 'staffUsers' | 'audit' | 'departments'>;
  redis: Redis;
  sessions: StaffSessions;
  guard: LoginGuard;
}
