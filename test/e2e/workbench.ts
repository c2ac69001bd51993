// A real VS Code workbench (code-server) in Chromium with the extension under development loaded.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { codeServerLib, REPO_ROOT, repoPaths } from '../runners/repo';

export interface Workbench {
  page: Page;
  /** Saves a PNG of what a person sees into test-results/screenshots/. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export const SCREENSHOTS_DIR = repoPaths.SCREENSHOTS_DIR;

/** Clears failure screenshots of earlier runs so the folder shows only this run's. */
export function removeOldScreenshots(): void {
  if (!fs.existsSync(SCREENSHOTS_DIR)) return;
  for (const name of fs.readdirSync(SCREENSHOTS_DIR)) {
    if (name.startsWith('failed-')) fs.rmSync(path.join(SCREENSHOTS_DIR, name), { force: true });
  }
}

export async function openWorkbench(options: { workspace?: string; extensionPath?: string; workspaceTrust?: boolean } = {}): Promise<Workbench> {
  const extensionPath = options.extensionPath ?? process.env.LW_E2E_EXTENSION_PATH ?? REPO_ROOT;
  const workspace = options.workspace ?? repoPaths.EXAMPLES;
  const server = await codeServerLib.launchCodeServer({ workspace, workspaceTrust: options.workspaceTrust });
  let browser: Browser | undefined;
  try {
    browser = await codeServerLib.launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: extensionPath }), {
      waitUntil: 'domcontentloaded',
      timeout: 60000,
    });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
    const opened = browser;
    return {
      page,
      async screenshot(name) {
        fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
        const file = path.join(SCREENSHOTS_DIR, name);
        await page.screenshot({ path: file });
        return file;
      },
      async close() {
        await opened.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

/** A row of a VS Code tree or list whose label is exactly `label`. */
export function treeRow(scope: Page | Locator, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const page = 'page' in scope ? scope.page() : scope;
  return scope.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) });
}

/** Labels of the tree rows currently rendered in `scope`, for failure messages. */
async function visibleLabels(scope: Page | Locator): Promise<string> {
  const labels = await scope.locator('.monaco-list-row .label-name').allTextContents().catch(() => []);
  return labels.length ? labels.map((l) => `"${l.trim()}"`).join(', ') : '(no rows)';
}

/** Waits for the tree row labelled `label`; fails naming the rows that are there instead. */
export async function waitForRow(scope: Page | Locator, label: string, timeoutMs: number): Promise<Locator> {
  const row = treeRow(scope, label);
  try {
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`tree row "${label}" did not appear within ${timeoutMs / 1000} s; rows shown: ${await visibleLabels(scope)}`);
  }
  return row.first();
}

/** Expands the collapsible tree row labelled `label` (no-op when already expanded) and waits until it is. */
export async function expandRow(scope: Page | Locator, label: string, timeoutMs: number): Promise<Locator> {
  const row = await waitForRow(scope, label, timeoutMs);
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.locator('.monaco-tl-twistie').click();
  }
  try {
    await row.and(row.page().locator('[aria-expanded="true"]')).waitFor({ timeout: timeoutMs });
  } catch {
    throw new Error(`tree row "${label}" did not expand within ${timeoutMs / 1000} s`);
  }
  return row;
}

/**
 * Does `act` until `done` shows. A tree row can be drawn anew under the pointer (when its health
 * line arrives, say), which loses a hover or a click; a person would simply try again.
 */
export async function retryUntil(act: () => Promise<void>, done: Locator, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await act().catch(() => undefined);
    const left = deadline - Date.now();
    try {
      await done.first().waitFor({ state: 'visible', timeout: Math.max(1, Math.min(5000, left)) });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`${what} did not show within ${timeoutMs / 1000} s`, { cause: error });
    }
  }
}

/** The inline action `name` of a tree row, shown by hovering the row (again, if it was drawn anew). */
export async function rowAction(row: Locator, name: string, timeoutMs: number): Promise<Locator> {
  const button = row.getByRole('button', { name });
  await retryUntil(() => row.hover({ timeout: 2000 }), button, timeoutMs, `the inline action "${name}"`);
  return button;
}

/** Opens the function panel of the tree row `label` with the row's inline action; waits for its editor tab. */
export async function openPanelFromRow(scope: Locator, label: string, timeoutMs: number): Promise<void> {
  const row = await waitForRow(scope, label, timeoutMs);
  const tab = scope.page().locator('.tabs-container .tab.active', { hasText: label });
  await retryUntil(async () => {
    await row.hover({ timeout: 2000 });
    await row.getByRole('button', { name: 'Open Function Panel' }).click({ timeout: 2000 });
  }, tab, timeoutMs, `the panel of ${label}`);
}

/** Clicks the tree row `label` (its command runs) until its editor tab is the active one. */
export async function clickRowForTab(scope: Locator, label: string, timeoutMs: number): Promise<void> {
  const row = await waitForRow(scope, label, timeoutMs);
  const tab = scope.page().locator('.tabs-container .tab.active', { hasText: label });
  await retryUntil(() => row.locator('.label-name').click({ timeout: 2000 }), tab, timeoutMs, `the panel of ${label}`);
}

/** The webview document (an iframe inside an iframe) that contains `selector`. */
export async function webviewFrame(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview showed ${selector} within ${timeoutMs / 1000} s`);
}

/**
 * Opens one workbench for the enclosing suite and closes it afterwards; a failed test leaves a
 * screenshot `failed-<name>-<test title>.png`. Call inside describe(); returns the open workbench.
 */
export function useWorkbench(name: string, options?: () => Parameters<typeof openWorkbench>[0]): () => Workbench {
  let workbench: Workbench | undefined;
  before(async () => {
    removeOldScreenshots();
    workbench = await openWorkbench(options?.());
  });
  after(async () => {
    await workbench?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      const file = await workbench.screenshot(`failed-${name}-${this.currentTest.title.replace(/\W+/g, '-')}.png`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });
  return () => {
    if (!workbench) throw new Error('the workbench is not open');
    return workbench;
  };
}

/** Opens a file by name through Quick Open, as a person would. */
export async function openFile(page: Page, name: string, timeoutMs: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: timeoutMs });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: timeoutMs });
}
