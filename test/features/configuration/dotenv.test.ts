import * as assert from 'node:assert/strict';
import { parseDotenv, quoteDotenvValue, serializeDotenv } from '../../../src/features/configuration/dotenv';
import type { EnvEntry } from '../../../src/features/configuration/envVars';

describe('model/dotenv', () => {
  it('reads KEY=value lines, comments, blank lines and the export prefix', () => {
    const text = [
      '# settings for the dev stage',
      '',
      'PLAIN=hello world',
      'export EXPORTED=yes',
      '  SPACED  =  trimmed  ',
      'EMPTY=',
      'WITH_COMMENT=value # a comment',
      'HASH_INSIDE=a#b',
      'EQUALS=a=b=c',
      '\tINDENTED=1',
    ].join('\n');
    const { entries, problems } = parseDotenv(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [
      { key: 'PLAIN', value: 'hello world' },
      { key: 'EXPORTED', value: 'yes' },
      { key: 'SPACED', value: 'trimmed' },
      { key: 'EMPTY', value: '' },
      { key: 'WITH_COMMENT', value: 'value' },
      { key: 'HASH_INSIDE', value: 'a#b' },
      { key: 'EQUALS', value: 'a=b=c' },
      { key: 'INDENTED', value: '1' },
    ]);
  });

  it('reads quoted values: single quotes literal, double quotes with escapes and several lines', () => {
    const text = [
      `SINGLE='  a \\n "b" # not a comment '`,
      'DOUBLE="tab\\there\\nnext \\"quoted\\" back\\\\slash \\x"  # trailing comment',
      'MULTI="line one',
      'line two"',
      'AFTER=1',
    ].join('\r\n');
    const { entries, problems } = parseDotenv(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [
      { key: 'SINGLE', value: '  a \\n "b" # not a comment ' },
      { key: 'DOUBLE', value: 'tab\there\nnext "quoted" back\\slash \\x' },
      { key: 'MULTI', value: 'line one\nline two' },
      { key: 'AFTER', value: '1' },
    ]);
  });

  it('reports malformed lines by number without their values and keeps the good ones', () => {
    const { entries, problems } = parseDotenv('GOOD=1\nnot a pair secret\n=nokey\nQ="open\nLATER=2');
    assert.deepEqual(entries, [{ key: 'GOOD', value: '1' }]);
    assert.deepEqual(problems.map((p) => p.line), [2, 3, 4]);
    assert.match(problems[0].message, /Line 2: expected KEY=value/);
    assert.match(problems[2].message, /not closed/);
    for (const p of problems) assert.doesNotMatch(p.message, /secret|nokey|open/);
  });

  it('flags text after a closing quote', () => {
    const { entries, problems } = parseDotenv('A1="x" y\nB1=2');
    assert.deepEqual(entries, [{ key: 'B1', value: '2' }]);
    assert.match(problems[0].message, /Line 1: unexpected text after the closing quote of A1/);
  });

  it('quotes only what needs it, preferring literal single quotes', () => {
    assert.equal(quoteDotenvValue('simple-value_1.2:3/4@x'), 'simple-value_1.2:3/4@x');
    assert.equal(quoteDotenvValue(''), '');
    assert.equal(quoteDotenvValue('has space'), "'has space'");
    assert.equal(quoteDotenvValue('back\\slash "q" #'), `'back\\slash "q" #'`);
    assert.equal(quoteDotenvValue("it's\nhere"), '"it\'s\\nhere"');
  });

  it('writes a header and KEY=value lines', () => {
    assert.equal(serializeDotenv([{ key: 'A1', value: 'x y' }], 'Exported from hello-node'), "# Exported from hello-node\nA1='x y'\n");
    assert.equal(serializeDotenv([]), '');
  });

  it('round-trips any values', () => {
    const tricky: EnvEntry[] = [
      { key: 'EMPTY', value: '' },
      { key: 'SPACES', value: '  lead and trail  ' },
      { key: 'QUOTES', value: `'single' and "double"` },
      { key: 'BACKSLASHES', value: '\\n is not a newline \\\\ \\' },
      { key: 'NEWLINES', value: 'a\nb\r\nc\rd' },
      { key: 'TABS', value: '\tx\t' },
      { key: 'HASH', value: '#not-a-comment' },
      { key: 'UNICODE', value: 'héllo € 😀 \u2028' },
      { key: 'JSON', value: '{"a":[1,2],"b":"it\'s"}' },
      { key: 'EQUALS', value: '=x=' },
      { key: 'EXPORTLIKE', value: 'export X=1' },
    ];
    // Plus pseudo-random strings over an alphabet of the characters that matter.
    const alphabet = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '"', "'", '\\', '#', '=', '$', 'é', '😀', '`'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const length = next() % 12;
      tricky.push({ key: `R${i}`, value: Array.from({ length }, () => alphabet[next() % alphabet.length]).join('') });
    }
    const text = serializeDotenv(tricky, 'round trip');
    const { entries, problems } = parseDotenv(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, tricky);
  });
});
