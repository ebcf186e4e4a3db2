import type { TemplateSources } from './renderer.js';

/**
 * What a citizen is told the moment their message is accepted, on whatever channel it came from
 * (SMS reply, web confirmation page, API answer). Kept short: one UCS-2 SMS part is 70 characters.
 */
export const ACKNOWLEDGEMENTS: TemplateSources = {
  'intake.received': {
    'zh-CN': '您的{{kindLabel kind}}已受理，工单号{{number}}，查询码{{queryCode}}。',
    en: 'Your {{kindLabel kind}} was received: ticket {{number}}, query code {{queryCode}}.',
  },
};
