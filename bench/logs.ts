/**
 * Logs benchmark: a burst of log events through the extension's pipeline (Live Tail session →
 * TailSession → rows → bounded buffer → batched view messages) and, when the webview is built
 * (dist/webview), into the real Logs view in headless Chromium, where they are rendered.
 *
 *  1. live: events written to a Local Lambda log group at --rate events/s for --seconds, tailed
 *     with StartLiveTail; reports events delivered, latency write → view message → painted,
 *     the rate the view rendered at, the view's long tasks, and the extension side's memory.
 *  2. pipeline: --events events pushed as fast as possible through the same pipeline from an
 *     in-memory source (no network), to show the ceiling of the extension side.
 *
 * Prints a table and writes bench/results-logs.json.
 *
 *   npm run bench:logs [-- --rate 5000 --seconds 5 --events 200000]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Page } from 'playwright-core';
import { localConnection } from '../src/aws/connections';
import { LogsApi, type FilterResult, type LiveTailFrame, type LogGroupSummary } from '../src/aws/logs';
import { LogFeed, type FeedMessage } from '../src/features/logs/logFeed';
import type { TailSource } from '../src/features/logs/tailSession';
import { startLocalLambda } from '../src/local/server';
import { codeServerLib } from '../test/runners/repo';
import { BudgetRow, ms, printTable, summarize } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const rate = Number(argValue('--rate') ?? 5000);
const seconds = Number(argValue('--seconds') ?? 5);
const pipelineEvents = Number(argValue('--events') ?? 200_000);
const CAPACITY = 10_000;
const GROUP = '/bench/burst';
const STREAM = '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef';

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sleep = (msValue: number) => new Promise((r) => setTimeout(r, msValue));

/** Heap in use after a full collection when node runs with --expose-gc (npm run bench:logs does). */
function settledHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** A realistic mix: plain lines, Node.js text format with a level, and Powertools-style JSON. */
function message(seq: number, sentAt: number): string {
  switch (seq % 4) {
    case 0:
      return `${new Date(sentAt).toISOString()}\t3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f\tINFO\tbench ${seq} sent=${sentAt.toFixed(3)}`;
    case 1:
      return JSON.stringify({ level: 'WARN', message: `bench ${seq} sent=${sentAt.toFixed(3)}`, service: 'bench', cold_start: false, function_request_id: '3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f' });
    case 2:
      return `bench ${seq} sent=${sentAt.toFixed(3)} a plain line with some more text to be realistic`;
    default:
      return `${new Date(sentAt).toISOString()}\t3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f\tERROR\tbench ${seq} sent=${sentAt.toFixed(3)} failed`;
  }
}
const SENT = /sent=(\d+\.\d+)/;

interface ViewStats {
  appends: { arrived: number; painted: number; rows: number; sent: number[] }[];
  longTasks: number[];
}
interface PageGlobal {
  postMessage(message: unknown, origin: string): void;
  benchStats: ViewStats;
}

/**
 * Runs in the page before the view: a stand-in for the VS Code webview API, and probes that
 * note when each append arrives and when the frame after the view rendered it is painted.
 */
const PAGE_PROBE = `(() => {
  window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });
  const stats = { appends: [], longTasks: [] };
  window.benchStats = stats;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => stats.longTasks.push(e.duration))).observe({ entryTypes: ['longtask'] });
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'append' || !m.payload || !m.payload.rows) return;
    const arrived = performance.timeOrigin + performance.now();
    const sent = m.payload.rows.map((r) => Number((/sent=(\\d+\\.\\d+)/.exec(r.raw || r.text) || [])[1]));
    const entry = { arrived, painted: 0, rows: sent.length, sent };
    stats.appends.push(entry);
    requestAnimationFrame(() => requestAnimationFrame(() => { entry.painted = performance.timeOrigin + performance.now(); }));
  });
})()`;

/** The Logs view (dist/webview/function.js) in headless Chromium, fed like the panel feeds it. */
interface ViewHarness {
  page: Page;
  post(message: FeedMessage): void;
  flushed(): Promise<void>;
  close(): Promise<void>;
}

async function openView(): Promise<ViewHarness | undefined> {
  const script = path.join(repoRoot, 'dist', 'webview', 'function.js');
  if (!fs.existsSync(script)) return undefined;
  const browser = await codeServerLib.launchChromium();
  try {
    return await openViewIn(browser, script);
  } catch (error) {
    await browser.close(); // a browser left open would keep the bench from ending
    throw error;
  }
}

