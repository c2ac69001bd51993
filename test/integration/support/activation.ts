import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchApi } from '../../../src/testApi';
import { readManifest } from '../../support/repo';

export interface Activation {
  api: WorkbenchApi;
  /** The extension as VS Code loaded it (`publisher.name` of package.json). */
  extension: vscode.Extension<WorkbenchApi>;
  extensionPath: string;
  /** Bundle chunks holding AWS SDK code that were loaded right after activation. */
  sdkChunksAtActivation: string[];
}

/** `publisher.name` from package.json: the id VS Code knows the extension by. */
export function extensionId(): string {
  const { publisher, name } = readManifest<{ publisher: string; name: string }>();
  return `${publisher}.${name}`;
}

let activation: Promise<Activation> | undefined;

/**
 * Activates the extension once for the whole run and records which SDK chunks activation
 * loaded. The test entry calls this before any suite runs, so later suites that use the SDK do
 * not blur the picture; every suite gets the same activation from here.
 */
export function activateOnce(): Promise<Activation> {
  activation ??= (async () => {
    const id = extensionId();
    const extension = vscode.extensions.getExtension<WorkbenchApi>(id);
    if (!extension) throw new Error(`the extension ${id} is not loaded in this VS Code (is the "main" of package.json built?)`);
    const api = await extension.activate();
    const dist = path.join(extension.extensionPath, 'dist');
    const sdkChunksAtActivation = Object.keys(require.cache).filter((file) => file.startsWith(dist) && /aws-sdk/.test(file));
    return { api, extension, extensionPath: extension.extensionPath, sdkChunksAtActivation };
  })();
  return activation;
}
