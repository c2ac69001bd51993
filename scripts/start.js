#!/usr/bin/env node
// `npm start`: builds the extension and opens it, with examples/ as the workspace, in a real
// VS Code served on 127.0.0.1 (code-server). Prints one URL to open; Ctrl+C stops everything.
//   --port N (or env PORT)   port to serve on (default 8080, or a free one when 8080 is taken)
//   --no-build               skip tsc + webpack
//   --desktop                use the desktop `code` binary on PATH instead of code-server
//   --verbose                print code-server's own log lines
'use strict';

const path = require('path');
const { spawnSync, spawn } = require('child_process');
const paths = require('./lib/paths');

const ROOT = paths.ROOT;
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
function optionValue(name) {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}

function step(title, cmd, args, { optional = false } = {}) {
  console.log(`\n▸ ${title}`);
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status === 0) return true;
  if (optional) {
    console.warn(`  (${title} reported errors; continuing with what was built)`);
    return false;
  }
  console.error(`\n${title} failed (exit ${result.status ?? result.signal}).`);
  process.exit(1);
}

function build() {
  step('Type-checking and compiling (tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'], {
    optional: true,
  });
  step('Bundling (webpack --mode development)', process.execPath, [
    path.join(ROOT, 'node_modules', 'webpack', 'bin', 'webpack.js'),
    '--mode',
    'development',
  ]);
}

function startDesktop() {
  const which = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  if (which.status !== 0) {
    console.error('--desktop needs the `code` command on PATH (VS Code: "Shell Command: Install \'code\' command in PATH").');
    process.exit(1);
  }
  if (!flag('no-build')) build();
  const args = [`--extensionDevelopmentPath=${ROOT}`, paths.EXAMPLES];
  console.log(`\n▸ code ${args.join(' ')}`);
  const child = spawn('code', args, { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function chooseCodeServerPort(lib) {
  const requested = optionValue('port') ?? process.env.PORT;
  if (requested !== undefined) {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      console.error(`Invalid port "${requested}": give a whole number from 1 to 65535.`);
      process.exit(1);
    }
    if (!(await lib.isPortFree(port))) {
      console.error(`Port ${port} on 127.0.0.1 is already in use; pick another with --port N.`);
      process.exit(1);
    }
    return port;
  }
  if (await lib.isPortFree(8080)) return 8080;
  const port = await lib.freePort();
  console.log(`Port 8080 is busy; using ${port}.`);
  return port;
}

async function startCodeServer() {
  step('Checking the local VS Code (code-server)', process.execPath, [path.join(__dirname, 'setup-vscode.js'), '--no-chromium']);
  if (!flag('no-build')) build();
  const lib = require('./lib/code-server');
  const port = await chooseCodeServerPort(lib);
  console.log(`\n▸ Starting code-server on 127.0.0.1:${port}`);
  const server = await lib.launchCodeServer({
    port,
    workspace: paths.EXAMPLES,
    // Kept between runs so layout and opened editors survive a restart.
    stateDir: path.join(ROOT, '.vscode-test', 'start'),
    verbose: flag('verbose'),
    exitOnSignal: false,
  });
  const url = server.workbenchUrl({ folder: paths.EXAMPLES, extensionDevelopmentPath: ROOT });

  console.log('\n' + '─'.repeat(72));
  console.log('Lambda Workbench is running in VS Code. Open this URL in your browser:\n');
  console.log(`  ${url}\n`);
  console.log(`Workspace: ${path.relative(process.cwd(), paths.EXAMPLES) || paths.EXAMPLES}   Press Ctrl+C to stop.`);
  console.log('─'.repeat(72));

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server…`);
    await server.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const { code, signal } = await server.exited;
  if (!stopping) {
    console.error(`code-server exited on its own (${signal ?? `exit ${code}`}). Last lines:`);
    console.error(server.output.slice(-20).join('\n'));
    await server.stop();
    process.exit(1);
  }
}

(flag('desktop') ? Promise.resolve(startDesktop()) : startCodeServer()).catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
