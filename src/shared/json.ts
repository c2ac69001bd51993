import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** Where and why a text is not strict JSON, in words a person can act on. */
export interface JsonProblem {
  message: string;
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line and column. */
  line: number;
  column: number;
}

/** By the parser's error name (its codes are a const enum, which a browser build cannot read). */
const DESCRIPTIONS: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected ":" after the property name',
  CommaExpected: 'Expected ","',
  CloseBraceExpected: 'Expected "}"',
  CloseBracketExpected: 'Expected "]"',
  EndOfFileExpected: 'Unexpected text after the end of the JSON value',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Comments are not allowed in JSON',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unfinished number',
  InvalidUnicode: 'Invalid \\u escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Control characters must be escaped in strings',
};

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Words for an unexpected character: text after a complete value, a bare word, or one character. */
function unexpected(text: string, offset: number): string {
  if (offset > 0 && parses(text.slice(0, offset))) return 'Unexpected text after the end of the JSON value';
  const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(offset))?.[0];
  if (word) return `Unexpected "${word}": JSON knows only true, false and null as bare words`;
  return `Unexpected character ${JSON.stringify(text[offset] ?? '')}`;
}

/** Offset of the first raw control character inside the string that starts at `start`, if any. */
function firstControlCharacter(text: string, start: number): number | undefined {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return undefined;
    if (c === '\\') i++;
    else if (c < ' ') return i;
  }
  return undefined;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The first problem that keeps `JSON.parse` from reading the text, or undefined when it reads. */
export function findJsonProblem(text: string): JsonProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const errors: ParseError[] = [];
    parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
    const first = errors[0];
    // The parser and the engine agree on JSON; should they not, the engine's word stands.
    const offset = first ? Math.min(first.offset, text.length) : 0;
    const code = first ? printParseErrorCode(first.error) : undefined;
    let message = code ? DESCRIPTIONS[code] ?? 'Invalid JSON' : (error as Error).message;
    let at = offset;
    if (code === 'ValueExpected' && text.trim() === '') message = 'The text is empty; expected a JSON value';
    if (code === 'PropertyNameExpected' || code === 'ValueExpected') {
      if (/^\s*[}\]]/.test(text.slice(offset)) && /,\s*$/.test(text.slice(0, offset))) message = 'Trailing commas are not allowed in JSON';
    }
    if (text[offset] === "'") message = 'Strings need double quotes, not single quotes';
    else if (code === 'InvalidSymbol') message = unexpected(text, offset);
    if (code === 'UnexpectedEndOfString') {
      // The parser stops a string at a raw line break; say so where the line break is.
      const control = firstControlCharacter(text, offset);
      if (control !== undefined && text.indexOf('"', control) !== -1) {
        message = 'Control characters (such as line breaks) must be escaped in strings';
        at = control;
      }
    }
    return { message, offset: at, ...position(text, at) };
  }
}

/** "line 3, column 5: Expected ','" style text for a problem. */
export function describeJsonProblem(problem: JsonProblem): string {
  return `line ${problem.line}, column ${problem.column}: ${problem.message}`;
}
