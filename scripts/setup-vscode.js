#!/usr/bin/env node
// Installs a real VS Code (code-server, from the npm registry) into .vscode-test/code-server
// and makes sure Chromium is present (skip it with --no-chromium). Safe to run again: a marker
// file makes it a fast no-op.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const paths = require('./lib/paths');

const PREFIX = '[setup-vscode]';
const log = (...args) => console.log(PREFIX, ...args);

/** code-server pins the Node major it runs on; pick the release that matches ours. */
const CODE_SERVER_BY_NODE_MAJOR = { 20: '4.100.3', 22: '~4.105.0', 24: '~4.139.0' };
/** Known @vscode/ripgrep versions per code-server release (saves reading the tarball). */
const KNOWN_RIPGREP_PACKAGE = { '4.100.3': '1.15.11' };
/** Known prebuilt ripgrep release tags per @vscode/ripgrep version. */
const KNOWN_RIPGREP_TAGS = { '1.15.11': ['v13.0.0-10'] };

const SYSTEM_PACKAGES = {
  chromium: () => fs.existsSync(paths.CHROMIUM),
  'libkrb5-dev': () => fs.existsSync('/usr/include/gssapi/gssapi.h'),
  ripgrep: () => commandExists('rg'),
};

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function fail(message) {
  console.error(`${PREFIX} ERROR: ${message}`);
  process.exit(1);
}

function codeServerSpec() {
  const major = Number(process.versions.node.split('.')[0]);
  const spec = CODE_SERVER_BY_NODE_MAJOR[major];
  if (!spec) {
    fail(`no code-server release is known for Node ${process.versions.node}; use Node 20, 22 or 24.`);
  }
  return spec;
}

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(paths.CODE_SERVER_MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

function ensureSystemPackages(names) {
  const missing = names.filter((name) => !SYSTEM_PACKAGES[name]());
  if (missing.length === 0) {
    log(`system packages present: ${names.join(', ')}`);
    return;
  }
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid && process.getuid() !== 0) {
    fail(`missing system packages: ${missing.join(', ')}. Install them as root:\n  sudo sh -c '${install}'`);
  }
  log(`installing system packages: ${missing.join(', ')}`);
  run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const stillMissing = missing.filter((name) => !SYSTEM_PACKAGES[name]());
  if (stillMissing.length > 0) fail(`apt-get did not provide: ${stillMissing.join(', ')}`);
}

function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    fail(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** Downloads one npm package tarball into dir (via npm's cache) and returns its path. */
function npmPack(spec, dir) {
  const out = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
    encoding: 'utf8',
  });
  const file = out.trim().split('\n').pop();
  return path.join(dir, file);
}

function extractFile(tarball, member, dir) {
  execFileSync('tar', ['-xzf', tarball, '-C', dir, member]);
  return fs.readFileSync(path.join(dir, member), 'utf8');
}

/** Resolves "~4.105.0" to a concrete version through the registry. */
function resolveVersion(spec) {
  if (/^\d+\.\d+\.\d+$/.test(spec)) return spec;
  const out = execFileSync('npm', ['view', `code-server@${spec}`, 'version', '--json'], { encoding: 'utf8' });
  const parsed = JSON.parse(out);
  return Array.isArray(parsed) ? parsed[parsed.length - 1] : parsed;
}

function ripgrepPackageVersion(codeServerVersion, scratch) {
  if (KNOWN_RIPGREP_PACKAGE[codeServerVersion]) return KNOWN_RIPGREP_PACKAGE[codeServerVersion];
  log(`reading the @vscode/ripgrep version from code-server@${codeServerVersion}`);
  const tarball = npmPack(`code-server@${codeServerVersion}`, scratch);
  const shrinkwrap = JSON.parse(extractFile(tarball, 'package/lib/vscode/npm-shrinkwrap.json', scratch));
  const entry = shrinkwrap.packages && shrinkwrap.packages['node_modules/@vscode/ripgrep'];
  if (!entry) fail(`code-server@${codeServerVersion} does not list @vscode/ripgrep in its shrinkwrap`);
  return entry.version;
}

