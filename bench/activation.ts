/**
 * Activation in plain Node: each sample is a fresh `node --expose-gc` process running
 * activationProbe on either the packaged extension or an empty extension bundle (the baseline),
 * alternating. A last run makes the first AWS call to show when the SDK loads.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProbeResult } from './activationProbe';
import { summarize } from './stats';

/**
 * Node built-ins VS Code's extension host (1.100) has loaded before any extension activates,
 * as recorded by bench/host; used when the host run did not happen.
 */
export const HOST_PRELOADED_BUILTINS = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'crypto', 'dgram', 'diagnostics_channel', 'dns',
  'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'querystring',
  'stream', 'stream/promises', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'util', 'util/types', 'v8', 'vm',
  'worker_threads', 'zlib',
];

export interface NodeActivationResult {
  samples: number;
  preloaded: string[];
  extension: ProbeResult[];
  empty: ProbeResult[];
  totalMs: { extension: ReturnType<typeof summarize>; empty: ReturnType<typeof summarize> };
  cpuMs: { extension: ReturnType<typeof summarize>; empty: ReturnType<typeof summarize> };
  loadMs: ReturnType<typeof summarize>;
  activateMs: ReturnType<typeof summarize>;
  heapBytes: { extension: ReturnType<typeof summarize>; empty: ReturnType<typeof summarize> };
  rssBytes: { extension: ReturnType<typeof summarize>; empty: ReturnType<typeof summarize> };
  /** Without preloading, as in a bare Node process (built-ins charged to the extension). */
  coldNodeTotalMs: ReturnType<typeof summarize>;
  firstCall?: ProbeResult['firstCall'] & { sdkChunksLoaded: string[] };
}

const probe = path.join(__dirname, 'activationProbe.js');

function runProbe(folder: string, extra: string[] = []): ProbeResult {
  const out = spawnSync(process.execPath, ['--expose-gc', '--no-warnings', probe, folder, ...extra], { encoding: 'utf8', timeout: 60_000 });
  if (out.status !== 0) throw new Error(`activation probe on ${folder} failed (exit ${out.status ?? out.signal}):\n${out.stderr}`);
  const line = out.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ProbeResult;
}

/** The empty extension: a bundle whose activate does nothing. */
function writeEmptyExtension(dir: string): string {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'empty', main: './dist/extension.js' }));
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n");
  return dir;
}

/**
 * @param extensionPath folder laid out as the installed extension (package.json + dist/)
 * @param isSdkChunk tells which dist files are AWS SDK chunks
 */
export function measureNodeActivation(
  extensionPath: string, samples: number, preloaded: string[], isSdkChunk: (distFile: string) => boolean, workspace?: string,
): NodeActivationResult {
  const emptyDir = writeEmptyExtension(fs.mkdtempSync(path.join(os.tmpdir(), 'lw-empty-ext-')));
  const preload = ['--preload', preloaded.join(',')];
  const extension: ProbeResult[] = [];
  const empty: ProbeResult[] = [];
  const cold: ProbeResult[] = [];
  try {
    runProbe(extensionPath, preload); // warms the file system cache; not counted
    for (let i = 0; i < samples; i++) {
      if (i % 2 === 0) {
        empty.push(runProbe(emptyDir, preload));
        extension.push(runProbe(extensionPath, preload));
      } else {
        extension.push(runProbe(extensionPath, preload));
        empty.push(runProbe(emptyDir, preload));
      }
      if (i < 5) cold.push(runProbe(extensionPath));
    }
  } finally {
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
  const result: NodeActivationResult = {
    samples,
    preloaded,
    extension,
    empty,
    totalMs: { extension: summarize(extension.map((r) => r.totalMs)), empty: summarize(empty.map((r) => r.totalMs)) },
    cpuMs: { extension: summarize(extension.map((r) => r.cpuMs)), empty: summarize(empty.map((r) => r.cpuMs)) },
    loadMs: summarize(extension.map((r) => r.loadMs)),
    activateMs: summarize(extension.map((r) => r.activateMs)),
    heapBytes: { extension: summarize(extension.map((r) => r.heapDeltaBytes)), empty: summarize(empty.map((r) => r.heapDeltaBytes)) },
    rssBytes: { extension: summarize(extension.map((r) => r.rssDeltaBytes)), empty: summarize(empty.map((r) => r.rssDeltaBytes)) },
    coldNodeTotalMs: summarize(cold.map((r) => r.totalMs)),
  };
  if (workspace) {
    const withCall = runProbe(extensionPath, [...preload, '--first-call', workspace]);
    if (withCall.firstCall) {
      result.firstCall = { ...withCall.firstCall, sdkChunksLoaded: withCall.firstCall.loadedFiles.filter(isSdkChunk) };
    }
  }
  return result;
}
