// What `npm start` opens: the workbench in the dark theme its settings name, with the extension
// loaded from the repository.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { codeServerLib, REPO_ROOT } from '../runners/repo';
import { SCREENSHOTS_DIR } from './workbench';

const STEP_TIMEOUT = 60000;

describe('npm start (e2e)', function () {
  this.timeout(300000);
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT'); // start.js stops code-server on Ctrl+C
      await Promise.race([exited, codeServerLib.sleep(15000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('opens the workbench in Dark Modern with the Lambda Workbench view', async () => {
    const port = await codeServerLib.freePort();
    const started = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.js'), '--no-build', '--port', String(port)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 90 s:\n${output}`)), 90000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /http:\/\/127\.0\.0\.1:\d+\/\?\S+/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[0]);
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}):\n${output}`));
      });
    });
    browser = await codeServerLib.launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: STEP_TIMEOUT });
    const workbench = page.locator('.monaco-workbench');
    await workbench.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click({ timeout: STEP_TIMEOUT });
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Local Lambda' }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: STEP_TIMEOUT });
    const classes = (await workbench.getAttribute('class')) ?? '';
    assert.match(classes, /dark_modern/, `the theme named in the settings (classes: ${classes})`);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'start-dark-theme.png') });
  });
});
