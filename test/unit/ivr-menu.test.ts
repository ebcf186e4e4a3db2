import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import { fillPrompt, PROMPT_KEYS, type MenuDraft } from '../../src/ivr/menu.js';
import { checkMenu, validateMenu } from '../../src/ivr/validate-menu.js';

const codes = (menu: MenuDraft) => validateMenu(menu).map((p) => `${p.path} ${p.code}`);
const draft = (changes: Partial<MenuDraft>): MenuDraft => ({ ...structuredClone(DEFAULT_MENU), ...changes });
const main = DEFAULT_MENU.nodes[0] ?? { id: 'main', prompt: '', options: [] };

describe('IVR menu validation', () => {
  it('accepts the shipped default menu: every prompt, keys 0–5, no problem', () => {
    assert.deepEqual(codes(DEFAULT_MENU), []);
    assert.deepEqual(Object.keys(DEFAULT_MENU.prompts).sort(), [...PROMPT_KEYS].sort());
    assert.deepEqual(
      main.options.map((o) => `${o.digit}:${o.action}`),
      ['1:status', '2:subsidy', '3:message', '4:operator', '5:directory', '0:repeat'],
    );
    const checked = checkMenu(DEFAULT_MENU);
    assert.equal(checked.ok, true);
  });

  it('names each problem with its path and code', () => {
    assert.deepEqual(codes(draft({ nodes: [{ ...main, options: [{ digit: '1', action: 'dance' }] }] })), [
      '/nodes/0/options/0/action unknown_action',
    ]);
    assert.deepEqual(
      codes(
        draft({
          nodes: [
            {
              ...main,
              options: [
                { digit: '1', action: 'status' },
                { digit: '1', action: 'operator' },
                { digit: '12', action: 'main' },
              ],
            },
          ],
        }),
      ),
      ['/nodes/0/options/1/digit duplicate_digit', '/nodes/0/options/2/digit invalid_digit'],
    );
    assert.deepEqual(codes(draft({ nodes: [{ ...main, options: [] }] })), ['/nodes/0/options no_options']);
    assert.deepEqual(codes(draft({ nodes: [main, { ...main }] })), ['/nodes/1/id duplicate_node']);
    assert.deepEqual(
      codes(draft({ prompts: { ...DEFAULT_MENU.prompts, statusReadBack: '号码是{number}' } })),
      ['/prompts/statusReadBack unknown_placeholder', '/prompts/statusReadBack missing_placeholder'],
    );
    assert.deepEqual(codes(draft({ prompts: { ...DEFAULT_MENU.prompts, welcome: 'x'.repeat(1001) } })), [
      '/prompts/welcome prompt_too_long',
    ]);
    assert.deepEqual(codes(draft({ maxStrikes: 6, recordMaxSeconds: 5 })), [
      '/maxStrikes out_of_range',
      '/recordMaxSeconds out_of_range',
    ]);
    const { welcome: _w, ...withoutWelcome } = DEFAULT_MENU.prompts;
    const missing = checkMenu(draft({ prompts: withoutWelcome }));
    assert.deepEqual(missing, {
      ok: false,
      problems: [{ path: '/prompts/welcome', code: 'missing_prompt', message: 'a prompt is required here' }],
    });
  });

  it('follows submenus from the root: reachable nodes pass, cycles are fine', () => {
    const more = { id: 'more', prompt: '更多', options: [{ digit: '*', action: 'submenu', node: 'main' }] };
    const linked = { ...main, options: [...main.options, { digit: '6', action: 'submenu', node: 'more' }] };
    assert.deepEqual(codes(draft({ nodes: [linked, more] })), []);
    assert.deepEqual(codes(draft({ nodes: [main, more] })), ['/nodes/1 unreachable_node']);
  });

  it('fills placeholders and says nothing for a missing value', () => {
    assert.equal(fillPrompt('第{position}位{x}', { position: 3 }), '第3位');
  });
});
