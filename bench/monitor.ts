/**
 * Monitor benchmark: the time from the Monitor tab showing to its first chart painted, on the
 * Local Lambda. The real function panel page (dist/webview/function.js under the webview CSP,
 * served over loopback HTTP so the charts chunk loads as it does in VS Code) runs in headless
 * Chromium with a stand-in for the VS Code webview API; its `load` requests go to the real
 * MonitorController, which reads ListMetrics and GetMetricData from a Local Lambda in this
 * process over HTTP. Each sample is a fresh page: the charts chunk is fetched and parsed again.
 * Also reports the size of the chart code (the charts chunk: uPlot and the wrapper).
 *
 * Prints a table and writes bench/results-monitor.json.
 *
 *   npm run compile && node out/bench/monitor.js [--samples 7] [--calls 200] [--webview <dist/webview folder>]
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { localConnection } from '../src/aws/connections';
import { MetricsApi } from '../src/aws/cloudwatch';
import { LambdaApi } from '../src/aws/lambda';
import { MonitorController } from '../src/features/monitor/controller';
import type { MonitorProtocol } from '../src/features/monitor/protocol';
import { startLocalLambda } from '../src/local/server';
import type { Envelope } from '../src/shared/protocol';
import type { FunctionTarget } from '../src/shared/target';
import { webviewHtml } from '../src/workbench/panel/html';
import type { TabHost } from '../src/workbench/panel/tab';
import { validate } from '../src/workbench/panel/validate';
import { codeServerLib } from '../test/runners/repo';
import { BudgetRow, ms, printTable, summarize } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const samples = Number(argValue('--samples') ?? 7);
const calls = Number(argValue('--calls') ?? 200);
const webviewDir = path.resolve(argValue('--webview') ?? path.join(repoRoot, 'dist', 'webview'));
/** Goal: the tab showing → its first chart painted, on the Local Lambda. */
export const FIRST_CHART_GOAL_MS = 300;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

/** dist/webview on loopback, and the page VS Code would make of it (same CSP, with this origin as the webview's). */
function serve(): Promise<{ origin: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(webviewHtml({ cspSource: origin, resourceUri: (file) => `${origin}/${file}`, title: 'bench', script: 'function.js', styles: ['codicon.css', 'function.css'] }));
      return;
    }
    const file = path.join(webviewDir, path.basename(url.pathname));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() });
  }));
}

/** Runs in the page first: the VS Code webview API, posting to the bench through an exposed function. */
const PAGE_API = `(() => {
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.benchPost(JSON.stringify(m)), getState: () => state, setState: (s) => { state = s; } });
  window.benchViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.benchViolations.push(e.violatedDirective + ' ' + e.blockedURI));
})()`;

interface Sample {
  /** The tab's own figure: onShown → the frame after the first chart drew. */
  shownToPaintedMs: number;
  /** From the bench posting `init` (the panel showing the tab) to the figure appearing. */
  initToPaintedMs: number;
  loadMs: number;
  violations: string[];
  charts: number;
  /** Marks of the view (data arrived, chart code loaded, first chart drawn, painted), ms after it showed. */
  steps: Record<string, number>;
}

/**
 * One fresh page. `switch`: the panel opens on its Invoke tab, settles, then the Monitor tab is
 * clicked (the chart code loads then); `open`: the panel opens on the Monitor tab.
 */
