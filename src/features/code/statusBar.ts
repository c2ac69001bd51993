import * as path from 'node:path';
import * as vscode from 'vscode';
import { CODE_STATUS_BAR_ID, Commands } from '../../workbench/ids';
import type { Logger } from '../../shared/logger';
import { formatBytes } from '../../workbench/packaging/limits';
import type { CodeLink, CodeLinks } from '../../workbench/codeLinks';
import { packageSha256 } from '../../workbench/packaging/packageFolder';
import { syncState } from './sync';
import { errorMessage } from '../../shared/errors';

export interface CodeStatusBarDeps {
  links: CodeLinks;
  /** The deployed CodeSha256, or undefined when it cannot be known without side effects (Local Lambda stopped). */
  fetchRemoteSha256(link: CodeLink): Promise<string | undefined>;
  log: Logger;
}

/** Saves come in bursts (Save All, format on save): wait for them to settle. */
const SAVE_DEBOUNCE_MS = 400;
/** The deployed hash is read again after this long, to notice deploys made elsewhere. */
const REMOTE_TTL_MS = 30_000;

const md = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/**
 * One status-bar item for the linked folder of the active editor: whether the folder holds what
 * the function runs ("in sync") or not ("changed"); a click deploys. Created on first need.
 */
export class CodeStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  /** Bumped on every update, so a slow update never overwrites a newer one. */
  private generation = 0;
  private readonly busy = new Set<string>();
  private readonly remote = new Map<string, { sha256: string | undefined; at: number }>();

  constructor(private readonly deps: CodeStatusBarDeps) {
    this.item = vscode.window.createStatusBarItem(CODE_STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Lambda Code Sync';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const link = this.currentLink();
        if (link && deps.links.forPath(doc.uri.fsPath)?.folder === link.folder) this.schedule(SAVE_DEBOUNCE_MS);
      }),
    );
    const linksChanged = deps.links.onDidChange(() => this.schedule(0));
    this.subscriptions.push({ dispose: () => linksChanged.dispose() });
    this.schedule(0);
  }

  /** Marks a folder as deploying (spinner) or done. */
  setBusy(folder: string, busy: boolean): void {
    if (busy) this.busy.add(folder);
    else this.busy.delete(folder);
    this.schedule(0);
  }

  /** Records the deployed hash just learnt (after a deploy or download), sparing a request. */
  rememberRemote(folder: string, sha256: string | undefined): void {
    this.remote.set(folder, { sha256, at: Date.now() });
    this.schedule(0);
  }

  /** Forgets the deployed hash so the next update reads it again. */
  forgetRemote(folder?: string): void {
    if (folder) this.remote.delete(folder);
    else this.remote.clear();
    this.schedule(0);
  }

  schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delayMs);
  }

  private currentLink(): CodeLink | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri?.scheme === 'file' ? this.deps.links.forPath(uri.fsPath) : undefined;
  }

  private async remoteSha(link: CodeLink): Promise<string | undefined> {
    const cached = this.remote.get(link.folder);
    if (cached && Date.now() - cached.at < REMOTE_TTL_MS) return cached.sha256;
    const sha256 = await this.deps.fetchRemoteSha256(link);
    if (sha256 !== undefined) this.remote.set(link.folder, { sha256, at: Date.now() });
    return sha256;
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const link = this.currentLink();
    if (!link) {
      this.item.hide();
      return;
    }
    const fn = link.functionName;
    const where = `**${md(fn)}** (\`$LATEST\`) on ${md(link.connectionLabel)} · ${md(link.region)}`;
    const folder = `\`${path.basename(link.folder)}\``;
    const deployOnSave = link.deployOnSave ? 'Deploy on save is on.' : 'Deploy on save is off.';
    this.item.command = { title: 'Deploy', command: Commands.quickDeploy, arguments: [vscode.Uri.file(link.folder)] };
    if (this.busy.has(link.folder)) {
      this.show(`$(sync~spin) ${fn}: deploying…`, `Deploying ${folder} to ${where}…`);
      return;
    }
    if (this.item.text === '' || !this.item.text.includes(fn)) this.show(`$(sync~spin) ${fn}`, `Comparing ${folder} with ${where}…`);
    try {
      const [local, remote] = await Promise.all([packageSha256(link.folder), this.remoteSha(link)]);
      if (generation !== this.generation) return;
      const sizes = `${formatBytes(local.zippedBytes)} zipped, ${formatBytes(local.unzippedBytes)} unzipped`;
      if (remote === undefined) {
        this.show(`$(cloud) ${fn}: not checked`, `${folder} is linked to ${where}, which is not running, so it was not compared. Click to deploy (starts it).\n\n${deployOnSave}`);
        return;
      }
      const state = syncState(link, local.sha256, remote);
      if (state === 'inSync') {
        this.show(`$(cloud) ${fn}: in sync`, `${folder} holds the code ${where} runs (${sizes}). ${deployOnSave}`);
      } else {
        this.show(`$(cloud-upload) ${fn}: changed`, `${folder} differs from the code ${where} runs. **Click to deploy** (${sizes}). ${deployOnSave}`);
      }
    } catch (error) {
      if (generation !== this.generation) return;
      const message = errorMessage(error);
      this.deps.log.warn(`Comparing ${link.folder} with ${fn}: ${message}`);
      this.show(`$(warning) ${fn}: unknown`, `Could not compare ${folder} with ${where}: ${md(message)}`);
    }
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    const markdown = new vscode.MarkdownString(tooltip);
    markdown.supportThemeIcons = false;
    this.item.tooltip = markdown;
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
