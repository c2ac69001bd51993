import * as vscode from 'vscode';
import type { FunctionTarget, TabId } from '../../shared/target';
import { fileLanguage, findHandlerDefinition, type HandlerLanguage } from '../../shared/handlers';
import type { HandlerMappings } from './handlerMappings';
import type { TemplateHandlerIndex } from './handlerIndex';
import { Commands } from '../../workbench/ids';
import { CODELENS_LANGUAGES } from './languages';



/** What the "Invoke" and "Logs" lenses of an unmapped handler, and "Invoke locally", pass to the handler command. */
export interface HandlerLensArgs {
  /** The source file's URI as a string. */
  file: string;
  exportName: string;
  /** The template function this file is the handler of, when known. */
  functionName?: string;
  tab: Extract<TabId, 'invoke' | 'logs'>;
  /** Run the template function on the Local Lambda (saving the file first). */
  local?: boolean;
  /** …under the debugger. */
  debug?: boolean;
}

type LensAction = 'invoke' | 'local' | 'debug' | 'logs' | 'deploy';

interface LensInfo {
  action: LensAction;
  file: string;
  exportName: string;
  /** Template functions this export is the handler of (empty for a remembered AWS function only). */
  templateFunctions: string[];
  /** For "local": which template function. */
  functionName?: string;
}

class HandlerLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly info: LensInfo) {
    super(range);
  }
}

export interface HandlerLensDeps {
  index: TemplateHandlerIndex;
  mappings: HandlerMappings;
  /** The folder whose templates the Local Lambda serves. */
  folder(): string | undefined;
  enabled(): boolean;
  /** Whether the Local Lambda connection is on (no "Invoke locally" otherwise). */
  localEnabled(): boolean;
  commandId: string;
}

function languageOf(document: vscode.TextDocument): HandlerLanguage | undefined {
  if (document.languageId === 'python') return 'python';
  if (CODELENS_LANGUAGES.includes(document.languageId)) return 'node';
  return fileLanguage(document.uri.fsPath);
}

/** The handlers a document defines: export name → line, with the template functions using it. */
export interface DocumentHandler {
  exportName: string;
  line: number;
  templateFunctions: string[];
}

/**
 * Lenses above exported handlers. provideCodeLenses only matches text against the cached
 * template index and the remembered mappings; commands are filled in resolveCodeLens.
 */
