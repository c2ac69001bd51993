/**
 * Which file of a package holds the handler, from the function's Handler and Runtime settings.
 * Candidates are relative paths (with `/`) in the order the runtime would look for them.
 */
export function handlerFileCandidates(handler: string | undefined, runtime: string | undefined): string[] {
  if (!handler) return [];
  const rt = runtime ?? '';
  const lastDot = handler.lastIndexOf('.');
  if (rt.startsWith('nodejs')) {
    // "src/index.handler" → src/index.{js,mjs,cjs}
    if (lastDot <= 0) return [];
    const module = handler.slice(0, lastDot);
    return ['.js', '.mjs', '.cjs', '.ts'].map((ext) => `${module}${ext}`);
  }
  if (rt.startsWith('python')) {
    // "app.handler", "pkg.app.handler" or "pkg/app.handler" → pkg/app.py
    if (lastDot <= 0) return [];
    const module = handler.slice(0, lastDot).replace(/\./g, '/');
    return [`${module}.py`, `${module}/__init__.py`];
  }
  if (rt.startsWith('ruby')) {
    // "lambda_function.lambda_handler" or "lib/app.Module::Class.method" → file before the first dot
    const firstDot = handler.indexOf('.');
    return firstDot > 0 ? [`${handler.slice(0, firstDot)}.rb`] : [];
  }
  if (rt.startsWith('provided')) return ['bootstrap'];
  return [];
}