async function openViewIn(browser: Awaited<ReturnType<typeof codeServerLib.launchChromium>>, script: string): Promise<ViewHarness> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.setContent('<!DOCTYPE html><html><head></head><body><div id="app"></div></body></html>');
  await page.evaluate(PAGE_PROBE);
  const css = path.join(repoRoot, 'dist', 'webview', 'function.css');
  if (fs.existsSync(css)) await page.addStyleTag({ path: css });
  await page.addScriptTag({ path: script });
  const target = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'bench' };
  await page.evaluate((m) => (globalThis as unknown as PageGlobal).postMessage(m, '*'), { channel: 'frame', kind: 'notify', type: 'init', payload: { target, activeTab: 'logs', tabs: ['logs'] } });
  await page.locator('.logs-viewport').waitFor();
  let chain: Promise<unknown> = Promise.resolve();
  return {
    page,
    post(message) {
      const envelope = { channel: 'logs', kind: 'notify', type: message.type, payload: message.payload };
      // As one JSON string: much cheaper for the test driver to carry than a structured object.
      const json = JSON.stringify(envelope);
      chain = chain.then(() => page.evaluate((text) => (globalThis as unknown as PageGlobal).postMessage(JSON.parse(text), '*'), json)).catch(() => undefined);
    },
    flushed: () => chain.then(() => undefined),
    close: () => browser.close(),
  };
}

interface PipelineStats {
  received: number[];
  /** Event numbers seen, and how many arrived more than once. */
  seen: Set<number>;
  duplicates: number;
  /** Live Tail said at least once that it sampled. */
  sampled: boolean;
  messages: number;
  bytes: number;
}

/** Collects what the feed sends (serialized as postMessage would) and forwards it to the view. */
function collector(view: ViewHarness | undefined): { stats: PipelineStats; send(m: FeedMessage): void } {
  const stats: PipelineStats = { received: [], seen: new Set(), duplicates: 0, sampled: false, messages: 0, bytes: 0 };
  return {
    stats,
    send(m) {
      stats.messages++;
      stats.bytes += JSON.stringify(m).length;
      if (m.type === 'state' && m.payload.sampled) stats.sampled = true;
      if (m.type === 'append') {
        const now = performance.timeOrigin + performance.now();
        for (const row of m.payload.rows) {
          const text = row.raw ?? row.text;
          const sent = Number(SENT.exec(text)?.[1] ?? NaN);
          if (Number.isFinite(sent)) stats.received.push(now - sent);
          const n = Number(/bench (\d+)/.exec(text)?.[1] ?? NaN);
          if (stats.seen.has(n)) stats.duplicates++;
          else stats.seen.add(n);
        }
      }
      view?.post(m);
    },
  };
}

