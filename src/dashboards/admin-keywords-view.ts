import { spelling } from '../channels/sms/save-keyword.js';
import { BUILT_IN_KEYWORDS, type BuiltInKeyword, type SmsCommand } from '../channels/sms/keywords.js';
import type { RoutingTables } from '../routing/tables.js';
import type { StoredSmsKeyword } from '../store/sms-keywords.js';
import { localDate, localMinute } from '../time/local-format.js';
import { previewRoute } from '../tickets/route-preview.js';
import { lastDay } from './admin-keywords-form.js';
import { staffText, type StaffLanguage } from './messages.js';

/** The built-in keywords as the read-only table shows them. */
export function builtInRows(language: StaffLanguage) {
  return BUILT_IN_KEYWORDS.map((row) => ({
    initials: row.initials.join(' / '),
    words: row.words.join(' / '),
    does: doesText(language, row),
    example: row.example,
    wholeMessage: row.wholeMessage,
  }));
}

function doesText(language: StaffLanguage, row: BuiltInKeyword): string {
  const kind = row.kind && staffText(language, `ticket.kind.${row.kind}`);
  return staffText(language, `keywords.does.${row.does}`, { kind });
}

type KeywordState = 'live' | 'off' | 'pending' | 'expired';

function stateOf(keyword: StoredSmsKeyword, now: Date): KeywordState {
  if (!keyword.active) return 'off';
  if (keyword.validFrom && now < keyword.validFrom) return 'pending';
  if (keyword.validTo && now >= keyword.validTo) return 'expired';
  return 'live';
}

/** The custom keywords as the list shows them, with the routing rules that read each category. */
export function customRows(
  language: StaffLanguage,
  keywords: readonly StoredSmsKeyword[],
  tables: RoutingTables,
  timeZone: string,
  now: Date,
) {
  return keywords.map((keyword) => {
    const state = stateOf(keyword, now);
    const rules = tables.compiled.rules.filter(
      (rule) => rule.enabled && rule.conditions.categories?.includes(keyword.category),
    );
    return {
      id: keyword.id,
      version: keyword.version,
      active: keyword.active,
      initials: keyword.initials,
      words: keyword.words.join(' / '),
      spelling: spelling(keyword),
      kind: staffText(language, `ticket.kind.${keyword.kind}`),
      category: keyword.category,
      routing:
        rules.length > 0
          ? staffText(language, 'keywords.rulesFor', { rules: rules.map((r) => r.name).join('、') })
          : staffText(language, 'keywords.noRule'),
      reply: keyword.reply,
      validity: validityText(language, keyword, timeZone),
      state,
      stateText: staffText(language, `keywords.state.${state}`),
      versionLine: staffText(language, 'keywords.versionLine', {
        version: keyword.version,
        at: localMinute(keyword.updatedAt, timeZone),
        by: keyword.updatedBy,
      }),
    };
  });
}

function validityText(language: StaffLanguage, keyword: StoredSmsKeyword, timeZone: string): string {
  const from = keyword.validFrom && localDate(keyword.validFrom, timeZone);
  const to = keyword.validTo && lastDay(keyword.validTo, timeZone);
  if (from && to) return staffText(language, 'keywords.fromTo', { from, to });
  if (from) return staffText(language, 'keywords.fromOnly', { from });
  if (to) return staffText(language, 'keywords.toOnly', { to });
  return staffText(language, 'keywords.always');
}

export interface TryContext {
  language: StaffLanguage;
  /** Every custom keyword (to name the one that matched with all its spellings). */
  keywords: readonly StoredSmsKeyword[];
  tables: RoutingTables;
  /** A department code as the page names it. */
  department: (code: string) => string;
  at: Date;
}

/** One line of the answer: a label and its value. */
interface Fact {
  id: string;
  label: string;
  value: string;
}

/**
 * What the parser made of a text, line by line: which keyword (built-in or custom), what is done,
 * the ticket kind, category and text, the auto-reply, and where such a ticket would be routed.
 */
