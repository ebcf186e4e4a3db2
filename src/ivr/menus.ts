import type { IvrMenuRepository } from '../store/ivr-menus.js';
import { DEFAULT_MENU } from './default-menu.js';
import type { StoredMenu } from './menu.js';

/**
 * The menu versions a call needs. A new call reads the newest version (one indexed read, so an
 * admin's save applies to the next call in every process); steps read the version their URL names,
 * kept here once read: saved versions never change.
 */
export class MenuBook {
  readonly #versions = new Map<number, StoredMenu>();

  constructor(private readonly repository: IvrMenuRepository) {}

  /** Stores the default Mandarin menu as version 1 on first start. */
  async seed(at = new Date()): Promise<boolean> {
    return this.repository.seed(DEFAULT_MENU, at);
  }

  async current(): Promise<StoredMenu> {
    const menu = await this.repository.current();
    if (menu) return this.#keep(menu);
    // Started before the seed ran (another process is seeding): seed here, the unique id settles it.
    await this.seed();
    const seeded = await this.repository.current();
    if (!seeded) throw new Error('no IVR menu could be stored');
    return this.#keep(seeded);
  }

  async version(version: number): Promise<StoredMenu | undefined> {
    const kept = this.#versions.get(version);
    if (kept) return kept;
    const menu = await this.repository.version(version);
    return menu ? this.#keep(menu) : undefined;
  }

  #keep(menu: StoredMenu): StoredMenu {
    this.#versions.set(menu.version, menu);
    return menu;
  }
}
