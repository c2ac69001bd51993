/**
 * The tree at scale: N functions in a Local Lambda (the packaged dist/local.js, started by the
 * extension's own LocalLambdaHost), listed through ExplorerModel with the real LambdaApi over
 * HTTP and rendered into TreeItems by ExplorerProvider (with the `vscode` stand-in).
 *
 *   node --expose-gc out/bench/tree.js --extension <folder with dist/local.js> [--functions 10000] [--no-health-line]
 * The model has the health line on, as the extension's defaults have it (off once a connection
 * lists 500 functions); --no-health-line runs it without, for comparison.
 * Prints one JSON line (TreeResult).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStandIn, installStandIn } from './vscodeStandIn';
import { summarize } from './stats';

// Imported after the stand-in is installed (ExplorerProvider imports `vscode`).
installStandIn(createStandIn());
/* eslint-disable @typescript-eslint/no-require-imports */
const { ExplorerModel } = require('../src/features/explorer/model') as typeof import('../src/features/explorer/model');
const { ExplorerProvider } = require('../src/features/explorer/provider') as typeof import('../src/features/explorer/provider');
const { LoadMoreNode } = require('../src/features/explorer/nodes') as typeof import('../src/features/explorer/nodes');
const { LocalLambdaHost } = require('../src/workbench/localLambda/host') as typeof import('../src/workbench/localLambda/host');
const { localDataDir } = require('../src/workbench/localLambda/process') as typeof import('../src/workbench/localLambda/process');
const { LambdaStore, STATE_FILE } = require('../src/local/lambda/store') as typeof import('../src/local/lambda/store');
const { silentLogger } = require('../src/shared/logger') as typeof import('../src/shared/logger');
const { Connections } = require('../src/workbench/connections') as typeof import('../src/workbench/connections');
/* eslint-enable @typescript-eslint/no-require-imports */
import type { ExplorerNode } from '../src/features/explorer/nodes';
import type { StateFile } from '../src/local/lambda/model';

