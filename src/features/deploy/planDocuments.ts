import * as vscode from 'vscode';

export const PLAN_SCHEME = 'lambda-workbench-deploy-plan';

/** Deploy plans as read-only Markdown documents under PLAN_SCHEME, for the Markdown preview. */
export class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '# This deploy plan is no longer available\n';
  }

  show(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name.replace(/[^A-Za-z0-9_.-]/g, '-')}.md` });
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
