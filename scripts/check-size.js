#!/usr/bin/env node
// Size budget check run by `npm test` after its (development) webpack build. It checks what does
// not depend on minification, so it is stable across machines and modes:
//   - the files loaded at activation (the `extension` entrypoint, dist/extension.js) hold none of
//     the packages that must load on first use (the AWS SDK, ajv, yaml, …), and stay under their
//     development-build size. Both come from webpack's own stats of the build, which
//     webpack.config.js writes to dist/extension.stats.json (scripts/lib/build-stats.js);
//   - the files vsce would package, by .vscodeignore, are only the ones allowed to ship, and every
//     webview bundle is among them;
//   - the files shipped as they are (media, webview font and stylesheets, manifest, docs) stay small.
// Production sizes (VSIX ≤ 1.5 MB, minified main chunk) are checked by `npm run package` and
// reported by `npm run bench`.
'use strict';

const fs = require('fs');
const path = require('path');
const paths = require('./lib/paths');
const budgets = require('./lib/budgets');
const { packageOf, readBuildStats } = require('./lib/build-stats');
const { ALLOWED_ENTRIES } = require('./package');

const ROOT = paths.ROOT;
const DIST = path.join(ROOT, 'dist');
const STATS_FILE = path.join(DIST, 'extension.stats.json');
const ENTRY = 'extension';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function isLazyOnly(pkg) {
  return budgets.LAZY_ONLY_PACKAGES.some((name) => pkg === name || pkg.startsWith(`${name}/`));
}

/** Packages among `modules` (as webpack names them) that must only ever load on first use. */
function lazyOnlyPackagesIn(modules) {
  return [...new Set(modules.map(packageOf).filter((pkg) => pkg && isLazyOnly(pkg)))].sort();
}

/**
 * What the extension loads at activation, from the build's stats: the entrypoint's files, their
 * total size and the lazy-only packages among their modules, and why the stats cannot be trusted
 * (a production build, or stats of another build than the files in dist/).
 * @param {import('./lib/build-stats').BuildStats} stats
 * @param {(file: string) => number | undefined} sizeOnDisk size of a file in dist/, undefined when it is missing
 */
function activationReport(stats, sizeOnDisk) {
  const problems = [];
  const files = stats.entrypoints[ENTRY] ?? [];
  if (files.length === 0) problems.push(`the build stats name no "${ENTRY}" entrypoint`);
  if (stats.mode !== 'development') {
    problems.push(`dist/ holds a ${stats.mode} build; the budgets here are for the development build npm test makes (webpack --mode development)`);
  }
  const modules = [];
  let size = 0;
  for (const file of files) {
    const built = stats.files[file];
    if (!built) {
      problems.push(`the build stats do not describe ${file}`);
      continue;
    }
    const onDisk = sizeOnDisk(file);
    if (onDisk !== built.size) {
      problems.push(`dist/${file} is ${onDisk === undefined ? 'missing' : `${onDisk} bytes`}, but the build stats say ${built.size}: they are from another build; run webpack again`);
    }
    modules.push(...built.modules);
    size += built.size;
  }
  if (files.length > 0 && !modules.some((m) => m.startsWith('./src/'))) problems.push(`the build stats list none of our own modules (./src/…) in ${files.join(', ')}`);
  return { files, size, eager: lazyOnlyPackagesIn(modules), problems };
}

async function main() {
  const failures = [];
  const rows = [];

  // 1. What loads at activation.
  const stats = readBuildStats(STATS_FILE);
  const sizeOnDisk = (file) => (fs.existsSync(path.join(DIST, file)) ? fs.statSync(path.join(DIST, file)).size : undefined);
  const activation = activationReport(stats, sizeOnDisk);
  failures.push(...activation.problems);
  const loaded = activation.files.map((f) => `dist/${f}`).join(' + ') || 'dist/extension.js';
  rows.push([`packages that must load lazily, found in ${loaded}`, activation.eager.length ? activation.eager.join(', ') : 'none', 'none']);
  if (activation.eager.length) {
    failures.push(`${loaded} (loaded at activation) contains ${activation.eager.join(', ')}. Reach them only through a dynamic import() inside the code that needs them.`);
  }
  rows.push([`${loaded} (development build)`, kb(activation.size), `≤ ${kb(budgets.DEV_MAIN_CHUNK_MAX_BYTES)}`]);
  if (activation.size > budgets.DEV_MAIN_CHUNK_MAX_BYTES) {
    failures.push(`${loaded} is ${kb(activation.size)}, over its ${kb(budgets.DEV_MAIN_CHUNK_MAX_BYTES)} budget: move feature code behind a dynamic import() in its command handler.`);
  }

  // 2. What would ship.
  const { listFiles, PackageManager } = require('@vscode/vsce');
  const files = (await listFiles({ cwd: ROOT, packageManager: PackageManager.None })).map((f) => f.split(path.sep).join('/')).sort();
  const notAllowed = files.filter((f) => !ALLOWED_ENTRIES.some((re) => re.test(`extension/${f}`)));
  rows.push(['files .vscodeignore lets through that must not ship', notAllowed.length ? notAllowed.slice(0, 5).join(', ') : 'none', 'none']);
  if (notAllowed.length) failures.push(`.vscodeignore lets through files that must not ship:\n    ${notAllowed.join('\n    ')}`);
  const webviewDir = path.join(DIST, 'webview');
  const builtWebview = fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir).filter((f) => /\.(js|css|ttf)$/.test(f)).map((f) => `dist/webview/${f}`) : [];
  const required = ['dist/extension.js', 'dist/local.js', 'dist/nodeBootstrap.js', 'dist/python/bootstrap.py', 'dist/python/inline/cfnresponse.py', 'package.json', ...builtWebview];
  const missing = required.filter((f) => fs.existsSync(path.join(ROOT, f)) && !files.includes(f));
  rows.push(['built files .vscodeignore leaves out', missing.length ? missing.join(', ') : 'none', 'none']);
  if (missing.length) failures.push(`.vscodeignore leaves out files the extension needs: ${missing.join(', ')}`);

  // 3. Files shipped as they are.
  const staticFiles = files.filter((f) => !/^dist\/.*\.js$/.test(f));
  const staticSize = staticFiles.reduce((sum, f) => sum + fs.statSync(path.join(ROOT, f)).size, 0);
  rows.push([`static files shipped (${staticFiles.length})`, kb(staticSize), `≤ ${kb(budgets.STATIC_ASSETS_MAX_BYTES)}`]);
  if (staticSize > budgets.STATIC_ASSETS_MAX_BYTES) {
    const largest = staticFiles.map((f) => [f, fs.statSync(path.join(ROOT, f)).size]).sort((a, b) => b[1] - a[1]).slice(0, 3);
    failures.push(`static files shipped are ${kb(staticSize)}, over ${kb(budgets.STATIC_ASSETS_MAX_BYTES)}; largest: ${largest.map(([f, s]) => `${f} ${kb(s)}`).join(', ')}`);
  }

  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, budget] of rows) console.log(`  ${name.padEnd(width)}  ${value}  (budget ${budget})`);
  if (failures.length) {
    console.error(`\nsize check failed:\n  - ${failures.join('\n  - ')}`);
    process.exitCode = 1;
  } else {
    console.log('size check passed');
  }
}

module.exports = { lazyOnlyPackagesIn, activationReport };

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
