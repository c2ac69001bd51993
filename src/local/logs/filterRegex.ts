/**
 * The regular expressions CloudWatch Logs accepts between `%…%` in a filter pattern, run by a
 * Thompson NFA (a state-set simulation), so matching a message costs at most
 * message length × pattern states and no pattern can make the server backtrack.
 *
 * CloudWatch's subset: letters, digits, the symbols `: _ # = @ / ; , -`, and the operators
 * `^ $ ? [ ] { } | \ * + .`; no parentheses, no multi-byte characters. The documentation names
 * no other characters, so anything else (a space included) is refused — the strict reading; a
 * space is written `\s`. Escapes: `\d \D \s \S \w \W`, and `\` before any symbol or operator
 * matches it literally.
 */

export class RegexSyntaxError extends Error {}

type CharTest = (code: number) => boolean;

/** Tests that accept exactly one character, by that character's code: checked inline while matching. */
const literalCode = new WeakMap<CharTest, number>();
function literal(code: number): CharTest {
  const test: CharTest = (x) => x === code;
  literalCode.set(test, code);
  return test;
}

type State =
  | { kind: 'char'; test: CharTest; next: number }
  | { kind: 'split'; a: number; b: number }
  | { kind: 'bol' | 'eol'; next: number }
  | { kind: 'match' };

/**
 * States allowed across all the regular expressions of one filter pattern: an IP-address
 * pattern needs about 30. It bounds the work per character of a message, so even a 1 MB event
 * is searched in well under a second.
 */
export const MAX_REGEX_STATES = 256;

/** What the regular expressions of one filter pattern may still use. */
export interface RegexBudget { states: number }
const MAX_REPEAT = 1_000;

const LITERAL_SYMBOLS = new Set([...':_#=@/;,-']);
const OPERATORS = new Set([...'^$?[]{}|\\*+.']);
const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13);
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const notNewline: CharTest = (c) => c !== 10 && c !== 13;

function classEscape(letter: string): CharTest | undefined {
  switch (letter) {
    case 'd': return isDigit;
    case 'D': return (c) => !isDigit(c);
    case 's': return isSpace;
    case 'S': return (c) => !isSpace(c);
    case 'w': return isWord;
    case 'W': return (c) => !isWord(c);
    default: return undefined;
  }
}

