import type { AnswerData, AnswerName } from './names.js';

/**
 * Data of a usual length for every answer: every template is rendered with it at start-up (strict
 * mode: a missing field fails there), and the tests hold the results to the SMS part limits.
 */
export const SAMPLE_ANSWERS: { [N in AnswerName]: AnswerData[N] } = {
  help: { others: 'GN 供暖 / YM 疫苗接种' },
  'usage.status': {},
  'usage.subsidy': {},
  'usage.rate': {},
  'usage.open': { initials: 'TS', kind: 'complaint' },
  'status.bad_number': { number: '26112100426' },
  'status.not_found': { number: '926110200071' },
  'status.ticket': {
    number: '26112100425',
    kind: 'complaint',
    status: 'dispatched',
    departmentName: '市住房和城乡建设局',
    updatedAt: '2026-11-21 09:40',
    canRate: false,
  },
  'status.application': {
    number: '926110200071',
    item: '城乡居民基本养老保险待遇申领',
    status: 'completed',
    step: '办结',
    stepAt: '2026-11-10 16:30',
    promisedDate: '2026-11-20',
    result: '准予享受待遇，自2026年12月起按月发放',
  },
  'subsidy.unregistered': {},
  'subsidy.no_match': {},
  'subsidy.choose': { count: 2 },
  'subsidy.head': { head: '王*国', account: '****6021' },
  'subsidy.item': {
    year: 2026,
    type: 'farm-input',
    amount: '412.60',
    status: 'paid',
    paidDate: '2026-06-10',
    account: '****6021',
  },
  'subsidy.none': { head: '王*国' },
  'list.more': { total: 12 },
  'rate.done': { number: '26112100425', value: 'dissatisfied', reopened: true },
  'rate.none': {},
  'conversation.added': { number: '26112100425' },
};
