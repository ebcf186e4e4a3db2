import { STAGES, type ClockName, type Stage } from '../routing/sla-clock.js';
import type { Supervision, SupervisionKind } from './types.js';

/** 督办: adds a flag; the ticket shows on the supervision view from then on. */
export function flag(
  supervision: Supervision,
  kind: SupervisionKind,
  at: Date,
  extra: { clock?: ClockName; detail?: string } = {},
): Supervision {
  return { ...supervision, flagged: true, flags: [...supervision.flags, { kind, at, ...extra }] };
}

/** The worse of two warnings (yellow < red < overdue). */
export function worse(current: Stage | undefined, next: Stage): Stage {
  if (!current) return next;
  return STAGES.indexOf(next) > STAGES.indexOf(current) ? next : current;
}
