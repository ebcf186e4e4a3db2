import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ordersAfterMove, rulesInOrder } from '../../src/routing/rule-edits.js';

const rules = (...orders: [string, number][]) => rulesInOrder(orders.map(([id, order]) => ({ id, order })));

describe('moving a rule up or down (the order numbers a move needs)', () => {
  it('lands between its new neighbours when there is room: one rule changes', () => {
    const list = rules(['a', 10], ['b', 20], ['c', 30], ['d', 40]);
    assert.deepEqual(ordersAfterMove(list, 2, 'up'), [{ id: 'c', order: 15 }]);
    assert.deepEqual(ordersAfterMove(list, 1, 'down'), [{ id: 'b', order: 35 }]);
  });

  it('past the first or last rule, leaves a gap of up to 10 (never below 0)', () => {
    assert.deepEqual(ordersAfterMove(rules(['a', 30], ['b', 40]), 1, 'up'), [{ id: 'b', order: 20 }]);
    assert.deepEqual(ordersAfterMove(rules(['a', 3], ['b', 40]), 1, 'up'), [{ id: 'b', order: 1 }]);
    assert.deepEqual(ordersAfterMove(rules(['a', 10], ['b', 20]), 0, 'down'), [{ id: 'a', order: 30 }]);
  });

  it('trades order numbers with the rule it passes when there is no room', () => {
    assert.deepEqual(ordersAfterMove(rules(['a', 10], ['b', 11], ['c', 12]), 2, 'up'), [
      { id: 'c', order: 11 },
      { id: 'b', order: 12 },
    ]);
    assert.deepEqual(ordersAfterMove(rules(['a', 0], ['b', 5]), 1, 'up'), [
      { id: 'b', order: 0 },
      { id: 'a', order: 5 },
    ]);
  });

  it('equal order numbers (tried by id): moves by a number of its own', () => {
    const list = rules(['b', 10], ['a', 10], ['c', 10]);
    assert.deepEqual(
      list.map((r) => r.id),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(ordersAfterMove(list, 1, 'up'), [{ id: 'b', order: 4 }]);
    assert.deepEqual(ordersAfterMove(list, 1, 'down'), [{ id: 'b', order: 20 }]);
  });

  it('the first cannot move up, the last cannot move down', () => {
    const list = rules(['a', 10], ['b', 20]);
    assert.deepEqual(ordersAfterMove(list, 0, 'up'), []);
    assert.deepEqual(ordersAfterMove(list, 1, 'down'), []);
  });

  it('orders like routing does: by order, then id in code-unit order (upper case first)', () => {
    assert.deepEqual(
      rules(['b', 1], ['B', 1], ['a', 0], ['_', 1]).map((r) => r.id),
      ['a', 'B', '_', 'b'],
    );
  });
});
