import * as assert from 'node:assert/strict';
import { compileFilterPattern, globMatches } from '../../../src/local/logs/filterPattern';
import { compileFilterRegex, RegexSyntaxError } from '../../../src/local/logs/filterRegex';
import { seededRandom as rng } from '../../support/seededRandom';

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

function randomText(r: () => number, alphabet: string, max: number): string {
  let s = '';
  const n = Math.floor(r() * (max + 1));
  for (let i = 0; i < n; i++) s += pick(r, [...alphabet]);
  return s;
}

/** The glob test the matcher replaced: `*` as `.*`, anchored, over the whole text. */
function oldGlob(glob: string, text: string): boolean {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

/** A random regex inside CloudWatch's subset, which JavaScript reads the same way. */
function randomRegex(r: () => number): string {
  const atoms = ['a', 'b', 'c', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', '\\s', '1', '-', ':'];
  const quantifiers = ['', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}'];
  const alternatives: string[] = [];
  const count = 1 + Math.floor(r() * 2);
  for (let a = 0; a < count; a++) {
    let alt = r() < 0.2 ? '^' : '';
    const pieces = 1 + Math.floor(r() * 4);
    for (let i = 0; i < pieces; i++) alt += pick(r, atoms) + pick(r, quantifiers);
    if (r() < 0.2) alt += '$';
    alternatives.push(alt);
  }
  return alternatives.join('|');
}

describe('filter pattern matchers (linear time)', () => {
  it('matches globs as the anchored regular expression did', () => {
    const r = rng(7);
    for (let n = 0; n < 3000; n++) {
      const glob = randomText(r, 'ab*', 7);
      const text = randomText(r, 'ab', 9);
      assert.equal(globMatches(glob, text), oldGlob(glob, text), `glob ${JSON.stringify(glob)} on ${JSON.stringify(text)}`);
    }
    assert.equal(globMatches('a*a', 'a'), false, 'prefix and suffix may not overlap');
    assert.equal(globMatches('*', ''), true);
    assert.equal(globMatches('x.y*', 'x.yz'), true, 'a dot is literal');
    assert.equal(globMatches('x.y*', 'xzyz'), false);
  });

  it('runs regular expressions of the subset as JavaScript runs them', () => {
    const r = rng(11);
    for (let n = 0; n < 1500; n++) {
      const source = randomRegex(r);
      const ours = compileFilterRegex(source);
      const js = new RegExp(source);
      for (let k = 0; k < 8; k++) {
        const text = randomText(r, 'abc1 -:\n', 10);
        assert.equal(ours(text), js.test(text), `%${source}% on ${JSON.stringify(text)}`);
      }
    }
  });

  it('refuses what CloudWatch regular expressions do not support', () => {
    const refused: [string, RegExp][] = [
      ['(a+)+$', /parentheses/],
      ['a)', /parentheses/],
      ['a!', /"!" at position 2 is not supported/],
      ['a b', /write a space as \\s/],
      ['ü', /multi-byte/],
      ['*a', /nothing to repeat/],
      ['a**', /repeats a repetition/],
      ['a{2,1}', /wrong way round/],
      ['a{5000}', /at most \{1000\}/],
      ['a{1000}', /at most 256 states/],
      ['\\d{1,3}'.repeat(60), /at most 256 states/],
      ['[abc', /never closed/],
      ['[z-a]', /out of order/],
      ['\\b', /escape "\\b" is not supported/],
      ['a\\', /ends with/],
      ['', /empty/],
    ];
    for (const [source, message] of refused) {
      assert.throws(() => compileFilterRegex(source), (err: Error) => err instanceof RegexSyntaxError && message.test(err.message), source);
    }
  });

  it('keeps pathological inputs linear', () => {
    const long = 'a'.repeat(200_000);
    const cases: [string, string][] = [
      ['%a*a*a*a*a*b%', long],
      ['%^a{0,50}a{0,50}b$%', long],
      ['{ $.x = "a*a*a*a*a*b" }', JSON.stringify({ x: long })],
      [`[${Array(10).fill('...').join(', ')}, ${Array.from({ length: 41 }, (_, i) => `f${i}`).join(', ')}]`, `${'w'.repeat(5000)} `.repeat(40)],
      ['[a, b]', '['.repeat(200_000)],
      ['[a, b]', '"'.repeat(200_000)],
    ];
    for (const [pattern, message] of cases) {
      const matches = compileFilterPattern(pattern);
      const started = performance.now();
      assert.equal(matches(message), false, pattern);
      const ms = performance.now() - started;
      assert.ok(ms < 500, `${pattern} took ${ms.toFixed(0)} ms on ${message.length} characters`);
    }
  });

  it('binds space-delimited fields as the search with the longest skip first did', () => {
    const check = (pattern: string, message: string, expected: boolean): void =>
      assert.equal(compileFilterPattern(pattern)(message), expected, `${pattern} on ${message}`);
    check('[a, ..., b = 3]', '1 2 3', true);
    check('[a, ..., b = 2, c]', '1 2 3', true);
    check('[a, b, c, d]', '1 2 3', false);
    check('[a, ..., b, c]', '1 2 3', true);
    check('[a, ..., b, c, d]', '1 2 3', false);
    // The old search, field by field, with each `...` trying its longest skip first.
    const oldBind = (fields: string[], values: string[]): Map<string, string> | undefined => {
      const bound = new Map<string, string>();
      const match = (fi: number, vi: number): boolean => {
        if (fi === fields.length) return vi === values.length;
        if (fields[fi] === '...') {
          for (let skip = values.length - vi; skip >= 0; skip--) if (match(fi + 1, vi + skip)) return true;
          return false;
        }
        if (vi >= values.length) return false;
        bound.set(fields[fi], values[vi]);
        return match(fi + 1, vi + 1);
      };
      return match(0, 0) ? bound : undefined;
    };
    const r = rng(5);
    for (let n = 0; n < 2000; n++) {
      const fields = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => (r() < 0.35 ? '...' : `f${i}`));
      const values = Array.from({ length: Math.floor(r() * 6) }, () => pick(r, ['1', '2', '3']));
      const named = fields.filter((f) => f !== '...');
      const target = named.length > 0 ? pick(r, named) : undefined;
      const want = pick(r, ['1', '2', '3']);
      const pattern = `[${fields.map((f) => (f === target ? `${f} = ${want}` : f)).join(', ')}]`;
      const bound = oldBind(fields, values);
      const expected = bound !== undefined && (target === undefined || bound.get(target) === want);
      check(pattern, values.join(' '), expected);
    }
  });

  it('bounds the states of all regular expressions in one pattern together', () => {
    assert.doesNotThrow(() => compileFilterPattern('%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%'));
    assert.throws(() => compileFilterPattern(Array(20).fill('%a{20}%').join(' ')), /at most 256 states/);
  });

  it('refuses patterns over 1,024 characters', () => {
    assert.doesNotThrow(() => compileFilterPattern('x'.repeat(1024)));
    assert.throws(() => compileFilterPattern('x'.repeat(1025)), /1025 characters long; the limit is 1024/);
  });
});
