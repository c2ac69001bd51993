import * as vscode from 'vscode';
import type { BuildStepNote, LocalLambdaNote } from '../../shared/localLambdaNotes';
import { Disposable } from '../../shared/lifecycle';
import type { LocalLambdaHost } from './host';

/** What was shown, for the integration tests (newest last, bounded). */
export interface ShownBuildUpdate {
  kind: 'progress' | 'failed';
  text: string;
}

const KEPT = 200;

/**
 * Shows the Local Lambda's builds (dependency installs, bundling) as they run: one cancellable
 * progress notification while any step runs, naming the latest, and an error with the tool's own
 * message and the command to run by hand when a step fails. Cancelling stops the running steps.
 */
export class BuildProgress extends Disposable {
  private readonly running = new Map<string, BuildStepNote>();
  private current?: { report(message: string): void; done(): void };
  readonly shown: ShownBuildUpdate[] = [];

  constructor(
    private readonly local: Pick<LocalLambdaHost, 'onDidNote' | 'onDidChangeState' | 'cancelBuilds'>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(local.onDidNote((note) => this.onNote(note)));
    // A stopped or restarted program has no running steps any more.
    this._register(local.onDidChangeState(() => this.clear()));
  }

  private record(update: ShownBuildUpdate): void {
    this.shown.push(update);
    if (this.shown.length > KEPT) this.shown.splice(0, this.shown.length - KEPT);
  }

  private onNote(note: LocalLambdaNote): void {
    const step = note.build;
    if (!step) return;
    if (step.phase === 'started') {
      this.running.set(step.id, step);
      this.show();
      return;
    }
    this.running.delete(step.id);
    if (step.phase === 'failed') void this.showFailure(note, step);
    this.show();
  }

  private text(): string {
    const steps = [...this.running.values()];
    const latest = steps[steps.length - 1];
    if (!latest) return '';
    return steps.length > 1 ? `${latest.title}… (${steps.length} builds running)` : `${latest.title}…`;
  }

  private show(): void {
    if (this.running.size === 0) {
      this.current?.done();
      this.current = undefined;
      return;
    }
    const text = this.text();
    this.record({ kind: 'progress', text });
    if (this.current) {
      this.current.report(text);
      return;
    }
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Local Lambda', cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          const shown = {
            report: (message: string) => progress.report({ message }),
            done: () => resolve(),
          };
          this.current = shown;
          shown.report(text);
          token.onCancellationRequested(() => {
            this.log.info('Local Lambda: builds cancelled.');
            this.local.cancelBuilds();
            if (this.current === shown) this.clear();
            resolve();
          });
        }),
    );
  }

  private async showFailure(note: LocalLambdaNote, step: BuildStepNote): Promise<void> {
    const firstLine = note.message.split('\n')[0];
    this.record({ kind: 'failed', text: note.message });
    const actions = step.command ? ['Open Log', 'Copy Command'] : ['Open Log'];
    const choice = await vscode.window.showErrorMessage(firstLine, ...actions);
    if (choice === 'Open Log') this.log.show();
    else if (choice === 'Copy Command' && step.command) await vscode.env.clipboard.writeText(step.command);
  }

  private clear(): void {
    this.running.clear();
    this.current?.done();
    this.current = undefined;
  }

  override dispose(): void {
    this.clear();
    super.dispose();
  }
}
