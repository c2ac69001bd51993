/**
 * Activation in the real extension host (code-server): opens a workbench window per sample with
 * either the packaged extension or an empty one under development and bench/host as the test
 * entry, which activates it and reports time and memory. Empty and real samples alternate on one
 * code-server, so both see the same machine state.
 *
 *   node out/bench/hostActivation.js --extension <folder> [--samples 3] [--out file.json]
 * (run under `flock /tmp/vscode-test.lock`, like every VS Code run here).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { codeServerLib } from '../test/runners/repo';
import type { HostSample } from './host/index';
import { summarize } from './stats';

export interface HostActivationResult {
  samples: number;
  vscodeVersion: string;
  empty: HostSample[];
  extension: HostSample[];
  emptyMs: ReturnType<typeof summarize>;
  extensionMs: ReturnType<typeof summarize>;
  emptyHeap: ReturnType<typeof summarize>;
  extensionHeap: ReturnType<typeof summarize>;
  emptyRss: ReturnType<typeof summarize>;
  extensionRss: ReturnType<typeof summarize>;
  builtinsBeforeActivation: string[];
}

const SAMPLE_TIMEOUT_MS = 90_000;

/** An extension that does nothing: the baseline. */
function writeEmptyExtension(dir: string): string {
  const folder = path.join(dir, 'empty-extension');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({
    name: 'lw-bench-empty', publisher: 'lambda-workbench', version: '0.0.0',
    engines: { vscode: '^1.90.0' }, main: './extension.js', activationEvents: [],
  }));
  fs.writeFileSync(path.join(folder, 'extension.js'), "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n");
  return folder;
}

async function waitForSample(dir: string, name: string, seen: Set<string>, page: Page): Promise<HostSample> {
  const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
  for (;;) {
    const file = fs.readdirSync(dir).find((f) => f.startsWith(`${name}-`) && f.endsWith('.json') && !seen.has(f));
    if (file) {
      seen.add(file);
      return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as HostSample;
    }
    if (Date.now() > deadline) throw new Error(`no activation sample from ${name} within ${SAMPLE_TIMEOUT_MS / 1000} s`);
    if (page.isClosed()) throw new Error('the workbench page closed before the sample arrived');
    await codeServerLib.sleep(200);
  }
}

export async function measureHostActivation(extensionPath: string, samples: number): Promise<HostActivationResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-host-bench-'));
  const resultDir = path.join(tmp, 'results');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(resultDir, { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  const emptyPath = writeEmptyExtension(tmp);
  const entry = path.join(__dirname, 'host', 'index.js');
  const extensionName = (JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { name: string }).name;

  const server = await codeServerLib.launchCodeServer({ workspace, env: { LW_BENCH_RESULT_DIR: resultDir } });
  const browser = await codeServerLib.launchChromium();
  const seen = new Set<string>();
  const empty: HostSample[] = [];
  const real: HostSample[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      // Alternate which goes first, so neither always runs on a warmer server.
      const order: [string, string, HostSample[]][] = [[emptyPath, 'lw-bench-empty', empty], [extensionPath, extensionName, real]];
      if (i % 2 === 1) order.reverse();
      for (const [folder, name, into] of order) {
        const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
        try {
          await page.goto(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: folder, extensionTestsPath: entry }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
          const sample = await waitForSample(resultDir, name, seen, page);
          if (sample.error) throw new Error(`${name}: ${sample.error}`);
          into.push(sample);
          process.stderr.write(`  host sample ${i + 1}/${samples} ${name}: ${sample.activateMs.toFixed(1)} ms, heap +${(sample.heapDeltaBytes / 1024).toFixed(0)} KB\n`);
        } finally {
          await page.close().catch(() => undefined);
        }
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    samples,
    vscodeVersion: real[0]?.vscodeVersion ?? '',
    empty,
    extension: real,
    emptyMs: summarize(empty.map((s) => s.activateMs)),
    extensionMs: summarize(real.map((s) => s.activateMs)),
    emptyHeap: summarize(empty.map((s) => s.heapDeltaBytes)),
    extensionHeap: summarize(real.map((s) => s.heapDeltaBytes)),
    emptyRss: summarize(empty.map((s) => s.rssDeltaBytes)),
    extensionRss: summarize(real.map((s) => s.rssDeltaBytes)),
    builtinsBeforeActivation: real[0]?.builtinsBeforeActivation ?? [],
  };
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const extension = argValue('--extension');
  if (!extension) {
    console.error('usage: node out/bench/hostActivation.js --extension <folder> [--samples N] [--out file.json]');
    process.exit(2);
  }
  measureHostActivation(path.resolve(extension), Number(argValue('--samples') ?? 3))
    .then((result) => {
      const out = argValue('--out');
      if (out) fs.writeFileSync(out, JSON.stringify(result, null, 2));
      else console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
