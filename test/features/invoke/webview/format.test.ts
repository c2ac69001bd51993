import * as assert from 'node:assert/strict';
import { checkJson, formatMs } from '../../../../src/features/invoke/webview/format';

describe('event editor JSON check (webview)', () => {
  const problem = (text: string) => {
    const p = checkJson(text);
    return p && `${p.line}:${p.column} ${p.message}`;
  };

  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', 'null', ' 42 ', '"s"', '{"a":[1,-2.5e3,true,false,null,{"b":"\\u00e9\\n"}]}']) assert.equal(checkJson(text), undefined, text);
  });

  it('points at the first problem with line and column', () => {
    assert.equal(problem('{\n  "name": "Ada",\n  "age": \n}'), '4:1 Expected a value before "}"');
    assert.equal(problem('{\n  "a": 1,\n}'), '3:1 Trailing commas are not allowed in JSON');
    assert.equal(problem('[1, 2,]'), '1:7 Trailing commas are not allowed in JSON');
    assert.equal(problem("{'a': 1}"), '1:2 Expected a property name in double quotes');
    assert.equal(problem('{"a" 1}'), '1:6 Expected ":" after the property name');
    assert.equal(problem('{"a": 1 "b": 2}'), '1:9 Expected "," or "}"');
    assert.equal(problem('{"a": "line\nbreak"}'), '1:12 Control characters (such as line breaks) must be escaped in strings');
    assert.equal(problem('{"a": 01}'), '1:8 Expected "," or "}"');
    assert.equal(problem('{"a": 1} x'), '1:10 Unexpected text after the end of the JSON value');
    assert.equal(problem('// note\n{}'), '1:1 Comments are not allowed in JSON');
    assert.equal(problem('   '), '1:4 The event is empty; expected a JSON value');
    assert.equal(problem('{"a": "open'), '1:7 Unterminated string');
    assert.equal(problem('{"a": [1, 2'), '1:12 Expected "]" before the end of the text');
  });

  it('agrees with JSON.parse on every single-character edit of a sample', () => {
    const sample = '{"a": [1, {"b": "c"}], "d": null}';
    const alphabet = ['', '{', '}', '[', ']', ',', ':', '"', ' ', 'x', '1'];
    for (let i = 0; i <= sample.length; i++) {
      for (const c of alphabet) {
        const text = sample.slice(0, i) + c + sample.slice(i + 1);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const p = checkJson(text);
        assert.equal(p === undefined, parses, text);
        if (p) assert.ok(p.line > 0, `no position for ${text}: ${p.message}`);
      }
    }
  });

  it('formats durations for badges', () => {
    assert.equal(formatMs(0.84), '0.84 ms');
    assert.equal(formatMs(27), '27 ms');
    assert.equal(formatMs(26.734), '26.73 ms');
    assert.equal(formatMs(1250), '1.25 s');
    assert.equal(formatMs(2000), '2 s');
  });
});