async function sample(page: Page, origin: string, controller: MonitorController, target: FunctionTarget, mode: 'switch' | 'open'): Promise<Sample> {
  const loads: number[] = [];
  const reply = (message: Envelope) => page.evaluate((text) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(JSON.parse(text), '*'), JSON.stringify(message)).catch(() => undefined);
  let initAt: number;
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  await page.exposeFunction('benchPost', async (text: string) => {
    const m = JSON.parse(text) as Envelope;
    if (m.channel === 'frame' && m.kind === 'notify' && m.type === 'ready') ready();
    if (m.channel !== 'monitor' || m.kind !== 'request') return;
    const started = performance.now();
    try {
      const type = m.type as keyof MonitorProtocol['requests'];
      const schema = controller.protocol.requests[type]?.schema;
      const params = schema ? validate(schema as never, m.payload, type) : undefined;
      const payload = await (controller.requests[type] as (p: unknown) => unknown)(params);
      loads.push(performance.now() - started);
      await reply({ channel: 'monitor', kind: 'reply', id: m.id, payload });
    } catch (error) {
      await reply({ channel: 'monitor', kind: 'error', id: m.id, message: (error as Error).message });
    }
  });
  await page.addInitScript(PAGE_API);
  await page.goto(`${origin}/`);
  await isReady;
  initAt = performance.now();
  if (mode === 'switch') {
    await reply({ channel: 'frame', kind: 'notify', type: 'init', payload: { target, activeTab: 'invoke', tabs: ['invoke', 'monitor'] } });
    await page.locator('.tab-invoke').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    initAt = performance.now();
    await page.locator('vscode-tab-header[data-tab="monitor"]').click();
  } else {
    await reply({ channel: 'frame', kind: 'notify', type: 'init', payload: { target, activeTab: 'monitor', tabs: ['monitor'] } });
  }
  await page.locator('.tab-monitor[data-first-chart-ms]').waitFor({ timeout: 30_000 });
  const initToPaintedMs = performance.now() - initAt;
  const shownToPaintedMs = Number(await page.locator('.tab-monitor').getAttribute('data-first-chart-ms'));
  const violations = await page.evaluate(() => (globalThis as unknown as { benchViolations: string[] }).benchViolations);
  const charts = await page.locator('.monitor-chart canvas').count();
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('monitor:')).map((m) => [m.name.slice(8), m.startTime])));
  const steps = Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, v - (marks.shown ?? 0)]));
  return { shownToPaintedMs, initToPaintedMs, loadMs: loads[0] ?? NaN, violations, charts, steps };
}

