import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileLanguage, matchHandlerFile, type HandlerLanguage } from '../../shared/handlers';
import type { TemplateFunction } from '../../shared/sam/template';

/**
 * Which template functions a source file is the handler of. Templates are found like the Local
 * Lambda finds them (template.yaml|yml|json in the folder and its immediate subfolders), read
 * on first use and cached per folder until invalidated. Node file access only, no VS Code.
 */

export const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

export interface IndexedFunction extends TemplateFunction {
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

async function firstTemplateIn(dir: string): Promise<string | undefined> {
  for (const name of TEMPLATE_NAMES) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isFile()) return file;
  }
  return undefined;
}

export async function findTemplateFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const own = await firstTemplateIn(folder);
  if (own) found.push(own);
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const file = await firstTemplateIn(path.join(folder, entry.name));
    if (file) found.push(file);
  }
  return found;
}

/** A file below (or equal to) a folder, as a POSIX path relative to it; undefined when outside. */
function relativeInside(folder: string, file: string): string | undefined {
  const relative = path.relative(folder, file);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

export class TemplateHandlerIndex {
  private readonly cache = new Map<string, Promise<IndexedFunction[]>>();

  constructor(private readonly reportProblem: TemplateProblemReporter = () => undefined) {}

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
    // Imported here, not at the top, so the YAML parser loads only once a template is read.
    const { parseSamTemplate } = await import('../../shared/sam/template.js');
    const functions: IndexedFunction[] = [];
    for (const templateFile of await findTemplateFiles(folder)) {
      let text: string;
      try {
        text = await fs.readFile(templateFile, 'utf8');
      } catch (error) {
        this.reportProblem(templateFile, (error as Error).message);
        continue;
      }
      const result = parseSamTemplate(text);
      if (result.error) this.reportProblem(templateFile, result.error);
      for (const fn of result.functions) {
        functions.push({ ...fn, templateFile, codeDir: path.resolve(path.dirname(templateFile), fn.codeUri) });
      }
    }
    return functions;
  }
}
