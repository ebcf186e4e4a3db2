import type { Redis } from 'ioredis';
import type { WorkCalendar } from '../routing/calendar.js';
import type { CallRepository } from '../store/calls.js';
import type { Store } from '../store/store.js';
import type { CoreDeps } from '../tickets/deps.js';
import type { IntakeResult } from '../tickets/intake.js';
import type { Actor, InboundMessage } from '../tickets/types.js';
import type { HotlineHours } from './hours.js';
import type { MenuBook } from './menus.js';

/** The IVR's settings from config (IVR_*). */
export interface IvrSettings {
  /** The operator queue's name (`<Enqueue>`); the operator console answers calls from it. */
  operatorQueue: string;
  /** Longer than this in the queue: the caller is offered voicemail instead. */
  queueMaxWaitSeconds: number;
  /** Ask the provider to transcribe voicemails (its transcripts are added to the ticket). */
  transcribe: boolean;
  hours: HotlineHours;
  timeZone: string;
}

/** What the engine writes about a call: its record (insert-first) and its path. */
export type CallLog = Pick<CallRepository, 'start' | 'find' | 'appendEvent' | 'linkTicket'>;

/** The menu versions a call reads: the newest for a new call, the one its URL names for a step. */
export type MenuVersions = Pick<MenuBook, 'current' | 'version'>;

/**
 * What the engine needs; built once by the voice channel and passed explicitly. The admin page's
 * simulator passes its own call log (kept in memory) and menu (a draft): see simulate-call.ts.
 */
export interface IvrDeps {
  store: Pick<Store, 'tickets' | 'applications' | 'subsidies' | 'departments' | 'contacts'> & {
    calls: CallLog;
  };
  redis: Redis;
  menus: MenuVersions;
  /** The ticket core's intake (voicemail → ticket) and its deps (a transcript → that ticket). */
  intake: (message: InboundMessage, actor: Actor) => Promise<IntakeResult>;
  core: CoreDeps;
  /** The working-day calendar in force (routing tables): for `workdays` hotline hours. */
  calendar: () => WorkCalendar;
  settings: IvrSettings;
  now: () => Date;
}