async function main(): Promise<void> {
  const script = path.join(webviewDir, 'function.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: build the webview first (npm run build)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-monitor-'));
  const local = await startLocalLambda({ dir: dataDir, dataDir: path.join(dataDir, 'data'), port: 0 });
  const client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  const spec = localConnection(local.endpoint, local.region, local.credentials);
  const metrics = new MetricsApi(spec, local.region);
  const lambda = new LambdaApi(spec, local.region);
  const site = await serve();
  const browser = await codeServerLib.launchChromium();
  const target: FunctionTarget = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: local.region, functionName: 'bench-monitor' };
  const host = {
    target,
    connection: async () => ({ metrics: async () => metrics }),
    lambda: async () => lambda,
    log: { warn: (m: string) => console.warn(m) },
  } as unknown as TabHost<MonitorProtocol>;
  const controller = new MonitorController(host);
  try {
    await client.send(new CreateFunctionCommand({
      FunctionName: target.functionName, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8('export const handler = async () => "ok";\n') }) },
    }));
    for (let done = 0; done < calls; done += 4) {
      await Promise.all(Array.from({ length: Math.min(4, calls - done) }, () => client.send(new InvokeCommand({ FunctionName: target.functionName, Payload: '{}' }))));
    }
    const run = async (mode: 'switch' | 'open'): Promise<Sample[]> => {
      const out: Sample[] = [];
      // One warm-up page (Chromium's own first start), then the samples.
      for (let i = 0; i <= samples; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        try {
          const s = await sample(page, site.origin, controller, target, mode);
          if (i > 0) out.push(s);
        } finally {
          await page.close();
        }
      }
      for (const r of out) console.error(`  ${mode}: ${Object.entries(r.steps).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}; load ${r.loadMs.toFixed(0)} ms`);
      return out;
    };
    const switched = await run('switch');
    const opened = await run('open');
    const results = [...switched, ...opened];
    const shown = summarize(switched.map((r) => r.shownToPaintedMs));
    const openShown = summarize(opened.map((r) => r.shownToPaintedMs));
    const init = summarize(opened.map((r) => r.initToPaintedMs));
    const load = summarize(results.map((r) => r.loadMs));
    const violations = [...new Set(results.flatMap((r) => r.violations))];
    const chunk = path.join(webviewDir, 'charts.chunk.js');
    const chunkBytes = fs.existsSync(chunk) ? fs.statSync(chunk).size : 0;
    const chunkGzip = chunkBytes ? gzipSync(fs.readFileSync(chunk)).length : 0;
    const mainBytes = fs.statSync(script).size;
    // uPlot's class names: where the library itself landed (another view may bundle it into the panel).
    const uplotInMain = fs.readFileSync(script, 'utf8').includes('cursor-pt');
    const rows: BudgetRow[] = [
      { name: `Monitor tab clicked in an open panel → first chart painted, p50 of ${switched.length} pages`, value: ms(shown.p50), budget: `≤ ${FIRST_CHART_GOAL_MS} ms`, ratio: `max ${ms(Math.max(...switched.map((r) => r.shownToPaintedMs)))}`, ok: shown.p50 <= FIRST_CHART_GOAL_MS },
      { name: `panel opened on the Monitor tab: tab shown → first chart painted, p50 of ${opened.length}`, value: ms(openShown.p50), budget: '-', ratio: `max ${ms(Math.max(...opened.map((r) => r.shownToPaintedMs)))}`, ok: undefined },
      { name: 'panel opened on the Monitor tab: init message → first chart painted, p50', value: ms(init.p50), budget: '-', ratio: `p99 ${ms(init.p99)}`, ok: undefined },
      { name: `of which load (ListMetrics + GetMetricData, ${calls} calls in the range), p50`, value: ms(load.p50), budget: '-', ratio: '-', ok: undefined },
      { name: 'charts drawn per page', value: String(results[0]?.charts ?? 0), budget: '5', ratio: '-', ok: (results[0]?.charts ?? 0) === 5 },
      { name: 'CSP violations', value: violations.length ? violations.join(', ').slice(0, 120) : 'none', budget: 'none', ratio: '-', ok: violations.length === 0 },
      { name: `chart code: dist/webview/charts.chunk.js (${uplotInMain ? 'the wrapper; uPlot itself is in function.js' : 'uPlot and the wrapper'}, loaded on first show)`, value: `${(chunkBytes / 1024).toFixed(1)} KB`, budget: '-', ratio: `${(chunkGzip / 1024).toFixed(1)} KB gzipped`, ok: undefined },
      { name: `dist/webview/function.js (the panel${uplotInMain ? ', with uPlot' : ', without the chart code'})`, value: `${(mainBytes / 1024).toFixed(1)} KB`, budget: '-', ratio: '-', ok: undefined },
    ];
    console.log(`Monitor benchmark: Node ${process.version}, ${os.cpus().length} cores, headless Chromium, webview from ${webviewDir}`);
    printTable(rows);
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results-monitor.json'), `${JSON.stringify({
      when: new Date().toISOString(), node: process.version, cores: os.cpus().length, samples: results.length, calls, rows,
      switchShownToPaintedMs: switched.map((r) => r.shownToPaintedMs), openShownToPaintedMs: opened.map((r) => r.shownToPaintedMs),
      openInitToPaintedMs: opened.map((r) => r.initToPaintedMs), loadMs: results.map((r) => r.loadMs), steps: results.map((r) => r.steps),
      chartsChunkBytes: chunkBytes, chartsChunkGzipBytes: chunkGzip, functionJsBytes: mainBytes,
    }, null, 2)}\n`);
  } finally {
    controller.dispose();
    await browser.close();
    site.close();
    metrics.dispose();
    lambda.dispose();
    client.destroy();
    await local.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
