import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipTo } from '../../src/local/lambda/zip';
import { ApiError } from '../../src/local/http';
import { makeTempDir } from './helpers';
import { rawZip } from './badInput/zips';

describe('Local Lambda zip extraction', () => {
  let root: string;
  beforeEach(() => { root = makeTempDir('local-lambda-zip-'); });
  afterEach(() => { fs.rmSync(root, { recursive: true, force: true }); });

  it('extracts files and folders, stored and deflated, with "./" prefixes normalised', () => {
    const dest = path.join(root, 'out');
    unzipTo(rawZip([
      { name: 'lib/' },
      { name: 'lib/util.js', data: Buffer.from('module.exports = 1;') },
      { name: './index.js', data: Buffer.from('exports.handler = 1;'), method: 0 },
      { name: 'empty.txt' },
    ]), dest);
    assert.equal(fs.readFileSync(path.join(dest, 'lib', 'util.js'), 'utf8'), 'module.exports = 1;');
    assert.equal(fs.readFileSync(path.join(dest, 'index.js'), 'utf8'), 'exports.handler = 1;');
    assert.equal(fs.statSync(path.join(dest, 'empty.txt')).size, 0);
  });

  for (const [path_, declared, actual] of [['small entry, inflated in one call', 100, 8], ['large entry, inflated in steps', 9 * 1024 * 1024, 64]] as const) {
    it(`refuses an entry inflating past the size it declares (${path_}) and leaves nothing behind`, () => {
      const dest = path.join(root, 'out');
      const lying = rawZip([{ name: 'bomb', data: Buffer.alloc(actual * 1024 * 1024), declaredSize: declared }]);
      assert.throws(() => unzipTo(lying, dest),
        (err: ApiError) => err.type === 'InvalidParameterValueException' &&
          err.message === `Could not unzip uploaded file. Please check your file, then try to upload again. (the entry "bomb" inflates to more than the ${declared} bytes it declares)`);
      assert.equal(fs.existsSync(dest), false, 'the half-written folder is removed');
    });
  }

  it('counts across entries: many honest entries over the limit are refused before any is written', () => {
    const dest = path.join(root, 'out');
    const zip = rawZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(300 * 1024) })));
    assert.throws(() => unzipTo(zip, dest, 1024 * 1024), /Unzipped size must be smaller than 1048576 bytes/);
    assert.equal(fs.existsSync(dest), false);
  });
});
