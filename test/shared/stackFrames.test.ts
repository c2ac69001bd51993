import * as assert from 'node:assert/strict';
import { stackLocation } from '../../src/shared/stackFrames';

describe('shared/stack trace locations', () => {
  it('reads Node.js frames, with and without a function name, and file URLs', () => {
    assert.deepEqual(stackLocation('    at Runtime.handler (/work/app/index.js:12:9)'), { file: '/work/app/index.js', line: 12, column: 9 });
    assert.deepEqual(stackLocation('at /work/app/index.mjs:3:1'), { file: '/work/app/index.mjs', line: 3, column: 1 });
    assert.deepEqual(stackLocation('at async handler (file:///work/my%20app/index.mjs:4:11)'), { file: '/work/my app/index.mjs', line: 4, column: 11 });
    assert.deepEqual(stackLocation('at Object.<anonymous> (/work/a (copy)/x.js:1:2)'), { file: '/work/a (copy)/x.js', line: 1, column: 2 });
  });

  it('reads Python frames', () => {
    assert.deepEqual(stackLocation('  File "/work/app/app.py", line 9, in handler'), { file: '/work/app/app.py', line: 9 });
  });

  it('names nothing for lines that are not frames, internal frames and relative paths', () => {
    for (const line of ['Error: boom', 'at node:internal/modules/cjs/loader:1:1', 'at new Promise (<anonymous>)', 'at x (app.js:1:1)', 'at y (/a.js:0:1)', `at z (/${'a'.repeat(5000)}.js:1:1)`, '']) {
      assert.equal(stackLocation(line), undefined, line.slice(0, 60));
    }
  });
});
