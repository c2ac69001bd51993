import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/repo';

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is plain JS loaded from the repository */
const bundle: typeof import('../../scripts/lib/local-bundle.js') = require(path.join(REPO_ROOT, 'scripts', 'lib', 'local-bundle.js'));

// When `npm run local` (bin/local-lambda.js) rebuilds dist/local.js: on a checkout laid out in a
// temporary folder, with file times set by hand.

const HOUR = 3600;
const at = (file: string, secondsAgo: number) => {
  const t = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, t, t);
};

function checkout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-local-bundle-'));
  const files = ['src/local/cli.ts', 'src/local/runtime/python/bootstrap.py', 'src/shared/rules.ts', 'src/features/panel.ts', 'webpack.config.js', 'tsconfig.json', 'package-lock.json'];
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), '// source\n');
  }
  for (const rel of files) at(path.join(root, rel), 2 * HOUR);
  for (const dir of ['src/local/runtime/python', 'src/local/runtime', 'src/local', 'src/shared', 'src/features', 'src']) at(path.join(root, dir), 2 * HOUR);
  return root;
}

function build(root: string, secondsAgo = HOUR): void {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  for (const name of bundle.OUTPUTS) {
    fs.writeFileSync(path.join(root, 'dist', name), '// built\n');
    at(path.join(root, 'dist', name), secondsAgo);
  }
}

describe('npm run local: when the Local Lambda bundle is rebuilt', () => {
  const roots: string[] = [];
  const make = () => {
    const root = checkout();
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('builds when dist/local.js is not there (a fresh clone)', () => {
    const root = make();
    assert.deepEqual(bundle.rebuildReason(root), { kind: 'missing', message: 'dist/local.js is not built yet' });
  });

  it('builds when one of the outputs is missing', () => {
    const root = make();
    build(root);
    fs.rmSync(path.join(root, 'dist', 'nodeBootstrap.js'));
    assert.equal(bundle.rebuildReason(root)?.kind, 'missing');
  });

  it('runs the bundle as it is when nothing it is built from changed since', () => {
    const root = make();
    build(root);
    assert.equal(bundle.rebuildReason(root), undefined);
  });

  it('rebuilds after an edit under src/local, naming the file', () => {
    const root = make();
    build(root);
    at(path.join(root, 'src/local/cli.ts'), 10);
    assert.deepEqual(bundle.rebuildReason(root), { kind: 'stale', message: 'src/local/cli.ts changed since dist/local.js was built' });
  });

  it('rebuilds after an edit of a Python runtime file, of src/shared, or of the webpack configuration', () => {
    for (const rel of ['src/local/runtime/python/bootstrap.py', 'src/shared/rules.ts', 'webpack.config.js', 'package-lock.json']) {
      const root = make();
      build(root);
      at(path.join(root, rel), 10);
      assert.equal(bundle.rebuildReason(root)?.message, `${rel} changed since dist/local.js was built`, rel);
    }
  });

  it('rebuilds after a source file is deleted (its folder changed)', () => {
    const root = make();
    fs.writeFileSync(path.join(root, 'src/shared/gone.ts'), '// soon gone\n');
    at(path.join(root, 'src/shared/gone.ts'), 2 * HOUR);
    at(path.join(root, 'src/shared'), 2 * HOUR);
    build(root);
    fs.rmSync(path.join(root, 'src/shared/gone.ts'));
    at(path.join(root, 'src/shared'), 5);
    assert.equal(bundle.rebuildReason(root)?.message, 'src/shared changed since dist/local.js was built');
  });

  it('does not rebuild for an edit of the extension alone (not part of the bundle)', () => {
    const root = make();
    build(root);
    at(path.join(root, 'src/features/panel.ts'), 10);
    at(path.join(root, 'src/features'), 10);
    assert.equal(bundle.rebuildReason(root), undefined);
  });

  it('runs the bundle of an installed copy, which has no sources', () => {
    const root = make();
    build(root);
    fs.rmSync(path.join(root, 'src'), { recursive: true });
    assert.equal(bundle.rebuildReason(root), undefined);
  });

  it('without webpack installed: runs a stale bundle with a warning, and refuses when there is none', () => {
    const root = make();
    const lines: string[] = [];
    assert.throws(() => bundle.ensureLocalBundle({ root, log: (l) => lines.push(l) }), /dist\/local\.js is not built yet and webpack is not installed: run npm install/);
    build(root);
    at(path.join(root, 'src/local/cli.ts'), 10);
    const result = bundle.ensureLocalBundle({ root, log: (l) => lines.push(l) });
    assert.deepEqual(result, { bundle: path.join(root, 'dist', 'local.js'), built: false });
    assert.match(lines.join('\n'), /src\/local\/cli\.ts changed since dist\/local\.js was built, but webpack is not installed/);
  });

  it('this checkout: the launcher looks at src/local, src/shared and the build configuration', () => {
    const newest = bundle.newestSource(REPO_ROOT);
    assert.ok(newest.file && fs.existsSync(newest.file), 'a newest input file is found');
    const rel = path.relative(REPO_ROOT, newest.file).split(path.sep).join('/');
    assert.ok(bundle.SOURCE_DIRS.some((d) => rel === d || rel.startsWith(`${d}/`)) || bundle.SOURCE_FILES.includes(rel), rel);
  });
});
