/**
 * The peer of the comparison: serverless-offline with the serverless framework, installed on
 * demand with npm into .bench-cache/ (ignored by git), and the project both servers run: the
 * same trivial handlers under a SAM template (ours) and a serverless.yml (the peer's), plus a
 * function folder holding a generated 26,000-file node_modules.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export const PEER_VERSIONS = { serverless: '3.40.0', 'serverless-offline': '13.10.1' } as const;
/** The names the peer gives its functions: `<service>-<stage>-<key>`. */
export const SLS_SERVICE = 'bench';
export const SLS_STAGE = 'dev';

export interface PeerInstall {
  /** The serverless framework's program, or undefined when it could not be installed. */
  bin?: string;
  pluginDir?: string;
  offlineVersion?: string;
  /** Wall time of the npm install this run, or undefined when it was cached. */
  installMs?: number;
  note: string;
}

function installedVersion(dir: string, name: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Installs (once) serverless and serverless-offline into `<root>/.bench-cache/serverless-offline-13.10`. */
export function ensurePeer(root: string, log: (line: string) => void): PeerInstall {
  const dir = path.join(root, '.bench-cache', 'serverless-offline-13.10');
  const current = () => installedVersion(dir, 'serverless') === PEER_VERSIONS.serverless && installedVersion(dir, 'serverless-offline') === PEER_VERSIONS['serverless-offline'];
  const found = (installMs?: number): PeerInstall => ({
    bin: path.join(dir, 'node_modules', 'serverless', 'bin', 'serverless.js'),
    pluginDir: path.join(dir, 'node_modules'),
    offlineVersion: PEER_VERSIONS['serverless-offline'],
    installMs,
    note: installMs === undefined ? `cached in ${path.relative(root, dir)}` : `installed into ${path.relative(root, dir)} in ${(installMs / 1000).toFixed(1)} s`,
  });
  if (current()) return found();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-peer', private: true, description: 'serverless-offline for npm run bench (generated)', dependencies: PEER_VERSIONS }, null, 2)}\n`);
  log(`  installing serverless ${PEER_VERSIONS.serverless} and serverless-offline ${PEER_VERSIONS['serverless-offline']} with npm (once, into ${path.relative(root, dir)})…`);
  const t0 = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'], {
    cwd: dir, encoding: 'utf8', timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === 'win32',
  });
  const installMs = performance.now() - t0;
  if (out.status !== 0 || !current()) {
    const why = out.error ? out.error.message : (out.stderr || out.stdout || `exit ${out.status ?? out.signal}`).trim().split('\n').slice(-3).join(' ');
    return { note: `serverless-offline could not be installed (${why.slice(0, 300)}); the peer columns are left out` };
  }
  return found(installMs);
}

export interface BenchProject {
  dir: string;
  /** Files in the big folder's node_modules. */
  nodeModulesFiles: number;
}

const NODE_HANDLER = `// The bench's trivial handler (the same as examples/hello-node).
export const handler = async (event) => {
  const name = typeof event?.name === 'string' && event.name ? event.name : 'world';
  const greeting = process.env.GREETING ?? 'Hello';
  console.log(\`Greeting \${name}\`);
  return { message: \`\${greeting}, \${name}!\`, runtime: \`Node.js \${process.versions.node}\` };
};
`;

/** The bench's HTTP route handler: an HTTP API (payload 2.0) answer. */
const HTTP_HANDLER = `// The bench's HTTP route handler.
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: \`Hello, \${event.queryStringParameters?.name ?? 'world'}!\` }),
});
`;

/** A runtime both servers find the same interpreter for (python3 on PATH names itself python3.x). */
export function pythonRuntime(): string {
  const out = spawnSync('python3', ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], { encoding: 'utf8', timeout: 10_000 });
  const version = out.status === 0 ? out.stdout.trim() : '';
  return /^3\.(9|1[0-3])$/.test(version) ? `python${version}` : 'python3.12';
}

/**
 * Writes the project into `dir`: node/ and python/ (the handlers of examples/), big/ (the Node
 * handler next to a node_modules of `files` tiny files), template.yaml and serverless.yml.
 */
export function writeBenchProject(dir: string, examples: string, files: number, pluginDir: string | undefined): BenchProject {
  const python = pythonRuntime();
  for (const sub of ['node', 'python', 'big']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node', 'index.mjs'), NODE_HANDLER);
  fs.writeFileSync(path.join(dir, 'big', 'index.mjs'), NODE_HANDLER);
  fs.writeFileSync(path.join(dir, 'node', 'http.mjs'), HTTP_HANDLER);
  fs.copyFileSync(path.join(examples, 'hello-python', 'app.py'), path.join(dir, 'python', 'app.py'));
  // node_modules laid out as an installed tree: packages of 40 small files each.
  const perPackage = 40;
  let written = 0;
  for (let p = 0; written < files; p++) {
    const pkg = path.join(dir, 'big', 'node_modules', `bench-dep-${p}`);
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), `{"name":"bench-dep-${p}","version":"1.0.0","main":"lib/f0.js"}\n`);
    written++;
    for (let f = 0; f < perPackage - 1 && written < files; f++, written++) fs.writeFileSync(path.join(pkg, 'lib', `f${f}.js`), `module.exports = ${f};\n`);
  }
  fs.writeFileSync(path.join(dir, 'template.yaml'), `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: npm run bench (generated)
Globals:
  Function:
    MemorySize: 128
    Timeout: 6
    Environment:
      Variables:
        GREETING: Hello
Resources:
  BenchNode:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: bench-node, CodeUri: node/, Handler: index.handler, Runtime: nodejs20.x }
  BenchPython:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: bench-python, CodeUri: python/, Handler: app.handler, Runtime: ${python} }
  BenchNodeBig:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: bench-node-big, CodeUri: big/, Handler: index.handler, Runtime: nodejs20.x }
  BenchHttp:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: bench-http
      CodeUri: node/
      Handler: http.handler
      Runtime: nodejs20.x
      Events:
        Hello:
          Type: HttpApi
          Properties: { Path: /hello, Method: GET }
`);
  fs.writeFileSync(path.join(dir, 'serverless.yml'), `service: ${SLS_SERVICE}
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
  stage: ${SLS_STAGE}
  memorySize: 128
  timeout: 6
  environment:
    GREETING: Hello
functions:
  node:
    handler: node/index.handler
  python:
    handler: python/app.handler
    runtime: ${python}
  nodeBig:
    handler: big/index.handler
  http:
    handler: node/http.handler
    events:
      - httpApi:
          path: /hello
          method: get
${pluginDir ? `plugins:
  localPath: ${JSON.stringify(pluginDir)}
  modules:
    - serverless-offline
` : ''}`);
  return { dir, nodeModulesFiles: written };
}

/** The environment the peer runs in: no telemetry, no update checks, no prompts. */
export function peerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', SLS_INTERACTIVE_SETUP_DISABLE: '1',
    CI: '1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1',
  };
}

/** serverless-offline's command line: offline, on loopback, the Lambda API on `lambdaPort`. */
export function peerArgs(bin: string, ports: { lambda: number; http: number; websocket: number; alb: number }): string[] {
  return [bin, 'offline', 'start', '--host', '127.0.0.1', '--lambdaPort', String(ports.lambda), '--httpPort', String(ports.http),
    '--websocketPort', String(ports.websocket), '--albPort', String(ports.alb), '--noPrependStageInUrl'];
}
