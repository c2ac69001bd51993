import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import { WorkbenchError } from '../../aws/errors';
import { downloadCode, FunctionUpdateFailedError, type LambdaApi } from '../../aws/lambda';
import type { Workbench } from '../../workbench/context';
import { pickFunction } from '../../workbench/pickers';
import type { FunctionTarget } from '../../shared/target';
import { toFunctionTarget } from '../../workbench/target';
import { diffFileSets, hashFiles, type FileChange } from './compare';
import { deployFolder, type DeployResult } from './deploy';
import { downloadFunctionCode } from './download';
import { extractZip } from './extractZip';
import { handlerFileCandidates } from './handlerFile';
import { IGNORE_FILE } from '../../workbench/packaging/ignoreRules';
import { checkZippedSize, describePackageSize, formatBytes, MAX_DOWNLOAD_BYTES, PackageTooLargeError } from '../../workbench/packaging/limits';
import type { CodeLink, CodeLinks } from '../../workbench/codeLinks';
import { FolderUnreadableError, listPackageFiles, packageFolder, type FolderPackage } from '../../workbench/packaging/packageFolder';
import { CodeStatusBar } from './statusBar';
import { errorMessage } from '../../shared/errors';

/** What the deploy commands resolve with, for callers that run them programmatically. */
export interface DeployOutcome {
  status: DeployResult['status'] | 'cancelled' | 'failed';
  functionName?: string;
  folder?: string;
  /** The deployed CodeSha256 (after a deploy) or the one found (conflict, unchanged). */
  codeSha256?: string;
  message?: string;
}

export interface DownloadOutcome {
  folder: string;
  files: string[];
  handlerFile?: string;
}

type FunctionRef = Pick<FunctionTarget, 'connectionId' | 'connectionLabel' | 'region' | 'functionName'>;

/** Saves within this long of each other deploy once. */
const DEPLOY_ON_SAVE_DEBOUNCE_MS = 1000;

function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

function isNonEmptyFolder(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length > 0;
  } catch {
    return false;
  }
}

/** `base`, or `base-2`, `base-3`… whichever does not exist or is empty. */
function freeFolder(base: string): string {
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!isNonEmptyFolder(candidate)) return candidate;
  }
  return `${base}-${Date.now()}`;
}

/**
 * The code commands: download, link, deploy, compare, deploy on save, and the status-bar item.
 * Loaded on the first code command or when an editor shows a file of a linked folder.
 */
export class CodeActions implements vscode.Disposable {
  private statusBar?: CodeStatusBar;
  private readonly deploying = new Set<string>();
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  private readonly tempFolders: string[] = [];

  constructor(
    private readonly ctx: Workbench,
    readonly links: CodeLinks,
  ) {}

  /** Creates the status-bar item if it does not exist yet. */
  ensureStatusBar(): CodeStatusBar {
    this.statusBar ??= new CodeStatusBar({
      links: this.links,
      log: this.ctx.log,
      fetchRemoteSha256: async (link) => {
        const api = await this.lambdaFor(link, { start: false });
        return api ? (await api.getFunctionConfiguration(link.functionName)).CodeSha256 : undefined;
      },
    });
    return this.statusBar;
  }

  /** The Lambda operations for a function's connection; waits for the Local Lambda unless `start` is false. */
  private async lambdaFor(ref: FunctionRef, options: { start?: boolean } = {}): Promise<LambdaApi | undefined> {
    if (ref.connectionId === LOCAL_CONNECTION_ID && options.start === false && this.ctx.local.state !== 'running') return undefined;
    return (await this.ctx.connections.resolve(ref)).lambda;
  }

  private async requireLambda(ref: FunctionRef): Promise<LambdaApi> {
    return (await this.lambdaFor(ref))!;
  }

  // --- download ---------------------------------------------------------------------

