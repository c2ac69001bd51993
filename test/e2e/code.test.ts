// What a person sees: hello-node's code downloaded from the tree into a folder, the status-bar
// item saying "in sync", "changed" after an edit, and "in sync" again after one click deploys.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { expandRow, useWorkbench, waitForRow } from './workbench';

const STEP_TIMEOUT = 60000;

function statusItem(page: Page, text: string): Locator {
  return page.locator('.statusbar .statusbar-item', { hasText: text });
}

describe('Code sync status bar in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('code');
  // Outside the repository, so the example itself is never edited.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-code-e2e-'));
  const folder = path.join(parent, 'hello-node-code');

  before(() => {
    fs.mkdirSync(folder);
  });

  after(() => {
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('downloads hello-node from its context menu into a folder and opens the handler, in sync', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    const view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    const row = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    await row.click({ button: 'right' });
    // The code actions sit in the "Code" submenu of the function's context menu.
    const submenu = page.getByRole('menuitem', { name: 'Code' });
    await submenu.hover();
    await submenu.click();
    const item = page.getByRole('menuitem', { name: 'Download Code…' });
    await item.hover();
    await item.click();
    // A click that lands while the menu is still laying out only highlights the item.
    if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');

    // The folder dialog of a remote workbench is a quick input: type the path, then accept.
    const dialog = page.locator('.quick-input-widget');
    const input = dialog.locator('input[type="text"]').first();
    await input.waitFor({ timeout: STEP_TIMEOUT });
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${folder}/`);
    await dialog.getByText('The path does not exist').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await dialog.getByRole('button', { name: 'Download Here' }).click();

    await page.locator('.tabs-container .tab', { hasText: 'index.mjs' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.ok(fs.existsSync(path.join(folder, 'index.mjs')), 'the handler was written into the chosen folder');
    await statusItem(page, 'hello-node: in sync').waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('code-in-sync.png');
  });

  it('turns to "changed" after the handler is edited and saved', async () => {
    const { page } = workbench();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('// shipped with one click');
    await page.keyboard.press('Control+S');
    await statusItem(page, 'hello-node: changed').waitFor({ timeout: STEP_TIMEOUT });
    assert.match(fs.readFileSync(path.join(folder, 'index.mjs'), 'utf8'), /shipped with one click/);
    await workbench().screenshot('code-changed.png');
  });

  it('deploys on a click of the status-bar item and turns back to "in sync"', async () => {
    const { page } = workbench();
    await statusItem(page, 'hello-node: changed').click();
    await page.locator('.notifications-toasts', { hasText: 'Deployed hello-node-code to hello-node ($LATEST)' }).waitFor({ timeout: STEP_TIMEOUT });
    await statusItem(page, 'hello-node: in sync').waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('code-deployed.png');
  });
});
