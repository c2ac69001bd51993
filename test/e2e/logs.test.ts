// What a person sees: the Logs tab of hello-node's panel tailing live while they invoke from the
// Invoke tab; the request grouped under a header with its REPORT badges; pause, search, and the
// buffer shown again after the panel was hidden.
import * as assert from 'assert';
import type { Frame, Locator } from 'playwright-core';
import { expandRow, useWorkbench, waitForRow, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;

describe('Logs tab in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('logs');
  let view: Locator;
  let panel: Frame;

  const tab = (name: string) => panel.locator('vscode-tab-header', { hasText: name });

  /** Waits until `count()` satisfies `ok` (polled every 100 ms). */
  async function waitForCount(count: () => Promise<number>, ok: (n: number) => boolean, what: string, timeoutMs = 10000): Promise<number> {
    const end = Date.now() + timeoutMs;
    let n = await count();
    while (!ok(n)) {
      if (Date.now() > end) throw new Error(`${what}: still ${n} after ${timeoutMs / 1000} s`);
      await panel.page().waitForTimeout(100);
      n = await count();
    }
    return n;
  }
  const groups = () => panel.locator('.logs-row.logs-group');

  async function invokeFromInvokeTab(): Promise<void> {
    await tab('Invoke').click();
    const before = await panel.locator('.invoke-history-table tr').count();
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-pill-ok').first().waitFor({ timeout: STEP_TIMEOUT });
    await waitForCount(() => panel.locator('.invoke-history-table tr').count(), (n) => n > before, 'invocation history', STEP_TIMEOUT);
    await tab('Logs').click();
  }

  it('opens hello-node\'s Logs tab from "Tail Logs" in the tree and starts tailing', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    const row = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    await row.click({ button: 'right' });
    // VS Code's menus ignore a click right after they open; choose the item with the keyboard.
    await page.locator('.context-view .action-label', { hasText: /^Tail Logs$/ }).hover();
    await page.keyboard.press('Enter');
    panel = await webviewFrame(page, '.logs-toolbar', STEP_TIMEOUT);
    // Live, or waiting when the function was never invoked: its log group appears with the first invocation.
    await panel.locator('.logs-mode-live, .logs-mode-waiting').waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await panel.locator('.logs-detail').textContent()) ?? '', /\/aws\/lambda\/hello-node/);
    await workbench().screenshot('logs-opened.png');
  });

  it('shows an invocation as one request with duration, memory and cold-start badges', async () => {
    await invokeFromInvokeTab();
    await panel.locator('.logs-mode-live').waitFor({ timeout: 10000 });
    const group = groups().last();
    await group.locator('.logs-badge-duration').waitFor({ timeout: 10000 });
    assert.match((await group.locator('.logs-badge-duration').textContent()) ?? '', /^\d+(\.\d+)? (ms|s)$/);
    assert.match((await group.locator('.logs-badge-memory').textContent()) ?? '', /^\d+\/128 MB$/);
    assert.match((await group.locator('.logs-group-title').textContent()) ?? '', /^Request [0-9a-f]{8}$/);
    // The request's lines sit under the header: START, the handler's line, END, REPORT.
    const lines = await panel.locator('.logs-row.logs-in-group .logs-text').allTextContents();
    assert.ok(lines.some((l) => /^START RequestId/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^Greeting world$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^REPORT RequestId/.test(l)), lines.join('\n'));
    await workbench().screenshot('logs-grouped.png');
  });

  it('marks the first request of a new environment as a cold start and later ones not', async () => {
    await invokeFromInvokeTab();
    await waitForCount(() => panel.locator('.logs-row.logs-group .logs-badge-duration').count(), (n) => n >= 2, 'reported requests');
    const all = await groups().count();
    const cold = await panel.locator('.logs-row.logs-group .logs-badge-cold').count();
    assert.ok(cold >= 1 && cold < all, `${cold} cold of ${all} requests`);
    assert.equal(await groups().last().locator('.logs-badge-cold').count(), 0, 'a warm invocation has no cold-start badge');
  });

  it('collapses a request, and searches within the lines', async () => {
    const inGroup = () => panel.locator('.logs-row.logs-in-group').count();
    const before = await inGroup();
    await groups().first().click();
    await waitForCount(inGroup, (n) => n < before, 'lines under the headers');
    assert.equal(await groups().first().getAttribute('aria-expanded'), 'false');
    await groups().first().click();

    await panel.locator('vscode-textfield.logs-search').click();
    await workbench().page.keyboard.type('Greeting');
    await panel.locator('mark.logs-match').first().waitFor({ timeout: 5000 });
    const texts = await panel.locator('.logs-row:not(.logs-group) .logs-text').allTextContents();
    assert.ok(texts.length >= 2 && texts.every((t) => t.includes('Greeting')), texts.join('\n'));
    assert.match((await panel.locator('.logs-counts').textContent()) ?? '', /matching/);
    await workbench().screenshot('logs-search.png');
    await panel.locator('vscode-textfield.logs-search').click();
    await workbench().page.keyboard.press('Control+A');
    await workbench().page.keyboard.press('Backspace');
  });

  it('pauses: new lines wait until Resume', async () => {
    const count = await groups().count();
    await panel.locator('vscode-toolbar-button.logs-button', { hasText: 'Pause' }).click();
    await invokeFromInvokeTab();
    await panel.locator('.logs-counts', { hasText: /paused, \d+ new waiting/ }).waitFor({ timeout: 10000 });
    assert.equal(await groups().count(), count, 'nothing new is shown while paused');
    await workbench().screenshot('logs-paused.png');
    await panel.locator('vscode-toolbar-button.logs-button', { hasText: 'Resume' }).click();
    await waitForCount(() => groups().count(), (n) => n > count, 'requests after resume');
  });

  it('wraps long lines with the Wrap toggle, which shows its state: a REPORT line is read whole', async () => {
    const wrap = panel.locator('vscode-toolbar-button.logs-button', { hasText: 'Wrap' });
    // The toggle's button says whether it is on (role "switch" with aria-checked).
    const state = () => wrap.evaluate((e) => e.shadowRoot?.querySelector('button')?.getAttribute('aria-checked') ?? null);
    assert.equal(await state(), 'false');
    const report = panel.locator('.logs-row:not(.logs-continuation) .logs-text', { hasText: /^REPORT RequestId/ }).last();
    await report.waitFor({ timeout: STEP_TIMEOUT });
    assert.ok(await report.evaluate((e) => e.scrollWidth > e.clientWidth + 1), 'without wrap the REPORT line is cut at the edge');
    await wrap.click();
    await waitForCount(async () => ((await state()) === 'true' ? 1 : 0), (n) => n === 1, 'Wrap pressed');
    await panel.locator('.logs-row.logs-continuation').first().waitFor({ timeout: 10000 });
    const cut = await panel.locator('.logs-row .logs-text').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    assert.deepEqual(cut, [], 'with wrap on no line is cut');
    const continued = (await panel.locator('.logs-row.logs-continuation .logs-text').allTextContents()).join('');
    assert.match(continued, /Max Memory Used: \d+ MB/, 'the end of the REPORT line shows on the rows below');
    await workbench().screenshot('logs-wrapped.png');
  });

  it('shows the same lines again after the panel was hidden and shown', async () => {
    const { page } = workbench();
    const count = await groups().count();
    // Opening a file in the same editor group hides the panel (its webview document is destroyed).
    await page.locator('.activitybar').getByRole('tab', { name: /Explorer/ }).click();
    const explorer = page.locator('.part.sidebar');
    await (await waitForRow(explorer, 'template.yaml', STEP_TIMEOUT)).click();
    await page.locator('.tabs-container .tab', { hasText: 'template.yaml' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await page.locator('.tabs-container .tab.active', { hasText: 'hello-node' }).count(), 0, 'the panel is hidden');
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).click();
    panel = await webviewFrame(page, '.logs-toolbar', STEP_TIMEOUT);
    await waitForCount(() => groups().count(), (n) => n === count, 'requests after the panel came back');
    // The panel remembers Wrap.
    const wrap = panel.locator('vscode-toolbar-button.logs-button', { hasText: 'Wrap' });
    assert.equal(await wrap.evaluate((e) => e.shadowRoot?.querySelector('button')?.getAttribute('aria-checked')), 'true');
    await panel.locator('.logs-row.logs-continuation').first().waitFor({ timeout: 10000 });
    await workbench().screenshot('logs-replayed.png');
  });

  it('invoking from the tree while the Logs tab shows keeps the Logs tab, and the call\'s lines arrive there', async () => {
    const { page } = workbench();
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).first().click();
    await tab('Logs').click();
    const before = await panel.locator('.logs-row.logs-group .logs-badge-duration').count();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    const row = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    await row.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Invoke Function…' });
    await item.hover();
    await item.click();
    if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
    const input = page.locator('.quick-input-widget input');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.waitFor({ timeout: STEP_TIMEOUT });
    for (const [step, choice] of [[/version or alias/, '$LATEST'], [/event/, 'S3 Object Created (Put)']] as const) {
      if (!step.test((await title.textContent()) ?? '')) continue;
      await input.fill(choice);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: choice }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
    }
    await waitForCount(() => panel.locator('.logs-row.logs-group .logs-badge-duration').count(), (n) => n > before, 'the new request in the Logs tab', STEP_TIMEOUT);
    assert.ok(await panel.locator('.logs-viewport').isVisible(), 'the Logs tab is still the one shown');
    assert.equal(await panel.locator('textarea.invoke-editor').first().isVisible(), false, 'the Invoke tab did not take over');
    await workbench().screenshot('logs-kept-while-invoking.png');
  });

  it('tails any log group from "Lambda: Tail Log Group…" in the Command Palette', async () => {
    const { page } = workbench();
    await page.locator('.tabs-container .tab', { hasText: 'template.yaml' }).click();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: STEP_TIMEOUT });
    await input.fill('>Lambda: Tail Log Group');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tail Log Group' }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.keyboard.press('Enter');
    // Only the Local Lambda connection and its one region exist here, so the log group picker comes next.
    const group = page.locator('.quick-input-list .monaco-list-row', { hasText: '/aws/lambda/hello-node' }).first();
    await group.waitFor({ timeout: STEP_TIMEOUT });
    await input.fill('/aws/lambda/hello-node');
    await page.keyboard.press('Enter');
    const logsPage = await webviewFrame(page, '.logs-page-title', STEP_TIMEOUT);
    assert.equal((await logsPage.locator('.logs-page-title').textContent())?.trim(), '/aws/lambda/hello-node');
    // It starts with the last minutes of the group: the requests invoked above are there.
    await logsPage.locator('.logs-row.logs-group .logs-badge-duration').first().waitFor({ timeout: 15000 });
    await page.mouse.move(900, 600);
    await page.locator('.monaco-hover').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    await workbench().screenshot('logs-group-panel.png');
  });
});
