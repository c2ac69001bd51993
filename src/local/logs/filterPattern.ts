/**
 * CloudWatch Logs filter patterns, compiled once into a predicate over a log message.
 *
 * Supported forms:
 * - terms: `ERROR timeout` (all must occur, case-sensitive), `?ERROR ?WARN` (any of them),
 *   `-DEBUG` (must not occur), `"a phrase"` (quoted, may contain spaces), `%time[do]ut%` (a
 *   regular expression in CloudWatch's subset, see filterRegex.ts);
 * - JSON: `{ $.level = "ERROR" && ($.code >= 500 || $.user.name = "adm*") }`, with
 *   `=`, `!=`, `<`, `>`, `<=`, `>=`, `IS NULL|TRUE|FALSE`, `EXISTS`, `NOT EXISTS`;
 * - space-delimited: `[ip, user, ..., status = 5*, size > 1000]`.
 *
 * Every matcher runs in time linear in the message (times the pattern's size): globs by
 * segment search, `...` by counting, regular expressions by a state-set simulation. Nothing
 * here hands user text to RegExp, so no pattern can stall the server.
 */

import { compileFilterRegex, MAX_REGEX_STATES, RegexSyntaxError, type RegexBudget } from './filterRegex';

/** CloudWatch's limit on filterPattern and logEventFilterPattern. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

export type MessageMatcher = (message: string) => boolean;

/** Compiles `pattern`; throws FilterPatternError naming the problem when it is malformed. */
export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  if (pattern !== undefined && pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new FilterPatternError(`Invalid filter pattern: it is ${pattern.length} characters long; the limit is ${MAX_FILTER_PATTERN_LENGTH}.`);
  }
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) return compileDelimitedPattern(text);
  return compileTermPattern(text);
}

// ---------------------------------------------------------------- terms

function compileTermPattern(text: string): MessageMatcher {
  const required: TermTest[] = [];
  const optional: TermTest[] = [];
  const excluded: TermTest[] = [];
  const budget: RegexBudget = { states: MAX_REGEX_STATES };
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) { i++; continue; }
    let kind: 'required' | 'optional' | 'excluded' = 'required';
    if (text[i] === '?') { kind = 'optional'; i++; }
    else if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1])) { kind = 'excluded'; i++; }
    let term: string;
    if (text[i] === '"') {
      const read = readQuoted(text, i);
      term = read.value;
      i = read.end;
    } else if (text[i] === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError(`Invalid filter pattern: the regular expression starting at position ${i + 1} has no closing "%".`);
      term = text.slice(i, end + 1);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i])) i++;
      term = text.slice(start, i);
    }
    if (term === '') throw new FilterPatternError(`Invalid filter pattern: a "${kind === 'optional' ? '?' : '-'}" must be followed by a term.`);
    (kind === 'required' ? required : kind === 'optional' ? optional : excluded).push(termTest(term, budget));
  }
  return (message) =>
    required.every((t) => t(message)) &&
    !excluded.some((t) => t(message)) &&
    (optional.length === 0 || optional.some((t) => t(message)));
}

type TermTest = (message: string) => boolean;

function termTest(term: string, budget: RegexBudget): TermTest {
  if (term.length > 2 && term.startsWith('%') && term.endsWith('%')) {
    try {
      return compileFilterRegex(term.slice(1, -1), budget);
    } catch (err) {
      if (!(err instanceof RegexSyntaxError)) throw err;
      throw new FilterPatternError(`Invalid filter pattern: the regular expression ${term} is not supported: ${err.message}.`);
    }
  }
  return (message) => message.includes(term);
}

