// Starts and stops code-server (the VS Code workbench served over HTTP) and opens it in Chromium.
// Plain CommonJS so `npm start` can use it before anything is compiled; typed by code-server.d.ts.
'use strict';

const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const paths = require('./paths');

const HOST = '127.0.0.1';
/** How long code-server may take to answer /healthz (a cold start takes about 10 s). */
const START_TIMEOUT_MS = 60000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Asks the OS for a port that is free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The vscode-remote URI code-server's workbench uses for a path on the server. */
function remoteUri(port, absPath) {
  return `vscode-remote://${HOST}:${port}${absPath}`;
}

/** Whether `inner` is `outer` or lies below it (both absolute, real paths). */
function isWithin(inner, outer) {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The path to hand the workbench as the extension under development. VS Code counts every color
 * theme found below that path as the extension's own and shows one of them instead of the user's
 * `workbench.colorTheme` (in a browser its first guess is light, so Light+). code-server's
 * built-in themes are installed below the repository (.vscode-test/), so when the extension is
 * the repository itself it is handed over as a link kept in `stateDir`, outside that tree.
 */
function developmentPath(stateDir, extensionPath) {
  const real = fs.realpathSync(extensionPath);
  let builtin;
  try {
    builtin = fs.realpathSync(paths.CODE_SERVER_DIR);
  } catch {
    return extensionPath;
  }
  if (!isWithin(builtin, real)) return extensionPath;
  const link = path.join(fs.realpathSync(stateDir), 'extension-under-development');
  fs.rmSync(link, { force: true });
  fs.symlinkSync(real, link, 'dir');
  return link;
}

/**
 * Starts code-server on 127.0.0.1 in its own process group with a throwaway user-data dir.
 * @param {import('./code-server').LaunchOptions} options
 * @returns {Promise<import('./code-server').CodeServer>}
 */
async function launchCodeServer(options = {}) {
  if (!fs.existsSync(paths.CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed (${paths.CODE_SERVER_BIN}). Run: npm run setup:vscode`);
  }
  const port = options.port || (await freePort());
  const stateDir = options.stateDir || fs.mkdtempSync(path.join(os.tmpdir(), 'lw-code-server-'));
  const ownsStateDir = !options.stateDir;
  const userDataDir = path.join(stateDir, 'data');
  const extensionsDir = path.join(stateDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // With workspaceTrust the folder opens untrusted, in Restricted Mode, without the startup prompt.
  const settings = options.workspaceTrust
    ? { ...USER_SETTINGS, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' }
    : USER_SETTINGS;
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(settings, null, 2),
  );

  const configFile = path.join(stateDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  const args = [
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    options.workspace || paths.EXAMPLES,
  ];
  const child = spawn(paths.CODE_SERVER_BIN, args, {
    cwd: paths.ROOT,
    env: { ...process.env, ...(options.env || {}) },
    detached: true, // own process group, so stop() can end the extension host and watchers too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const onData = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (options.verbose) process.stdout.write(`[code-server] ${line}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onProcessExit = () => killGroup('SIGKILL');
  process.once('exit', onProcessExit);
  // Interrupted runs (Ctrl+C, a stage timeout) must not leave code-server behind.
  const onSignal = (signal) => {
    killGroup('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  if (options.exitOnSignal !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        killGroup('SIGTERM');
        const timeout = sleep(5000).then(() => 'timeout');
        if ((await Promise.race([exitPromise, timeout])) === 'timeout') killGroup('SIGKILL');
      }
      killGroup('SIGKILL'); // stragglers in the group (extension host, file watcher)
      process.removeListener('exit', onProcessExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (ownsStateDir) fs.rmSync(stateDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const baseUrl = `http://${HOST}:${port}/`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while ((await httpStatus(`${baseUrl}healthz`)) !== 200) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server did not become ready on ${baseUrl} (${exited ? 'it exited' : 'timed out'}).\n` +
          output.slice(-30).join('\n'),
      );
    }
    await sleep(250);
  }

  return {
    port,
    baseUrl,
    userDataDir,
    output,
    exited: exitPromise,
    /** URL of the workbench with `folder` open and, optionally, an extension under development and a test entry. */
    workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const params = new URLSearchParams();
      params.set('folder', folder || options.workspace || paths.EXAMPLES);
      const payload = [];
      if (extensionDevelopmentPath) {
        payload.push(['extensionDevelopmentPath', remoteUri(port, developmentPath(stateDir, extensionDevelopmentPath))]);
      }
      if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
      if (payload.length > 0) params.set('payload', JSON.stringify(payload));
      return `${baseUrl}?${params.toString()}`;
    },
    stop,
  };
}

/** Launches Debian's Chromium through playwright-core. */
async function launchChromium() {
  if (!fs.existsSync(paths.CHROMIUM)) {
    throw new Error(`Chromium not found at ${paths.CHROMIUM}. Run: npm run setup:vscode`);
  }
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: paths.CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

module.exports = { HOST, developmentPath, freePort, isPortFree, launchCodeServer, launchChromium, remoteUri, sleep };
