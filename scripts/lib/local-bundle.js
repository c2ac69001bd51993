// The Local Lambda program as `npm run local` and the `local-lambda` bin run it: the bundle
// dist/local.js, rebuilt (webpack's `local` configuration only, no type check) when it is missing
// or older than what it is built from.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
/** What the build writes; the oldest of them is the build's time. */
const OUTPUTS = ['local.js', 'nodeBootstrap.js'];
/** What the bundle is built from: src/local imports only src/shared (the lint walls check it). */
const SOURCE_DIRS = ['src/local', 'src/shared'];
const SOURCE_FILES = ['webpack.config.js', 'tsconfig.json', 'package-lock.json'];
const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs', '.json', '.py']);

/** Newest modification time (ms) of the bundle's inputs under `root`, and the file that has it. */
function newestSource(root = ROOT) {
  let newest = { file: undefined, mtimeMs: 0 };
  const consider = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (stat.mtimeMs > newest.mtimeMs) newest = { file, mtimeMs: stat.mtimeMs };
  };
  for (const rel of SOURCE_FILES) consider(path.join(root, rel));
  // An explicit stack rather than recursion; symbolic links are not followed out of the tree.
  const stack = SOURCE_DIRS.map((rel) => path.join(root, rel));
  while (stack.length > 0) {
    const dir = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    consider(dir); // a deleted or renamed file shows only in its folder's time
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile() && SOURCE_EXTENSIONS.has(path.extname(entry.name))) consider(full);
    }
  }
  return newest;
}

/** Oldest modification time (ms) of the built outputs in `dist`, or undefined when one is missing. */
function builtAt(dist = DIST) {
  let oldest = Infinity;
  for (const name of OUTPUTS) {
    try {
      oldest = Math.min(oldest, fs.statSync(path.join(dist, name)).mtimeMs);
    } catch {
      return undefined;
    }
  }
  return oldest;
}

/**
 * Why the bundle must be (re)built, or undefined when it is current. Sources are only looked at
 * when they are there (a checkout); an installed copy without src/ runs the bundle it has.
 * @returns {{ kind: 'missing' | 'stale', message: string } | undefined}
 */
function rebuildReason(root = ROOT) {
  const dist = path.join(root, 'dist');
  const built = builtAt(dist);
  if (built === undefined) return { kind: 'missing', message: 'dist/local.js is not built yet' };
  if (!fs.existsSync(path.join(root, 'src', 'local'))) return undefined;
  const newest = newestSource(root);
  if (newest.mtimeMs > built) {
    return { kind: 'stale', message: `${path.relative(root, newest.file).split(path.sep).join('/')} changed since dist/local.js was built` };
  }
  return undefined;
}

/**
 * Builds the Local Lambda bundle with webpack's Node API (the `local` configuration of
 * webpack.config.js, development mode, transpile only). Webpack leaves a file alone when its
 * content is unchanged, so the outputs are touched afterwards: their time marks this build.
 */
function buildLocalBundle(root = ROOT) {
  const webpack = require(require.resolve('webpack', { paths: [root] }));
  const factory = require(path.join(root, 'webpack.config.js'));
  const all = typeof factory === 'function' ? factory({}, { mode: 'development' }) : factory;
  const config = (Array.isArray(all) ? all : [all]).find((c) => c.name === 'local');
  if (!config) throw new Error('webpack.config.js has no configuration named "local"');
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true, colors: false })));
      const now = new Date();
      for (const name of OUTPUTS) fs.utimesSync(path.join(root, 'dist', name), now, now);
      resolve();
    });
  });
}

/**
 * Makes sure dist/local.js is current and returns its path. When it is not, says why on stderr
 * and builds it in a child process (webpack's memory is not kept by the server that follows);
 * the build's output goes to stderr too, so stdout stays the program's (its first line is the
 * ready line). Throws when there is nothing to run.
 * @returns {{ bundle: string, built: boolean }}
 */
function ensureLocalBundle({ root = ROOT, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const reason = rebuildReason(root);
  const bundle = path.join(root, 'dist', 'local.js');
  if (!reason) return { bundle, built: false };
  let canBuild = true;
  try {
    require.resolve('webpack', { paths: [root] });
  } catch {
    canBuild = false;
  }
  if (!canBuild) {
    if (reason.kind === 'stale') {
      log(`local-lambda: ${reason.message}, but webpack is not installed (npm install): running the bundle as it is.`);
      return { bundle, built: false };
    }
    throw new Error(`${reason.message} and webpack is not installed: run npm install, then npm run build.`);
  }
  const started = Date.now();
  log(`local-lambda: ${reason.message}: building it first (webpack, the Local Lambda bundle only)…`);
  const { spawnSync } = require('node:child_process');
  const run = spawnSync(process.execPath, [__filename, '--build', root], { stdio: ['ignore', 2, 2] });
  if (run.status !== 0) throw new Error(`building dist/local.js failed (exit ${run.status ?? run.signal}); see above.`);
  log(`local-lambda: built dist/local.js in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { bundle, built: true };
}

if (require.main === module && process.argv[2] === '--build') {
  buildLocalBundle(process.argv[3] ? path.resolve(process.argv[3]) : ROOT).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

module.exports = { newestSource, builtAt, rebuildReason, buildLocalBundle, ensureLocalBundle, SOURCE_DIRS, SOURCE_FILES, OUTPUTS };