/** Reads a double-quoted string starting at `start` (the quote); `\"` and `\\` are escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) { value += text[++i]; continue; }
    if (c === '"') return { value, end: i + 1 };
    value += c;
  }
  throw new FilterPatternError(`Invalid filter pattern: the quote at position ${start + 1} is never closed.`);
}

// ---------------------------------------------------------------- expressions (JSON and delimited)

type Token =
  | { kind: 'op'; value: '=' | '!=' | '<' | '>' | '<=' | '>=' }
  | { kind: 'and' | 'or' | 'lparen' | 'rparen' }
  | { kind: 'string'; value: string }
  | { kind: 'word'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const two = text.slice(i, i + 2);
    if (two === '&&') { tokens.push({ kind: 'and' }); i += 2; continue; }
    if (two === '||') { tokens.push({ kind: 'or' }); i += 2; continue; }
    if (two === '!=' || two === '<=' || two === '>=') { tokens.push({ kind: 'op', value: two }); i += 2; continue; }
    if (c === '=' || c === '<' || c === '>') { tokens.push({ kind: 'op', value: c }); i++; continue; }
    if (c === '(') { tokens.push({ kind: 'lparen' }); i++; continue; }
    if (c === ')') { tokens.push({ kind: 'rparen' }); i++; continue; }
    if (c === '"') {
      const read = readQuoted(text, i);
      tokens.push({ kind: 'string', value: read.value });
      i = read.end;
      continue;
    }
    const start = i;
    while (i < text.length && !/[\s=!<>()&|"]/.test(text[i])) i++;
    if (i === start) throw new FilterPatternError(`Invalid filter pattern: unexpected "${c}" at position ${i + 1}.`);
    tokens.push({ kind: 'word', value: text.slice(start, i) });
  }
  return tokens;
}

type Operand = { kind: 'string'; value: string; quoted: boolean } | { kind: 'number'; value: number } | { kind: 'null' } | { kind: 'bool'; value: boolean };

type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; subject: string; op: CompareOp; operand: Operand }
  | { kind: 'exists'; subject: string; negate: boolean };

/** Recursive-descent parser for `a = 1 && (b != "x" || c EXISTS)`; subjects are checked by `checkSubject`. */
class ExprParser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly checkSubject: (word: string) => void) {}

  parse(): Expr {
    if (this.tokens.length === 0) throw new FilterPatternError('Invalid filter pattern: the expression is empty.');
    const expr = this.or();
    if (this.pos < this.tokens.length) throw new FilterPatternError(`Invalid filter pattern: unexpected ${describe(this.tokens[this.pos])}.`);
    return expr;
  }

  private or(): Expr {
    let left = this.and();
    while (this.peek()?.kind === 'or') { this.pos++; left = { kind: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): Expr {
    let left = this.primary();
    while (this.peek()?.kind === 'and') { this.pos++; left = { kind: 'and', left, right: this.primary() }; }
    return left;
  }

  private primary(): Expr {
    const token = this.next('a condition');
    if (token.kind === 'lparen') {
      const inner = this.or();
      if (this.next('")"').kind !== 'rparen') throw new FilterPatternError('Invalid filter pattern: missing ")".');
      return inner;
    }
    if (token.kind !== 'word') throw new FilterPatternError(`Invalid filter pattern: expected a field, found ${describe(token)}.`);
    const subject = token.value;
    this.checkSubject(subject);
    const after = this.next(`an operator after ${subject}`);
    if (after.kind === 'word') {
      const keyword = after.value.toUpperCase();
      if (keyword === 'EXISTS') return { kind: 'exists', subject, negate: false };
      if (keyword === 'NOT' && this.peekWord()?.toUpperCase() === 'EXISTS') { this.pos++; return { kind: 'exists', subject, negate: true }; }
      if (keyword === 'IS') {
        const what = this.peekWord()?.toUpperCase();
        this.pos++;
        if (what === 'NULL') return { kind: 'compare', subject, op: '=', operand: { kind: 'null' } };
        if (what === 'TRUE' || what === 'FALSE') return { kind: 'compare', subject, op: '=', operand: { kind: 'bool', value: what === 'TRUE' } };
        throw new FilterPatternError(`Invalid filter pattern: IS must be followed by NULL, TRUE or FALSE (after ${subject}).`);
      }
    }
    if (after.kind !== 'op') throw new FilterPatternError(`Invalid filter pattern: expected an operator after ${subject}, found ${describe(after)}.`);
    const valueToken = this.next(`a value after ${subject} ${after.value}`);
    let operand: Operand;
    if (valueToken.kind === 'string') operand = { kind: 'string', value: valueToken.value, quoted: true };
    else if (valueToken.kind === 'word') operand = wordOperand(valueToken.value);
    else throw new FilterPatternError(`Invalid filter pattern: expected a value after ${subject} ${after.value}, found ${describe(valueToken)}.`);
    const numericOp = after.value !== '=' && after.value !== '!=';
    if (numericOp && operand.kind !== 'number') {
      throw new FilterPatternError(`Invalid filter pattern: ${subject} ${after.value} needs a number, not ${valueToken.kind === 'string' ? `"${valueToken.value}"` : valueToken.value}.`);
    }
    return { kind: 'compare', subject, op: after.value, operand };
  }

  private peek(): Token | undefined { return this.tokens[this.pos]; }
  private peekWord(): string | undefined {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' ? t.value : undefined;
  }
  private next(expected: string): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new FilterPatternError(`Invalid filter pattern: expected ${expected} but the pattern ended.`);
    return t;
  }
}

