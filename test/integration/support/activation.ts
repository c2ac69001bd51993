import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchApi } from '../../../src/testApi';

export interface Activation {
  api: WorkbenchApi;
  extensionPath: string;
  /** Bundle chunks holding AWS SDK code that were loaded right after activation. */
  sdkChunksAtActivation: string[];
}

let activation: Promise<Activation> | undefined;

/**
 * Activates the extension once for the whole run and records which SDK chunks activation
 * loaded. The test entry calls this before any suite runs, so later suites that use the SDK do
 * not blur the picture.
 */
export function activateOnce(): Promise<Activation> {
  activation ??= (async () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { publisher: string; name: string };
    const extension = vscode.extensions.getExtension<WorkbenchApi>(`${manifest.publisher}.${manifest.name}`);
    if (!extension) throw new Error('the extension is not loaded in this VS Code');
    const api = await extension.activate();
    const dist = path.join(extension.extensionPath, 'dist');
    const sdkChunksAtActivation = Object.keys(require.cache).filter((file) => file.startsWith(dist) && /aws-sdk/.test(file));
    return { api, extensionPath: extension.extensionPath, sdkChunksAtActivation };
  })();
  return activation;
}
