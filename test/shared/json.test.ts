import * as assert from 'node:assert/strict';
import { describeJsonProblem, findJsonProblem } from '../../src/shared/json';

describe('model/jsonProblem', () => {
  it('accepts JSON that JSON.parse accepts', () => {
    for (const ok of ['{}', '[]', '"text"', '42', 'null', '{"a":[1,{"b":true}]}', ' \n{"a": 1}\n ']) assert.equal(findJsonProblem(ok), undefined, ok);
  });

  it('points at the line and column of the first problem', () => {
    assert.deepEqual(findJsonProblem('{\n  "a": 1\n  "b": 2\n}'), { message: 'Expected ","', offset: 13, line: 3, column: 3 });
    assert.equal(describeJsonProblem(findJsonProblem('{"a": }')!), 'line 1, column 7: Expected a value');
    assert.equal(findJsonProblem("{'a': 1}")?.column, 2);
  });

  it('names the mistakes people make most', () => {
    assert.equal(findJsonProblem('{"a": 1,}')?.message, 'Trailing commas are not allowed in JSON');
    assert.equal(findJsonProblem('[1, 2,]')?.message, 'Trailing commas are not allowed in JSON');
    assert.equal(findJsonProblem('{"a": 1} // note')?.message, 'Comments are not allowed in JSON');
    assert.equal(findJsonProblem('{"a": "unterminated}')?.message, 'Unterminated string');
    assert.equal(findJsonProblem('')?.message, 'The text is empty; expected a JSON value');
    assert.equal(findJsonProblem('{"a": 1} {"b": 2}')?.message, 'Unexpected text after the end');
  });
});
