import { localMinute } from '../time/local-format.js';
import { countdownView } from './desk-format.js';
import { DESK_TABS, type DeskTab, type InboxPage } from './desk-inbox.js';
import type { StaffLanguage } from './messages.js';

/** The inbox page's data for its view: tabs with counts, rows with their countdowns, page links. */
export function inboxView(
  page: InboxPage,
  options: {
    language: StaffLanguage;
    timeZone: string;
    now: Date;
    /** Whether this is a later page (a cursor was given): the page links back to the first. */
    paged: boolean;
    departmentName?: string;
  },
): Record<string, unknown> {
  const { language, timeZone } = options;
  const href = (tab: DeskTab, cursor?: string) =>
    `/staff/desk?tab=${tab}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  return {
    departmentName: options.departmentName,
    noDepartment: options.departmentName === undefined,
    tab: page.tab,
    self: href(page.tab),
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
      total: page.counts[page.tab],
      first: options.paged ? href(page.tab) : undefined,
      next: page.next ? href(page.tab, page.next) : undefined,
    },
    updated: localMinute(options.now, timeZone),
  };
}
