import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import webpack from 'webpack';
import { REPO_ROOT } from '../support/repo';

/* eslint-disable @typescript-eslint/no-require-imports -- scripts/ is plain JS loaded from the repository */
const sizeCheck: typeof import('../../scripts/check-size.js') = require(path.join(REPO_ROOT, 'scripts', 'check-size.js'));
const buildStats: typeof import('../../scripts/lib/build-stats.js') = require(path.join(REPO_ROOT, 'scripts', 'lib', 'build-stats.js'));
const packaging: typeof import('../../scripts/package.js') = require(path.join(REPO_ROOT, 'scripts', 'package.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

/** A tiny project: an entry, a plain package, and a package the AWS SDK's name marks as lazy-only. */
function fixture(main: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-size-'));
  const files: Record<string, string> = {
    'src/main.js': main,
    'src/helper.js': 'export const helper = () => "help";\n',
    'node_modules/plain-pkg/package.json': '{ "name": "plain-pkg", "main": "index.js", "sideEffects": false }',
    'node_modules/plain-pkg/index.js': 'export const plain = 1;\n',
    'node_modules/@aws-sdk/client-fake/package.json': '{ "name": "@aws-sdk/client-fake", "main": "index.js", "sideEffects": false }',
    'node_modules/@aws-sdk/client-fake/index.js': 'export const sdk = "x".repeat(10);\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Builds the fixture as webpack.config.js builds the extension, stats plugin included. */
function build(dir: string, mode: 'development' | 'production'): Promise<void> {
  const compiler = webpack({
    context: dir,
    mode,
    target: 'node',
    devtool: false,
    entry: { extension: './src/main.js' },
    output: { path: path.join(dir, 'dist'), filename: '[name].js', chunkFilename: 'extension.[name].js', library: { type: 'commonjs2' } },
    plugins: [new buildStats.BuildStatsPlugin({ file: 'extension.stats.json' })],
    infrastructureLogging: { level: 'error' },
  });
  return new Promise((resolve, reject) =>
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error || stats?.hasErrors()) reject(error ?? new Error(stats?.toString({ all: false, errors: true })));
      else resolve();
    }),
  );
}

function report(dir: string) {
  const dist = path.join(dir, 'dist');
  const stats = buildStats.readBuildStats(path.join(dist, 'extension.stats.json'));
  const sizeOnDisk = (file: string) => (fs.existsSync(path.join(dist, file)) ? fs.statSync(path.join(dist, file)).size : undefined);
  return { stats, activation: sizeCheck.activationReport(stats, sizeOnDisk) };
}

describe('size budget check (webpack stats)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes a build that reaches the lazy-only package through import() only', async () => {
    const dir = fixture('import { plain } from "plain-pkg";\nimport { helper } from "./helper.js";\nexport const activate = async () => [plain, helper(), (await import("@aws-sdk/client-fake")).sdk];\n');
    dirs.push(dir);
    await build(dir, 'development');
    const { stats, activation } = report(dir);
    assert.deepEqual(activation.problems, []);
    assert.deepEqual(activation.files, ['extension.js']);
    assert.deepEqual(activation.eager, []);
    assert.equal(activation.size, fs.statSync(path.join(dir, 'dist', 'extension.js')).size);
    assert.deepEqual([...stats.files['extension.js'].modules].sort(), ['./node_modules/plain-pkg/index.js', './src/helper.js', './src/main.js']);
    const lazy = Object.entries(stats.files).filter(([file]) => file !== 'extension.js');
    assert.equal(lazy.length, 1, 'the SDK is in a chunk of its own');
    assert.deepEqual(lazy[0][1].modules, ['./node_modules/@aws-sdk/client-fake/index.js']);
  });

  it('finds a lazy-only package imported statically, even inside modules webpack concatenated', async () => {
    const dir = fixture('import { plain } from "plain-pkg";\nimport { sdk } from "@aws-sdk/client-fake";\nexport const activate = () => [plain, sdk];\n');
    dirs.push(dir);
    await build(dir, 'development');
    assert.deepEqual(report(dir).activation.eager, ['@aws-sdk/client-fake']);

    // Production builds concatenate modules; the stats still list the ones inside.
    await build(dir, 'production');
    const { activation } = report(dir);
    assert.deepEqual(activation.eager, ['@aws-sdk/client-fake']);
    assert.match(activation.problems.join('\n'), /dist\/ holds a production build; the budgets here are for the development build/);
  });

  it('does not trust stats of another build than the files in dist/', () => {
    const stats = { format: 1 as const, mode: 'development', entrypoints: { extension: ['extension.js'] }, files: { 'extension.js': { size: 1000, modules: ['./src/extension.ts'] } } };
    assert.deepEqual(sizeCheck.activationReport(stats, () => 1000).problems, []);
    assert.match(sizeCheck.activationReport(stats, () => 999).problems.join(), /dist\/extension\.js is 999 bytes, but the build stats say 1000: they are from another build/);
    assert.match(sizeCheck.activationReport(stats, () => undefined).problems.join(), /dist\/extension\.js is missing/);
    assert.match(sizeCheck.activationReport({ ...stats, entrypoints: {} }, () => 1000).problems.join(), /no "extension" entrypoint/);
    const missing = path.join(os.tmpdir(), 'lw-no-such-stats.json');
    assert.throws(() => buildStats.readBuildStats(missing), /run webpack first \(npm run build\)/);
  });

  it('names the package of a module wherever node_modules is, the innermost one counting', () => {
    assert.deepEqual(
      sizeCheck.lazyOnlyPackagesIn([
        './src/extension.ts',
        './node_modules/@aws-sdk/client-lambda/dist-cjs/index.js',
        '../main/node_modules/@smithy/core/dist-es/index.js',
        './node_modules/jsonc-parser/node_modules/ajv/dist/ajv.js',
        './node_modules/jsonc-parser/lib/esm/main.js',
        'external "vscode"',
      ]),
      ['@aws-sdk/client-lambda', '@smithy/core', 'ajv'],
    );
    assert.equal(buildStats.packageOf('./node_modules/ajv-formats/dist/index.js'), 'ajv-formats');
    assert.deepEqual(sizeCheck.lazyOnlyPackagesIn(['./node_modules/ajv-formats/dist/index.js', './node_modules/yamlish/index.js']), []);
  });

  it('lets the VSIX hold only bundles, webview assets, icons and the manifest files', () => {
    const allowed = (entry: string) => packaging.unexpectedEntries([{ name: entry, size: 1 }]).length === 0;
    for (const entry of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt',
      'extension/dist/extension.js', 'extension/dist/extension.747.js', 'extension/dist/local.js',
      'extension/dist/webview/function.js', 'extension/dist/webview/codicon.ttf', 'extension/media/icon.png', 'extension.vsixmanifest']) {
      assert.ok(allowed(entry), `${entry} should be allowed`);
    }
    for (const entry of ['extension/dist/extension.js.map', 'extension/dist/extension.stats.json', 'extension/src/extension.ts', 'extension/node_modules/yaml/dist/index.js',
      'extension/out/src/extension.js', 'extension/media/webview/function/frame.css', 'extension/examples/template.yaml', 'extension/.local-lambda/credentials.json',
      'extension/.vscode/launch.json']) {
      assert.ok(!allowed(entry), `${entry} should be refused`);
    }
  });
});
