/**
 * Where a stack trace line points: `at fn (/abs/file.js:10:5)`, `at /abs/file.mjs:3:1`,
 * `at file:///abs/file.mjs:3:1` (Node.js) and `File "/abs/app.py", line 9` (Python). Pure, so
 * the webview can draw links and the extension can check what it is asked to open.
 */

export interface StackLocation {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when the trace gives one. */
  column?: number;
}

/** Longest stack line looked at; longer ones are shown as text only. */
const MAX_LINE = 4096;

function fromFileUrl(text: string): string | undefined {
  if (!text.startsWith('file://')) return text;
  try {
    return decodeURIComponent(new URL(text).pathname);
  } catch {
    return undefined;
  }
}

/** The location one line of a stack trace names, or undefined. Linear: no regex backtracking on the line. */
export function stackLocation(line: string): StackLocation | undefined {
  if (line.length > MAX_LINE) return undefined;
  const python = /^\s*File "([^"]+)", line (\d+)/.exec(line);
  if (python) return located(python[1], python[2]);
  const trimmed = line.trim();
  if (!trimmed.startsWith('at ')) return undefined;
  // "at name (location)" or "at location"; a path may itself hold " (", the name does not.
  const open = trimmed.indexOf(' (', 2);
  const inner = open >= 0 && trimmed.endsWith(')') ? trimmed.slice(open + 2, -1) : trimmed.slice(3);
  const lastColon = inner.lastIndexOf(':');
  const prevColon = lastColon > 0 ? inner.lastIndexOf(':', lastColon - 1) : -1;
  if (prevColon <= 0) return undefined;
  const lineText = inner.slice(prevColon + 1, lastColon);
  const columnText = inner.slice(lastColon + 1);
  if (!/^\d+$/.test(lineText) || !/^\d+$/.test(columnText)) return undefined;
  return located(inner.slice(0, prevColon), lineText, columnText);
}

function located(fileText: string, lineText: string, columnText?: string): StackLocation | undefined {
  const file = fromFileUrl(fileText);
  if (!file || !file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) return undefined;
  const line = Number(lineText);
  const column = columnText === undefined ? undefined : Number(columnText);
  if (!Number.isSafeInteger(line) || line < 1) return undefined;
  return { file, line, ...(column !== undefined && Number.isSafeInteger(column) && column >= 1 ? { column } : {}) };
}
