import * as path from 'node:path';
import { fileLanguage, matchHandlerFile, runtimeLanguage, type HandlerLanguage } from '../../shared/handlers';
import { readFolderTemplates } from '../../workbench/samTemplates';

/**
 * Which template functions a source file is the handler of. Templates are found and read the
 * way the Local Lambda finds and reads them (shared/sam), on first use, and cached per folder
 * until invalidated. Node file access only, no VS Code.
 */

/** A template function whose handler lives in a local code folder, in a language with lenses. */
export interface IndexedFunction {
  logicalId: string;
  functionName: string;
  handler: string;
  runtime?: string;
  /** From the runtime; undefined when the template names none (the file's extension decides). */
  language?: HandlerLanguage;
  /** Code folder relative to the template's folder (POSIX), e.g. "hello-node/" or ".". */
  codeUri: string;
  templateFile: string;
  /** Absolute code folder. */
  codeDir: string;
}

export interface TemplateHandlerMatch {
  functionName: string;
  exportName: string;
  language: HandlerLanguage;
  templateFile: string;
}

export interface TemplateProblemReporter {
  (templateFile: string, message: string): void;
}

/** A file below (or equal to) a folder, as a POSIX path relative to it; undefined when outside. */
function relativeInside(folder: string, file: string): string | undefined {
  const relative = path.relative(folder, file);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

export class TemplateHandlerIndex {
  private readonly cache = new Map<string, Promise<IndexedFunction[]>>();

  constructor(
    private readonly reportProblem: TemplateProblemReporter = () => undefined,
    /** The parameter values the Local Lambda is given (names may depend on them). */
    private readonly parameterOverrides: () => Readonly<Record<string, string>> = () => ({}),
  ) {}

  /** The functions of every template in the folder (read once, then cached). */
  functions(folder: string): Promise<IndexedFunction[]> {
    const key = path.resolve(folder);
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.load(key);
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** Forget what was read, for one folder or all; the next question reads the templates again. */
  invalidate(folder?: string): void {
    if (folder === undefined) this.cache.clear();
    else this.cache.delete(path.resolve(folder));
  }

  async matchesFor(folder: string, file: string): Promise<TemplateHandlerMatch[]> {
    const language = fileLanguage(file);
    if (!language) return [];
    const matches: TemplateHandlerMatch[] = [];
    for (const fn of await this.functions(folder)) {
      if (fn.language && fn.language !== language) continue;
      const relative = relativeInside(fn.codeDir, path.resolve(file));
      if (!relative) continue;
      const ref = matchHandlerFile(relative, fn.handler, language);
      if (ref) matches.push({ functionName: fn.functionName, exportName: ref.exportName, language, templateFile: fn.templateFile });
    }
    return matches;
  }

  private async load(folder: string): Promise<IndexedFunction[]> {
    const functions: IndexedFunction[] = [];
    // Read as one project, as the Local Lambda reads it, so both give functions the same names.
    for (const { file: templateFile, read } of await readFolderTemplates(folder, this.parameterOverrides(), this.reportProblem)) {
      if (read.problem) {
        this.reportProblem(templateFile, read.problem.line === undefined ? read.problem.message : `line ${read.problem.line}: ${read.problem.message}`);
        continue;
      }
      const { empty } = read.template;
      if (empty) this.reportProblem(templateFile, `line ${empty.line}: ${empty.message}`);
      for (const fn of read.template.functions) {
        // Only code in a local folder has handler files; Java, .NET, Go and custom runtimes get no lenses.
        if (fn.code.kind !== 'path' || !fn.handler) continue;
        const language = runtimeLanguage(fn.runtime);
        if (fn.runtime && !language) continue;
        functions.push({
          logicalId: fn.logicalId,
          functionName: fn.functionName,
          handler: fn.handler,
          runtime: fn.runtime,
          language,
          codeUri: fn.code.path,
          templateFile,
          codeDir: path.resolve(path.dirname(templateFile), fn.code.path),
        });
      }
    }
    return functions;
  }
}
