/**
 * One activation sample in a fresh Node process (run with --expose-gc):
 *   node --expose-gc out/bench/activationProbe.js <extension folder> [--preload a,b] [--first-call <workspace>]
 * --preload names Node built-ins to load first: those VS Code's extension host has loaded before
 * any extension activates, so they are not charged to the extension. Loads <folder>/package.json's main with the `vscode` stand-in, runs activate(), and prints one
 * JSON line: time to load and activate, heap/RSS growth, which bundle files were loaded, and
 * whether any AWS SDK code is in the require cache. With --first-call it then expands the Local
 * Lambda connection and region through the returned API (the first AWS call) and reports what
 * that loaded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStandIn, installStandIn, standInExtensionContext } from './vscodeStandIn';

export interface ProbeResult {
  loadMs: number;
  activateMs: number;
  totalMs: number;
  /** CPU time (user + system) of load + activate: less sensitive than wall time to a busy machine. */
  cpuMs: number;
  heapDeltaBytes: number;
  rssDeltaBytes: number;
  /** Bundle files (relative to the extension folder) in the require cache after activate. */
  loadedFiles: string[];
  /** Require-cache entries of the AWS SDK or Smithy (unbundled) after activate. */
  sdkModules: string[];
  commands: number;
  otherRegistrations: number;
  asyncErrors: string[];
  firstCall?: { functions: number; ms: number; loadedFiles: string[] };
}

const gc = (globalThis as { gc?: () => void }).gc;

function settle(): void {
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

const sdkPattern = /[\\/]node_modules[\\/](@aws-sdk|@smithy|@aws-crypto)[\\/]/;

function loadedFrom(folder: string): string[] {
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(folder + path.sep))
    .map((file) => path.relative(folder, file))
    .sort();
}

async function main(): Promise<void> {
  const folder = path.resolve(process.argv[2]);
  const firstCallIndex = process.argv.indexOf('--first-call');
  const workspace = firstCallIndex > 0 ? path.resolve(process.argv[firstCallIndex + 1]) : undefined;
  const preloadIndex = process.argv.indexOf('--preload');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const name of preloadIndex > 0 ? process.argv[preloadIndex + 1].split(',').filter(Boolean) : []) require(name);
  const manifest = path.join(folder, 'package.json');
  const main = path.join(folder, (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { main: string }).main);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-activation-'));
  const asyncErrors: string[] = [];
  process.on('unhandledRejection', (err) => asyncErrors.push(String(err instanceof Error ? err.message : err)));

  const standIn = createStandIn({ manifest, workspaceFolder: workspace ?? storage });
  installStandIn(standIn);
  const context = standInExtensionContext(folder, storage);

  settle();
  const before = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(main) as { activate(ctx: unknown): unknown };
  const t1 = performance.now();
  const api = await extension.activate(context);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  // Let work that activate() scheduled but did not await run, so it is counted too.
  await new Promise((resolve) => setImmediate(resolve));
  settle();
  const after = process.memoryUsage();

  const result: ProbeResult = {
    loadMs: t1 - t0,
    activateMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapDeltaBytes: after.heapUsed + after.external - (before.heapUsed + before.external),
    rssDeltaBytes: after.rss - before.rss,
    loadedFiles: loadedFrom(folder),
    sdkModules: Object.keys(require.cache).filter((f) => sdkPattern.test(f)),
    commands: standIn.registered.commands.length,
    otherRegistrations: standIn.registered.other,
    asyncErrors,
  };

  if (workspace && api) {
    result.firstCall = await firstAwsCall(api as FirstCallApi, folder);
  }
  for (const d of (context.subscriptions as { dispose(): unknown }[]).reverse()) {
    try {
      await d.dispose();
    } catch {
      /* disposing is best effort here */
    }
  }
  try {
    fs.rmSync(storage, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // The Local Lambda may still be writing its state while it exits; the folder is in the OS temp dir.
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

interface Node {
  label?: string;
  kind?: string;
}
interface FirstCallApi {
  explorer: { getChildren(node?: Node): Promise<Node[]> };
  localEndpoint(): Promise<unknown>;
}

/** Starts the Local Lambda, then lists its functions: the first call that needs the SDK. */
async function firstAwsCall(api: FirstCallApi, folder: string): Promise<ProbeResult['firstCall']> {
  await api.localEndpoint();
  const roots = await api.explorer.getChildren();
  const local = roots.find((n) => n.kind === 'connection' && n.label === 'Local Lambda');
  if (!local) throw new Error('no Local Lambda connection in the tree');
  const t0 = performance.now();
  const [region] = await api.explorer.getChildren(local);
  const functions = await api.explorer.getChildren(region);
  const ms = performance.now() - t0;
  const errors = functions.filter((n) => n.kind === 'error');
  if (errors.length > 0) throw new Error(`listing functions failed: ${errors.map((e) => e.label).join('; ')}`);
  return { functions: functions.filter((n) => n.kind === 'function').length, ms, loadedFiles: loadedFrom(folder) };
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
