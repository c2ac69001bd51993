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

  it('counts the inflated bytes: an entry lying about its size stops at the limit, and nothing is left behind', () => {
    const dest = path.join(root, 'out');
    const lying = rawZip([{ name: 'bomb', data: Buffer.alloc(8 * 1024 * 1024), declaredSize: 100 }]);
    const before = process.memoryUsage().rss;
    assert.throws(() => unzipTo(lying, dest, 1024 * 1024),
      (err: ApiError) => err.type === 'InvalidParameterValueException' && err.message === 'Unzipped size must be smaller than 1048576 bytes');
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'no large buffer was made');
    assert.equal(fs.existsSync(dest), false, 'the half-written folder is removed');
  });

  it('counts across entries: many honest entries over the limit are refused before any is written', () => {
    const dest = path.join(root, 'out');
    const zip = rawZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(300 * 1024) })));
    assert.throws(() => unzipTo(zip, dest, 1024 * 1024), /Unzipped size must be smaller than 1048576 bytes/);
    assert.equal(fs.existsSync(dest), false);
  });
});
