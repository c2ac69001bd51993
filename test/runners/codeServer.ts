// Runs the extension-host test suite inside a real VS Code workbench (code-server) driven by
// Chromium, offline. Usage: node out/test/runners/codeServer.js [--timeout ms]
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { codeServerLib, REPO_ROOT, repoPaths } from './repo';
import { isTestResult, LOG_FILE_ENV, RESULT_FILE_ENV, TestResult } from './testResult';

export interface CodeServerTestOptions {
  /** Folder of the extension under development (its package.json). */
  extensionPath: string;
  /** Compiled test entry exporting `run(): Promise<void>`. */
  testsPath: string;
  /** Folder opened in the workbench. */
  workspace: string;
  /** Where the test entry writes its JSON result. */
  resultFile: string;
  timeoutMs: number;
  /** Where a screenshot of the workbench goes when the run fails. */
  screenshotsDir?: string;
  /** Prefix for relayed lines. */
  label?: string;
}

const POLL_MS = 250;

/** Prints what the test entry appends to its log file, as it arrives. */
class LogRelay {
  private offset = 0;
  constructor(private readonly file: string, private readonly prefix: string) {}

  flush(): void {
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, 'utf8');
    const fresh = text.slice(this.offset);
    const lastNewline = fresh.lastIndexOf('\n');
    if (lastNewline < 0) return;
    for (const line of fresh.slice(0, lastNewline).split('\n')) {
      process.stdout.write(`${this.prefix}${line}\n`);
    }
    this.offset += lastNewline + 1;
  }
}

function readResult(file: string): TestResult | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isTestResult(parsed)) throw new Error(`${file} does not hold a test result: ${JSON.stringify(parsed)}`);
  return parsed;
}

async function screenshot(page: Page | undefined, dir: string | undefined, name: string): Promise<void> {
  if (!page || !dir) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    await page.screenshot({ path: file, timeout: 10000 });
    console.log(`screenshot: ${path.relative(process.cwd(), file)}`);
  } catch (err) {
    console.log(`could not take a screenshot: ${(err as Error).message}`);
  }
}

/**
 * Starts code-server with the extension under development, opens the workbench in Chromium
 * so the extension host runs `testsPath`, and waits for the result file. Always stops the
 * browser and the server. Resolves with the suite's result; rejects when no result arrives.
 */
export async function runInCodeServer(options: CodeServerTestOptions): Promise<TestResult> {
  const prefix = options.label ? `[${options.label}] ` : '';
  const logFile = `${options.resultFile}.log`;
  fs.mkdirSync(path.dirname(options.resultFile), { recursive: true });
  fs.rmSync(options.resultFile, { force: true });
  fs.rmSync(logFile, { force: true });
  if (options.screenshotsDir) fs.rmSync(path.join(options.screenshotsDir, 'integration-failure.png'), { force: true });
  if (!fs.existsSync(options.testsPath)) {
    throw new Error(`test entry ${options.testsPath} does not exist; compile first (npx tsc -p .)`);
  }

  const server = await codeServerLib.launchCodeServer({
    workspace: options.workspace,
    // The extension host inherits code-server's environment: this is how run() learns where to report.
    env: { [RESULT_FILE_ENV]: options.resultFile, [LOG_FILE_ENV]: logFile },
  });
  const relay = new LogRelay(logFile, prefix);
  let browser: Awaited<ReturnType<typeof codeServerLib.launchChromium>> | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  let result: TestResult | undefined;
  try {
    console.log(`${prefix}code-server ${server.baseUrl} (extension ${options.extensionPath})`);
    browser = await codeServerLib.launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const url = server.workbenchUrl({
      folder: options.workspace,
      extensionDevelopmentPath: options.extensionPath,
      extensionTestsPath: options.testsPath,
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });

    const deadline = Date.now() + options.timeoutMs;
    while (!(result = readResult(options.resultFile))) {
      relay.flush();
      if (Date.now() > deadline) {
        throw new Error(`no test result after ${options.timeoutMs} ms (expected ${options.resultFile})`);
      }
      if (page.isClosed()) throw new Error('the workbench page closed before the tests reported');
      await codeServerLib.sleep(POLL_MS);
    }
    relay.flush();
    if (result.failed > 0) await screenshot(page, options.screenshotsDir, 'integration-failure.png');
    return result;
  } catch (err) {
    relay.flush();
    await screenshot(page, options.screenshotsDir, 'integration-failure.png');
    const details = [
      ...(pageErrors.length ? ['workbench page errors:', ...pageErrors.slice(-10)] : []),
      'code-server output (last lines):',
      ...server.output.slice(-25),
    ];
    (err as Error).message += `\n${details.join('\n')}`;
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const resultFile = path.join(repoPaths.RESULTS_DIR, 'integration.json');
  const started = Date.now();
  try {
    const result = await runInCodeServer({
      extensionPath: REPO_ROOT,
      testsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
      workspace: argValue('--workspace') ?? repoPaths.EXAMPLES,
      resultFile,
      timeoutMs: Number(argValue('--timeout') ?? 180000),
      screenshotsDir: repoPaths.SCREENSHOTS_DIR,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\nintegration (code-server): ${result.passed} passing, ${result.failed} failing (${seconds} s)`);
    for (const failure of result.failures) console.log(`  ✗ ${failure.title}\n    ${failure.error.split('\n')[0]}`);
    process.exitCode = result.failed > 0 || result.passed === 0 ? 1 : 0;
  } catch (err) {
    console.error(`\nintegration (code-server) did not complete: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main();
}
