#!/usr/bin/env node
// Size budget check run by `npm test` after its (development) webpack build. It checks what does
// not depend on minification, so it is stable across machines and modes:
//   - the chunk loaded at activation (dist/extension.js) holds none of the packages that must load
//     on first use (the AWS SDK, ajv, yaml, …), and stays under its development-build size;
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
const { ALLOWED_ENTRIES } = require('./package');

const ROOT = paths.ROOT;
const DIST = path.join(ROOT, 'dist');

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Module ids defined in the text of a development bundle: lines `/***\/ "./path"` that start a module. */
function bundledModules(text) {
  return [...text.matchAll(/^\/\*{3}\/ "([^"]+)"/gm)].map((m) => m[1]);
}

/** `./node_modules/@scope/name/…` → `@scope/name`. */
function packageOf(moduleId) {
  const match = /^\.\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId);
  return match ? match[1] : undefined;
}

function isLazyOnly(pkg) {
  return budgets.LAZY_ONLY_PACKAGES.some((name) => pkg === name || pkg.startsWith(`${name}/`));
}

/** Packages in a development bundle's text that must only ever load on first use. */
function lazyOnlyPackagesIn(text) {
  return [...new Set(bundledModules(text).map(packageOf).filter((pkg) => pkg && isLazyOnly(pkg)))].sort();
}

async function main() {
  const failures = [];
  const rows = [];
  const main = path.join(DIST, 'extension.js');
  if (!fs.existsSync(main)) {
    console.error('dist/extension.js does not exist: run webpack first (npm run build).');
    process.exit(1);
  }

  // 1. What loads at activation.
  const text = fs.readFileSync(main, 'utf8');
  const modules = bundledModules(text);
  if (!modules.some((id) => id.startsWith('./src/'))) {
    failures.push('dist/extension.js is not a development build with readable module ids (no "./src/…" module found); run webpack --mode development');
  }
  const eager = lazyOnlyPackagesIn(text);
  rows.push(['packages that must load lazily, found in dist/extension.js', eager.length ? eager.join(', ') : 'none', 'none']);
  if (eager.length) {
    failures.push(`dist/extension.js (loaded at activation) contains ${eager.join(', ')}. Reach them only through a dynamic import() inside the code that needs them.`);
  }
  const mainSize = fs.statSync(main).size;
  rows.push(['dist/extension.js (development build)', kb(mainSize), `≤ ${kb(budgets.DEV_MAIN_CHUNK_MAX_BYTES)}`]);
  if (mainSize > budgets.DEV_MAIN_CHUNK_MAX_BYTES) {
    failures.push(`dist/extension.js is ${kb(mainSize)}, over its ${kb(budgets.DEV_MAIN_CHUNK_MAX_BYTES)} budget: move feature code behind a dynamic import() in its command handler.`);
  }

  // 2. What would ship.
  const { listFiles, PackageManager } = require('@vscode/vsce');
  const files = (await listFiles({ cwd: ROOT, packageManager: PackageManager.None })).map((f) => f.split(path.sep).join('/')).sort();
  const notAllowed = files.filter((f) => !ALLOWED_ENTRIES.some((re) => re.test(`extension/${f}`)));
  rows.push(['files .vscodeignore lets through that must not ship', notAllowed.length ? notAllowed.slice(0, 5).join(', ') : 'none', 'none']);
  if (notAllowed.length) failures.push(`.vscodeignore lets through files that must not ship:\n    ${notAllowed.join('\n    ')}`);
  const webviewDir = path.join(DIST, 'webview');
  const builtWebview = fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir).filter((f) => /\.(js|css|ttf)$/.test(f)).map((f) => `dist/webview/${f}`) : [];
  const required = ['dist/extension.js', 'dist/local.js', 'dist/node-bootstrap.js', 'dist/python/bootstrap.py', 'dist/python/inline/cfnresponse.py', 'package.json', ...builtWebview];
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

module.exports = { bundledModules, lazyOnlyPackagesIn };

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
