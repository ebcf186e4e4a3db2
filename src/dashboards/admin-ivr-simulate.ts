import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { InboundMessage } from '../tickets/types.js';
import type { IntakeResult } from '../tickets/intake.js';
import type { MenuDrafts } from '../ivr/menu-drafts.js';
import type { MenuBook } from '../ivr/menus.js';
import type { StoredMenu } from '../ivr/menu.js';
import {
  MAX_SIMULATED_KEYS,
  SILENCE,
  simulateCall,
  waitsForMenuKey,
  type SimulatedStep,
  type SimulationDeps,
} from '../ivr/simulate-call.js';
import { validateMenu } from '../ivr/validate-menu.js';
import { usesDevOutbox } from '../notify/plugin.js';
import type { StaffLanguage } from './messages.js';
import { staffText } from './messages.js';
import { actionText, PAD_KEYS } from './admin-ivr-view.js';
import { AREAS } from './nav.js';

const SimulateQuery = Type.Object({
  menu: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])),
  /** The keys pressed so far, one character each (`-`: nothing pressed). */
  keys: Type.String({ pattern: `^[0-9*#-]{0,${String(MAX_SIMULATED_KEYS)}}$`, default: '' }),
  /** Simulate opening hours when the hotline is closed now. */
  open: Type.Optional(Type.Literal('1')),
});

type Which = 'draft' | 'published';

/**
 * `/staff/admin/ivr/simulate` (admins only): the admin's draft or the version in force, played by
 * the IVR engine itself (simulate-call.ts: `enterCall` and `runStep` with the menu given, no call
 * record, no Twilio) — what the caller hears now and a keypad of links, so it works without
 * JavaScript. The call's state is the keys in the URL: every request plays the call again from
 * its entry, on the menu as it is now. It stops where a flow takes over.
 */
export const adminIvrSimulatorRoutes: FastifyPluginAsyncTypebox<{
  config: Config;
  menus: MenuBook;
  drafts: MenuDrafts;
}> = async (app, { config, menus, drafts }) => {
  const engine = (open: boolean): SimulationDeps => ({
    store: app.store,
    redis: app.redis,
    intake: refuseIntake,
    core: app.tickets.deps,
    calendar: () => app.routingService.tables().calendar,
    settings: {
      operatorQueue: config.ivr.operatorQueue,
      queueMaxWaitSeconds: config.ivr.queueMaxWaitSeconds,
      transcribe: config.ivr.transcribe,
      hours: open ? { kind: 'always' } : config.ivr.hours,
      timeZone: config.timezone,
    },
    now: () => new Date(),
  });

  app.get(
    '/admin/ivr/simulate',
    { config: { staffRoles: AREAS.admin.roles }, schema: { hide: true, querystring: SimulateQuery } },
    async (request, reply) => {
      const language = request.staffLanguage;
      const query = request.query;
      const open = query.open === '1';
      const published = await menus.current();
      const draft = await drafts.get(request.actor.id);
      const which: Which = draft && query.menu !== 'published' ? 'draft' : 'published';
      const menu: StoredMenu =
        which === 'draft' && draft
          ? {
              ...draft.menu,
              version: draft.baseVersion,
              updatedAt: draft.updatedAt,
              updatedBy: request.actor.id,
            }
          : published;
      // One key a character (the schema allows only ASCII keys).
      const steps = await simulateCall(engine(open), menu, query.keys.match(/./g) ?? []);
      const pressed = steps.slice(1).map((s) => s.key ?? '');
      const href = (keys: string[], to: Which = which, asOpen = open) =>
        `/staff/admin/ivr/simulate?${new URLSearchParams({
          menu: to,
          keys: keys.join(''),
          ...(asOpen ? { open: '1' } : {}),
        }).toString()}`;
      const now = steps[steps.length - 1] ?? { said: [], next: { kind: 'ended' } };
      const full = pressed.length >= MAX_SIMULATED_KEYS;
      const waiting = waitsForMenuKey(now) && !full;
      const draftProblems = which === 'draft' && draft ? validateMenu(draft.menu).length : 0;
      return reply.page(
        'admin-ivr-simulate',
        {
          menus: [
            ...(draft
              ? [
                  {
                    label: staffText(language, 'ivr.sim.draft'),
                    href: href(pressed, 'draft'),
                    current: which === 'draft',
                  },
                ]
              : []),
            {
              label: staffText(language, 'ivr.sim.publishedVersion', { version: published.version }),
              href: href(pressed, 'published'),
              current: which === 'published',
            },
          ],
          noDraft: !draft,
          draftProblems:
            draftProblems > 0
              ? staffText(language, 'ivr.sim.draftProblems', { count: draftProblems })
              : undefined,
          closed: !open && steps[0]?.next.kind !== 'menu',
          asOpen: href([], which, true),
          hears: now.said,
          hearsAfter: stepLabel(language, now),
          node: now.next.kind === 'menu' && waiting ? now.next.node : undefined,
          strikes:
            now.next.kind === 'menu' && waiting && now.next.strikes > 0
              ? staffText(language, 'ivr.sim.strikes', { count: now.next.strikes, max: menu.maxStrikes })
              : undefined,
          keypad: waiting ? keypad(language, now, (key) => href([...pressed, key])) : undefined,
          silence: waiting ? href([...pressed, SILENCE]) : undefined,
          stop: waiting
            ? undefined
            : full
              ? staffText(language, 'ivr.sim.stop.tooLong')
              : stopText(language, now),
          channelSimulator: usesDevOutbox(config),
          path: pressed.map((k) => keyLabel(language, k)).join(' → '),
          transcript: steps.slice(0, -1).map((step) => ({
            label: stepLabel(language, step),
            said: step.said,
          })),
          restart: href([]),
          editor: '/staff/admin/ivr',
        },
        staffText(language, 'ivr.sim.title'),
      );
    },
  );
};

/** The phone pad: this node's keys first-class, every other key still pressable (invalid key). */
function keypad(
  language: StaffLanguage,
  step: SimulatedStep,
  href: (key: string) => string,
): Record<string, unknown>[] {
  const options = step.next.kind === 'menu' ? step.next.options : [];
  return PAD_KEYS.map((key) => {
    const option = options.find((o) => o.digit === key);
    const what = option && actionText(language, option.action);
    return {
      key,
      href: href(key),
      listens: option !== undefined,
      label: option
        ? option.node
          ? `${what ?? ''} → ${option.node}`
          : what
        : staffText(language, 'ivr.sim.notHere'),
    };
  });
}

function stopText(language: StaffLanguage, step: SimulatedStep): string {
  if (step.flow) return staffText(language, `ivr.sim.stop.${step.flow}`);
  const kind = step.next.kind === 'dial' || step.next.kind === 'menu' ? 'flow' : step.next.kind;
  return staffText(language, `ivr.sim.stop.${kind}`);
}

function stepLabel(language: StaffLanguage, step: SimulatedStep): string {
  if (step.key === undefined) return staffText(language, 'ivr.sim.entry');
  return keyLabel(language, step.key);
}

function keyLabel(language: StaffLanguage, key: string): string {
  return key === SILENCE
    ? staffText(language, 'ivr.sim.silent')
    : staffText(language, 'ivr.sim.pressed', { key });
}

/** A simulated call never records a message (the engine's steps never call intake; this says so). */
function refuseIntake(_message: InboundMessage): Promise<IntakeResult> {
  return Promise.reject(new Error('a simulated call leaves no message'));
}
