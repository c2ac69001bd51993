/**
 * `npm run bench`: builds and packages the production extension, then measures activation (plain
 * Node and the real extension host), bundle and VSIX sizes, the tree at 10,000 functions, Local
 * invoke latency, builds, hostile input, log throughput, the Local Lambda against
 * serverless-offline and a bare floor, and Debug's click-to-stopped time in the real extension
 * host, and the Monitor tab's time to its first chart. Every figure is measured in this run and shown with its budget and against a baseline
 * from the same run. Prints a table, writes bench/results.json.
 *
 *   npm run bench [-- --quick] [-- --skip host,tree,invoke,build,attacks,logs,monitor,compare,debug] [-- --functions N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HOST_PRELOADED_BUILTINS, measureNodeActivation, type NodeActivationResult } from './activation';
import type { HostActivationResult } from './hostActivation';
import { runAttackBench } from './attacks';
import { runBuildBench } from './build';
import { runComparison } from './compare';
import { debugRows, type DebugBenchResult } from './debug';
import { runLocalBench } from './local';
import { isSdkChunk, kb, measureSizes, type SizeFigures } from './sizes';
import { ms, printTable, type BudgetRow } from './stats';
import type { TreeResult } from './tree';

const ROOT = path.resolve(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const packaging: typeof import('../scripts/package.js') = require(path.join(ROOT, 'scripts', 'package.js'));
const budgets: typeof import('../scripts/lib/budgets.js') = require(path.join(ROOT, 'scripts', 'lib', 'budgets.js'));
const paths: typeof import('../scripts/lib/paths.js') = require(path.join(ROOT, 'scripts', 'lib', 'paths.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
function argValue(flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}
const skip = new Set((argValue('--skip') ?? '').split(',').filter(Boolean));
const functions = Number(argValue('--functions') ?? 10_000);

interface Section {
  title: string;
  rows: BudgetRow[];
}

const notRun = (name: string, why: string): BudgetRow => ({ name, value: 'not run', budget: '-', ratio: why, ok: undefined });
const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(1)}x` : '-');
const signedMs = (v: number) => `${v >= 0 ? '+' : ''}${ms(v)}`;
const signedKb = (v: number) => `${v >= 0 ? '+' : '-'}${kb(Math.abs(v))}`;

function step(title: string): () => void {
  process.stderr.write(`▸ ${title}…\n`);
  const t0 = performance.now();
  return () => process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

function sizeSection(s: SizeFigures): Section {
  const sdkTotal = s.sdkChunks.reduce((a, c) => a + c.bytes, 0);
  const shipped = s.mainChunk + sdkTotal + s.otherLazyChunks.reduce((a, c) => a + c.bytes, 0) + s.localProgram + s.nodeBootstrap +
    s.webviewBundles.reduce((a, w) => a + w.bytes, 0) + s.webviewAssets;
  const share = (bytes: number) => `${((bytes / shipped) * 100).toFixed(0)}% of dist (${kb(shipped)})`;
  const rows: BudgetRow[] = [
    { name: 'VSIX', value: kb(s.vsix), budget: `≤ ${kb(budgets.VSIX_MAX_BYTES)}`, ratio: `${((s.vsix / budgets.VSIX_MAX_BYTES) * 100).toFixed(0)}% of budget; ${s.vsixEntries} files, zip of ${kb(shipped)}`, ok: s.vsix <= budgets.VSIX_MAX_BYTES },
    { name: 'main chunk dist/extension.js', value: kb(s.mainChunk), budget: `≤ ${kb(budgets.MAIN_CHUNK_MAX_BYTES)}`, ratio: `${ratio(s.mainChunk, sdkTotal)} of SDK chunks`, ok: s.mainChunk <= budgets.MAIN_CHUNK_MAX_BYTES },
    { name: `SDK chunks (${s.sdkChunks.length}, loaded on first AWS call)`, value: kb(sdkTotal), budget: '-', ratio: share(sdkTotal), ok: undefined },
  ];
  for (const c of s.otherLazyChunks.sort((a, b) => b.bytes - a.bytes)) {
    rows.push({ name: `lazy chunk ${c.file} (${c.holds})`, value: kb(c.bytes), budget: '-', ratio: share(c.bytes), ok: undefined });
  }
  rows.push({ name: 'Local Lambda dist/local.js', value: kb(s.localProgram), budget: '-', ratio: share(s.localProgram), ok: undefined });
  rows.push({ name: 'dist/nodeBootstrap.js', value: kb(s.nodeBootstrap), budget: '-', ratio: share(s.nodeBootstrap), ok: undefined });
  for (const w of s.webviewBundles) rows.push({ name: `webview dist/webview/${w.file}`, value: kb(w.bytes), budget: '-', ratio: share(w.bytes), ok: undefined });
  rows.push({ name: 'webview assets (codicons, css)', value: kb(s.webviewAssets), budget: '-', ratio: share(s.webviewAssets), ok: undefined });
  return { title: 'Bundle and VSIX sizes (production build; file sizes uncompressed)', rows };
}

function nodeActivationSection(a: NodeActivationResult): Section {
  const overMs = a.totalMs.extension.p50 - a.totalMs.empty.p50;
  const overHeap = a.heapBytes.extension.p50 - a.heapBytes.empty.p50;
  const overRss = a.rssBytes.extension.p50 - a.rssBytes.empty.p50;
  const sdkAfterActivate = a.extension.flatMap((r) => [...r.sdkModules, ...r.loadedFiles.filter((f) => f.startsWith('dist/') && f !== 'dist/extension.js')]);
  const rows: BudgetRow[] = [
    { name: 'empty extension: load + activate p50', value: ms(a.totalMs.empty.p50), budget: '-', ratio: 'baseline', ok: undefined },
    { name: 'load + activate p50 (over empty)', value: ms(a.totalMs.extension.p50), budget: `≤ +${budgets.ACTIVATION_MAX_MS_OVER_EMPTY} ms`, ratio: `${signedMs(overMs)} (${ratio(a.totalMs.extension.p50, a.totalMs.empty.p50)})`, ok: overMs <= budgets.ACTIVATION_MAX_MS_OVER_EMPTY },
    { name: 'CPU time of load + activate p50 (over empty)', value: ms(a.cpuMs.extension.p50), budget: `≤ +${budgets.ACTIVATION_MAX_MS_OVER_EMPTY} ms`, ratio: `${signedMs(a.cpuMs.extension.p50 - a.cpuMs.empty.p50)} (${ratio(a.cpuMs.extension.p50, a.cpuMs.empty.p50)})`, ok: a.cpuMs.extension.p50 - a.cpuMs.empty.p50 <= budgets.ACTIVATION_MAX_MS_OVER_EMPTY },
    { name: '  of which require() p50 / activate() p50', value: `${ms(a.loadMs.p50)} / ${ms(a.activateMs.p50)}`, budget: '-', ratio: '-', ok: undefined },
    { name: 'heap+external growth p50 (over empty)', value: kb(a.heapBytes.extension.p50), budget: `≤ +${kb(budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY)}`, ratio: `${signedKb(overHeap)}`, ok: overHeap <= budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY },
    { name: 'RSS growth p50 (over empty)', value: kb(a.rssBytes.extension.p50), budget: `≤ +${kb(budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY)}`, ratio: `${signedKb(overRss)}`, ok: overRss <= budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY },
    { name: 'bare Node (no built-ins preloaded) p50', value: ms(a.coldNodeTotalMs.p50), budget: '-', ratio: `${ratio(a.coldNodeTotalMs.p50, a.totalMs.empty.p50)} empty`, ok: undefined },
    { name: 'AWS SDK loaded by activate()', value: sdkAfterActivate.length === 0 ? 'no (only dist/extension.js)' : `YES: ${[...new Set(sdkAfterActivate)].join(', ')}`, budget: 'not loaded', ratio: '-', ok: sdkAfterActivate.length === 0 },
  ];
  if (a.firstCall) {
    rows.push({
      name: 'first AWS call (list Local functions)',
      value: ms(a.firstCall.ms),
      budget: 'loads SDK',
      ratio: `${a.firstCall.sdkChunksLoaded.length} SDK chunk(s) loaded, ${a.firstCall.functions} functions`,
      ok: a.firstCall.sdkChunksLoaded.length > 0,
    });
  }
  return { title: `Activation in plain Node with a vscode stand-in (${a.samples} samples each, fresh process per sample; Node built-ins the extension host has already loaded are preloaded)`, rows };
}

function hostActivationSection(h: HostActivationResult): Section {
  const overMs = h.extensionMs.p50 - h.emptyMs.p50;
  const overHeap = h.extensionHeap.p50 - h.emptyHeap.p50;
  const overRss = h.extensionRss.p50 - h.emptyRss.p50;
  return {
    title: `Activation in the real extension host (VS Code ${h.vscodeVersion} in code-server; ${h.samples} windows each, alternating)`,
    rows: [
      { name: 'empty extension: Extension.activate() p50', value: ms(h.emptyMs.p50), budget: '-', ratio: 'baseline', ok: undefined },
      { name: 'Extension.activate() p50 (over empty)', value: ms(h.extensionMs.p50), budget: `≤ +${budgets.ACTIVATION_MAX_MS_OVER_EMPTY} ms`, ratio: `${signedMs(overMs)} (${ratio(h.extensionMs.p50, h.emptyMs.p50)})`, ok: overMs <= budgets.ACTIVATION_MAX_MS_OVER_EMPTY },
      { name: 'Extension.activate() min (over empty min)', value: ms(Math.min(...h.extension.map((s) => s.activateMs))), budget: '-', ratio: signedMs(Math.min(...h.extension.map((s) => s.activateMs)) - Math.min(...h.empty.map((s) => s.activateMs))), ok: undefined },
      { name: 'heap+external growth p50 (over empty)', value: signedKb(h.extensionHeap.p50), budget: `≤ +${kb(budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY)}`, ratio: signedKb(overHeap), ok: overHeap <= budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY },
      { name: 'RSS growth p50 (over empty)', value: signedKb(h.extensionRss.p50), budget: `≤ +${kb(budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY)}`, ratio: signedKb(overRss), ok: overRss <= budgets.ACTIVATION_MAX_BYTES_OVER_EMPTY },
    ],
  };
}

function treeSection(t: TreeResult): Section {
  const base = t.bareListPageMs.p50;
  return {
    title: `Tree at scale: ${t.functions.toLocaleString('en-US')} functions in the Local Lambda, pages of ${t.pageSize} (ExplorerModel + real LambdaApi over HTTP + TreeItems)`,
    rows: [
      { name: `bare SDK ListFunctions (${t.pageSize}) p50`, value: ms(base), budget: '-', ratio: 'baseline', ok: undefined },
      { name: 'expand region → first page shown', value: ms(t.firstPageMs), budget: `≤ ${budgets.TREE_FIRST_PAGE_MAX_MS} ms`, ratio: ratio(t.firstPageMs, base), ok: t.firstPageMs <= budgets.TREE_FIRST_PAGE_MAX_MS },
      { name: 'same after Refresh p50 (client kept)', value: ms(t.firstPageAfterRefreshMs.p50), budget: `≤ ${budgets.TREE_FIRST_PAGE_MAX_MS} ms`, ratio: ratio(t.firstPageAfterRefreshMs.p50, base), ok: t.firstPageAfterRefreshMs.p50 <= budgets.TREE_FIRST_PAGE_MAX_MS },
      { name: `all loaded (${t.loadMoreClicks} × Load more)`, value: ms(t.allLoadedMs), budget: '-', ratio: `${ratio(t.allLoadedMs, base * (t.loadMoreClicks + 1))} of ${t.loadMoreClicks + 1} bare pages`, ok: undefined },
      { name: 'one Load more: mean / last (10,000 shown)', value: `${ms(t.loadMoreMeanMs)} / ${ms(t.lastLoadMoreMs)}`, budget: '-', ratio: ratio(t.loadMoreMeanMs, base), ok: undefined },
      { name: 'extension heap with all loaded', value: kb(t.heapDeltaBytes), budget: '-', ratio: `${(t.heapDeltaBytes / t.functions).toFixed(0)} B per function`, ok: undefined },
      { name: 'Local Lambda process RSS', value: t.localLambdaRssBytes ? kb(t.localLambdaRssBytes) : '?', budget: '-', ratio: '-', ok: undefined },
      { name: 'health line: GetMetricData calls (off from 500 functions)', value: t.healthLine ? String(t.healthLineCalls) : 'off', budget: '-', ratio: '-', ok: undefined },
    ],
  };
}

/** Runs the logs benchmark (bench/logs.ts) in its own process and takes the rows it wrote this run. */
function logsSection(): { section: Section; results?: unknown } {
  const file = path.join(ROOT, 'bench', 'results-logs.json');
  const title = 'Logs: Live Tail burst through the pipeline into the Logs view (bench/logs.ts)';
  const startedAt = new Date();
  const args = ['--expose-gc', '--no-warnings', path.join(__dirname, 'logs.js'), ...(quick ? ['--seconds', '2', '--events', '50000'] : [])];
  runProgram(args, false);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows?: BudgetRow[]; when?: string } & Record<string, unknown>;
  // The file must be this run's: a result left from an earlier run is never shown as this one's.
  if (!data.when || new Date(data.when) < startedAt || !Array.isArray(data.rows)) throw new Error('bench/logs.js wrote no rows this run');
  return { section: { title, rows: data.rows }, results: { ...data, rows: undefined } };
}

