#!/usr/bin/env node
// `npm run package`: a production build packed into lambda-workbench-<version>.vsix.
//
// The production bundles are built into a staging folder (out/package/extension, laid out as the
// installed extension) rather than dist/, so packaging never swaps the bundles under a VS Code
// test run or `npm start` that is using dist/. vsce then packs the staging folder, filtered by
// .vscodeignore, and the result is checked against the list of what may ship.
//   --no-vsix   build the staging folder only
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { unzipSync } = require('fflate');
const paths = require('./lib/paths');
const budgets = require('./lib/budgets');

const ROOT = paths.ROOT;
const STAGING = path.join(ROOT, 'out', 'package', 'extension');
const DIST = path.join(ROOT, 'dist');
/** Files copied next to the bundles; vsce filters them again with .vscodeignore. */
const MANIFEST_FILES = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore'];
/** Entries a VSIX may hold (paths inside the zip). Anything else fails the packaging. */
const ALLOWED_ENTRIES = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.txt)?$/i,
  /^extension\/dist\/.+\.(js|css|ttf)$/,
  // The Python runtime files, run by the function's interpreter.
  /^extension\/dist\/python\/.+\.py$/,
  // Third-party license notices the minifier moves out of the bundles.
  /^extension\/dist\/.+\.LICENSE\.txt$/,
  /^extension\/media\/[^/]+\.(svg|png)$/,
];

function manifest() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

function vsixPath() {
  const { name, version } = manifest();
  return path.join(ROOT, `${name}-${version}.vsix`);
}

/** Runs webpack's production build with the project's configurations, output moved to `outDir`/dist. */
function buildProduction(outDir = STAGING) {
  const webpack = require('webpack');
  const factory = require(path.join(ROOT, 'webpack.config.js'));
  const raw = typeof factory === 'function' ? factory({}, { mode: 'production' }) : factory;
  const configs = (Array.isArray(raw) ? raw : [raw]).map((config) => {
    const output = config.output ?? {};
    const from = output.path ?? DIST;
    const rel = path.relative(DIST, from);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`webpack output ${from} is outside dist/`);
    return { ...config, output: { ...output, path: path.join(outDir, 'dist', rel) } };
  });
  fs.rmSync(path.join(outDir, 'dist'), { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    webpack(configs, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) {
        return reject(new Error(`webpack production build failed:\n${stats.toString({ all: false, errors: true, colors: false })}`));
      }
      if (stats.hasWarnings()) console.warn(stats.toString({ all: false, warnings: true, colors: false }));
      const contents = chunkContents(stats, outDir);
      fs.writeFileSync(path.join(outDir, '..', 'chunks.json'), JSON.stringify(contents, null, 1));
      resolve(contents);
    });
  });
}

/** `node_modules/@scope/name/…` → `@scope/name`; our own sources → `src`. */
function packageOf(moduleName) {
  const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(moduleName);
  return match ? match[1].replace(/\\/g, '/') : moduleName.startsWith('external ') ? 'node built-in' : 'src';
}

/**
 * What each emitted .js file holds: source bytes (before minification) per package, so sizes can
 * be attributed (e.g. which chunks are the AWS SDK). Keyed by the path inside the extension.
 */
function chunkContents(stats, outDir) {
  /** @type {Record<string, Record<string, number>>} */
  const files = {};
  const json = stats.toJson({
    all: false, outputPath: true, chunks: true, chunkModules: true, nestedModules: true, dependentModules: true, runtimeModules: false,
    chunkModulesSpace: Infinity, nestedModulesSpace: Infinity,
    groupModulesByPath: false, groupModulesByType: false, groupModulesByExtension: false, groupModulesByAttributes: false,
    groupModulesByCacheStatus: false, groupModulesByLayer: false,
  });
  for (const child of json.children ?? [json]) {
    for (const chunk of child.chunks ?? []) {
      for (const file of chunk.files ?? []) {
        if (!file.endsWith('.js')) continue;
        const key = path.relative(outDir, path.join(child.outputPath, file)).split(path.sep).join('/');
        const into = (files[key] ??= {});
        const add = (m) => {
          if (m.modules) return m.modules.forEach(add);
          const pkg = packageOf(m.name ?? '');
          into[pkg] = (into[pkg] ?? 0) + (m.size ?? 0);
        };
        (chunk.modules ?? []).forEach(add);
      }
    }
  }
  return files;
}

