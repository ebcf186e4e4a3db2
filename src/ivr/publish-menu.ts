import type { AuditLogRepository } from '../store/audit-log.js';
import type { IvrMenuRepository } from '../store/ivr-menus.js';
import type { Actor } from '../tickets/types.js';
import type { MenuDraft, StoredMenu } from './menu.js';
import { checkMenu, type MenuProblem } from './validate-menu.js';

export type PublishMenuResult =
  | { ok: true; menu: StoredMenu }
  | { ok: false; reason: 'invalid'; problems: MenuProblem[] }
  | { ok: false; reason: 'version_conflict'; current: number };

/**
 * Saves a menu as the next version — `PUT /api/v1/ivr/menu` and the admin page's Publish: checked
 * first, saved only over `baseVersion` when given (someone published meanwhile → refused), audited
 * `update_ivr_menu`. The next call reads the newest version; calls in progress keep theirs.
 */
export async function publishMenu(
  store: { ivrMenus: IvrMenuRepository; audit: AuditLogRepository },
  draft: MenuDraft,
  actor: Actor,
  baseVersion?: number,
): Promise<PublishMenuResult> {
  const checked = checkMenu(draft);
  if (!checked.ok) return { ok: false, reason: 'invalid', problems: checked.problems };
  const saved = await store.ivrMenus.save(checked.menu, actor.id, new Date(), baseVersion);
  if (!saved.ok) return { ok: false, reason: 'version_conflict', current: saved.current };
  await store.audit.append({
    actor,
    action: 'update_ivr_menu',
    fields: [`ivr_menu@${String(saved.menu.version)}`],
    at: saved.menu.updatedAt,
  });
  return { ok: true, menu: saved.menu };
}
