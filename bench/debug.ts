/**
 * Debug on the Local Lambda in the real extension host (code-server): the time from starting a
 * debug run, as the Invoke tab's Debug button does, to VS Code's debugger reporting the stop on
 * the breakpoint, for Node.js, TypeScript (through the build's source map) and Python (debugpy).
 * Opens a temporary copy of examples/ (the Local Lambda writes its state into the folder it
 * serves), runs bench/host/debug.ts in the extension host, and summarizes what it measured.
 * Measured, not asserted: the goal of 1.5 s per runtime is shown beside the figures.
 *
 *   npm run bench:debug  (or: node out/bench/debug.js [--samples 5] [--quick] [--extension <folder>] [--out file.json])
 * (run under `flock /tmp/vscode-test.lock`, like every VS Code run here).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerLib, REPO_ROOT, repoPaths } from '../test/runners/repo';
import type { DebugBenchHostResult, DebugCase, DebugJob, DebugRun } from './host/debug';
import { ms, printTable, summarize, type BudgetRow } from './stats';

const p50 = (values: number[]) => summarize(values).p50;

/** The goal for click → stopped, per runtime (issue: "≤ 1.5 s each, warm build"). */
export const DEBUG_STOP_GOAL_MS = 1500;

/** The Python that has debugpy here (Debian's, with python3-debugpy). */
export const DEBUG_PYTHON = '/usr/bin/python3';

export interface DebugBenchCase {
  label: string;
  file: string;
  line: number;
  skipped?: string;
  error?: string;
  warmupMs?: number;
  stoppedMs: number[];
  attachStartedMs: number[];
  continueToResultMs: number[];
}

export interface DebugBenchResult {
  vscodeVersion: string;
  samples: number;
  cases: DebugBenchCase[];
}

/** Whole-run limit: code-server start, three warm-ups and the samples. */
const RUN_TIMEOUT_MS = 10 * 60_000;

