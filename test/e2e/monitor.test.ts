// What a person sees: hello-node invoked a few times from its Invoke tab, then its Monitor tab
// with the charts of those calls, hover values, in the dark, light and high-contrast themes.
import * as assert from 'assert';
import type { Frame, Page } from 'playwright-core';
import { expandRow, openPanelFromRow, useWorkbench, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;
const CALLS = 4;

/** Switches the colour theme through the palette, as a person would. */
async function colorTheme(page: Page, name: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: STEP_TIMEOUT });
  await input.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).first().click();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}

describe('Monitor tab in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('monitor');
  let panel: Frame;

  it(`invokes hello-node ${CALLS} times from its panel`, async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    const view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await openPanelFromRow(view, 'hello-node', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title', STEP_TIMEOUT);
    const run = panel.locator('vscode-button.invoke-run');
    await run.waitFor({ timeout: STEP_TIMEOUT });
    for (let i = 0; i < CALLS; i++) {
      await panel.locator('vscode-button.invoke-run:not([disabled])').waitFor({ timeout: STEP_TIMEOUT });
      await run.click();
      await panel.locator('.invoke-pill-ok').waitFor({ timeout: STEP_TIMEOUT });
      await panel.locator('vscode-button.invoke-run:not([disabled])').waitFor({ timeout: STEP_TIMEOUT });
    }
  });

  it('shows the calls in the Monitor tab as charts, with values on hover (dark theme)', async () => {
    await panel.locator('vscode-tab-header', { hasText: 'Monitor' }).click();
    const invocations = panel.locator('.monitor-chart[data-chart="invocations"]');
    await invocations.locator('canvas').waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('.monitor-total[data-total="invocations"] b', { hasText: String(CALLS) }).waitFor({ timeout: STEP_TIMEOUT });
    for (const id of ['errors', 'throttles', 'duration', 'concurrency']) {
      await panel.locator(`.monitor-chart[data-chart="${id}"] canvas`).waitFor({ timeout: STEP_TIMEOUT });
    }
    const cost = panel.locator('details.monitor-cost');
    await cost.locator('summary', { hasText: /^Cost estimate: \$[\d.]+ this range · \$[\d.]+ a month at this rate/ }).waitFor({ timeout: STEP_TIMEOUT });
    await cost.locator('summary').click();
    await cost.locator('.monitor-cost-line', { hasText: /^This range: \$/ }).waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await cost.locator('.monitor-cost-note').textContent()) ?? '', /Local Lambda charges nothing/);
    await workbench().screenshot('monitor-cost.png');
    await cost.locator('summary').click();
    const firstChartMs = Number(await panel.locator('.tab-monitor').getAttribute('data-first-chart-ms'));
    assert.ok(firstChartMs > 0, 'the first chart was painted');
    console.log(`    first chart painted ${firstChartMs.toFixed(0)} ms after the tab showed`);
    // The calls are in the last minutes: move along the right end of the chart until the legend shows their count.
    const over = invocations.locator('.u-over');
    const box = await over.boundingBox();
    assert.ok(box, 'the chart has a plot area');
    const value = invocations.locator('.u-legend .u-series .u-value').nth(1);
    let shown = '';
    for (let x = box.width - 1; x > box.width * 0.8 && !/^[1-9]\d*$/.test(shown); x -= 2) {
      await over.hover({ position: { x, y: box.height / 2 } });
      shown = ((await value.textContent()) ?? '').trim();
    }
    assert.match(shown, /^[1-9]\d*$/, 'hovering a period with calls shows their count in the legend');
    assert.ok(Number(shown) <= CALLS);
    await workbench().screenshot('monitor-dark.png');
  });

  it('follows the light and high-contrast themes', async () => {
    const { page } = workbench();
    await colorTheme(page, 'Light Modern');
    await page.waitForTimeout(1000);
    const invocations = panel.locator('.monitor-chart[data-chart="invocations"]');
    await invocations.locator('canvas').waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('monitor-light.png');
    await colorTheme(page, 'Dark High Contrast');
    await page.waitForTimeout(1000);
    await workbench().screenshot('monitor-high-contrast.png');
  });
});
