import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import { applyEdit, menuOf, optionsLeadingTo } from '../../src/ivr/edit-menu.js';
import type { IvrMenu } from '../../src/ivr/menu.js';

/** The default menu with a submenu `more` under key 6 (and its way back). */
function withSubmenu(): IvrMenu {
  const menu = structuredClone(DEFAULT_MENU);
  const main = menu.nodes[0];
  assert.ok(main);
  main.options.push({ digit: '6', action: 'submenu', node: 'more' });
  menu.nodes.push({ id: 'more', prompt: '返回请按星号键。', options: [{ digit: '*', action: 'main' }] });
  return menu;
}

function made(menu: IvrMenu, outcome: ReturnType<typeof applyEdit>): IvrMenu {
  assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  assert.notEqual(outcome.menu, menu);
  return outcome.menu;
}

describe("menu edits (the IVR admin page's draft)", () => {
  it('changes an option in its place; a non-submenu option names no node', () => {
    const menu = withSubmenu();
    const next = made(
      menu,
      applyEdit(menu, {
        kind: 'change_option',
        node: 'main',
        digit: '0',
        option: { digit: '9', action: 'repeat', node: 'more' },
      }),
    );
    assert.deepEqual(
      next.nodes[0]?.options.map((o) => o),
      [
        { digit: '1', action: 'status' },
        { digit: '2', action: 'subsidy' },
        { digit: '3', action: 'message' },
        { digit: '4', action: 'operator' },
        { digit: '5', action: 'directory' },
        { digit: '9', action: 'repeat' },
        { digit: '6', action: 'submenu', node: 'more' },
      ],
    );
    // The menu given is never changed.
    assert.deepEqual(menu, withSubmenu());
  });

  it('allows a new node nobody reaches yet and without keys, and says so', () => {
    const outcome = applyEdit(DEFAULT_MENU, {
      kind: 'add_node',
      node: { id: 'faq', prompt: '常见问题。', options: [] },
    });
    assert.ok(outcome.ok);
    assert.deepEqual(
      outcome.problems.map((p) => [p.path, p.code]),
      [
        ['/nodes/1/options', 'no_options'],
        ['/nodes/1', 'unreachable_node'],
      ],
    );
  });

  it('refuses what the save would refuse, placed where it is, and changes nothing', () => {
    const menu = withSubmenu();
    const refused = (edit: Parameters<typeof applyEdit>[1]) => {
      const outcome = applyEdit(menu, edit);
      assert.ok(!outcome.ok, JSON.stringify(edit));
      return outcome.problems.map((p) => [p.code, p.place]);
    };
    assert.deepEqual(
      refused({ kind: 'add_option', node: 'more', option: { digit: '*', action: 'repeat' } }),
      [['duplicate_digit', { node: 'more', digit: '*' }]],
    );
    assert.deepEqual(
      refused({ kind: 'add_option', node: 'main', option: { digit: '7', action: 'submenu', node: 'x' } }),
      [['unknown_node', { node: 'main', digit: '7' }]],
    );
    assert.deepEqual(refused({ kind: 'node_prompt', node: 'more', prompt: ' ' }), [
      ['missing_prompt', { node: 'more' }],
    ]);
    assert.deepEqual(refused({ kind: 'flow_prompt', key: 'directoryEntry', text: '{name}' }), [
      ['missing_placeholder', { prompt: 'directoryEntry' }],
    ]);
    assert.deepEqual(refused({ kind: 'flow_prompt', key: 'nonsense', text: 'x' }), [
      ['unknown_prompt', { prompt: 'nonsense' }],
    ]);
    assert.deepEqual(refused({ kind: 'remove_node', node: 'more' }), [['node_in_use', { node: 'more' }]]);
    assert.deepEqual(refused({ kind: 'remove_node', node: 'main' }), [['root_node', { node: 'main' }]]);
    assert.deepEqual(refused({ kind: 'remove_option', node: 'main', digit: '8' }), [
      ['unknown_option', { node: 'main', digit: '8' }],
    ]);
    assert.deepEqual(refused({ kind: 'node_prompt', node: 'gone', prompt: 'x' }), [['unknown_node', {}]]);
    assert.deepEqual(
      refused({
        kind: 'settings',
        settings: { timeoutSeconds: Number.NaN, maxStrikes: 3, recordMaxSeconds: 120, afterHours: 'hangup' },
      }),
      [['out_of_range', { field: 'timeoutSeconds' }]],
    );
    assert.deepEqual(menu, withSubmenu());
  });

  it('removes a node once no key leads to it (its own keys do not count)', () => {
    const menu = withSubmenu();
    assert.deepEqual(optionsLeadingTo(menu, 'more'), [{ node: 'main', digit: '6' }]);
    const unlinked = made(menu, applyEdit(menu, { kind: 'remove_option', node: 'main', digit: '6' }));
    const more = unlinked.nodes[1];
    assert.ok(more);
    more.options.push({ digit: '0', action: 'submenu', node: 'more' });
    const removed = made(unlinked, applyEdit(unlinked, { kind: 'remove_node', node: 'more' }));
    assert.deepEqual(
      removed.nodes.map((n) => n.id),
      ['main'],
    );
  });

  it('a problem the menu already had does not block other edits; positions shifting do not make it new', () => {
    // An old version saved before a rule: two nodes, the first of which now breaks one.
    const old: IvrMenu = {
      ...withSubmenu(),
      nodes: [{ id: 'orphan', prompt: '', options: [] }, ...withSubmenu().nodes],
    };
    const outcome = applyEdit(old, { kind: 'node_prompt', node: 'main', prompt: '新的主菜单。' });
    assert.ok(outcome.ok, JSON.stringify(outcome.ok ? [] : outcome.problems));
    const shifted = applyEdit(outcome.menu, {
      kind: 'add_node',
      node: { id: 'faq', prompt: '常见问题。', options: [] },
    });
    assert.ok(shifted.ok);
  });

  it('a stored version becomes a menu without its bookkeeping', () => {
    const stored = { ...DEFAULT_MENU, version: 3, updatedAt: new Date(), updatedBy: 'user:admin' };
    assert.deepEqual(menuOf(stored), DEFAULT_MENU);
  });
});
