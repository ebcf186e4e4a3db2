import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATEGORIES } from '../../src/channels/web/ticket-options.js';
import { missingTranslations, translate } from '../../src/channels/web/messages.js';
import { KINDS, RATINGS, STATUSES } from '../../src/tickets/types.js';
import '../../src/channels/web/words/board.js';
import '../../src/channels/web/words/rate.js';
import '../../src/channels/web/words/submit.js';
import '../../src/channels/web/words/ticket.js';
import '../../src/channels/web/words/track.js';

describe('ticket pages: words', () => {
  it('every key has both languages', () => {
    assert.deepEqual(missingTranslations(), []);
  });

  it('every kind, status, rating and category has a word of its own in both languages', () => {
    const keys = [
      ...KINDS.map((k) => `kind.${k}`),
      ...STATUSES.map((s) => `status.${s}`),
      ...RATINGS.map((r) => `rating.${r}`),
      ...CATEGORIES.map((c) => `category.${c.key}`),
    ];
    for (const key of keys) {
      for (const language of ['zh-CN', 'en'] as const) assert.notEqual(translate(language, key), key, key);
      assert.notEqual(translate('zh-CN', key), translate('en', key), key);
    }
  });
});
