/** Sizes of the production build and the VSIX, with each .js file attributed to what it holds. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Source bytes per package in each emitted file (scripts/package.js writes out/package/chunks.json). */
export type ChunkContents = Record<string, Record<string, number>>;

export interface SizeFigures {
  mainChunk: number;
  sdkChunks: { file: string; bytes: number }[];
  otherLazyChunks: { file: string; bytes: number; holds: string }[];
  localProgram: number;
  nodeBootstrap: number;
  webviewBundles: { file: string; bytes: number }[];
  webviewAssets: number;
  vsix: number;
  vsixEntries: number;
}

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto)\//;

/** A chunk is an SDK chunk when most of its source comes from the AWS SDK or Smithy. */
export function isSdkChunk(contents: Record<string, number> | undefined): boolean {
  if (!contents) return false;
  const total = Object.values(contents).reduce((a, b) => a + b, 0);
  const sdk = Object.entries(contents).filter(([pkg]) => SDK_PACKAGE.test(pkg)).reduce((a, [, b]) => a + b, 0);
  return total > 0 && sdk / total > 0.5;
}

/** The packages that make up most of a chunk, largest first. */
function describe(contents: Record<string, number> | undefined): string {
  if (!contents) return '?';
  return Object.entries(contents).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([pkg]) => pkg).join(', ');
}

const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

export function measureSizes(extensionDir: string, chunks: ChunkContents, vsixFile: string, vsixEntries: number): SizeFigures {
  const dist = path.join(extensionDir, 'dist');
  const lazy = fs.readdirSync(dist).filter((f) => /^extension\..+\.js$/.test(f));
  const webviewDir = path.join(dist, 'webview');
  const webviewFiles = fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir).sort() : [];
  return {
    mainChunk: size(path.join(dist, 'extension.js')),
    sdkChunks: lazy.filter((f) => isSdkChunk(chunks[`dist/${f}`])).map((f) => ({ file: f, bytes: size(path.join(dist, f)) })),
    otherLazyChunks: lazy
      .filter((f) => !isSdkChunk(chunks[`dist/${f}`]))
      .map((f) => ({ file: f, bytes: size(path.join(dist, f)), holds: describe(chunks[`dist/${f}`]) })),
    localProgram: size(path.join(dist, 'local.js')),
    nodeBootstrap: size(path.join(dist, 'nodeBootstrap.js')),
    webviewBundles: webviewFiles.filter((f) => f.endsWith('.js')).map((f) => ({ file: f, bytes: size(path.join(webviewDir, f)) })),
    webviewAssets: webviewFiles.filter((f) => !f.endsWith('.js') && !f.endsWith('.map')).reduce((a, f) => a + size(path.join(webviewDir, f)), 0),
    vsix: size(vsixFile),
    vsixEntries,
  };
}

export function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
