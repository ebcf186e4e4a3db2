import { localMinute } from '../time/local-format.js';
import { countdownView } from './desk-format.js';
import { DESK_TABS, type DeskTab, type InboxPage } from './desk-inbox.js';
import { staffText, type StaffLanguage } from './messages.js';

/** The inbox page's data for its view: tabs with counts, rows with their countdowns, page links. */
export function inboxView(
  page: InboxPage,
  options: {
    language: StaffLanguage;
    timeZone: string;
    now: Date;
    /** The inbox cap, when the department has more open tickets than it. */
    truncatedAt?: number;
    departmentName?: string;
  },
): Record<string, unknown> {
  const { language, timeZone } = options;
  const href = (tab: DeskTab, number = 1) =>
    `/staff/desk?tab=${tab}${number > 1 ? `&page=${String(number)}` : ''}`;
  return {
    departmentName: options.departmentName,
    noDepartment: options.departmentName === undefined,
    tab: page.tab,
    self: href(page.tab, page.page),
    tabs: DESK_TABS.map((tab) => ({
      tab,
      href: href(tab),
      count: page.counts[tab],
      current: tab === page.tab,
      alarm: tab === 'overdue' && page.counts.overdue > 0,
    })),
    rows: page.rows.map((row) => {
      const countdown = row.countdown && countdownView(language, row.countdown);
      return {
        number: row.number,
        href: `/staff/desk/tickets/${row.number}`,
        title: row.title,
        kind: row.kind,
        category: row.category,
        priority: row.priority,
        status: row.status,
        co: row.part === 'co',
        coStatus: row.coStatus,
        supervised: row.supervised,
        extensionPending: row.extensionPending,
        countdown: countdown && {
          ...countdown,
          clock: row.countdown?.clock,
          due: row.countdown && localMinute(row.countdown.dueAt, timeZone),
        },
        received: localMinute(row.createdAt, timeZone),
      };
    }),
    paging: {
      page: page.page,
      pages: page.pages,
      total: page.total,
      prev: page.page > 1 ? href(page.tab, page.page - 1) : undefined,
      next: page.page < page.pages ? href(page.tab, page.page + 1) : undefined,
    },
    truncated:
      options.truncatedAt === undefined
        ? undefined
        : staffText(language, 'desk.truncated', { count: options.truncatedAt }),
    updated: localMinute(options.now, timeZone),
  };
}
