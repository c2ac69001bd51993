// Test entry that VS Code's extension host calls (code-server runner and @vscode/test-electron):
// runs every compiled out/test/integration/**/*.test.js with mocha (BDD) and reports the
// outcome to the file named by LW_TEST_RESULT_FILE, line by line to LW_TEST_LOG_FILE.
import * as fs from 'fs';
import * as path from 'path';
import type { TestFailure, TestResult } from '../runners/testResult';
import { REPO_ROOT } from '../support/repo';
import { activateOnce } from './support/activation';

// The mocha package entry is an ES module; its CommonJS build keeps `require('vscode')` working in tests.
const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');

const DEFAULT_RESULT_FILE = path.join(REPO_ROOT, 'test-results', 'integration.json');

function findTestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(dir, name))
    .sort();
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

export async function run(): Promise<void> {
  const resultFile = process.env.LW_TEST_RESULT_FILE || DEFAULT_RESULT_FILE;
  const logFile = process.env.LW_TEST_LOG_FILE;
  const say = (line: string): void => {
    console.log(line);
    if (logFile) fs.appendFileSync(logFile, `${line}\n`);
  };

  const started = Date.now();
  const result: TestResult = { passed: 0, failed: 0, pending: 0, failures: [], durationMs: 0 };
  const failures: TestFailure[] = result.failures;
  try {
    const files = findTestFiles(__dirname);
    if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: Mocha.reporters.Base, grep: process.env.LW_TEST_GREP || undefined });
    files.forEach((file) => mocha.addFile(file));
    // Activate before any suite runs, so the activation-time module snapshot is not blurred by suites that use the SDK.
    await activateOnce();
    say(`running ${files.length} integration test file(s) in VS Code ${require('vscode').version}`);

    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      let depth = 0;
      runner.on('suite', (suite) => {
        if (suite.title) say(`${'  '.repeat(depth)}${suite.title}`);
        depth += suite.title ? 1 : 0;
      });
      runner.on('suite end', (suite) => {
        depth -= suite.title ? 1 : 0;
      });
      runner.on('pass', (test) => {
        result.passed++;
        say(`${'  '.repeat(depth)}✓ ${test.title} (${test.duration ?? 0} ms)`);
      });
      runner.on('pending', (test) => {
        result.pending++;
        say(`${'  '.repeat(depth)}- ${test.title} (pending)`);
      });
      runner.on('fail', (test, err: Error) => {
        result.failed++;
        failures.push({ title: test.fullTitle(), error: err?.stack || String(err) });
        say(`${'  '.repeat(depth)}✗ ${test.title}\n${indent(err?.stack || String(err), depth + 2)}`);
      });
    });
    if (result.passed + result.failed === 0) {
      result.failed++;
      failures.push({ title: 'integration suite', error: 'no tests ran' });
    }
  } catch (err) {
    result.failed++;
    failures.push({ title: 'integration suite setup', error: (err as Error).stack || String(err) });
    say(`✗ could not run the integration suite: ${(err as Error).stack || String(err)}`);
  }
  result.durationMs = Date.now() - started;
  say(`${result.passed} passing, ${result.failed} failing, ${result.pending} pending (${result.durationMs} ms)`);
  writeAtomically(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}

function indent(text: string, depth: number): string {
  return text
    .split('\n')
    .slice(0, 12)
    .map((line) => `${'  '.repeat(depth)}${line}`)
    .join('\n');
}
