// What a person sees: "Edit Environment Variables…" from the tree, the 4 KB meter moving as a
// value is typed and crossing into an error, the pending change, Save, and an invocation that
// answers with the new value.
import * as assert from 'assert';
import type { Frame, Locator } from 'playwright-core';
import { expandRow, useWorkbench, waitForRow, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;

/** Waits until the meter reads `used` bytes and returns its text. */
async function meterShows(panel: Frame, used: number): Promise<string> {
  const text = panel.locator('.configuration-meter-text');
  const expected = `${used.toLocaleString('en-US')} of 4,096 bytes`;
  try {
    await text.filter({ hasText: expected }).waitFor({ timeout: STEP_TIMEOUT });
  } catch {
    throw new Error(`the meter did not show "${expected}"; it shows "${await text.textContent()}"`);
  }
  return (await text.textContent()) ?? '';
}

describe('Configuration tab in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('configuration');
  let panel: Frame;

  it('opens hello-node on Configuration from the tree context menu', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    const view: Locator = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    const row = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    await row.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Edit Environment Variables…' });
    await item.click();
    // A click that lands while the menu is still settling only highlights the item.
    await page.waitForTimeout(1000);
    if (await item.isVisible()) await page.keyboard.press('Enter');
    panel = await webviewFrame(page, '.configuration-env-row[data-key="GREETING"]', STEP_TIMEOUT);
    // Masked until revealed: the value is not in the page.
    const masked = panel.locator('.configuration-env-row[data-key="GREETING"] .configuration-masked');
    assert.equal((await masked.textContent())?.trim(), '••••••••');
    assert.doesNotMatch(await panel.locator('body').innerText(), /\bHello\b/, 'the value must not be shown before it is revealed');
    await meterShows(panel, JSON.stringify({ GREETING: 'Hello' }).length);
    await panel.locator('.configuration-overview dd[data-item="runtime"]', { hasText: 'nodejs20.x' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-loaded.png');
  });

  it('edits GREETING and the meter follows each keystroke', async () => {
    const row = panel.locator('.configuration-env-row[data-key="GREETING"]');
    await row.locator('.configuration-masked').click();
    const input = row.locator('vscode-textfield.configuration-value input');
    await input.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await input.inputValue(), 'Hello');
    await input.fill('');
    await input.pressSequentially('Bonjour', { delay: 30 });
    const text = await meterShows(panel, JSON.stringify({ GREETING: 'Bonjour' }).length);
    assert.match(text, /4,074 left/);
    await panel.locator('.configuration-diff li', { hasText: 'GREETING: value changed' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-edited.png');
  });

  it('shows a dot in the panel title while edits are unsaved; closing says they are kept, and Restore gives them back', async () => {
    const { page } = workbench();
    const tabTitle = page.locator('.tabs-container .tab', { hasText: 'hello-node' }).first();
    await page.locator('.tabs-container .tab', { hasText: '● hello-node' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-dirty-title.png');
    await tabTitle.hover();
    await tabTitle.locator('.codicon-close, .tab-actions .action-label').first().click();
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT });

    // VS Code cannot ask before a panel closes: a notification says so right after, with a way back.
    const toast = page.locator('.notification-toast', { hasText: 'unsaved configuration edits' });
    await toast.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await toast.textContent()) ?? '', /hello-node/);
    await toast.getByRole('button', { name: 'Discard' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await toast.getByRole('button', { name: 'Restore' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.waitForTimeout(600); // the toast fades in
    await workbench().screenshot('configuration-closed-notice.png');
    await toast.getByRole('button', { name: 'Restore' }).click();
    panel = await webviewFrame(page, '.configuration-banner', STEP_TIMEOUT);
    await panel.locator('.configuration-banner', { hasText: /Your unsaved edits from .+ are back/ }).waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('.configuration-diff li', { hasText: 'GREETING: value changed' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.tabs-container .tab', { hasText: '● hello-node' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-draft-restored.png');
  });

  it('turns the meter to an error past 4,096 bytes and refuses to save', async () => {
    await panel.locator('vscode-button.configuration-add').click();
    // The row appears once the extension answers; until then `.last()` would be GREETING's row.
    const added = panel.locator('.configuration-env-row[data-status="added"][data-key=""]');
    await added.waitFor({ timeout: STEP_TIMEOUT });
    const fresh = panel.locator(`.configuration-env-row[data-row-id="${await added.getAttribute('data-row-id')}"]`);
    // The new row's name takes the focus, so a person can type it straight away.
    await fresh.locator('vscode-textfield.configuration-key:focus').waitFor({ timeout: STEP_TIMEOUT });
    await workbench().page.keyboard.type('PADDING');
    await fresh.locator('vscode-textfield.configuration-value input').fill('x'.repeat(4080));
    const used = JSON.stringify({ GREETING: 'Bonjour', PADDING: 'x'.repeat(4080) }).length;
    assert.ok(used > 4096);
    const text = await meterShows(panel, used);
    assert.match(text, /over the limit/);
    await panel.locator('.configuration-meter-error').waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await panel.locator('vscode-button.configuration-save').getAttribute('disabled'), '');
    await panel.locator('.configuration-blockers li', { hasText: 'Lambda allows 4,096' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-over-limit.png');
    await panel.locator('.configuration-env-row[data-key="PADDING"] .configuration-remove').click();
    await meterShows(panel, JSON.stringify({ GREETING: 'Bonjour' }).length);
  });

  it('saves, then an invocation answers with the new greeting', async () => {
    const save = panel.locator('vscode-button.configuration-save');
    await panel.locator('vscode-button.configuration-save:not([disabled])').waitFor({ timeout: STEP_TIMEOUT });
    await save.click();
    const banner = panel.locator('.configuration-banner-success');
    await banner.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await banner.textContent()) ?? '', /Saved: GREETING: value changed/);
    await panel.locator('.configuration-change-count', { hasText: 'No changes' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-saved.png');

    await panel.locator('vscode-tab-header', { hasText: 'Invoke' }).click();
    await panel.locator('vscode-button.invoke-run').click();
    const response = panel.locator('.invoke-block pre').first();
    await response.filter({ hasText: 'Bonjour, world!' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('configuration-invoked.png');
  });

  it('publishes a version after that configuration-only change; the Invoke form offers it at once and it answers with the new greeting', async () => {
    const { page } = workbench();
    const view: Locator = page.locator('.part.sidebar');
    const row = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    await row.click({ button: 'right' });
    await page.locator('.context-view .action-label', { hasText: /^Publish Version…$/ }).hover();
    await page.keyboard.press('Enter');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: STEP_TIMEOUT });
    await input.fill('Greets in French');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: /Published version \d+ of hello-node/ });
    await toast.waitFor({ timeout: STEP_TIMEOUT });
    const version = /Published version (\d+)/.exec((await toast.textContent()) ?? '')?.[1] ?? '';
    assert.ok(Number(version) >= 3, `a new version after 1 and 2 (got "${version}")`);

    await panel.locator('vscode-single-select.invoke-qualifier').click();
    const option = panel.getByRole('option', { name: version, exact: true });
    await option.waitFor({ timeout: 10000 });
    await option.click();
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-result-head', { hasText: `hello-node:${version} · RequestResponse` }).waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('.invoke-block pre').first().filter({ hasText: 'Bonjour, world!' }).waitFor({ timeout: STEP_TIMEOUT });
    const qualifier = await panel.locator('vscode-single-select.invoke-qualifier').evaluate((el) => (el as unknown as { value: string }).value);
    assert.equal(qualifier, version, 'the form shows the version that ran');
    await workbench().screenshot('configuration-published-version.png');
  });
});