/** Runs the Monitor benchmark (bench/monitor.ts) on the packaged webview and takes the rows it wrote this run. */
function monitorSection(webviewDir: string): { section: Section; results?: unknown } {
  const file = path.join(ROOT, 'bench', 'results-monitor.json');
  const title = 'Monitor tab on the Local Lambda: the tab shown → its first chart painted, in headless Chromium (bench/monitor.ts)';
  const startedAt = new Date();
  runProgram(['--no-warnings', path.join(__dirname, 'monitor.js'), '--webview', webviewDir, '--samples', quick ? '3' : '7'], false);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows?: BudgetRow[]; when?: string } & Record<string, unknown>;
  if (!data.when || new Date(data.when) < startedAt || !Array.isArray(data.rows)) throw new Error('bench/monitor.js wrote no rows this run');
  return { section: { title, rows: data.rows }, results: { ...data, rows: undefined } };
}

/** Runs a bench program in its own process (under the VS Code test lock when `lock`); returns its stdout. */
function runProgram(args: string[], lock: boolean): string {
  const command = lock && fs.existsSync('/usr/bin/flock') ? '/usr/bin/flock' : process.execPath;
  const fullArgs = command === process.execPath ? args : ['/tmp/vscode-test.lock', process.execPath, ...args];
  const out = spawnSync(command, fullArgs, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${out.status ?? out.signal}):\n${out.stdout.slice(-2000)}`);
  return out.stdout;
}

const lastJsonLine = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;

async function main(): Promise<void> {
  const started = performance.now();
  const sections: Section[] = [];
  let hostRows: Section | undefined;
  const results: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() };

  let done = step('Production build and VSIX (scripts/package.js)');
  const pkg = await packaging.packageExtension();
  done();
  if (!pkg.vsix || !pkg.entries) throw new Error('packaging gave no VSIX');
  const sizes = measureSizes(pkg.staging, pkg.chunks, pkg.vsix, pkg.entries.length);
  const sizeRows = sizeSection(sizes);
  results.sizes = sizes;
  const sdkChunk = (file: string) => isSdkChunk(pkg.chunks[file]);

  let preloaded = HOST_PRELOADED_BUILTINS;
  if (skip.has('host')) {
    hostRows = { title: 'Activation in the real extension host', rows: [notRun('Extension.activate()', 'skipped (--skip host)')] };
  } else if (!fs.existsSync(paths.CODE_SERVER_BIN)) {
    hostRows = { title: 'Activation in the real extension host', rows: [notRun('Extension.activate()', 'code-server not installed: npm run setup:vscode')] };
  } else {
    done = step('Activation in the extension host (code-server, under /tmp/vscode-test.lock)');
    const outFile = path.join(os.tmpdir(), `lw-host-activation-${process.pid}.json`);
    runProgram([path.join(__dirname, 'hostActivation.js'), '--extension', pkg.staging, '--samples', quick ? '2' : '4', '--out', outFile], true);
    const host = JSON.parse(fs.readFileSync(outFile, 'utf8')) as HostActivationResult;
    fs.rmSync(outFile, { force: true });
    done();
    hostRows = hostActivationSection(host);
    results.hostActivation = host;
    if (host.builtinsBeforeActivation.length > 0) preloaded = host.builtinsBeforeActivation.filter((m) => !m.startsWith('_'));
  }

  done = step('Activation in plain Node');
  const nodeActivation = measureNodeActivation(pkg.staging, quick ? 7 : 21, preloaded, sdkChunk, paths.EXAMPLES);
  done();
  sections.push(nodeActivationSection(nodeActivation));
  if (hostRows) sections.push(hostRows);
  sections.push(sizeRows);
  results.nodeActivation = { ...nodeActivation, extension: undefined, empty: undefined };

  if (skip.has('tree')) {
    sections.push({ title: 'Tree at scale', rows: [notRun('first page', 'skipped (--skip tree)')] });
  } else {
    done = step(`Tree with ${functions} functions`);
    const tree = lastJsonLine<TreeResult>(runProgram(['--expose-gc', '--no-warnings', path.join(__dirname, 'tree.js'), '--extension', pkg.staging, '--functions', String(functions)], false));
    done();
    sections.push(treeSection(tree));
    results.tree = tree;
  }

  if (skip.has('invoke')) {
    sections.push({ title: 'Invoke', rows: [notRun('warm invoke', 'skipped (--skip invoke)')] });
  } else {
    done = step('Local invoke (bench/local.ts)');
    const local = await runLocalBench(quick ? 200 : 500, quick ? 5 : 15);
    done();
    sections.push({ title: 'Invoke on the Local Lambda (bench/local.ts)', rows: local.rows });
    results.invoke = local.results;
  }

  if (skip.has('build')) {
    sections.push({ title: 'Local build', rows: [notRun('cold build', 'skipped (--skip build)')] });
  } else {
    done = step('Local build of the TypeScript fixture (bench/build.ts)');
    const build = await runBuildBench({ edits: quick ? 5 : 10 });
    done();
    // The floor: what an invoke pays for the build check when nothing changed, measured in the same run.
    sections.push({
      title: 'Local build: test/fixtures/projects/ts-esbuild (bench/build.ts)',
      rows: [
        { name: 'cold build (npm ci + esbuild + runtime cache)', value: ms(build.coldBuildMs), budget: '-', ratio: Object.entries(build.coldSteps).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', '), ok: undefined },
        { name: 'next start, nothing changed (cache hit)', value: ms(build.cacheHitMs), budget: '-', ratio: '-', ok: undefined },
        { name: 'check before an invoke, nothing changed', value: ms(build.unchangedPrepareMs), budget: '-', ratio: 'floor', ok: undefined },
        { name: `rebuild after a one-line edit, median of ${build.edits}`, value: ms(build.rebuildMedianMs), budget: `≤ ${build.rebuildGoalMs} ms`, ratio: `${(build.rebuildMedianMs / Math.max(build.unchangedPrepareMs, 0.01)).toFixed(0)}× floor`, ok: build.rebuildMedianMs <= build.rebuildGoalMs },
        { name: 'rebuild after a one-line edit, worst', value: ms(build.rebuildMaxMs), budget: `≤ ${build.rebuildGoalMs} ms`, ratio: '-', ok: build.rebuildMaxMs <= build.rebuildGoalMs },
      ],
    });
    results.build = build;
  }

  if (skip.has('attacks')) {
    sections.push({ title: 'Local Lambda under hostile input', rows: [notRun('peak RSS', 'skipped (--skip attacks)')] });
  } else {
    done = step('Local Lambda under an unsigned upload flood and a zip bomb (bench/attacks.ts)');
    const attacks = await runAttackBench();
    done();
    sections.push({ title: 'Local Lambda under hostile input: server process RSS (bench/attacks.ts; the CLI in its own process)', rows: attacks.rows });
    results.attacks = attacks.results;
  }

  if (skip.has('logs')) {
    sections.push({ title: 'Logs', rows: [notRun('logs throughput and latency', 'skipped (--skip logs)')] });
  } else {
    done = step('Logs: a Live Tail burst into the Logs view (bench/logs.ts)');
    let logs: ReturnType<typeof logsSection>;
    try {
      logs = logsSection();
    } catch (err) {
      logs = { section: { title: 'Logs (bench/logs.ts)', rows: [{ name: 'logs throughput and latency', value: 'failed', budget: '-', ratio: (err as Error).message.split('\n')[0].slice(0, 160), ok: false }] } };
    }
    done();
    sections.push(logs.section);
    results.logs = logs.results;
  }

  if (skip.has('monitor')) {
    sections.push({ title: 'Monitor tab', rows: [notRun('tab shown → first chart painted', 'skipped (--skip monitor)')] });
  } else {
    done = step('Monitor tab: the tab shown → its first chart painted (bench/monitor.ts)');
    let monitor: ReturnType<typeof monitorSection>;
    try {
      monitor = monitorSection(path.join(pkg.staging, 'dist', 'webview'));
    } catch (err) {
      monitor = { section: { title: 'Monitor tab (bench/monitor.ts)', rows: [{ name: 'tab shown → first chart painted', value: 'failed', budget: '-', ratio: (err as Error).message.split('\n')[0].slice(0, 160), ok: false }] } };
    }
    done();
    sections.push(monitor.section);
    results.monitor = monitor.results;
  }

  if (skip.has('compare')) {
    sections.push({ title: 'Against serverless-offline and the floor', rows: [notRun('peer comparison', 'skipped (--skip compare)')] });
  } else {
    done = step('Ours against serverless-offline and a bare floor (bench/compare.ts)');
    const compare = await runComparison({ quick, log: (line) => process.stderr.write(`${line}\n`) });
    done();
    sections.push({
      title: 'Ours / serverless-offline 13.10 (serverless 3.40) / floor (node:http calling the handler in-process); same handlers, same SDK LambdaClient, interleaved rounds (bench/compare.ts)',
      rows: compare.rows,
    });
    results.compare = compare.results;
  }

  const debugTitle = 'Debug on the Local Lambda: click → stopped on the breakpoint (bench/debug.ts)';
  if (skip.has('debug')) {
    sections.push({ title: debugTitle, rows: [notRun('Debug: click → stopped', 'skipped (--skip debug)')] });
  } else if (!fs.existsSync(paths.CODE_SERVER_BIN)) {
    sections.push({ title: debugTitle, rows: [notRun('Debug: click → stopped', 'code-server not installed: npm run setup:vscode')] });
  } else {
    done = step('Debug: click → stopped in the extension host (code-server, under /tmp/vscode-test.lock)');
    const outFile = path.join(os.tmpdir(), `lw-debug-bench-${process.pid}.json`);
    try {
      runProgram([path.join(__dirname, 'debug.js'), '--extension', pkg.staging, '--samples', quick ? '3' : '5', '--out', outFile], true);
      const debug = JSON.parse(fs.readFileSync(outFile, 'utf8')) as DebugBenchResult;
      sections.push({
        title: `Debug on the Local Lambda: the Invoke tab's Debug (lambdaWorkbench.invokeFunction) → the debugger's stopped event on the breakpoint, in VS Code ${debug.vscodeVersion} (code-server); ${debug.samples} samples per runtime after one warm-up, runtimes taking turns (bench/debug.ts)`,
        rows: debugRows(debug),
      });
      results.debug = debug;
    } catch (err) {
      sections.push({ title: debugTitle, rows: [{ name: 'Debug: click → stopped', value: 'failed', budget: '-', ratio: (err as Error).message.split('\n')[0].slice(0, 160), ok: false }] });
    } finally {
      fs.rmSync(outFile, { force: true });
    }
    done();
  }

  const missed = sections.flatMap((s) => s.rows.filter((r) => r.ok === false).map((r) => `${s.title.split(' (')[0]}: ${r.name}`));
  console.log(`\nLambda Workbench benchmark — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores, load average (1, 5, 15 min) ${(results.loadavg as number[]).map((l) => l.toFixed(1)).join(' ')} at the start, ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  for (const section of sections) {
    console.log(`\n${section.title}`);
    printTable(section.rows);
  }
  console.log(`\n${missed.length === 0 ? 'All budgets met.' : `Budgets missed (${missed.length}):\n  ${missed.join('\n  ')}`}`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s; results in bench/results.json)`);
  results.sections = sections;
  results.missed = missed;
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
