import * as vscode from 'vscode';
import { listProfiles } from '../aws/profiles';
import { errorMessage } from '../shared/errors';
import { Emitter } from '../shared/events';
import { Disposable, type IDisposable } from '../shared/lifecycle';
import type { FunctionTarget } from '../shared/target';
import { affects, readSettings, SECTION, type LocalRunSettings } from './config';
import { Connections } from './connections';
import { BuildProgress } from './localLambda/buildProgress';
import { CodeLinks } from './codeLinks';
import { LocalLambdaHost } from './localLambda/host';
import { MANAGE_TRUST_COMMAND, RestrictedModeError } from './trust';
import type { StackLocation } from '../shared/stackFrames';

/** The Local Lambda program's settings, as the variables it reads (JSON objects). */
export function localLambdaEnvironment(run: LocalRunSettings): Record<string, string> {
  return {
    LOCAL_LAMBDA_PARAMETER_OVERRIDES: JSON.stringify(run.parameterOverrides),
    LOCAL_LAMBDA_INTERPRETERS: JSON.stringify(run.interpreters),
    LOCAL_LAMBDA_LAYERS: JSON.stringify(run.layers),
  };
}

/** A function whose versions, aliases, code or configuration this window changed. */
export type FunctionRef = Pick<FunctionTarget, 'connectionId' | 'region' | 'functionName'>;

export function sameFunction(a: FunctionRef, b: FunctionRef): boolean {
  return a.connectionId === b.connectionId && a.region === b.region && a.functionName === b.functionName;
}

/**
 * What every feature stands on: the log, storage, errors, the Local Lambda, the connections, and
 * the two lifetimes. Whatever is registered here (or pushed to `extension.subscriptions`) lives
 * as long as the extension; whatever a connection's `ConnectionScope` owns ends with that
 * connection (a refresh, or the Local Lambda stopping or restarting).
 */
export class Workbench extends Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly local: LocalLambdaHost;
  readonly connections: Connections;
  /** The Local Lambda's builds as the person sees them. */
  readonly buildProgress: BuildProgress;
  /** Folder ↔ function links (code download, deploy, deploy on save); the tree's menus follow them. */
  readonly codeLinks: CodeLinks;
  private readonly functionChanged = this._register(new Emitter<FunctionRef>());
  /**
   * Fires after this window published a version, changed an alias, deployed code or saved a
   * configuration, so every view of the function shows the live state.
   */
  readonly onDidChangeFunction = this.functionChanged.event;
  private readonly settingsChanged = this._register(new Emitter<vscode.ConfigurationChangeEvent>());
  /** A `lambdaWorkbench.*` setting changed (after the connections took it in). */
  readonly onDidChangeSettings = this.settingsChanged.event;
  private readonly trustGranted = this._register(new Emitter<void>());
  /** The person trusted the folder: what was held back in Restricted Mode may run now. */
  readonly onDidGrantTrust = this.trustGranted.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    super();
    this.log = this._register(vscode.window.createOutputChannel('Lambda Workbench', { log: true }));
    this.local = this._register(
      new LocalLambdaHost({
        extensionPath: extension.extensionPath,
        storagePath: extension.globalStorageUri.fsPath,
        resolveFolder: () => readSettings().localFolder,
        environment: () => localLambdaEnvironment(readSettings().localRun),
        isTrusted: () => vscode.workspace.isTrusted,
        log: this.log,
      }),
    );
    this.connections = this._register(new Connections({ settings: readSettings, listProfiles, local: this.local }));
    this.buildProgress = this._register(new BuildProgress(this.local, this.log));
    this.codeLinks = this._register(new CodeLinks(extension.workspaceState));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      this.log.info('This folder is trusted now: the Local Lambda, local invokes and deploys of its code are on.');
      this.local.trustGranted();
      this.trustGranted.fire();
    }));
  }

  /** Whether the opened folder is trusted (Workspace Trust); without it nothing of the folder runs. */
  get isTrusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Ties something to the extension's lifetime. */
  own<T extends IDisposable>(value: T): T {
    this.extension.subscriptions.push(value);
    return value;
  }

  /** Says that this window changed a function (see onDidChangeFunction). */
  announceFunctionChange(ref: FunctionRef): void {
    this.functionChanged.fire({ connectionId: ref.connectionId, region: ref.region, functionName: ref.functionName });
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(SECTION)) return;
    if (affects(e, 'local') && this.local.state !== 'stopped' && this.local.state !== 'restricted') {
      // A different folder (or disabling it) means the running Local Lambda no longer fits.
      void this.local.stop();
    }
    this.connections.reset();
    this.settingsChanged.fire(e);
  }

  /**
   * Opens a file a stack trace names, at its line, when it lies in an opened workspace folder
   * (a panel's message must not open just any path on the machine).
   */
  async openWorkspaceLocation(location: StackLocation): Promise<void> {
    const uri = vscode.Uri.file(location.file);
    if (!vscode.workspace.getWorkspaceFolder(uri)) {
      throw new Error(`${location.file} is not in an opened workspace folder, so it is not opened from a stack trace.`);
    }
    const position = new vscode.Position(location.line - 1, (location.column ?? 1) - 1);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true, viewColumn: vscode.ViewColumn.One });
  }

  /** Shows an error with a button that opens the log; cancellations are not errors. */
  async showError(error: unknown, prefix?: string): Promise<void> {
    if (error instanceof vscode.CancellationError) return;
    const message = errorMessage(error);
    const text = prefix ? `${prefix}: ${message}` : message;
    if (error instanceof RestrictedModeError) {
      this.log.warn(text);
      const choice = await vscode.window.showWarningMessage(text, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      return;
    }
    this.log.error(text);
    const choice = await vscode.window.showErrorMessage(text.split('\n')[0], 'Open Log');
    if (choice === 'Open Log') this.log.show();
  }
}
