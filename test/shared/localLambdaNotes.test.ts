import * as assert from 'node:assert/strict';
import { formatNote, parseNote, type LocalLambdaNote } from '../../src/shared/localLambdaNotes';

describe('shared/localLambdaNotes', () => {
  const debugNote: LocalLambdaNote = {
    level: 'info', kind: 'debug', message: 'hello-node: the debugger listens on 127.0.0.1:40001', functionName: 'hello-node',
    debug: { session: '0123456789abcdef', runtime: 'node', host: '127.0.0.1', port: 40001, codeDir: '/w/hello-node', runtimeDir: '/x/dist' },
  };

  it('carries a debug session target through its line', () => {
    assert.deepEqual(parseNote(formatNote(debugNote)), debugNote);
  });

  it('drops a debug target that does not point at a loopback port of a known runtime', () => {
    const bad = [
      { ...debugNote.debug, host: '0.0.0.0' },
      { ...debugNote.debug, host: 'example.com' },
      { ...debugNote.debug, port: 0 },
      { ...debugNote.debug, port: 70000 },
      { ...debugNote.debug, port: 1.5 },
      { ...debugNote.debug, runtime: 'ruby' },
      { ...debugNote.debug, session: 42 },
      { ...debugNote.debug, codeDir: undefined },
    ];
    for (const debug of bad) {
      const parsed = parseNote(formatNote({ ...debugNote, debug } as unknown as LocalLambdaNote));
      assert.ok(parsed, 'the note itself is kept');
      assert.equal(parsed.debug, undefined, JSON.stringify(debug));
    }
  });

  it('ignores lines that are not notes', () => {
    assert.equal(parseNote('LOCAL_LAMBDA_NOTE {not json'), undefined);
    assert.equal(parseNote('hello'), undefined);
  });
});