function wordOperand(word: string): Operand {
  const upper = word.toUpperCase();
  if (upper === 'NULL') return { kind: 'null' };
  if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'bool', value: upper === 'TRUE' };
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word)) return { kind: 'number', value: Number(word) };
  return { kind: 'string', value: word, quoted: false };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'op': case 'word': return `"${token.value}"`;
    case 'string': return `"\\"${token.value}\\""`;
    case 'and': return '"&&"';
    case 'or': return '"||"';
    case 'lparen': return '"("';
    case 'rparen': return '")"';
  }
}

/**
 * Whether `text` matches `glob`, where `*` stands for any run of characters. The first part
 * must be a prefix and the last a suffix; each part between is taken at its leftmost place
 * after the previous one, which is never worse than a later place, so one pass suffices.
 */
export function globMatches(glob: string, text: string): boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return glob === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i];
    if (part === '') continue;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Compares a field value (JSON value, or the text of a delimited field) with an operand. */
function compare(actual: unknown, op: CompareOp, operand: Operand, textField: boolean): boolean {
  if (actual === undefined) return false;
  if (operand.kind === 'null') return (actual === null) === (op === '=');
  if (operand.kind === 'bool') return (actual === operand.value) === (op === '=');
  if (operand.kind === 'string') {
    if (typeof actual !== 'string') return op === '!=' && actual !== null && typeof actual !== 'object';
    const equal = operand.value.includes('*') ? globMatches(operand.value, actual) : actual === operand.value;
    return op === '=' ? equal : !equal;
  }
  const n = typeof actual === 'number' ? actual
    : textField && typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : NaN;
  if (Number.isNaN(n)) return op === '!=' && actual !== null && typeof actual !== 'object';
  switch (op) {
    case '=': return n === operand.value;
    case '!=': return n !== operand.value;
    case '<': return n < operand.value;
    case '>': return n > operand.value;
    case '<=': return n <= operand.value;
    case '>=': return n >= operand.value;
  }
}

function evaluate(expr: Expr, lookup: (subject: string) => unknown, textFields: boolean): boolean {
  switch (expr.kind) {
    case 'and': return evaluate(expr.left, lookup, textFields) && evaluate(expr.right, lookup, textFields);
    case 'or': return evaluate(expr.left, lookup, textFields) || evaluate(expr.right, lookup, textFields);
    case 'exists': return (lookup(expr.subject) !== undefined) !== expr.negate;
    case 'compare': return compare(lookup(expr.subject), expr.op, expr.operand, textFields);
  }
}

// ---------------------------------------------------------------- JSON

type PathStep = string | number;

function parseSelector(selector: string): PathStep[] {
  if (!selector.startsWith('$')) throw new FilterPatternError(`Invalid filter pattern: "${selector}" is not a JSON selector; selectors start with "$." (for example $.level).`);
  const steps: PathStep[] = [];
  const re = /\.([A-Za-z0-9_\-@:]+)|\[(\d+)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const at = re.lastIndex;
    const m = re.exec(selector);
    if (!m) throw new FilterPatternError(`Invalid filter pattern: cannot read the selector "${selector}" at position ${at + 1}.`);
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  if (steps.length === 0) throw new FilterPatternError(`Invalid filter pattern: the selector "${selector}" names no field.`);
  return steps;
}

function compileJsonPattern(text: string): MessageMatcher {
  if (!text.endsWith('}')) throw new FilterPatternError('Invalid filter pattern: a JSON pattern starting with "{" must end with "}".');
  const paths = new Map<string, PathStep[]>();
  const expr = new ExprParser(tokenize(text.slice(1, -1)), (subject) => { paths.set(subject, parseSelector(subject)); }).parse();
  return (message) => {
    const trimmed = message.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    let doc: unknown;
    try { doc = JSON.parse(trimmed); } catch { return false; }
    return evaluate(expr, (subject) => {
      let value: unknown = doc;
      for (const step of paths.get(subject)!) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Record<string | number, unknown>)[step];
        if (value === undefined) return undefined;
      }
      return value;
    }, false);
  };
}

