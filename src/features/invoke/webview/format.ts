// Small pure helpers of the Invoke tab's webview: JSON checking with a position, sizes, times.

export { formatBytes, utf8Length } from '../../../shared/units';

export interface JsonCheckProblem {
  message: string;
  /** 0-based offset of the problem. */
  offset: number;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw Object.assign(new Error(message), { offset: at });
  }

  skip(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  value(): void {
    this.skip();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('Expected a value, found the end of the text');
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (c === "'") this.fail('Strings need double quotes, not single quotes');
    if (c === '/') this.fail('Comments are not allowed in JSON');
    if (c === '}' || c === ']' || c === ',') this.fail(`Expected a value before ${JSON.stringify(c)}`);
    this.fail(`Unexpected character ${JSON.stringify(c)}`);
  }

  object(): void {
    this.pos++;
    this.skip();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skip();
      if (this.text[this.pos] === '}') this.fail('Trailing commas are not allowed in JSON');
      if (this.text[this.pos] !== '"') this.fail('Expected a property name in double quotes');
      this.string();
      this.skip();
      if (this.text[this.pos] !== ':') this.fail('Expected ":" after the property name');
      this.pos++;
      this.value();
      this.skip();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return;
      }
      this.fail(c === undefined ? 'Expected "}" before the end of the text' : 'Expected "," or "}"');
    }
  }

  array(): void {
    this.pos++;
    this.skip();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skip();
      if (this.text[this.pos] === ']') this.fail('Trailing commas are not allowed in JSON');
      this.value();
      this.skip();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return;
      }
      this.fail(c === undefined ? 'Expected "]" before the end of the text' : 'Expected "," or "]"');
    }
  }

  string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('Invalid \\u escape');
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) this.fail('Invalid escape character');
        this.pos += 2;
        continue;
      }
      if (c < ' ') this.fail('Control characters (such as line breaks) must be escaped in strings');
      this.pos++;
    }
    this.fail('Unterminated string', start);
  }

  number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('Invalid number');
    this.pos += match[0].length;
  }

  document(): void {
    this.skip();
    if (this.pos >= this.text.length) this.fail('The event is empty; expected a JSON value');
    this.value();
    this.skip();
    if (this.pos < this.text.length) this.fail('Unexpected text after the end of the JSON value');
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Why a text is not JSON, with where; undefined when JSON.parse accepts it. */
export function checkJson(text: string): JsonCheckProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    try {
      new Scanner(text).document();
    } catch (found) {
      const offset = Math.min((found as { offset?: number }).offset ?? 0, text.length);
      return { message: (found as Error).message, offset, ...position(text, offset) };
    }
    // The scanner found nothing the engine did: trust the engine, without a position.
    return { message: (error as Error).message, offset: 0, line: 0, column: 0 };
  }
}

/** "0.84 ms", "27 ms", "1.25 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  if (ms < 10 && !Number.isInteger(ms)) return `${ms.toFixed(2)} ms`;
  return `${Math.round(ms * 100) / 100} ms`;
}
