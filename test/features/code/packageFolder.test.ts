import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { extractZip, InvalidZipError, readEntryModes, UnsafeZipEntryError } from '../../../src/features/code/extractZip';
import { PackageFilter } from '../../../src/workbench/packaging/ignoreRules';
import {
  checkZippedSize, describePackageSize, formatBytes, MAX_UNZIPPED_BYTES, MAX_ZIPPED_DIRECT_UPLOAD_BYTES, PackageTooLargeError,
} from '../../../src/workbench/packaging/limits';
import { FolderUnreadableError, listPackageFiles, packageFolder, packageSha256, sha256Base64 } from '../../../src/workbench/packaging/packageFolder';

function tempDir(prefix = 'lw-code-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

describe('code packaging', () => {
  const made: string[] = [];
  const dir = (prefix?: string) => {
    const d = tempDir(prefix);
    made.push(d);
    return d;
  };
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('which files go in', () => {
    it('leaves out version control, editor state, caches and top-level test folders by default', async () => {
      const root = dir();
      write(root, {
        'index.mjs': 'export const handler = async () => 1;\n',
        'lib/util.js': 'module.exports = 1;\n',
        '.git/HEAD': 'ref: refs/heads/main\n',
        '.vscode/settings.json': '{}',
        '.lambda-workbench/state.json': '{}',
        '.local-lambda/lambda-state.json': '{}',
        'node_modules/.cache/babel/x.json': '{}',
        'node_modules/dep/index.js': 'module.exports = 2;\n',
        'node_modules/dep/test/keep.js': '// a dependency keeps its own test folder\n',
        'test/handler.test.js': 'it()\n',
        'tests/x.py': '',
        '__tests__/a.js': '',
        'app/__pycache__/a.cpython-312.pyc': '',
      });
      const listing = await listPackageFiles(root);
      assert.deepEqual(listing.entries.map((e) => e.rel), ['index.mjs', 'lib/util.js', 'node_modules/dep/index.js', 'node_modules/dep/test/keep.js']);
    });

    it('follows .lambdaignore, including negations that bring a default back', async () => {
      const root = dir();
      write(root, {
        '.lambdaignore': '# local notes\n*.md\ndocs/\n!test/\ntest/fixtures/\n',
        'index.js': '',
        'README.md': '',
        'docs/guide.txt': '',
        'test/smoke.js': '',
        'test/fixtures/big.json': '',
      });
      const listing = await listPackageFiles(root);
      assert.deepEqual(listing.entries.map((e) => e.rel), ['index.js', 'test/smoke.js']);
    });

    it('PackageFilter tells directories from files', () => {
      const filter = new PackageFilter('build/\n');
      assert.equal(filter.includesDirectory('build'), false);
      assert.equal(filter.includesFile('build'), true, 'a file named build is not a folder');
      assert.equal(filter.includesDirectory('src/build'), false);
      assert.equal(filter.includesDirectory('src/test'), true, 'only a top-level test folder is left out');
    });

    it('refuses a missing folder and a file in place of a folder with FolderUnreadableError', async () => {
      const root = dir();
      await assert.rejects(listPackageFiles(path.join(root, 'missing')), (e: unknown) => e instanceof FolderUnreadableError && /does not exist/.test(e.message));
      write(root, { 'file.txt': 'x' });
      await assert.rejects(listPackageFiles(path.join(root, 'file.txt')), (e: unknown) => e instanceof FolderUnreadableError && /not a folder/.test(e.message));
    });

    it('reports a folder it may not read', async function () {
      if (process.getuid?.() === 0) this.skip(); // root reads everything
      const root = dir();
      write(root, { 'secret/a.txt': 'x', 'index.js': '' });
      fs.chmodSync(path.join(root, 'secret'), 0o000);
      try {
        await assert.rejects(listPackageFiles(root), (e: unknown) => e instanceof FolderUnreadableError && /permission denied/.test(e.message));
      } finally {
        fs.chmodSync(path.join(root, 'secret'), 0o755);
      }
    });

    it('ends on a symbolic link loop instead of walking forever', async () => {
      const root = dir();
      write(root, { 'a/index.js': 'x' });
      fs.symlinkSync(path.join(root, 'a'), path.join(root, 'a', 'loop'));
      const listing = await listPackageFiles(root);
      assert.deepEqual(listing.entries.map((e) => e.rel), ['a/index.js']);
    });
  });

  describe('reproducible zips', () => {
    it('gives the same bytes and CodeSha256 for the same files, whatever their timestamps and creation order', async () => {
      const a = dir();
      const b = dir();
      write(a, { 'index.js': 'one', 'lib/b.js': 'two', 'lib/a.js': 'three' });
      write(b, { 'lib/a.js': 'three', 'index.js': 'one', 'lib/b.js': 'two' });
      fs.utimesSync(path.join(b, 'index.js'), new Date('2001-02-03'), new Date('2001-02-03'));
      const [pa, pb] = [await packageFolder(a), await packageFolder(b)];
      assert.equal(pa.sha256, pb.sha256);
      assert.equal(pa.sha256, sha256Base64(pa.zip));
      assert.deepEqual(Object.keys(unzipSync(pa.zip)), ['index.js', 'lib/a.js', 'lib/b.js']);
      write(b, { 'index.js': 'ONE' });
      assert.notEqual((await packageFolder(b)).sha256, pa.sha256, 'a changed file changes the hash');
    });

    it('keeps the executable bit and normalises other permissions', async () => {
      const root = dir();
      write(root, { bootstrap: '#!/bin/sh\n', 'data.txt': 'x' });
      fs.chmodSync(path.join(root, 'bootstrap'), 0o700);
      fs.chmodSync(path.join(root, 'data.txt'), 0o600);
      const modes = readEntryModes((await packageFolder(root)).zip);
      assert.equal(modes.get('bootstrap'), 0o755);
      assert.equal(modes.get('data.txt'), 0o644);
    });

    it('packageSha256 zips again only when a file changed', async () => {
      const root = dir();
      write(root, { 'index.js': 'v1' });
      const first = await packageSha256(root);
      assert.equal((await packageSha256(root)).sha256, first.sha256);
      write(root, { 'index.js': 'v2 longer' });
      const second = await packageSha256(root);
      assert.notEqual(second.sha256, first.sha256);
      assert.equal(second.sha256, (await packageFolder(root)).sha256);
    });
  });

  describe('size limits', () => {
    it('are the documented 50 MB zipped (direct upload) and 250 MB unzipped', () => {
      assert.equal(MAX_ZIPPED_DIRECT_UPLOAD_BYTES, 52_428_800);
      assert.equal(MAX_UNZIPPED_BYTES, 262_144_000);
      assert.equal(formatBytes(MAX_ZIPPED_DIRECT_UPLOAD_BYTES), '50 MB');
      assert.equal(formatBytes(812), '812 B');
      assert.equal(formatBytes(52_323_942), '49.9 MB');
      assert.equal(describePackageSize({ zippedBytes: 1536, unzippedBytes: 4096 }), '1.5 KB zipped of 50 MB · 4 KB unzipped of 250 MB');
    });

    it('accepts a package at the zipped limit and refuses one byte more', () => {
      checkZippedSize({ zippedBytes: MAX_ZIPPED_DIRECT_UPLOAD_BYTES, unzippedBytes: MAX_UNZIPPED_BYTES }, '/f');
      assert.throws(() => checkZippedSize({ zippedBytes: MAX_ZIPPED_DIRECT_UPLOAD_BYTES + 1, unzippedBytes: 1 }, '/f'),
        (e: unknown) => e instanceof PackageTooLargeError && /more than the 50 MB/.test(e.message) && /Nothing was sent/.test(e.message));
      assert.throws(() => checkZippedSize({ zippedBytes: 1, unzippedBytes: MAX_UNZIPPED_BYTES + 1 }, '/f'),
        (e: unknown) => e instanceof PackageTooLargeError && /250 MB unzipped/.test(e.message));
    });

    it('stops listing a folder as soon as its files pass the unzipped limit', async () => {
      const root = dir();
      write(root, { 'a.bin': 'x'.repeat(600), 'b.bin': 'y'.repeat(600) });
      await listPackageFiles(root, 1200);
      await assert.rejects(listPackageFiles(root, 1199), PackageTooLargeError);
    });
  });

  describe('extracting a zip', () => {
    it('writes the files, keeping executables executable', async () => {
      const src = dir();
      write(src, { 'index.js': 'x', 'lib/a.js': 'y', bootstrap: '#!/bin/sh\n' });
      fs.chmodSync(path.join(src, 'bootstrap'), 0o755);
      const dest = dir();
      const result = await extractZip((await packageFolder(src)).zip, dest);
      assert.deepEqual(result.files, ['bootstrap', 'index.js', 'lib/a.js']);
      assert.equal(fs.readFileSync(path.join(dest, 'lib', 'a.js'), 'utf8'), 'y');
      assert.ok(fs.statSync(path.join(dest, 'bootstrap')).mode & 0o100);
      assert.equal(fs.statSync(path.join(dest, 'index.js')).mode & 0o111, 0);
    });

    for (const name of ['../evil.txt', 'a/../../evil.txt', '/etc/evil.txt', 'a\\..\\..\\evil.txt', 'C:\\evil.txt', 'C:/evil.txt']) {
      it(`refuses the entry ${JSON.stringify(name)} and writes nothing`, async () => {
        const parent = dir();
        const dest = path.join(parent, 'dest');
        const zip = zipSync({ 'ok.txt': strToU8('fine'), [name]: strToU8('pwned') });
        await assert.rejects(extractZip(zip, dest), UnsafeZipEntryError);
        assert.equal(fs.existsSync(path.join(dest, 'ok.txt')), false, 'no entry is written when one is unsafe');
        assert.equal(fs.existsSync(path.join(parent, 'evil.txt')), false);
      });
    }

    it('does not write through a symbolic link that leads out of the folder', async () => {
      const outside = dir();
      const dest = dir();
      fs.symlinkSync(outside, path.join(dest, 'link'));
      const zip = zipSync({ 'link/evil.txt': strToU8('pwned') });
      await assert.rejects(extractZip(zip, dest), (e: unknown) => e instanceof UnsafeZipEntryError && /symbolic link/.test(e.message));
      assert.deepEqual(fs.readdirSync(outside), []);
    });

    it('replaces a symbolic link at a file path instead of writing through it', async () => {
      const outside = dir();
      fs.writeFileSync(path.join(outside, 'target.txt'), 'original');
      const dest = dir();
      fs.symlinkSync(path.join(outside, 'target.txt'), path.join(dest, 'index.js'));
      await extractZip(zipSync({ 'index.js': strToU8('new') }), dest);
      assert.equal(fs.readFileSync(path.join(outside, 'target.txt'), 'utf8'), 'original');
      assert.equal(fs.lstatSync(path.join(dest, 'index.js')).isSymbolicLink(), false);
      assert.equal(fs.readFileSync(path.join(dest, 'index.js'), 'utf8'), 'new');
    });

    it('refuses a zip that expands past the limit before writing anything', async () => {
      const dest = path.join(dir(), 'dest');
      const zip = zipSync({ 'zeros.bin': new Uint8Array(100_000) }, { level: 9 });
      assert.ok(zip.length < 1000, 'the zip is small');
      await assert.rejects(extractZip(zip, dest, { maxUnzippedBytes: 50_000, maxEntries: 10 }), InvalidZipError);
      assert.equal(fs.existsSync(dest), false);
    });

    it('says so when the bytes are not a zip', async () => {
      await assert.rejects(extractZip(strToU8('<Error>AccessDenied</Error>'), dir()), (e: unknown) => e instanceof InvalidZipError && /not a readable zip/.test(e.message));
    });
  });
});