// ---------------------------------------------------------------- space-delimited

interface DelimitedField { ellipsis: boolean; name?: string; condition?: Expr }

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const read = readQuoted(text, i);
      current += text.slice(i, read.end);
      i = read.end - 1;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === separator && depth === 0) { parts.push(current); current = ''; continue; }
    current += c;
  }
  parts.push(current);
  return parts;
}

function compileDelimitedPattern(text: string): MessageMatcher {
  if (!text.endsWith(']')) throw new FilterPatternError('Invalid filter pattern: a space-delimited pattern starting with "[" must end with "]".');
  const inner = text.slice(1, -1);
  if (inner.trim() === '') throw new FilterPatternError('Invalid filter pattern: "[]" names no fields.');
  const fields: DelimitedField[] = splitTopLevel(inner, ',').map((raw, index) => {
    const part = raw.trim();
    if (part === '...') return { ellipsis: true };
    if (part === '') throw new FilterPatternError(`Invalid filter pattern: field ${index + 1} of the space-delimited pattern is empty.`);
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) return { ellipsis: false, name: part };
    const subjects: string[] = [];
    const condition = new ExprParser(tokenize(part), (subject) => {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(subject)) throw new FilterPatternError(`Invalid filter pattern: "${subject}" is not a field name.`);
      subjects.push(subject);
    }).parse();
    return { ellipsis: false, name: subjects[0], condition };
  });
  const known = new Set(fields.map((f) => f.name).filter((n): n is string => n !== undefined));
  for (const field of fields) {
    if (!field.condition) continue;
    const unknown = collectSubjects(field.condition).find((s) => !known.has(s));
    if (unknown) throw new FilterPatternError(`Invalid filter pattern: the condition uses "${unknown}", which is not a field of the pattern.`);
  }
  return (message) => {
    const values = splitDelimitedMessage(message);
    const bound = bindFields(fields, values);
    if (!bound) return false;
    return fields.every((f) => !f.condition || evaluate(f.condition, (s) => bound.get(s), true));
  };
}

function collectSubjects(expr: Expr): string[] {
  switch (expr.kind) {
    case 'and': case 'or': return [...collectSubjects(expr.left), ...collectSubjects(expr.right)];
    default: return [expr.subject];
  }
}

/** /\s/ for one character, without a regex call for the common ASCII ones. */
function isSpace(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(text[at]);
}

/** Splits a message on spaces; text inside "..." or [...] is one field (without the delimiters). */
export function splitDelimitedMessage(message: string): string[] {
  const values: string[] = [];
  // Once a closing character is known to be absent from the rest, it is not searched for again
  // (a message of many unclosed "[" would otherwise cost quadratic time).
  const absentFrom = { '"': Infinity, ']': Infinity };
  let i = 0;
  while (i < message.length) {
    const c = message[i];
    if (isSpace(message, i)) { i++; continue; }
    const close = c === '"' ? '"' : c === '[' ? ']' : undefined;
    if (close && i + 1 < absentFrom[close]) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) { values.push(message.slice(i + 1, end)); i = end + 1; continue; }
      absentFrom[close] = i + 1;
    }
    const start = i;
    while (i < message.length && !isSpace(message, i)) i++;
    values.push(message.slice(start, i));
  }
  return values;
}

/**
 * Binds pattern fields to message fields. Without `...` the counts must be equal (the strict
 * reading). With `...`, every named field takes one message field and the first `...` takes
 * all the surplus (later ones none): the same binding a search trying the longest skip first
 * finds, computed without the search.
 */
function bindFields(fields: DelimitedField[], values: string[]): Map<string, string> | undefined {
  const named = fields.filter((f) => !f.ellipsis).length;
  const hasEllipsis = named < fields.length;
  if (hasEllipsis ? values.length < named : values.length !== named) return undefined;
  const bound = new Map<string, string>();
  let surplus = values.length - named;
  let vi = 0;
  for (const field of fields) {
    if (field.ellipsis) { vi += surplus; surplus = 0; continue; }
    if (field.name) bound.set(field.name, values[vi]);
    vi++;
  }
  return bound;
}
