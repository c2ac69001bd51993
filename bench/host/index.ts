/**
 * Extension-host entry of the activation benchmark (loaded as `extensionTestsPath`): activates the
 * extension under development once, measuring the time `Extension.activate()` takes (the host
 * loading the bundle and calling activate) and the extension host's heap/RSS growth. Writes
 * `<name>-<pid>.json` into the folder named by LW_BENCH_RESULT_DIR.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type * as vscode from 'vscode';

export interface HostSample {
  extension: string;
  vscodeVersion: string;
  alreadyActive: boolean;
  activateMs: number;
  heapDeltaBytes: number;
  rssDeltaBytes: number;
  /** Node built-in modules the host had loaded before the extension activated. */
  builtinsBeforeActivation: string[];
  error?: string;
}

/** Time for the workbench's own startup work to finish, so it does not land in the sample. */
const SETTLE_MS = 3000;

function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

function loadedBuiltins(): string[] {
  const list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  const publicNames = new Set(Module.builtinModules);
  return [...new Set(list.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)))]
    .filter((name) => publicNames.has(name))
    .sort();
}

export async function run(): Promise<void> {
  // The host provides `vscode` at run time only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscodeApi: typeof vscode = require('vscode');
  const dir = process.env.LW_BENCH_RESULT_DIR;
  if (!dir) throw new Error('LW_BENCH_RESULT_DIR is not set');
  const underDevelopment = vscodeApi.extensions.all.filter((e) => (e.packageJSON as { isUnderDevelopment?: boolean }).isUnderDevelopment);
  const name = underDevelopment.length === 1 ? String((underDevelopment[0].packageJSON as { name: string }).name) : 'unknown';
  const sample: HostSample = {
    extension: underDevelopment.map((e) => e.id).join(','),
    vscodeVersion: vscodeApi.version,
    alreadyActive: false,
    activateMs: NaN,
    heapDeltaBytes: NaN,
    rssDeltaBytes: NaN,
    builtinsBeforeActivation: [],
  };
  try {
    if (underDevelopment.length !== 1) throw new Error(`expected one extension under development, found ${underDevelopment.length}`);
    const extension = underDevelopment[0];
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    sample.alreadyActive = extension.isActive;
    if (extension.isActive) throw new Error('the extension was activated before the benchmark could measure it');
    sample.builtinsBeforeActivation = loadedBuiltins();
    const settle = exposeGc();
    settle();
    const before = process.memoryUsage();
    const t0 = performance.now();
    await extension.activate();
    sample.activateMs = performance.now() - t0;
    await new Promise((resolve) => setImmediate(resolve));
    settle();
    const after = process.memoryUsage();
    sample.heapDeltaBytes = after.heapUsed + after.external - (before.heapUsed + before.external);
    sample.rssDeltaBytes = after.rss - before.rss;
  } catch (err) {
    sample.error = err instanceof Error ? err.message : String(err);
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.json`);
  fs.writeFileSync(`${file}.partial`, JSON.stringify(sample));
  fs.renameSync(`${file}.partial`, file);
}