function ripgrepTags(packageVersion, scratch) {
  if (KNOWN_RIPGREP_TAGS[packageVersion]) return KNOWN_RIPGREP_TAGS[packageVersion];
  log(`reading the ripgrep release tag from @vscode/ripgrep@${packageVersion}`);
  const tarball = npmPack(`@vscode/ripgrep@${packageVersion}`, scratch);
  const source = extractFile(tarball, 'package/lib/postinstall.js', scratch);
  const tags = [...source.matchAll(/VERSION\s*=\s*['"](v[^'"]+)['"]/g)].map((m) => m[1]);
  if (tags.length === 0) fail(`could not find the ripgrep release tag in @vscode/ripgrep@${packageVersion}`);
  return [...new Set(tags)];
}

function ripgrepTarget() {
  const byArch = {
    x64: 'x86_64-unknown-linux-musl',
    arm64: 'aarch64-unknown-linux-musl',
    arm: 'arm-unknown-linux-gnueabihf',
  };
  const target = byArch[process.arch];
  if (process.platform !== 'linux' || !target) fail(`unsupported platform ${process.platform}/${process.arch}`);
  return target;
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here. It first
 * looks in $TMPDIR/vscode-ripgrep-cache-<pkg version>/, so we put the system rg there.
 */
function seedRipgrepCache(packageVersion, tags, scratch) {
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const staging = path.join(scratch, 'rg-staging');
  fs.mkdirSync(staging, { recursive: true });
  fs.copyFileSync(fs.realpathSync(rg), path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${packageVersion}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const tag of tags) {
    const file = path.join(cacheDir, `ripgrep-${tag}-${ripgrepTarget()}.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', staging, 'rg']);
    log(`seeded ripgrep cache: ${file}`);
  }
}

function installCodeServer(version) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-setup-'));
  try {
    const rgPackage = ripgrepPackageVersion(version, scratch);
    seedRipgrepCache(rgPackage, ripgrepTags(rgPackage, scratch), scratch);

    fs.rmSync(paths.CODE_SERVER_DIR, { recursive: true, force: true });
    fs.mkdirSync(paths.CODE_SERVER_DIR, { recursive: true });
    fs.writeFileSync(
      path.join(paths.CODE_SERVER_DIR, 'package.json'),
      JSON.stringify({ name: 'lambda-workbench-vscode-test', private: true }, null, 2) + '\n',
    );
    const started = Date.now();
    run(
      'npm',
      ['install', '--unsafe-perm', '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error', `code-server@${version}`],
      {
        cwd: paths.CODE_SERVER_DIR,
        // node-pty's postinstall runs `npx node-gyp`, which would otherwise wait for a "yes".
        env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
      },
    );
    if (!fs.existsSync(paths.CODE_SERVER_BIN)) fail(`install finished but ${paths.CODE_SERVER_BIN} is missing`);
    const smoke = spawnSync(paths.CODE_SERVER_BIN, ['--version'], { encoding: 'utf8' });
    if (smoke.status !== 0) fail(`code-server --version failed:\n${smoke.stderr}`);
    log(`code-server --version: ${smoke.stdout.trim().split('\n')[0]}`);
    fs.writeFileSync(
      paths.CODE_SERVER_MARKER,
      JSON.stringify({ version, node: process.versions.node.split('.')[0], installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    log(`installed code-server ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function main() {
  // `npm start` needs only code-server; the browser is for tests.
  const browser = process.argv.includes('--no-chromium') ? [] : ['chromium'];
  const spec = codeServerSpec();
  const nodeMajor = process.versions.node.split('.')[0];
  const marker = readMarker();
  const specMatches = (v) => (spec.startsWith('~') ? v.startsWith(spec.slice(1).replace(/\.0$/, '.')) : v === spec);
  if (marker && marker.node === nodeMajor && specMatches(marker.version) && fs.existsSync(paths.CODE_SERVER_BIN)) {
    if (browser.length) ensureSystemPackages(browser);
    log(`code-server ${marker.version} already installed in ${path.relative(paths.ROOT, paths.CODE_SERVER_DIR)} (nothing to do)`);
    return;
  }
  ensureSystemPackages([...browser, 'libkrb5-dev', 'ripgrep']);
  const version = resolveVersion(spec);
  log(`installing code-server ${version} for Node ${process.versions.node} into ${paths.CODE_SERVER_DIR}`);
  installCodeServer(version);
}

main();