async function liveBench(view: ViewHarness | undefined) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-logs-'));
  const local = await startLocalLambda({ dir: dataDir, dataDir: path.join(dataDir, 'data'), port: 0 });
  const logs = new CloudWatchLogsClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  const api = new LogsApi(localConnection(local.endpoint, local.region, local.credentials), local.region);
  const out = collector(view);
  const heapBefore = settledHeap();
  const feed = new LogFeed({ source: api, logGroup: GROUP, title: GROUP, subtitle: 'bench', capacity: CAPACITY, send: out.send, canSend: () => true });
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    feed.start({ filterPattern: '', streamPrefix: '' });
    for (let i = 0; i < 200 && feed.state().mode !== 'live'; i++) await sleep(25);
    if (feed.state().mode !== 'live') throw new Error(`the tail did not go live: ${feed.state().mode} ${feed.state().detail ?? ''}`);

    const total = Math.round(rate * seconds);
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    const started = performance.now();
    let seq = 0;
    while (seq < total) {
      const due = started + (seq / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const sentAt = performance.timeOrigin + performance.now();
      const batch = Array.from({ length: Math.min(perTick, total - seq) }, () => ({ timestamp: Math.floor(sentAt), message: message(seq++, sentAt) }));
      await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents: batch }));
    }
    const writeSeconds = (performance.now() - started) / 1000;
    for (let i = 0; i < 400 && out.stats.seen.size < total; i++) await sleep(25);
    feed.flush();
    await view?.flushed();
    await sleep(300);
    const heapAfter = settledHeap();
    const viewStats = view ? await view.page.evaluate(() => (globalThis as unknown as PageGlobal).benchStats) : undefined;
    const lines = view ? Number(/^([\d,]+) line/.exec((await view.page.locator('.logs-counts').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN) : undefined;
    return { total, writeSeconds, out: out.stats, state: feed.state(), heapBytes: heapAfter - heapBefore, rss: process.memoryUsage().rss, viewStats, lines };
  } finally {
    await feed.dispose();
    api.dispose();
    logs.destroy();
    await local.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** An in-memory Live Tail that delivers pre-made batches as fast as they are read. */
function burstSource(events: number, batch: number): TailSource {
  return {
    async findLogGroup(name: string): Promise<LogGroupSummary> {
      return { name, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}` };
    },
    async filterLogEvents(): Promise<FilterResult> {
      return { events: [], truncated: false };
    },
    async startLiveTail(): Promise<AsyncIterable<LiveTailFrame>> {
      return (async function* () {
        yield { kind: 'start' as const };
        for (let seq = 0; seq < events;) {
          const sentAt = performance.timeOrigin + performance.now();
          const n = Math.min(batch, events - seq);
          const ingestion = Date.now();
          yield { kind: 'update' as const, sampled: false, events: Array.from({ length: n }, () => ({ logStreamName: STREAM, timestamp: Math.floor(sentAt), ingestionTime: ingestion, message: message(seq++, sentAt) })) };
          await new Promise((r) => setImmediate(r));
        }
        await new Promise(() => undefined); // the session stays open
      })();
    },
  };
}

async function pipelineBench() {
  const out = collector(undefined);
  const feed = new LogFeed({ source: burstSource(pipelineEvents, 500), logGroup: GROUP, title: GROUP, subtitle: 'bench', capacity: CAPACITY, send: out.send, canSend: () => true });
  const started = performance.now();
  feed.start();
  // Every event got a row (seq) in the buffer; rows pushed out of the buffer before a batch went are not sent (by design).
  const lastSeq = () => feed.allRows().at(-1)?.seq ?? 0;
  for (let i = 0; i < 6000 && lastSeq() < pipelineEvents; i++) await sleep(5);
  const elapsed = (performance.now() - started) / 1000;
  const processed = lastSeq();
  feed.flush();
  await feed.dispose();
  return { events: processed, seconds: elapsed, messages: out.stats.messages, sentToView: out.stats.seen.size, latency: summarize(out.stats.received) };
}

async function main(): Promise<void> {
  const view = await openView().catch((error: Error) => {
    console.warn(`(the webview part is skipped: ${error.message})`);
    return undefined;
  });
  try {
    const live = await liveBench(view);
    const pipeline = await pipelineBench();
    const toView = summarize(live.out.received);
    const delivered = live.out.seen.size;
    const rows: BudgetRow[] = [
      { name: `live: events written (${rate}/s for ${seconds} s)`, value: `${live.total} in ${live.writeSeconds.toFixed(2)} s`, budget: '-', ratio: '-', ok: undefined },
      { name: 'live: events delivered to the view', value: `${delivered}, ${live.out.duplicates} twice${live.out.sampled ? ' (Live Tail sampled; the rest read back)' : ''}`, budget: `${live.total}, 0 twice`, ratio: '-', ok: delivered === live.total && live.out.duplicates === 0 },
      { name: 'live: latency write → view message p50', value: ms(toView.p50), budget: '≤ 1000 ms', ratio: '-', ok: toView.p50 <= 1000 },
      // When Live Tail samples, the events it left out come through the catch-up read a second later.
      { name: `live: latency write → view message p99${live.out.sampled ? ' (incl. read back)' : ''}`, value: ms(toView.p99), budget: live.out.sampled ? '-' : '≤ 1000 ms', ratio: '-', ok: live.out.sampled ? undefined : toView.p99 <= 1000 },
      { name: 'live: view messages', value: `${live.out.messages} (${(live.out.bytes / 1024 / 1024).toFixed(1)} MB)`, budget: `≤ ${Math.ceil((live.writeSeconds * 1000) / 75) + 20}`, ratio: '-', ok: live.out.messages <= Math.ceil((live.writeSeconds * 1000) / 75) + 20 },
    ];
    let painted: ReturnType<typeof summarize> | undefined;
    let renderedPerSecond: number | undefined;
    let arrivedToPainted: ReturnType<typeof summarize> | undefined;
    let renderCapacity = 0;
    if (live.viewStats) {
      const appends = live.viewStats.appends.filter((a) => a.painted > 0);
      painted = summarize(appends.flatMap((a) => a.sent.filter(Number.isFinite).map((s) => a.painted - s)));
      arrivedToPainted = summarize(appends.map((a) => a.painted - a.arrived));
      const busy = appends.reduce((t, a) => t + (a.painted - a.arrived), 0) / 1000;
      renderCapacity = busy > 0 ? appends.reduce((n, a) => n + a.rows, 0) / busy : 0;
      const first = appends[0];
      const last = appends[appends.length - 1];
      const rowsPainted = appends.reduce((n, a) => n + a.rows, 0);
      renderedPerSecond = first && last && last.painted > first.arrived ? rowsPainted / ((last.painted - first.arrived) / 1000) : undefined;
      const longest = Math.max(0, ...live.viewStats.longTasks);
      rows.push(
        { name: 'view: rows rendered per second (first arrival → last paint)', value: renderedPerSecond ? renderedPerSecond.toFixed(0) : '-', budget: `input ${rate}/s`, ratio: '-', ok: undefined },
        { name: 'view: latency write → painted p50', value: ms(painted.p50), budget: '≤ 1000 ms', ratio: '-', ok: painted.p50 <= 1000 },
        { name: 'view: latency write → painted p99', value: ms(painted.p99), budget: '-', ratio: '-', ok: undefined },
        { name: 'view: render capacity (rows / time arrived → painted)', value: `${renderCapacity.toFixed(0)} rows/s`, budget: '≥ 5000 rows/s', ratio: '-', ok: renderCapacity >= 5000 },
        { name: 'view: message arrived → painted p50 / p99', value: `${ms(arrivedToPainted.p50)} / ${ms(arrivedToPainted.p99)}`, budget: '-', ratio: '-', ok: undefined },
        { name: 'view: long tasks (> 50 ms), longest', value: `${live.viewStats.longTasks.length}, ${ms(longest)}`, budget: 'longest ≤ 200 ms', ratio: '-', ok: longest <= 200 },
        { name: 'view: lines kept (buffer)', value: `${live.lines}`, budget: `${Math.min(CAPACITY, live.total)}`, ratio: '-', ok: live.lines === Math.min(CAPACITY, live.total) },
      );
    }
    rows.push(
      { name: 'extension heap retained by a full buffer', value: `${(live.heapBytes / 1024 / 1024).toFixed(1)} MB`, budget: '≤ 50 MB', ratio: '-', ok: live.heapBytes <= 50 * 1024 * 1024 },
      { name: 'extension side rss', value: `${(live.rss / 1024 / 1024).toFixed(0)} MB`, budget: '-', ratio: '-', ok: undefined },
      { name: `pipeline: ${pipeline.events} events, no network`, value: `${(pipeline.events / pipeline.seconds).toFixed(0)} events/s`, budget: '≥ 5000 events/s', ratio: '-', ok: pipeline.events / pipeline.seconds >= 5000 },
      { name: 'pipeline: view messages, rows in them', value: `${pipeline.messages}, ${pipeline.sentToView}`, budget: '-', ratio: '-', ok: undefined },
    );
    console.log(`Logs benchmark: Node ${process.version}, ${os.cpus().length} cores${view ? ', view in headless Chromium' : ', no view (build the webview with npm run build)'}`);
    printTable(rows);
    const results = {
      when: new Date().toISOString(), node: process.version, cores: os.cpus().length, rate, seconds, capacity: CAPACITY, rows,
      live: {
        sampled: live.out.sampled,
        written: live.total, writeSeconds: live.writeSeconds, delivered, duplicates: live.out.duplicates, messages: live.out.messages, messageBytes: live.out.bytes,
        latencyToViewMessageMs: toView, latencyToPaintMs: painted, arrivedToPaintedMs: arrivedToPainted, renderCapacityRowsPerSecond: renderCapacity, renderedPerSecond,
        longTasksMs: live.viewStats?.longTasks, linesKept: live.lines, dropped: live.state.dropped, mode: live.state.mode,
        heapGrowthBytes: live.heapBytes, rssBytes: live.rss,
      },
      pipeline: { events: pipeline.events, seconds: pipeline.seconds, eventsPerSecond: pipeline.events / pipeline.seconds, messages: pipeline.messages, rowsSent: pipeline.sentToView, latencyMs: pipeline.latency },
    };
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results-logs.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await view?.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