  /** "Download Code…": `$LATEST`'s package into a folder the person picks, linked and with the handler opened. */
  async download(arg?: unknown, folderArg?: unknown): Promise<DownloadOutcome | undefined> {
    const target = toFunctionTarget(arg) ?? (await pickFunction(this.ctx, 'Download Code'));
    if (!target) return undefined;
    const folder = folderArg instanceof vscode.Uri ? folderArg.fsPath : await this.chooseDownloadFolder(target.functionName);
    if (!folder) return undefined;
    const fn = target.functionName;
    const api = await this.requireLambda(target);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${fn}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
        return downloadFunctionCode(api, fn, folder, { onProgress: (message) => progress.report({ message }), signal: abort.signal });
      },
    );
    const previous = this.links.forFolder(folder);
    await this.links.set({
      folder,
      connectionId: target.connectionId,
      connectionLabel: target.connectionLabel,
      region: target.region,
      functionName: fn,
      handler: result.configuration.Handler,
      deployOnSave: previous?.functionName === fn ? previous.deployOnSave : false,
      ...result.linkPatch,
    });
    this.ctx.log.info(`Downloaded ${files(result.files.length)} (${formatBytes(result.zipBytes)}) of ${fn} into ${folder}; linked.`);
    this.ensureStatusBar().rememberRemote(path.resolve(folder), result.configuration.CodeSha256);
    const handlerFile = await this.openHandler(folder, result.configuration.Handler, result.configuration.Runtime);
    const qualifierNote = target.qualifier && target.qualifier !== '$LATEST' ? ` (the code of $LATEST; version ${target.qualifier} is published and cannot change)` : '';
    void vscode.window.showInformationMessage(
      `Downloaded ${files(result.files.length)} of ${fn}${qualifierNote} into ${folder}. The folder is linked: Quick Deploy sends it to $LATEST.`,
    );
    return { folder: path.resolve(folder), files: result.files, handlerFile };
  }

  private async chooseDownloadFolder(functionName: string): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Download Here',
      title: `Download the code of ${functionName} into…`,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const folder = picked?.[0]?.fsPath;
    if (!folder || !isNonEmptyFolder(folder)) return folder;
    const sub = freeFolder(path.join(folder, functionName));
    const choice = await vscode.window.showWarningMessage(
      `${path.basename(folder)} is not empty.`,
      { modal: true, detail: `Download into a new folder ${path.basename(sub)} inside it, or replace the files that have the same names as files of ${functionName}?` },
      `Into ${path.basename(sub)}`,
      'Replace Files',
    );
    if (choice === 'Replace Files') return folder;
    return choice ? sub : undefined;
  }

  /** Opens the file holding the handler; returns its path, or undefined when there is none. */
  private async openHandler(folder: string, handler: string | undefined, runtime: string | undefined): Promise<string | undefined> {
    for (const rel of handlerFileCandidates(handler, runtime)) {
      const file = path.join(folder, ...rel.split('/'));
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
        return file;
      }
    }
    return undefined;
  }

  // --- links ------------------------------------------------------------------------

  /** "Link Folder to Function…": from a folder (explorer) or a function (tree); asks for the other. */
  async link(arg?: unknown, folderArg?: unknown): Promise<CodeLink | undefined> {
    const uri = arg instanceof vscode.Uri ? arg : folderArg instanceof vscode.Uri ? folderArg : undefined;
    let target = toFunctionTarget(arg);
    let folder = uri?.fsPath;
    if (folder && fs.existsSync(folder) && fs.statSync(folder).isFile()) folder = path.dirname(folder);
    if (!folder) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Link Folder',
        title: target ? `Link a folder to ${target.functionName}` : 'Link a folder to a function',
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      folder = picked?.[0]?.fsPath;
      if (!folder) return undefined;
    }
    target ??= await pickFunction(this.ctx, `Link ${path.basename(folder)} to…`);
    if (!target) return undefined;
    const api = await this.requireLambda(target);
    const config = await api.getFunctionConfiguration(target.functionName);
    if (config.PackageType === 'Image') throw new WorkbenchError('service', `${target.functionName} is deployed as a container image; a folder cannot be deployed to it.`);
    const previous = this.links.forFolder(folder);
    const link: CodeLink = {
      folder: path.resolve(folder),
      connectionId: target.connectionId,
      connectionLabel: target.connectionLabel,
      region: target.region,
      functionName: target.functionName,
      handler: config.Handler,
      deployOnSave: previous?.functionName === target.functionName ? previous.deployOnSave : false,
      knownRemoteSha256: config.CodeSha256,
    };
    await this.links.set(link);
    this.ensureStatusBar().rememberRemote(link.folder, config.CodeSha256);
    void vscode.window
      .showInformationMessage(`Linked ${path.basename(folder)} to ${target.functionName} on ${target.connectionLabel}. Deploys go to $LATEST.`, 'Deploy Now')
      .then((choice) => (choice === 'Deploy Now' ? this.deploy(vscode.Uri.file(link.folder), true) : undefined));
    return link;
  }

  async unlink(arg?: unknown): Promise<CodeLink | undefined> {
    const link = await this.resolveLink(arg, 'Unlink', false);
    if (!link) return undefined;
    await this.links.remove(link.folder);
    vscode.window.setStatusBarMessage(`Unlinked ${path.basename(link.folder)} from ${link.functionName}`, 4000);
    return link;
  }

  async toggleDeployOnSave(arg?: unknown): Promise<CodeLink | undefined> {
    const link = await this.resolveLink(arg, 'Deploy on Save', true);
    if (!link) return undefined;
    const updated = await this.links.update(link.folder, { deployOnSave: !link.deployOnSave });
    void vscode.window.showInformationMessage(
      updated?.deployOnSave
        ? `Deploy on save is on for ${path.basename(link.folder)}: saving a file in it deploys the folder to ${link.functionName} ($LATEST).`
        : `Deploy on save is off for ${path.basename(link.folder)}.`,
    );
    return updated;
  }

  /**
   * The link a command is about: a folder or file Uri, a function (tree node or target), the
   * active editor's folder, or the person's pick among all links.
   */
  private async resolveLink(arg: unknown, verb: string, offerToLink: boolean): Promise<CodeLink | undefined> {
    if (arg instanceof vscode.Uri) {
      const found = this.links.forPath(arg.fsPath);
      if (found || !offerToLink) return found;
      return this.offerLink(`${path.basename(arg.fsPath)} is not linked to a function.`, arg);
    }
    const target = toFunctionTarget(arg);
    let candidates: CodeLink[];
    if (target) {
      candidates = this.links.forFunction(target.connectionId, target.region, target.functionName);
      if (candidates.length === 0) {
        return offerToLink ? this.offerLink(`No folder is linked to ${target.functionName}.`, undefined, target) : undefined;
      }
    } else {
      const editor = vscode.window.activeTextEditor?.document.uri;
      const active = editor?.scheme === 'file' ? this.links.forPath(editor.fsPath) : undefined;
      if (active) return active;
      candidates = this.links.all();
      if (candidates.length === 0) {
        return offerToLink ? this.offerLink('No folder is linked to a function yet.') : undefined;
      }
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await vscode.window.showQuickPick(
      candidates.map((link) => ({ label: path.basename(link.folder), description: `→ ${link.functionName} · ${link.connectionLabel}`, detail: link.folder, link })),
      { title: verb, placeHolder: 'Which linked folder?' },
    );
    return picked?.link;
  }

  private async offerLink(message: string, folder?: vscode.Uri, target?: FunctionTarget): Promise<CodeLink | undefined> {
    const choice = await vscode.window.showInformationMessage(message, 'Link Folder…', 'Download Code…');
    if (choice === 'Link Folder…') return this.link(target ?? folder, folder);
    if (choice === 'Download Code…') {
      const downloaded = await this.download(target);
      return downloaded ? this.links.forFolder(downloaded.folder) : undefined;
    }
    return undefined;
  }

  // --- deploy -----------------------------------------------------------------------

  /** "Deploy Code…" (confirm = true: shows the package and target first) and "Quick Deploy". */
  async deploy(arg?: unknown, confirm = false): Promise<DeployOutcome> {
    const target = toFunctionTarget(arg);
    const link = await this.resolveLink(arg, confirm ? 'Deploy Code' : 'Quick Deploy', true);
    if (!link) return { status: 'cancelled' };
    if (target?.qualifier && target.qualifier !== '$LATEST') {
      vscode.window.setStatusBarMessage(`Version ${target.qualifier} is published and cannot change: deploying to $LATEST of ${link.functionName}.`, 6000);
    }
    return this.runDeploy(link, { confirm });
  }

  private async runDeploy(link: CodeLink, options: { confirm?: boolean; overwrite?: boolean; quiet?: boolean }): Promise<DeployOutcome> {
    const base = { functionName: link.functionName, folder: link.folder };
    const name = path.basename(link.folder);
    if (this.deploying.has(link.folder)) {
      vscode.window.setStatusBarMessage(`${name} is already being deployed.`, 4000);
      return { ...base, status: 'cancelled', message: 'A deploy of this folder is already running.' };
    }
    this.deploying.add(link.folder);
    const statusBar = this.ensureStatusBar();
    statusBar.setBusy(link.folder, true);
    try {
      let pkg: FolderPackage | undefined;
      if (options.confirm) {
        pkg = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Packaging ${name}` }, () => packageFolder(link.folder));
        checkZippedSize(pkg, link.folder);
        const choice = await vscode.window.showInformationMessage(
          `Deploy ${name} to ${link.functionName}?`,
          {
            modal: true,
            detail:
              `${files(pkg.entries.length)} · ${describePackageSize(pkg)}\n` +
              `Target: ${link.functionName} ($LATEST) on ${link.connectionLabel} · ${link.region}.\n` +
              'Published versions do not change; publish a new version to release this code.',
          },
          'Deploy',
        );
        if (choice !== 'Deploy') return { ...base, status: 'cancelled' };
      }
      const api = await this.requireLambda(link);
      const result = await vscode.window.withProgress(
        {
          location: options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `Deploying ${name} → ${link.functionName} ($LATEST)`,
          cancellable: !options.quiet,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
          return deployFolder({ api, link, pkg, overwrite: options.overwrite, onProgress: (message) => progress.report({ message }), signal: abort.signal });
        },
      );
      return await this.reportDeploy(link, result, options);
    } catch (error) {
      if (isCancellation(error)) return { ...base, status: 'cancelled' };
      const message = this.describeDeployError(error, link);
      this.ctx.log.error(message);
      void this.showDeployError(message, error, link);
      return { ...base, status: 'failed', message };
    } finally {
      this.deploying.delete(link.folder);
      statusBar.setBusy(link.folder, false);
    }
  }

  private async reportDeploy(link: CodeLink, result: DeployResult, options: { quiet?: boolean }): Promise<DeployOutcome> {
    const base = { functionName: link.functionName, folder: link.folder, codeSha256: result.configuration.CodeSha256 };
    const name = path.basename(link.folder);
    const statusBar = this.ensureStatusBar();
    switch (result.status) {
      case 'deployed': {
        await this.links.update(link.folder, result.linkPatch);
        statusBar.rememberRemote(link.folder, result.configuration.CodeSha256);
        const message = `Deployed ${name} to ${link.functionName} ($LATEST): ${files(result.pkg.fileCount)}, ${formatBytes(result.pkg.zippedBytes)} zipped.`;
        this.ctx.log.info(`${message} CodeSha256 ${result.configuration.CodeSha256}.`);
        if (options.quiet) vscode.window.setStatusBarMessage(`$(check) ${message}`, 5000);
        else void vscode.window.showInformationMessage(message);
        return { ...base, status: 'deployed', message };
      }
      case 'unchanged': {
        await this.links.update(link.folder, result.linkPatch);
        statusBar.rememberRemote(link.folder, result.configuration.CodeSha256);
        const message = `${link.functionName} already runs the code in ${name}; nothing was sent.`;
        if (options.quiet) vscode.window.setStatusBarMessage(message, 4000);
        else void vscode.window.showInformationMessage(message);
        return { ...base, status: 'unchanged', message };
      }
      case 'conflict': {
        statusBar.rememberRemote(link.folder, result.configuration.CodeSha256);
        const when = result.configuration.LastModified ? ` (last modified ${result.configuration.LastModified})` : '';
        const message =
          `${link.functionName} was changed by someone else since you last downloaded or deployed it${when}. ` +
          'Your code was not sent, so nothing was overwritten.';
        this.ctx.log.warn(message);
        void this.offerConflictChoices(link, message);
        return { ...base, status: 'conflict', message };
      }
    }
  }

  private async offerConflictChoices(link: CodeLink, message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, 'Compare', 'Overwrite');
    if (choice === 'Compare') {
      await this.compare(link).catch((error) => this.ctx.showError(error, 'Compare'));
      const again = await vscode.window.showWarningMessage(`Replace the code of ${link.functionName} with ${path.basename(link.folder)}?`, 'Overwrite');
      if (again === 'Overwrite') await this.runDeploy(link, { overwrite: true });
    } else if (choice === 'Overwrite') {
      await this.runDeploy(link, { overwrite: true });
    }
  }

  private describeDeployError(error: unknown, link: CodeLink): string {
    const fn = link.functionName;
    if (error instanceof WorkbenchError && error.kind === 'accessDenied') {
      return `Not allowed to deploy to ${fn}: deploying needs the lambda:GetFunctionConfiguration and lambda:UpdateFunctionCode permissions. ${error.message}`;
    }
    if (error instanceof FunctionUpdateFailedError) return `Deploying to ${fn} failed: ${error.message}`;
    if (error instanceof FolderUnreadableError) return `${error.message}. It is the folder linked to ${fn}; nothing was sent.`;
    if (error instanceof PackageTooLargeError) return error.message;
    return `Deploying ${path.basename(link.folder)} to ${fn} failed: ${errorMessage(error)}`;
  }

  private async showDeployError(message: string, error: unknown, link: CodeLink): Promise<void> {
    const actions = error instanceof PackageTooLargeError ? [`Edit ${IGNORE_FILE}`] : error instanceof FolderUnreadableError ? ['Unlink'] : ['Open Log'];
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === 'Open Log') this.ctx.log.show();
    else if (choice === 'Unlink') await this.links.remove(link.folder);
    else if (choice === `Edit ${IGNORE_FILE}`) {
      const file = path.join(link.folder, IGNORE_FILE);
      if (!fs.existsSync(file)) fs.writeFileSync(file, '# Files and folders left out of the package (gitignore syntax), e.g.\n# *.md\n# docs/\n');
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }
  }

  // --- compare ----------------------------------------------------------------------

  /** Shows which files differ between the folder and the deployed code, and opens a diff of the one picked. */
  async compare(link: CodeLink): Promise<FileChange[]> {
    const api = await this.requireLambda(link);
    const fn = link.functionName;
    const { deployedDir, changes } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Comparing ${path.basename(link.folder)} with ${fn}` },
      async (progress) => {
        progress.report({ message: 'Downloading the deployed code…' });
        const remote = await api.getFunction(fn);
        if (!remote.Code?.Location) throw new WorkbenchError('service', `Lambda gave no download link for the code of ${fn}.`);
        const zip = await downloadCode(remote.Code.Location, MAX_DOWNLOAD_BYTES);
        const deployedDir = fs.mkdtempSync(path.join(os.tmpdir(), `lambda-workbench-${fn.replace(/[^\w-]/g, '_')}-`));
        this.tempFolders.push(deployedDir);
        const extracted = await extractZip(zip, deployedDir);
        const local = await listPackageFiles(link.folder);
        const changes = diffFileSets(
          await hashFiles(link.folder, local.entries.map((e) => e.rel)),
          await hashFiles(deployedDir, extracted.files),
        );
        return { deployedDir, changes };
      },
    );
    if (changes.length === 0) {
      void vscode.window.showInformationMessage(`${path.basename(link.folder)} holds the same files as ${fn}.`);
      return changes;
    }
    const labels: Record<FileChange['change'], string> = { modified: 'changed', onlyLocal: 'only in your folder', onlyDeployed: 'only in the deployed code' };
    const picked = changes.length === 1 ? changes[0] : (await vscode.window.showQuickPick(
      changes.map((change) => ({ label: change.rel, description: labels[change.change], change })),
      { title: `${fn} (deployed) ↔ ${path.basename(link.folder)}`, placeHolder: `${changes.length} files differ; pick one to compare` },
    ))?.change;
    if (!picked) return changes;
    const deployedFile = vscode.Uri.file(path.join(deployedDir, ...picked.rel.split('/')));
    const localFile = vscode.Uri.file(path.join(link.folder, ...picked.rel.split('/')));
    if (picked.change === 'modified') {
      await vscode.commands.executeCommand('vscode.diff', deployedFile, localFile, `${picked.rel} (deployed ↔ yours)`);
    } else {
      await vscode.window.showTextDocument(picked.change === 'onlyLocal' ? localFile : deployedFile, { preview: true });
    }
    return changes;
  }

  // --- saves ------------------------------------------------------------------------

  /** A file of a linked folder was saved: deploy it after the burst of saves if the folder opted in. */
  onSaved(link: CodeLink): void {
    if (!link.deployOnSave) return;
    clearTimeout(this.saveTimers.get(link.folder));
    this.saveTimers.set(
      link.folder,
      setTimeout(() => {
        this.saveTimers.delete(link.folder);
        const current = this.links.forFolder(link.folder);
        if (current?.deployOnSave) void this.runDeploy(current, { quiet: true });
      }, DEPLOY_ON_SAVE_DEBOUNCE_MS),
    );
  }

  dispose(): void {
    for (const timer of this.saveTimers.values()) clearTimeout(timer);
    this.saveTimers.clear();
    this.statusBar?.dispose();
    for (const dir of this.tempFolders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}