/** An atom with its repetition, before it becomes states. */
type Piece =
  | { kind: 'atom'; test: CharTest; min: number; max: number /* Infinity = unbounded */ }
  | { kind: 'bol' | 'eol' };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  /** Alternatives, each a sequence of pieces. */
  parse(): Piece[][] {
    const alternatives: Piece[][] = [[]];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '|') { this.pos++; alternatives.push([]); continue; }
      alternatives[alternatives.length - 1].push(this.piece());
    }
    return alternatives;
  }

  private fail(what: string): never {
    throw new RegexSyntaxError(what);
  }

  private piece(): Piece {
    const c = this.src[this.pos];
    if (c === '^') { this.pos++; return { kind: 'bol' }; }
    if (c === '$') { this.pos++; return { kind: 'eol' }; }
    const test = this.atom();
    let min = 1;
    let max = 1;
    const q = this.src[this.pos];
    if (q === '*') { min = 0; max = Infinity; this.pos++; }
    else if (q === '+') { min = 1; max = Infinity; this.pos++; }
    else if (q === '?') { min = 0; max = 1; this.pos++; }
    else if (q === '{') ({ min, max } = this.braces());
    const after = this.src[this.pos];
    if (after === '*' || after === '+' || after === '?' || after === '{') {
      this.fail(`"${after}" at position ${this.pos + 1} repeats a repetition`);
    }
    return { kind: 'atom', test, min, max };
  }

  private braces(): { min: number; max: number } {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.src.slice(this.pos, this.pos + 12));
    if (!m) this.fail(`the "{" at position ${this.pos + 1} must be {m}, {m,} or {m,n}`);
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max < min) this.fail(`{${min},${max}} has its bounds the wrong way round`);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`a repetition may be at most {${MAX_REPEAT}}`);
    return { min, max };
  }

  private atom(): CharTest {
    const c = this.src[this.pos];
    if (c === '.') { this.pos++; return notNewline; }
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape(false);
    if (c === '*' || c === '+' || c === '?' || c === '{') this.fail(`"${c}" at position ${this.pos + 1} has nothing to repeat`);
    if (c === ']' || c === '}') this.fail(`"${c}" at position ${this.pos + 1} closes nothing`);
    this.literalCheck(c);
    this.pos++;
    return literal(c.charCodeAt(0));
  }

  private literalCheck(c: string): void {
    if (c === '(' || c === ')') this.fail('parentheses are not supported; CloudWatch regular expressions have no groups');
    if (c.charCodeAt(0) > 127) this.fail(`multi-byte characters such as "${c}" are not supported`);
    if (!isAlnum(c) && !LITERAL_SYMBOLS.has(c)) {
      this.fail(`the character "${c}" at position ${this.pos + 1} is not supported${c === ' ' ? ' (write a space as \\s)' : ''}`);
    }
  }

  /** `\d`, `\.` …; inside a class, returns a test for one character too. */
  private escape(inClass: boolean): CharTest {
    const e = this.src[this.pos + 1];
    if (e === undefined) this.fail('the pattern ends with "\\"');
    this.pos += 2;
    const cls = classEscape(e);
    if (cls) return cls;
    if (OPERATORS.has(e) || LITERAL_SYMBOLS.has(e) || e === '%' || (inClass && e === '-')) return literal(e.charCodeAt(0));
    return this.fail(`the escape "\\${e}" is not supported`);
  }

  private charClass(): CharTest {
    const start = this.pos;
    this.pos++;
    const negate = this.src[this.pos] === '^';
    if (negate) this.pos++;
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail(`the "[" at position ${start + 1} is never closed`);
      if (c === ']' && !first) { this.pos++; break; }
      first = false;
      if (c === '\\') {
        const e = this.src[this.pos + 1];
        if (e !== undefined && classEscape(e)) { tests.push(this.escape(true)); continue; }
        const lo = this.classChar();
        tests.push(this.maybeRange(lo));
        continue;
      }
      tests.push(this.maybeRange(this.classChar()));
    }
    if (tests.length === 0) this.fail(`the class at position ${start + 1} is empty`);
    return negate ? (x) => !tests.some((t) => t(x)) : (x) => tests.some((t) => t(x));
  }

  /** One character of a class, escaped or not, as its code. */
  private classChar(): number {
    const c = this.src[this.pos];
    if (c === '\\') {
      const e = this.src[this.pos + 1];
      if (e === undefined) this.fail('the pattern ends with "\\"');
      if (!OPERATORS.has(e) && !LITERAL_SYMBOLS.has(e) && e !== '%') this.fail(`the escape "\\${e}" is not supported`);
      this.pos += 2;
      return e.charCodeAt(0);
    }
    if (c !== '-' && !OPERATORS.has(c)) this.literalCheck(c);
    this.pos++;
    return c.charCodeAt(0);
  }

  private maybeRange(lo: number): CharTest {
    if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== undefined && this.src[this.pos + 1] !== ']') {
      this.pos++;
      const hi = this.classChar();
      if (hi < lo) this.fail(`the range ${String.fromCharCode(lo)}-${String.fromCharCode(hi)} is out of order`);
      return (x) => x >= lo && x <= hi;
    }
    return (x) => x === lo;
  }
}

