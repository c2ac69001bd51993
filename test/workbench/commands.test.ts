import * as assert from 'node:assert/strict';
import { ALL_COMMAND_IDS } from '../../src/workbench/ids';
import { readManifest } from '../support/repo';

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command?: string; submenu?: string; when?: string }[]>;
    submenus?: { id: string; label: string }[];
    views: Record<string, { id: string }[]>;
  };
}

describe('package.json commands match the code', () => {
  const manifest = readManifest<Manifest>();
  const contributed = manifest.contributes.commands.map((c) => c.command);
  const submenus = (manifest.contributes.submenus ?? []).map((m) => m.id);

  it('every contributed command has a constant, and every constant is contributed', () => {
    assert.deepEqual([...contributed].sort(), [...ALL_COMMAND_IDS].sort());
  });

  it('every command id is unique, starts with lambdaWorkbench. and has category "Lambda"', () => {
    assert.equal(new Set(contributed).size, contributed.length);
    for (const c of manifest.contributes.commands) {
      assert.match(c.command, /^lambdaWorkbench\./);
      assert.equal(c.category, 'Lambda', `${c.command} has category ${c.category}`);
    }
  });

  it('menus only name contributed commands; tree item menus only appear in our view', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        if (item.submenu) {
          assert.ok(submenus.includes(item.submenu), `${menu} names unknown submenu ${item.submenu}`);
          assert.ok(manifest.contributes.menus[item.submenu]?.length, `submenu ${item.submenu} has items`);
        } else {
          assert.ok(contributed.includes(item.command!), `${menu} names unknown command ${item.command}`);
        }
        if (menu === 'view/item/context' || menu === 'view/title') assert.match(item.when ?? '', /view == lambdaWorkbench\.explorer/, `${menu} ${item.command ?? item.submenu}`);
      }
    }
  });

  it('never activates on startup', () => {
    assert.ok(!(manifest.activationEvents ?? []).includes('*'));
    assert.ok(!(manifest.activationEvents ?? []).includes('onStartupFinished'));
    assert.ok(manifest.contributes.views['lambda-workbench'].some((v) => v.id === 'lambdaWorkbench.explorer'));
  });
});
