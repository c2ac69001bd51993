/**
 * Reading and writing `.env` text: `KEY=value` lines, an optional `export ` prefix, comments,
 * blank lines, single quotes (literal) and double quotes (with \n \r \t \" \\ escapes, may span
 * lines). `serializeDotenv` output reads back to the same entries with `parseDotenv`.
 */
import type { EnvEntry } from './envVars';

export interface DotenvProblem {
  /** 1-based line where the entry starts. */
  line: number;
  /** Names the problem, never the value. */
  message: string;
}

export interface DotenvParseResult {
  /** In file order; a key given twice appears twice (the caller decides, usually last wins). */
  entries: EnvEntry[];
  problems: DotenvProblem[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

export function parseDotenv(text: string): DotenvParseResult {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const entries: EnvEntry[] = [];
  const problems: DotenvProblem[] = [];
  let pos = 0;
  let line = 1;

  /** Moves past the rest of the current line, counting it. */
  const skipLine = (): void => {
    const end = src.indexOf('\n', pos);
    pos = end < 0 ? src.length : end + 1;
    if (end >= 0) line++;
  };

  while (pos < src.length) {
    const startLine = line;
    const end = src.indexOf('\n', pos);
    const lineText = src.slice(pos, end < 0 ? src.length : end);
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      skipLine();
      continue;
    }
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) {
      problems.push({ line: startLine, message: `Line ${startLine}: expected KEY=value.` });
      skipLine();
      continue;
    }
    const key = body.slice(0, eq).trim();
    if (key === '') {
      problems.push({ line: startLine, message: `Line ${startLine}: the name before "=" is missing.` });
      skipLine();
      continue;
    }
    // Position of the value within src (after "=" and any spaces).
    // The first "=" of the line separates: neither the key nor "export " contains one.
    let v = pos + lineText.indexOf('=') + 1;
    while (src[v] === ' ' || src[v] === '\t') v++;
    const quote = src[v];

    if (quote === '"' || quote === "'") {
      let value = '';
      let i = v + 1;
      let closed = false;
      for (; i < src.length; i++) {
        const c = src[i];
        if (c === quote) {
          closed = true;
          break;
        }
        if (c === '\n') line++;
        if (quote === '"' && c === '\\' && i + 1 < src.length) {
          const next = src[i + 1];
          if (next in ESCAPES) {
            value += ESCAPES[next];
            i++;
            continue;
          }
        }
        value += c;
      }
      if (!closed) {
        problems.push({ line: startLine, message: `Line ${startLine}: the quoted value of ${key} is not closed.` });
        pos = src.length;
        break;
      }
      pos = i + 1;
      const restEnd = src.indexOf('\n', pos);
      const rest = src.slice(pos, restEnd < 0 ? src.length : restEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        problems.push({ line, message: `Line ${line}: unexpected text after the closing quote of ${key}.` });
      } else {
        entries.push({ key, value });
      }
      skipLine();
      continue;
    }

    const raw = src.slice(v, end < 0 ? src.length : end);
    // An unquoted value ends at a " #" comment.
    const value = raw.replace(/(^|\s+)#.*$/, '').trim();
    entries.push({ key, value });
    skipLine();
  }
  return { entries, problems };
}

/** Values written without quotes: nothing a reader could take for a quote, comment or space. */
const PLAIN_VALUE = /^[A-Za-z0-9_\-.,/:@+%=^~]*$/;

/** One value as `.env` text: bare when safe, else single-quoted (literal), else double-quoted with escapes. */
export function quoteDotenvValue(value: string): string {
  if (PLAIN_VALUE.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string);
  return `"${escaped}"`;
}

/** `.env` text for the entries, one `KEY=value` line each, after optional `# ` comment lines. */
export function serializeDotenv(entries: readonly EnvEntry[], header?: string): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()) : [];
  for (const { key, value } of entries) lines.push(`${key}=${quoteDotenvValue(value)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
