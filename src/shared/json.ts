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
  ColonExpected: 'Expected ":"',
  CommaExpected: 'Expected ","',
  CloseBraceExpected: 'Expected "}"',
  CloseBracketExpected: 'Expected "]"',
  EndOfFileExpected: 'Unexpected text after the end',
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
    if (code === 'ValueExpected' && text.trim() === '') message = 'The text is empty; expected a JSON value';
    if (code === 'PropertyNameExpected' || code === 'ValueExpected') {
      if (/^\s*[}\]]/.test(text.slice(offset)) && /,\s*$/.test(text.slice(0, offset))) message = 'Trailing commas are not allowed in JSON';
    }
    return { message, offset, ...position(text, offset) };
  }
}

/** "line 3, column 5: Expected ','" style text for a problem. */
export function describeJsonProblem(problem: JsonProblem): string {
  return `line ${problem.line}, column ${problem.column}: ${problem.message}`;
}
