import * as assert from 'node:assert/strict';
import { describeJsonProblem, findJsonProblem } from '../../src/shared/json';

/** "line:column message", as the Invoke tab's editor shows a problem. */
const problem = (text: string) => {
  const p = findJsonProblem(text);
  return p && `${p.line}:${p.column} ${p.message}`;
};

describe('shared/json: the one JSON checker (extension and webviews)', () => {
  it('accepts JSON that JSON.parse accepts', () => {
    for (const ok of ['{}', '[]', '"text"', '42', 'null', ' 42 ', '{"a":[1,-2.5e3,true,false,null,{"b":"\\u00e9\\n"}]}', ' \n{"a": 1}\n ']) {
      assert.equal(findJsonProblem(ok), undefined, ok);
    }
  });

  it('points at the line and column of the first problem', () => {
    assert.deepEqual(findJsonProblem('{\n  "a": 1\n  "b": 2\n}'), { message: 'Expected ","', offset: 13, line: 3, column: 3 });
    assert.equal(describeJsonProblem(findJsonProblem('{"a": }')!), 'line 1, column 7: Expected a value');
    assert.equal(problem('{\n  "name": "Ada",\n  "age": \n}'), '4:1 Expected a value');
    assert.equal(problem('{"a" 1}'), '1:6 Expected ":" after the property name');
    assert.equal(problem('{"a": 1 "b": 2}'), '1:9 Expected ","');
    assert.equal(problem('{"a": 01}'), '1:8 Expected ","');
    assert.equal(problem('{"a": [1, 2'), '1:12 Expected "]"');
    assert.equal(problem('{"a": "open'), '1:7 Unterminated string');
  });

  it('names the mistakes people make most', () => {
    assert.equal(problem('{\n  "a": 1,\n}'), '3:1 Trailing commas are not allowed in JSON');
    assert.equal(problem('[1, 2,]'), '1:7 Trailing commas are not allowed in JSON');
    assert.equal(problem("{'a': 1}"), '1:2 Strings need double quotes, not single quotes');
    assert.equal(problem('{"a": "line\nbreak"}'), '1:12 Control characters (such as line breaks) must be escaped in strings');
    assert.equal(problem('// note\n{}'), '1:1 Comments are not allowed in JSON');
    assert.equal(findJsonProblem('{"a": 1} // note')?.message, 'Comments are not allowed in JSON');
    assert.equal(problem('   '), '1:4 The text is empty; expected a JSON value');
    assert.equal(findJsonProblem('')?.message, 'The text is empty; expected a JSON value');
    assert.equal(problem('{"a": 1} x'), '1:10 Unexpected text after the end of the JSON value');
    assert.equal(findJsonProblem('{"a": 1} {"b": 2}')?.message, 'Unexpected text after the end of the JSON value');
    assert.equal(problem('{"a": NaN}'), '1:7 Unexpected "NaN": JSON knows only true, false and null as bare words');
  });

  it('agrees with JSON.parse on every single-character edit of a sample, always with a position', () => {
    const sample = '{"a": [1, {"b": "c"}], "d": null}';
    const alphabet = ['', '{', '}', '[', ']', ',', ':', '"', ' ', 'x', '1', "'", '\n'];
    for (let i = 0; i <= sample.length; i++) {
      for (const c of alphabet) {
        const text = sample.slice(0, i) + c + sample.slice(i + 1);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const p = findJsonProblem(text);
        assert.equal(p === undefined, parses, text);
        if (p) {
          assert.ok(p.line > 0 && p.column > 0 && p.offset >= 0 && p.offset <= text.length, `no position for ${text}: ${p.message}`);
          assert.ok(p.message.length > 0);
        }
      }
    }
  });
});