/** Copies what vsce reads besides the bundles into the staging folder. */
function stageManifestFiles(outDir = STAGING) {
  for (const file of MANIFEST_FILES) {
    const from = path.join(ROOT, file);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(outDir, file));
    else fs.rmSync(path.join(outDir, file), { force: true });
  }
  fs.rmSync(path.join(outDir, 'media'), { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'media'), path.join(outDir, 'media'), { recursive: true });
}

/** Runs vsce on the staging folder without prompts; returns the VSIX path. */
function runVsce(outDir = STAGING) {
  const out = vsixPath();
  const args = [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', out];
  if (!manifest().repository) {
    // Without a repository vsce cannot turn README's relative links into absolute ones; keep them as written.
    args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  }
  // stdin closed: any question vsce would ask fails the packaging instead of waiting for an answer.
  const result = spawnSync(process.execPath, args, { cwd: outDir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`vsce package failed (exit ${result.status ?? result.signal})`);
  return out;
}

/** The entries of a VSIX with their uncompressed sizes. */
function listVsix(file) {
  const entries = unzipSync(fs.readFileSync(file));
  return Object.entries(entries).map(([name, data]) => ({ name, size: data.length }));
}

/** Entries that are not on the allowed list. */
function unexpectedEntries(entries) {
  return entries.filter((e) => !ALLOWED_ENTRIES.some((re) => re.test(e.name))).map((e) => e.name);
}

/** Builds, stages and packs; returns the VSIX path, its size and entries. */
async function packageExtension({ vsix = true } = {}) {
  fs.mkdirSync(STAGING, { recursive: true });
  const chunks = await buildProduction(STAGING);
  stageManifestFiles(STAGING);
  if (!vsix) return { staging: STAGING, chunks };
  const file = runVsce(STAGING);
  const entries = listVsix(file);
  const unexpected = unexpectedEntries(entries);
  if (unexpected.length > 0) throw new Error(`${path.basename(file)} holds files that must not ship:\n  ${unexpected.join('\n  ')}\nTighten .vscodeignore.`);
  const size = fs.statSync(file).size;
  if (size > budgets.VSIX_MAX_BYTES) {
    throw new Error(`${path.basename(file)} is ${(size / 1024).toFixed(0)} KB, over the ${(budgets.VSIX_MAX_BYTES / 1024).toFixed(0)} KB budget. npm run bench shows what each file weighs.`);
  }
  const mainChunk = fs.statSync(path.join(STAGING, 'dist', 'extension.js')).size;
  if (mainChunk > budgets.MAIN_CHUNK_MAX_BYTES) {
    console.warn(`warning: dist/extension.js (loaded at activation) is ${(mainChunk / 1024).toFixed(1)} KB, over its ${(budgets.MAIN_CHUNK_MAX_BYTES / 1024).toFixed(0)} KB budget.`);
  }
  return { staging: STAGING, chunks, vsix: file, size, entries };
}

module.exports = { STAGING, ALLOWED_ENTRIES, buildProduction, stageManifestFiles, runVsce, listVsix, unexpectedEntries, packageExtension, vsixPath };

if (require.main === module) {
  const started = Date.now();
  packageExtension({ vsix: !process.argv.includes('--no-vsix') })
    .then((result) => {
      if (!result.vsix) {
        console.log(`production build staged in ${path.relative(ROOT, result.staging)}`);
        return;
      }
      for (const e of result.entries.sort((a, b) => a.name.localeCompare(b.name))) {
        console.log(`  ${(e.size / 1024).toFixed(1).padStart(8)} KB  ${e.name}`);
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${path.relative(ROOT, result.vsix)}: ${(result.size / 1024).toFixed(1)} KB, ${result.entries.length} entries (${seconds} s)`);
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