export class HandlerCodeLensProvider implements vscode.CodeLensProvider<HandlerLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly mappingListener: { dispose(): void };

  constructor(private readonly deps: HandlerLensDeps) {
    this.mappingListener = deps.mappings.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  /** The handlers in a document, from the templates and the remembered functions. */
  async findHandlers(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocumentHandler[]> {
    const language = languageOf(document);
    if (!language || document.uri.scheme !== 'file') return [];
    const folder = this.deps.folder();
    const fromTemplates = folder ? await this.deps.index.matchesFor(folder, document.uri.fsPath) : [];
    if (token?.isCancellationRequested) return [];
    const byExport = new Map<string, string[]>();
    for (const m of fromTemplates) byExport.set(m.exportName, [...(byExport.get(m.exportName) ?? []), m.functionName]);
    for (const m of this.deps.mappings.forFile(document.uri.toString())) if (!byExport.has(m.exportName)) byExport.set(m.exportName, []);
    if (byExport.size === 0) return [];

    const text = document.getText();
    const handlers: DocumentHandler[] = [];
    for (const [exportName, templateFunctions] of byExport) {
      const position = findHandlerDefinition(text, exportName, language);
      if (position) handlers.push({ exportName, line: position.line, templateFunctions: [...new Set(templateFunctions)] });
    }
    return handlers.sort((a, b) => a.line - b.line);
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<HandlerLens[]> {
    if (!this.deps.enabled()) return [];
    const handlers = await this.findHandlers(document, token);
    if (token.isCancellationRequested) return [];
    const file = document.uri.toString();
    const lenses: HandlerLens[] = [];
    for (const h of handlers) {
      const range = document.lineAt(h.line).range;
      const base = { file, exportName: h.exportName, templateFunctions: h.templateFunctions };
      lenses.push(new HandlerLens(range, { ...base, action: 'invoke' }));
      if (this.deps.localEnabled()) {
        for (const functionName of h.templateFunctions) {
          lenses.push(new HandlerLens(range, { ...base, action: 'local', functionName }), new HandlerLens(range, { ...base, action: 'debug', functionName }));
        }
      }
      lenses.push(new HandlerLens(range, { ...base, action: 'logs' }));
      for (const functionName of h.templateFunctions) lenses.push(new HandlerLens(range, { ...base, action: 'deploy', functionName }));
    }
    return lenses;
  }

  resolveCodeLens(lens: HandlerLens, token: vscode.CancellationToken): HandlerLens | undefined {
    if (token.isCancellationRequested) return undefined;
    const { info } = lens;
    const mapped = this.deps.mappings.get(info.file, info.exportName)?.target;
    const suggested = info.templateFunctions[0];
    const ask = (tab: HandlerLensArgs['tab']): vscode.Command['arguments'] => [{ file: info.file, exportName: info.exportName, functionName: suggested, tab } satisfies HandlerLensArgs];
    const where = (t: FunctionTarget) => `${t.functionName} on ${t.connectionLabel} (${t.region})`;
    switch (info.action) {
      case 'invoke':
        lens.command = mapped
          ? { title: `▶ Invoke ${mapped.functionName}`, tooltip: `Invoke ${where(mapped)} with the event in its Invoke tab`, command: Commands.invokeFunction, arguments: [mapped, { form: true }] }
          : { title: `▶ Invoke ${suggested ?? info.exportName}`, tooltip: 'Choose the deployed function this handler belongs to; the choice is remembered', command: this.deps.commandId, arguments: ask('invoke') };
        break;
      case 'local': {
        const several = info.templateFunctions.length > 1;
        lens.command = {
          title: several ? `Invoke ${info.functionName} locally` : 'Invoke locally',
          tooltip: `Run ${info.functionName} on the Local Lambda with this file's code and the event in its Invoke tab`,
          command: this.deps.commandId,
          arguments: [{ file: info.file, exportName: info.exportName, functionName: info.functionName, tab: 'invoke', local: true } satisfies HandlerLensArgs],
        };
        break;
      }
      case 'debug': {
        const several = info.templateFunctions.length > 1;
        lens.command = {
          title: several ? `Debug ${info.functionName}` : 'Debug',
          tooltip: `Run ${info.functionName} on the Local Lambda under the debugger, with the event in its Invoke tab: breakpoints in this file stop it`,
          command: this.deps.commandId,
          arguments: [{ file: info.file, exportName: info.exportName, functionName: info.functionName, tab: 'invoke', local: true, debug: true } satisfies HandlerLensArgs],
        };
        break;
      }
      case 'deploy':
        lens.command = {
          title: info.templateFunctions.length > 1 ? `Deploy ${info.functionName} to…` : 'Deploy to…',
          tooltip: `Deploy the template function ${info.functionName} to an AWS account, a custom endpoint or another Local Lambda: a plan first, then create or update`,
          command: Commands.deployFunction,
          arguments: [{ functionName: info.functionName }],
        };
        break;
      case 'logs':
        lens.command = mapped
          ? { title: 'Logs', tooltip: `Logs of ${where(mapped)}`, command: Commands.openFunctionPanel, arguments: [mapped, 'logs'] }
          : { title: 'Logs', tooltip: 'Choose the function whose logs to show; the choice is remembered', command: this.deps.commandId, arguments: ask('logs') };
        break;
    }
    return lens;
  }

  dispose(): void {
    this.mappingListener.dispose();
    this.changed.dispose();
  }
}
