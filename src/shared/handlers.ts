/**
 * Where a Lambda handler lives in source: from a Handler setting ("index.handler",
 * "src/app.lambdaHandler", "pkg.module.handler") to the candidate files under the code folder,
 * and from a file's text to the line that defines the exported handler. Pure string rules.
 */

export type HandlerLanguage = 'node' | 'python';

export interface HandlerRef {
  language: HandlerLanguage;
  /** Module path relative to the code folder, POSIX separators, without extension. */
  modulePath: string;
  /** The top-level name the module exports (the first segment of a nested handler path). */
  exportName: string;
}

/** Node.js runs .js/.mjs/.cjs; TypeScript sources (built by esbuild or tsc) are matched too. */
export const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx'];

export function runtimeLanguage(runtime: string | undefined): HandlerLanguage | undefined {
  if (!runtime) return undefined;
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  return undefined;
}

/** The language of a source file by extension. */
export function fileLanguage(file: string): HandlerLanguage | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.py')) return 'python';
  return NODE_EXTENSIONS.some((ext) => lower.endsWith(ext)) ? 'node' : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Splits a Handler setting. Node.js: the module is everything up to the first dot after the
 * last "/" ("lib/api.handlers.get" → lib/api, export handlers). Python: the function follows the
 * last dot and dots in the module are folders ("pkg.api.handler" → pkg/api, handler).
 */
export function parseHandler(handler: string, language: HandlerLanguage): HandlerRef | undefined {
  const value = handler.trim().replace(/^\.\//, '');
  if (language === 'node') {
    const slash = value.lastIndexOf('/');
    const dot = value.indexOf('.', slash + 1);
    if (dot <= slash + 1 || dot === value.length - 1) return undefined;
    const modulePath = value.slice(0, dot);
    const exportName = value.slice(dot + 1).split('.')[0];
    return IDENTIFIER.test(exportName) ? { language, modulePath, exportName } : undefined;
  }
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  const exportName = value.slice(dot + 1);
  const modulePath = value.slice(0, dot).replace(/\./g, '/');
  return IDENTIFIER.test(exportName) && !exportName.includes('$') ? { language, modulePath, exportName } : undefined;
}

/** Files (relative to the code folder, POSIX) that can hold the handler's module. */
export function handlerFileCandidates(ref: HandlerRef): string[] {
  if (ref.language === 'python') return [`${ref.modulePath}.py`, `${ref.modulePath}/__init__.py`];
  return NODE_EXTENSIONS.map((ext) => `${ref.modulePath}${ext}`);
}

/** The handler a file holds, given its path relative to the code folder; undefined when it is another file. */
export function matchHandlerFile(relativeFile: string, handler: string, language: HandlerLanguage): HandlerRef | undefined {
  const ref = parseHandler(handler, language);
  if (!ref) return undefined;
  const file = relativeFile.replace(/\\/g, '/').replace(/^\.\//, '');
  return handlerFileCandidates(ref).includes(file) ? ref : undefined;
}

export interface SourcePosition {
  /** 0-based. */
  line: number;
  character: number;
}

const escape = (name: string) => name.replace(/[$]/g, '\\$');

function positionOf(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function firstMatch(text: string, patterns: RegExp[]): number | undefined {
  let best: number | undefined;
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m && (best === undefined || m.index < best)) best = m.index + (m[0].length - m[0].trimStart().length);
  }
  return best;
}

/** `function name`, `const name =`, `class name` at the start of a line: a local declaration. */
function localDeclaration(text: string, name: string): number | undefined {
  const n = escape(name);
  return firstMatch(text, [
    new RegExp(`^[ \\t]*(?:async[ \\t]+)?function[ \\t]*\\*?[ \\t]*${n}[ \\t]*\\(`, 'm'),
    new RegExp(`^[ \\t]*(?:const|let|var)[ \\t]+${n}\\b`, 'm'),
  ]);
}

function findNodeHandler(text: string, name: string): number | undefined {
  const n = escape(name);
  const direct = firstMatch(text, [
    new RegExp(`^[ \\t]*export[ \\t]+(?:const|let|var)[ \\t]+${n}\\b`, 'm'),
    new RegExp(`^[ \\t]*export[ \\t]+(?:async[ \\t]+)?function[ \\t]*\\*?[ \\t]*${n}[ \\t]*[(<]`, 'm'),
    new RegExp(`^[ \\t]*(?:module\\.)?exports\\.${n}[ \\t]*=`, 'm'),
    new RegExp(`^[ \\t]*(?:module\\.)?exports\\[[ \\t]*['"]${n}['"][ \\t]*\\][ \\t]*=`, 'm'),
  ]);
  if (direct !== undefined) return direct;

  // `export { main as handler }` / `export { handler }`: show the lens on the local definition.
  const exportList = /^[ \t]*export[ \t]*\{([^}]*)\}/gm;
  for (let m = exportList.exec(text); m; m = exportList.exec(text)) {
    for (const item of m[1].split(',')) {
      const [local, exported = local] = item.trim().split(/\s+as\s+/).map((s) => s.trim());
      if (exported === name && local) return localDeclaration(text, local) ?? m.index;
    }
  }

  // `module.exports = { handler }`, `{ handler: main }` or `{ async handler(event) {…} }`.
  const objectExport = /^[ \t]*module\.exports[ \t]*=[ \t]*\{/m.exec(text);
  if (objectExport) {
    const open = objectExport.index + objectExport[0].length;
    let depth = 1;
    let close = open;
    while (close < text.length && depth > 0) {
      const c = text[close++];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    const body = text.slice(open, close - 1);
    const property = new RegExp(`(?:^|[,{\\s])(?:async[ \\t]+)?${n}[ \\t]*(?::[ \\t]*([A-Za-z_$][\\w$]*))?[ \\t]*(?=[,}(:]|$)`, 'm').exec(body);
    if (property) return localDeclaration(text, property[1] ?? name) ?? objectExport.index;
  }
  return undefined;
}

function findPythonHandler(text: string, name: string): number | undefined {
  // Top level only: a `def` at column 0, or a module-level assignment (`handler = Mangum(app)`).
  return firstMatch(text, [
    new RegExp(`^(?:async[ \\t]+)?def[ \\t]+${name}[ \\t]*\\(`, 'm'),
    new RegExp(`^${name}[ \\t]*(?::[^=\\n]*)?=(?!=)`, 'm'),
  ]);
}

/** The start of the definition of the exported handler `exportName`, or undefined if the text has none. */
export function findHandlerDefinition(text: string, exportName: string, language: HandlerLanguage): SourcePosition | undefined {
  if (!IDENTIFIER.test(exportName)) return undefined;
  const offset = language === 'python' ? findPythonHandler(text, exportName) : findNodeHandler(text, exportName);
  return offset === undefined ? undefined : positionOf(text, offset);
}