function hasDebugpy(python: string): boolean {
  return spawnSync(python, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

function cases(pythonSkip: string | undefined): DebugCase[] {
  return [
    { label: 'Node.js', functionName: 'hello-node', file: 'hello-node/index.mjs', line: 7 },
    { label: 'TypeScript', functionName: 'hello-ts', file: 'hello-ts/src/greeting.ts', line: 7 },
    { label: 'Python', functionName: 'hello-python', file: 'hello-python/app.py', line: 10, ...(pythonSkip ? { skip: pythonSkip } : {}) },
  ];
}

/** A copy of examples/ without what earlier runs left in it. */
function copyExamples(into: string): void {
  fs.cpSync(repoPaths.EXAMPLES, into, {
    recursive: true,
    filter: (source) => !['.local-lambda', '.lambda-workbench', 'node_modules'].includes(path.basename(source)),
  });
}

export async function measureDebug(options: { extensionPath: string; samples: number; log?: (line: string) => void }): Promise<DebugBenchResult> {
  const log = options.log ?? (() => undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-debug-bench-'));
  const workspace = path.join(tmp, 'examples');
  const resultFile = path.join(tmp, 'result.json');
  const logFile = path.join(tmp, 'progress.log');
  copyExamples(workspace);
  const python = hasDebugpy(DEBUG_PYTHON);
  if (python) {
    // The workspace's own settings: the Local Lambda starts with them, no restart needed.
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'lambdaWorkbench.local.interpreters': { 'python3.12': DEBUG_PYTHON } }, null, 2));
  }
  const job: DebugJob = { resultFile, logFile, samples: options.samples, cases: cases(python ? undefined : `debugpy missing (${DEBUG_PYTHON} cannot import it: apt-get install python3-debugpy)`) };
  const entry = path.join(__dirname, 'host', 'debug.js');

  const server = await codeServerLib.launchCodeServer({ workspace, env: { LW_BENCH_DEBUG: JSON.stringify(job) } });
  let browser: Awaited<ReturnType<typeof codeServerLib.launchChromium>> | undefined;
  let shown = 0;
  const relay = () => {
    if (!fs.existsSync(logFile)) return;
    const text = fs.readFileSync(logFile, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(shown, end).split('\n').filter(Boolean)) log(`  ${line}`);
    shown = Math.max(shown, end);
  };
  try {
    browser = await codeServerLib.launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: options.extensionPath, extensionTestsPath: entry }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (!fs.existsSync(resultFile)) {
      relay();
      if (Date.now() > deadline) throw new Error(`no debug benchmark result within ${RUN_TIMEOUT_MS / 60_000} min`);
      if (page.isClosed()) throw new Error('the workbench page closed before the benchmark reported');
      await codeServerLib.sleep(250);
    }
    relay();
    const host = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as DebugBenchHostResult;
    if (host.error) throw new Error(`in the extension host: ${host.error}`);
    const pick = (runs: DebugRun[], key: keyof DebugRun) => runs.map((r) => r[key]);
    return {
      vscodeVersion: host.vscodeVersion,
      samples: host.samples,
      cases: host.cases.map((c) => ({
        label: c.label,
        file: c.file,
        line: c.line,
        ...(c.skip ? { skipped: c.skip } : {}),
        ...(c.error ? { error: c.error } : {}),
        warmupMs: c.warmup?.stoppedMs,
        stoppedMs: pick(c.runs, 'stoppedMs'),
        attachStartedMs: pick(c.runs, 'attachStartedMs'),
        continueToResultMs: pick(c.runs, 'continueToResultMs'),
      })),
    };
  } catch (err) {
    (err as Error).message += `\ncode-server output (last lines):\n${server.output.slice(-15).join('\n')}`;
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The bench table's rows: p50 and max of click → stopped per runtime, against the 1.5 s goal. */
export function debugRows(result: DebugBenchResult): BudgetRow[] {
  const budget = `≤ ${DEBUG_STOP_GOAL_MS} ms (goal)`;
  const rows: BudgetRow[] = [];
  for (const c of result.cases) {
    const name = `Debug: click → stopped, ${c.label}`;
    if (c.skipped) {
      rows.push({ name: `${name} p50`, value: 'not run', budget, ratio: c.skipped, ok: undefined });
      continue;
    }
    if (c.error && c.stoppedMs.length < result.samples) {
      rows.push({ name: `${name} p50`, value: 'failed', budget, ratio: c.error.split('\n')[0].slice(0, 160), ok: false });
      continue;
    }
    const mid = p50(c.stoppedMs);
    const max = Math.max(...c.stoppedMs);
    rows.push({ name: `${name} p50`, value: ms(mid), budget, ratio: `debugger attaching from ${ms(p50(c.attachStartedMs))} (p50); warm-up ${c.warmupMs === undefined ? '?' : ms(c.warmupMs)}`, ok: mid <= DEBUG_STOP_GOAL_MS });
    rows.push({ name: `${name} max`, value: ms(max), budget, ratio: `of ${c.stoppedMs.length}; Continue → result p50 ${ms(p50(c.continueToResultMs))}`, ok: max <= DEBUG_STOP_GOAL_MS });
  }
  return rows;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  const samples = Number(argValue('--samples') ?? (quick ? 3 : 5));
  const extensionPath = path.resolve(argValue('--extension') ?? REPO_ROOT);
  measureDebug({ extensionPath, samples, log: (line) => process.stderr.write(`${line}\n`) })
    .then((result) => {
      const out = argValue('--out');
      if (out) {
        fs.writeFileSync(out, JSON.stringify(result, null, 2));
      } else {
        console.log(`\nDebug on the Local Lambda: click → stopped (VS Code ${result.vscodeVersion} in code-server; ${result.samples} samples after one warm-up each; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
        printTable(debugRows(result));
      }
      process.exit(0);
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