/** Builds the state list; states are appended, `next` links patched as pieces are laid out. */
function build(alternatives: Piece[][], budget: RegexBudget): { states: State[]; start: number; anchoredStart: boolean } {
  const states: State[] = [];
  const add = (s: State): number => {
    if (budget.states <= 0) throw new RegexSyntaxError(`the regular expressions of one filter pattern may have at most ${MAX_REGEX_STATES} states; this one needs more`);
    budget.states--;
    states.push(s);
    return states.length - 1;
  };
  const match = add({ kind: 'match' });
  // Built back to front: each piece knows the state that follows it.
  const sequence = (pieces: Piece[]): number => {
    let next = match;
    for (let i = pieces.length - 1; i >= 0; i--) {
      const p = pieces[i];
      if (p.kind !== 'atom') { next = add({ kind: p.kind, next }); continue; }
      if (p.max === Infinity) {
        // x* : loop = split(x → loop, next)
        const loop = add({ kind: 'split', a: -1, b: next });
        const body = add({ kind: 'char', test: p.test, next: loop });
        (states[loop] as { a: number }).a = body;
        next = loop;
      } else {
        for (let k = p.max - p.min; k > 0; k--) {
          const body = add({ kind: 'char', test: p.test, next });
          next = add({ kind: 'split', a: body, b: next });
        }
      }
      for (let k = p.min; k > 0; k--) next = add({ kind: 'char', test: p.test, next });
    }
    return next;
  };
  const starts = alternatives.map(sequence);
  let start = starts[starts.length - 1];
  for (let i = starts.length - 2; i >= 0; i--) start = add({ kind: 'split', a: starts[i], b: start });
  const anchoredStart = alternatives.every((alt) => alt[0]?.kind === 'bol');
  return { states, start, anchoredStart };
}

/** Compiles `source` (without the `%`s); throws RegexSyntaxError saying what is outside the subset. */
export function compileFilterRegex(source: string, budget: RegexBudget = { states: MAX_REGEX_STATES }): (text: string) => boolean {
  if (source === '') throw new RegexSyntaxError('the regular expression is empty');
  const { states, start, anchoredStart } = build(new Parser(source).parse(), budget);
  const n = states.length;
  // Flat tables: the simulation below runs per character of every message searched.
  const KIND_CHAR = 0, KIND_SPLIT = 1, KIND_BOL = 2, KIND_EOL = 3, KIND_MATCH = 4;
  const kind = new Int8Array(n);
  const out1 = new Int32Array(n);
  const out2 = new Int32Array(n);
  const tests: CharTest[] = new Array<CharTest>(n);
  const codes = new Int32Array(n).fill(-1);
  states.forEach((st, id) => {
    switch (st.kind) {
      case 'char': kind[id] = KIND_CHAR; out1[id] = st.next; tests[id] = st.test; codes[id] = literalCode.get(st.test) ?? -1; break;
      case 'split': kind[id] = KIND_SPLIT; out1[id] = st.a; out2[id] = st.b; break;
      case 'bol': kind[id] = KIND_BOL; out1[id] = st.next; break;
      case 'eol': kind[id] = KIND_EOL; out1[id] = st.next; break;
      case 'match': kind[id] = KIND_MATCH; break;
    }
  });
  const mark = new Int32Array(n);
  let generation = 0;
  let current = new Int32Array(n);
  let next = new Int32Array(n);
  // Each state is expanded once per step and pushes at most two others.
  const stack = new Int32Array(2 * n + 2);

  return (text: string): boolean => {
    const length = text.length;
    let size = 0;
    let matched = false;
    /** Follows splits and assertions from `s` at position `at` into `list` (from `size` on). */
    const addState = (list: Int32Array, s: number, at: number): void => {
      let sp = 0;
      stack[sp++] = s;
      while (sp > 0) {
        const id = stack[--sp];
        if (mark[id] === generation) continue;
        mark[id] = generation;
        switch (kind[id]) {
          case KIND_CHAR: list[size++] = id; break;
          case KIND_SPLIT: stack[sp++] = out2[id]; stack[sp++] = out1[id]; break;
          case KIND_BOL: if (at === 0) stack[sp++] = out1[id]; break;
          case KIND_EOL: if (at === length) stack[sp++] = out1[id]; break;
          default: matched = true;
        }
      }
    };
    generation++;
    addState(current, start, 0);
    if (matched) return true;
    let count = size;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      generation++;
      size = 0;
      for (let k = 0; k < count; k++) {
        const id = current[k];
        const want = codes[id];
        if (want >= 0 ? want === code : tests[id](code)) {
          addState(next, out1[id], i + 1);
          if (matched) return true;
        }
      }
      // Unanchored search: a match may also begin after this character.
      if (!anchoredStart) {
        addState(next, start, i + 1);
        if (matched) return true;
      }
      const swap = current;
      current = next;
      next = swap;
      count = size;
      if (count === 0 && anchoredStart) return false;
    }
    return false;
  };
}
