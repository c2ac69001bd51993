/**
 * `require('vscode')` for unit tests, which run in plain Node: the benchmark's stand-in module
 * (bench/vscodeStandIn.ts), installed once per process, with a few members a test can observe
 * or answer: the clipboard, the status bar message, the save dialog and a file system on disk.
 * Import this module before any module that imports `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import { createStandIn, installStandIn } from '../../bench/vscodeStandIn';
import { REPO_ROOT } from './repo';

/** What the code under test did through the stand-in's window and env, and how dialogs answer. */
export interface StandInUi {
  clipboard: string;
  statusBarMessages: string[];
  /** What the next save dialog answers; undefined means the person cancelled. */
  saveDialogAnswer: string | undefined;
}

interface Installed {
  vscode: typeof vscodeTypes;
  ui: StandInUi;
}

const KEY = Symbol.for('lambda-workbench.test.vscode');
const holder = globalThis as { [KEY]?: Installed };

function install(): Installed {
  const standIn = createStandIn({ manifest: path.join(REPO_ROOT, 'package.json') });
  installStandIn(standIn);
  const module = standIn.module as Record<string, Record<string, unknown>>;
  const ui: StandInUi = { clipboard: '', statusBarMessages: [], saveDialogAnswer: undefined };
  module.env.clipboard = {
    writeText: async (text: string) => void (ui.clipboard = text),
    readText: async () => ui.clipboard,
  };
  module.window.setStatusBarMessage = (text: string) => {
    ui.statusBarMessages.push(text);
    return { dispose: () => undefined };
  };
  const Uri = module.Uri as unknown as typeof vscodeTypes.Uri;
  module.window.showSaveDialog = async () => (ui.saveDialogAnswer === undefined ? undefined : Uri.file(ui.saveDialogAnswer));
  module.workspace.fs = {
    stat: async (uri: vscodeTypes.Uri) => ({ type: 1, ctime: 0, mtime: 0, size: fs.statSync(uri.fsPath).size }),
    readFile: async (uri: vscodeTypes.Uri) => new Uint8Array(fs.readFileSync(uri.fsPath)),
    writeFile: async (uri: vscodeTypes.Uri, content: Uint8Array) => fs.writeFileSync(uri.fsPath, content),
  };
  return { vscode: standIn.module as unknown as typeof vscodeTypes, ui };
}

const installed = (holder[KEY] ??= install());

/** The `vscode` module every module loaded after this one gets. */
export const vscode = installed.vscode;
export const ui = installed.ui;

/** Opens `folder` as the only workspace folder (undefined: no folder open, as at the start). */
export function setWorkspaceFolder(folder: string | undefined): void {
  const workspace = vscode.workspace as { workspaceFolders: unknown };
  workspace.workspaceFolders = folder ? [{ uri: vscode.Uri.file(folder), name: path.basename(folder), index: 0 }] : undefined;
}
