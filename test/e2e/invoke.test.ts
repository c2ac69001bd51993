// What a person sees: the function panel opened from the tree, the Invoke tab, a sample event
// invoked against the Local Lambda, and the result with its REPORT badges.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import type { Frame, Locator } from 'playwright-core';
import { clickRowForTab, expandRow, openPanelFromRow, useWorkbench, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;

describe('Function panel and Invoke tab in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('invoke');
  let view: Locator;
  let panel: Frame;

  it('opens the function panel of hello-node from its inline action in the tree', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await openPanelFromRow(view, 'hello-node', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title', STEP_TIMEOUT);
    assert.equal((await panel.locator('.frame-title').textContent())?.trim(), 'hello-node');
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('.invoke-editor').first().waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('invoke-panel-opened.png');
  });

  it('loads the S3 put sample into the event editor', async () => {
    await panel.locator('vscode-single-select.invoke-event-select').click();
    const s3 = panel.getByRole('option', { name: 'S3 Object Created (Put)' });
    await s3.waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('invoke-event-picker.png');
    await s3.click();
    const editor = panel.locator('textarea.invoke-editor').first();
    await panel.locator('.invoke-status-label', { hasText: 'S3' }).waitFor({ timeout: STEP_TIMEOUT });
    const event = JSON.parse(await editor.inputValue()) as { Records: { eventSource: string; s3: { bucket: { name: string } } }[] };
    assert.equal(event.Records[0].eventSource, 'aws:s3');
    assert.ok(event.Records[0].s3.bucket.name, 'the sample names a bucket');
    await panel.locator('.invoke-status-ok', { hasText: 'Valid JSON' }).waitFor({ timeout: STEP_TIMEOUT });
  });

  it('Tab indents in the event editor; Escape then Tab moves focus on, to the next control', async () => {
    const { page } = workbench();
    const editor = panel.locator('textarea.invoke-editor').first();
    const before = await editor.inputValue();
    await editor.focus();
    await editor.evaluate((e) => (e as unknown as { setSelectionRange(start: number, end: number): void }).setSelectionRange(0, 0));
    await page.keyboard.press('Tab');
    assert.equal(await editor.evaluate((e) => e === e.ownerDocument.activeElement), true, 'Tab indents, focus stays');
    assert.notEqual(await editor.inputValue(), before, 'Tab put an indent in the text');
    await page.keyboard.press('Control+Z');
    await editor.fill(before);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await editor.evaluate((e) => e === e.ownerDocument.activeElement), false, 'Escape then Tab leaves the editor');
    const focused = await editor.evaluate((e) => {
      const active = e.ownerDocument.activeElement;
      return active ? `${active.tagName.toLowerCase()}${active.className ? `.${String(active.className).split(' ').join('.')}` : ''}` : '';
    });
    assert.ok(focused && focused !== 'body', `focus moved to a control (${focused})`);
    await workbench().screenshot('invoke-tab-leaves-editor.png');
  });

  it('invokes hello-node and shows the result with a cold-start badge', async () => {
    await panel.locator('vscode-button.invoke-run').click();
    const ok = panel.locator('.invoke-pill-ok');
    await ok.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await ok.textContent()) ?? '', /200 OK/);
    await panel.locator('.invoke-badge-cold').waitFor({ timeout: STEP_TIMEOUT });
    const response = (await panel.locator('.invoke-block pre').first().textContent()) ?? '';
    assert.match(response, /"message": "Hello, world!"/);
    assert.match((await panel.locator('.invoke-badge-cost').textContent()) ?? '', /\$0\.0+\d/);
    assert.match((await panel.locator('.invoke-log').textContent()) ?? '', /REPORT RequestId/);
    await workbench().screenshot('invoke-result.png');
  });

  it('invokes again with Ctrl+Enter and shows a warm start', async () => {
    await panel.locator('textarea.invoke-editor').first().focus();
    await workbench().page.keyboard.press('Control+Enter');
    await panel.locator('.invoke-badge-warm').waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await panel.locator('.invoke-badge-cold').count(), 0);
    assert.equal(await panel.locator('.invoke-history-table tr').count(), 3, 'two invocations in the history (plus the header row)');
  });

  it('shows where the event stops being JSON and refuses to invoke', async () => {
    const editor = panel.locator('textarea.invoke-editor').first();
    await editor.fill('{\n  "name": "Ada",\n  "age": \n}');
    const error = panel.locator('.invoke-status-error').first();
    await error.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await error.textContent()) ?? '', /Line 4, column 1/);
    assert.equal(await panel.locator('vscode-button.invoke-run').getAttribute('disabled'), '');
    await workbench().screenshot('invoke-invalid-json.png');
  });

  it('keeps the event and the result when the panel is hidden and shown again', async () => {
    const { page } = workbench();
    await panel.locator('textarea.invoke-editor').first().fill('{"name": "Kept"}');
    await openPanelFromRow(view, 'hello-python', STEP_TIMEOUT);
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).click();
    panel = await webviewFrame(page, '.frame-title >> text=hello-node', STEP_TIMEOUT);
    await panel.locator('.invoke-pill-ok').waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await panel.locator('textarea.invoke-editor').first().inputValue(), '{"name": "Kept"}');
  });

  it('restores the panel with its event after the window reloads', async () => {
    const { page } = workbench();
    // "Developer: Reload Window", as a person would: the workbench saves its state, then reloads.
    await page.locator('.part.sidebar .composite.title').click();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: STEP_TIMEOUT });
    await input.fill('>Developer: Reload Window');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /^Developer: Reload Window/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    const reloaded = page.waitForEvent('load', { timeout: STEP_TIMEOUT });
    await page.keyboard.press('Enter');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator('.tabs-container .tab.active', { hasText: 'hello-node' }).waitFor({ timeout: STEP_TIMEOUT });
    panel = await webviewFrame(page, '.frame-title >> text=hello-node', STEP_TIMEOUT);
    const editor = panel.locator('textarea.invoke-editor').first();
    await editor.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await editor.inputValue(), '{"name": "Kept"}');
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-block pre', { hasText: 'Hello, Kept!' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('invoke-restored.png');
  });

  it('gives the event text back when the closed panel is opened again', async () => {
    const { page } = workbench();
    const editor = panel.locator('textarea.invoke-editor').first();
    await editor.fill('{"name": "Closed and back"}');
    await panel.locator('.invoke-status-ok', { hasText: 'Valid JSON' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForTimeout(500); // the form reaches the extension shortly after each change
    const tabTitle = page.locator('.tabs-container .tab', { hasText: 'hello-node' }).first();
    await tabTitle.hover();
    await tabTitle.locator('.codicon-close, .tab-actions .action-label').first().click();
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT });

    view = page.locator('.part.sidebar');
    // After the reload the side bar may show the view already (a click on its tab would hide it).
    if (!(await view.locator('.composite.title', { hasText: /Lambda Workbench/i }).isVisible())) {
      await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    }
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await clickRowForTab(view, 'hello-node', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title >> text=hello-node', STEP_TIMEOUT);
    const reopened = panel.locator('textarea.invoke-editor').first();
    await reopened.waitFor({ timeout: STEP_TIMEOUT });
    const end = Date.now() + 10000;
    while ((await reopened.inputValue()) !== '{"name": "Closed and back"}' && Date.now() < end) await page.waitForTimeout(100);
    assert.equal(await reopened.inputValue(), '{"name": "Closed and back"}');
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-block pre', { hasText: 'Hello, Closed and back!' }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('invoke-kept-after-close.png');
  });

  it('says so when hello-python, declared python3.12, runs on another Python', async function () {
    const probe = spawnSync('python3.12', ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) this.skip(); // a Python 3.12 is installed: nothing to warn about
    const { page } = workbench();
    await clickRowForTab(view, 'hello-python', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title >> text=hello-python', STEP_TIMEOUT);
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-pill-ok').waitFor({ timeout: STEP_TIMEOUT });
    // The function's log output says which Python ran it, at the top where a person looks first.
    const inLog = panel.locator('.invoke-log', { hasText: /WARNING python3\.12 functions run on Python 3\.\d+/ });
    await inLog.waitFor({ timeout: STEP_TIMEOUT });
    await inLog.scrollIntoViewIfNeeded();
    await workbench().screenshot('invoke-python-version-warning.png');
  });

  it("a function error's stack frames open the handler's file at the line that threw", async () => {
    const { page } = workbench();
    await clickRowForTab(view, 'hello-node', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title >> text=hello-node', STEP_TIMEOUT);
    await panel.locator('textarea.invoke-editor').first().fill('{"fail": true}');
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-pill-error', { hasText: 'Function error' }).waitFor({ timeout: STEP_TIMEOUT });
    const frame = panel.locator('a.invoke-frame', { hasText: 'hello-node/index.mjs:4:' }).first();
    await frame.waitFor({ timeout: STEP_TIMEOUT });
    assert.doesNotMatch((await panel.locator('.invoke-stack').textContent()) ?? '', /bootstrap|\.local-lambda/, 'no frame of the emulator itself');
    await workbench().screenshot('invoke-stack-frames.png');
    await frame.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'index.mjs' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 4, Col \d+/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('invoke-stack-frame-opened.png');
  });
});