export function tryFacts(context: TryContext, command: SmsCommand): Fact[] {
  const { language } = context;
  const t = (key: string, values?: Record<string, string | number | undefined>) =>
    staffText(language, key, values);
  const fact = (id: string, value: string | undefined): Fact[] =>
    value === undefined || value === '' ? [] : [{ id, label: t(`keywords.try.${id}`), value }];
  const kindFacts = (kind: string, category?: string): Fact[] => [
    { id: 'kind', label: t('keywords.kind'), value: t(`ticket.kind.${kind}`) },
    ...(category === undefined ? [] : [{ id: 'category', label: t('keywords.category'), value: category }]),
  ];
  return [
    ...fact('keyword', keywordText(context, command)),
    ...fact('action', actionText(language, command)),
    ...(command.type === 'open' ? kindFacts(command.kind, command.custom?.category) : []),
    ...(command.type === 'open' || command.type === 'text' ? fact('text', command.text) : []),
    ...(command.type === 'open' && command.custom?.reply
      ? [{ id: 'reply', label: t('keywords.reply'), value: command.custom.reply }]
      : []),
    ...(command.type === 'open' ? fact('routeTo', routeText(context, command)) : []),
  ];
}

function keywordText(context: TryContext, command: SmsCommand): string {
  const { language } = context;
  const custom = customOf(context, command);
  if (custom) {
    return staffText(language, 'keywords.try.custom', {
      keyword: custom.typed,
      spellings: custom.keyword ? spelling(custom.keyword) : '',
    });
  }
  const row = builtInRowOf(command);
  if (!row) return staffText(language, 'keywords.try.noKeyword');
  return staffText(language, 'keywords.try.builtIn', {
    spellings: [...row.initials, ...row.words].join(' / '),
  });
}

/** The custom keyword a command came from, as typed (a ticket, or the keyword alone: its usage). */
function customOf(
  context: TryContext,
  command: SmsCommand,
): { typed: string; keyword: StoredSmsKeyword | undefined } | undefined {
  const { keywords } = context;
  if (command.type === 'open' && command.custom) {
    const { id, keyword: typed } = command.custom;
    return { typed, keyword: keywords.find((k) => k.id === id) };
  }
  if (command.type === 'usage' && command.keyword !== undefined) {
    const typed = command.keyword;
    return { typed, keyword: keywords.find((k) => k.initials === typed || k.words.includes(typed)) };
  }
  return undefined;
}

/** The built-in row a command came from (help: BZ; usage: the keyword it explains). */
function builtInRowOf(command: SmsCommand): BuiltInKeyword | undefined {
  const rows = BUILT_IN_KEYWORDS;
  switch (command.type) {
    case 'text':
      return undefined;
    case 'open':
      return rows.find((r) => r.does === 'open' && r.kind === command.kind);
    case 'usage':
      return rows.find((r) => r.does === command.of || (r.does === 'open' && r.kind === command.of));
    default:
      return rows.find((r) => r.does === command.type);
  }
}

function actionText(language: StaffLanguage, command: SmsCommand): string {
  const t = (key: string, values?: Record<string, string | number | undefined>) =>
    staffText(language, key, values);
  switch (command.type) {
    case 'status':
      return command.code === undefined
        ? t('keywords.try.status', { number: command.number })
        : t('keywords.try.statusCode', { number: command.number, code: command.code });
    case 'subsidy':
      return command.idTail === undefined
        ? t('keywords.try.subsidy')
        : t('keywords.try.subsidyTail', { tail: command.idTail });
    case 'open':
      return t('keywords.try.open', { kind: t(`ticket.kind.${command.kind}`) });
    case 'rate': {
      const value = t(`keywords.rating.${command.value}`);
      return command.comment === undefined
        ? t('keywords.try.rate', { value })
        : t('keywords.try.rateComment', { value, comment: command.comment });
    }
    case 'usage':
      return t('keywords.try.usage', { keyword: command.keyword ?? builtInRowOf(command)?.initials[0] });
    case 'text':
      return t('keywords.try.text.plain');
    default:
      return t(`keywords.try.${command.type}`);
  }
}

/** Where the ticket would go: the routing dry-run over the rules in force (nothing is created). */
function routeText(context: TryContext, command: Extract<SmsCommand, { type: 'open' }>): string {
  const preview = previewRoute(context.tables, {
    channel: 'sms',
    kind: command.kind,
    category: command.custom?.category,
    priority: 'normal',
    text: command.text,
    location: {},
    at: context.at,
  });
  if (!preview.rule || !preview.routeTo) return staffText(context.language, 'keywords.try.triage');
  return staffText(context.language, 'keywords.try.matched', {
    name: preview.rule.name,
    department: context.department(preview.routeTo.leadDepartment),
  });
}
