import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from './helpers';
import { PathEscapeError, insideRoot, insideRootAs, removeTmpFiles, tmpNameFor } from '../../src/local/persist';

describe('Local Lambda: names as paths (insideRoot)', () => {
  let top: string;
  let root: string;
  beforeEach(() => {
    top = makeTempDir('inside-root-');
    root = path.join(top, 'root');
    fs.mkdirSync(path.join(root, 'code'), { recursive: true });
    fs.mkdirSync(path.join(top, 'outside'));
    fs.symlinkSync(path.join(top, 'outside'), path.join(root, 'code', 'escape'));
  });
  afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

  it('joins names below the root, existing or not', () => {
    assert.equal(insideRoot(root, 'code', 'fn', 'v1'), path.join(root, 'code', 'fn', 'v1'));
    assert.equal(insideRoot(root, 'code/fn'), path.join(root, 'code', 'fn'));
  });

  for (const [name, parts] of [
    ['a parent step', ['code', '..', '..', 'outside']],
    ['a name that is ".."', ['..']],
    ['the root itself', ['code', '..']],
    ['an absolute part', ['/etc']],
    ['an empty part', ['code', '']],
    ['a NUL byte', ['code', 'a\0b']],
    ['a symbolic link in the existing prefix', ['code', 'escape', 'file']],
  ] as const) {
    it(`refuses ${name}, naming what it is`, () => {
      assert.throws(() => insideRootAs('Function name', root, ...parts), (err: Error) => {
        assert.ok(err instanceof PathEscapeError);
        assert.equal(err.message, `Function name ${JSON.stringify(parts.join('/'))} would lead outside ${root}; refused.`);
        return true;
      });
    });
  }

  it('removes only its own temporary names, never following links', () => {
    const mine = tmpNameFor(path.join(root, 'lambda-state.json'));
    fs.writeFileSync(mine, '{}');
    fs.mkdirSync(`${path.join(root, 'code', 'abc')}.123.tmp`);
    fs.writeFileSync(path.join(root, 'notes.tmp'), 'user file');
    fs.writeFileSync(path.join(top, 'outside', 'x.1.tmp'), 'outside');
    fs.symlinkSync(path.join(top, 'outside', 'x.1.tmp'), path.join(root, 'link.1.tmp'));
    assert.deepEqual(removeTmpFiles(root), [path.basename(mine)]);
    assert.deepEqual(removeTmpFiles(path.join(root, 'code')), ['abc.123.tmp']);
    assert.ok(fs.existsSync(path.join(root, 'notes.tmp')));
    assert.ok(fs.existsSync(path.join(top, 'outside', 'x.1.tmp')));
    assert.ok(fs.lstatSync(path.join(root, 'link.1.tmp')).isSymbolicLink());
  });
});