export interface TreeResult {
  functions: number;
  pageSize: number;
  /** ListFunctions of one page with a bare SDK client over the same HTTP endpoint (baseline). */
  bareListPageMs: ReturnType<typeof summarize>;
  /** Expand of the region node on a fresh connection: first page of nodes and their TreeItems. */
  firstPageMs: number;
  /** The same after Refresh (connection and SDK client kept). */
  firstPageAfterRefreshMs: ReturnType<typeof summarize>;
  /** Load more until every function is shown, re-rendering the region each time as VS Code does. */
  allLoadedMs: number;
  loadMoreClicks: number;
  /** Mean time of one Load more (fetch + re-render of everything shown). */
  loadMoreMeanMs: number;
  lastLoadMoreMs: number;
  shown: number;
  heapDeltaBytes: number;
  localLambdaRssBytes?: number;
  seedMs: number;
  /** The health line was on (until the connection counted as large). */
  healthLine: boolean;
  /** GetMetricData calls the health line made while everything loaded. */
  healthLineCalls: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const pageSize = 50;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Writes N functions into the Local Lambda's state file: one made by its own store, cloned. */
function seed(dataDir: string, codeDir: string, count: number): void {
  fs.mkdirSync(codeDir, { recursive: true });
  fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export const handler = async (event) => ({ ok: true, event });\n');
  const store = new LambdaStore(dataDir);
  store.create('fn-00000', 'upload', {
    runtime: 'nodejs20.x', handler: 'index.handler', role: 'arn:aws:iam::123456789012:role/bench', memorySize: 128, timeout: 3,
    ephemeralStorage: 512, description: '', environment: {}, architectures: ['x86_64'], layers: [],
  }, LambdaStore.liveCode(codeDir));
  const file = path.join(dataDir, STATE_FILE);
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
  const template = JSON.stringify(state.functions['fn-00000']);
  for (let i = 1; i < count; i++) {
    const name = `fn-${String(i).padStart(5, '0')}`;
    state.functions[name] = { ...(JSON.parse(template) as StateFile['functions'][string]), name };
  }
  fs.writeFileSync(file, JSON.stringify(state));
}

function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const extensionPath = path.resolve(argValue('--extension') ?? path.join(__dirname, '..', '..'));
  const count = Number(argValue('--functions') ?? 10_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-tree-bench-'));
  const folder = path.join(tmp, 'workspace');
  const storagePath = path.join(tmp, 'storage');
  fs.mkdirSync(folder, { recursive: true });

  const t0 = performance.now();
  seed(localDataDir(storagePath, folder), path.join(tmp, 'code'), count);
  const seedMs = performance.now() - t0;

  const local = new LocalLambdaHost({ extensionPath, storagePath, resolveFolder: () => folder, log: silentLogger });
  const settings = () => ({ regions: ['us-east-1'], customEndpoints: [], localEnabled: true });
  try {
    const info = await local.ensureStarted();

    // Baseline: one page straight from the SDK, over the same endpoint.
    const { LambdaClient, ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
    const client = new LambdaClient({ endpoint: info.endpoint, region: info.region, credentials: info.credentials });
    const bare: number[] = [];
    for (let i = 0; i < 12; i++) {
      const s = performance.now();
      const out = await client.send(new ListFunctionsCommand({ MaxItems: pageSize }));
      if (i >= 2) bare.push(performance.now() - s);
      if ((out.Functions ?? []).length !== pageSize) throw new Error(`expected a page of ${pageSize} functions, got ${out.Functions?.length}`);
    }
    client.destroy();

    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const connections = new Connections({ settings, listProfiles: async () => [], local });
    const healthLine = !process.argv.includes('--no-health-line');
    let healthLineCalls = 0;
    const model = new ExplorerModel({
      connections, pageSize: () => pageSize, log: silentLogger,
      health: healthLine ? { enabled: () => true, largeConnections: () => [], largeThreshold: () => 500 } : undefined,
      healthMetrics: (id, region) => {
        const metrics = connections.scope(id)?.metrics(region);
        return metrics?.then((api) => ({
          getMetricData: (queries, start, end) => {
            healthLineCalls++;
            return api.getMetricData(queries, start, end);
          },
        }));
      },
    });
    const provider = new ExplorerProvider(model);
    const render = (nodes: ExplorerNode[]) => nodes.map((n) => provider.getTreeItem(n));

    const roots = await model.getChildren();
    const connection = roots.find((n) => n.kind === 'connection' && n.label === 'Local Lambda');
    if (!connection) throw new Error('no Local Lambda connection node');
    const [region] = await model.getChildren(connection);

    let s = performance.now();
    let children = await model.getChildren(region);
    render(children);
    const firstPageMs = performance.now() - s;
    if (children.filter((n) => n.kind === 'function').length !== pageSize) throw new Error(`first page shows ${children.length} nodes: ${children.map((n) => n.label).slice(0, 3).join(', ')}`);

    const clicks: number[] = [];
    const allStart = performance.now();
    for (let guard = 0; guard < count / pageSize + 5; guard++) {
      const last = children[children.length - 1];
      if (!(last instanceof LoadMoreNode)) break;
      s = performance.now();
      await model.loadMore(last);
      children = await model.getChildren(region);
      render(children);
      clicks.push(performance.now() - s);
    }
    const allLoadedMs = performance.now() - allStart + firstPageMs;
    const shown = children.filter((n) => n.kind === 'function').length;
    if (shown !== count) throw new Error(`after Load more the tree shows ${shown} of ${count} functions`);
    gc();
    gc();
    const heapDeltaBytes = process.memoryUsage().heapUsed - heapBefore;

    const refreshed: number[] = [];
    for (let i = 0; i < 7; i++) {
      model.refresh(region);
      s = performance.now();
      render(await model.getChildren(region));
      refreshed.push(performance.now() - s);
    }

    const result: TreeResult = {
      functions: count,
      pageSize,
      bareListPageMs: summarize(bare),
      firstPageMs,
      firstPageAfterRefreshMs: summarize(refreshed),
      allLoadedMs,
      loadMoreClicks: clicks.length,
      loadMoreMeanMs: clicks.reduce((a, b) => a + b, 0) / (clicks.length || 1),
      lastLoadMoreMs: clicks[clicks.length - 1] ?? 0,
      shown,
      heapDeltaBytes,
      localLambdaRssBytes: rssOf((local as unknown as { process?: { child?: { pid?: number } } }).process?.child?.pid),
      seedMs,
      healthLine,
      healthLineCalls,
    };
    model.dispose();
    connections.dispose();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await local.stop().catch(() => undefined);
    local.dispose();
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
