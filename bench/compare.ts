/**
 * The peer comparison of `npm run bench`: our Local Lambda (the CLI, in its own process) against
 * serverless-offline (bench/peer.ts) and a floor (bench/floorServer.ts: node:http calling the
 * handler in-process), all reached through the same AWS SDK LambdaClient, same handlers, in
 * interleaved rounds (ours, peer, floor, again) so drift of the machine falls on all three.
 *
 * Measures warm Invoke p50/p99 (Node and Python), throughput at 8 and 32 clients (answers and
 * errors per second), what a function folder's 26,000-file node_modules adds to p99, the RSS of
 * each server with its runtime processes after the 32-client round, start-up times, and
 * `npm run local` → ready line.
 *
 *   npm run bench:compare [-- --quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ensurePeer, peerArgs, peerEnv, SLS_SERVICE, SLS_STAGE, writeBenchProject, type PeerInstall } from './peer';
import { ms, printTable, summarize, type BudgetRow } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const budgets: typeof import('../scripts/lib/budgets.js') = require(path.join(ROOT, 'scripts', 'lib', 'budgets.js'));

type Target = 'ours' | 'peer' | 'floor';
type Fn = 'node' | 'python' | 'big';

interface Server {
  target: Target;
  child: ChildProcess;
  client: LambdaClient;
  names: Partial<Record<Fn, string>>;
  /** Spawn → first successful Invoke. */
  startMs: number;
  /** The bench's HTTP route (GET /hello), where the server serves one. */
  httpUrl?: string;
  tail: () => string;
}

const PAYLOAD = Buffer.from(JSON.stringify({ name: 'bench' }));
const started: ChildProcess[] = [];

/** Stops a server and everything it started (it runs in a process group of its own). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
  signal('SIGKILL'); // runtime processes the server left behind
}

function killAllNow(): void {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', killAllNow);

/** Spawns `args` in a process group of its own; keeps the last 8 KB of its output for messages. */
function spawnServer(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): { child: ChildProcess; tail: () => string; firstLine: Promise<string> } {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  let first = '';
  let haveFirst = false;
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (haveFirst) return;
      first = (first + chunk.toString('utf8')).slice(0, 64 * 1024);
      const nl = first.indexOf('\n');
      if (nl >= 0) {
        haveFirst = true;
        resolve(first.slice(0, nl));
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`${path.basename(args[0] ?? command)} exited (${code ?? signal}) before it was ready:\n${tail}`)));
    child.on('error', reject);
  });
  firstLine.catch(() => undefined);
  child.stderr!.on('data', keep);
  return { child, tail: () => tail, firstLine };
}

function lambdaClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): LambdaClient {
  // One attempt: a throttled or failed call is counted, not retried. Sockets for 32+ clients.
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } } as never });
}

/** Invokes until one call succeeds; gives the time that took. */
async function firstOk(client: LambdaClient, name: string, since: number, timeoutMs: number, tail: () => string): Promise<number> {
  let last: unknown;
  while (performance.now() - since < timeoutMs) {
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: PAYLOAD }));
      if (!out.FunctionError) return performance.now() - since;
      last = new Error(Buffer.from(out.Payload ?? []).toString());
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no successful Invoke of ${name} within ${timeoutMs} ms (${(last as Error)?.message}):\n${tail()}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startOurs(project: string, dataDir: string): Promise<Server> {
  const t0 = performance.now();
  const cli = path.join(ROOT, 'out', 'src', 'local', 'cli.js');
  const { child, tail, firstLine } = spawnServer(process.execPath, [cli, '--dir', project, '--data-dir', dataDir, '--port', '0'], { cwd: project });
  const line = await firstLine;
  if (!line.startsWith('LOCAL_LAMBDA_READY ')) throw new Error(`unexpected first line from the Local Lambda: ${line}`);
  const ready = JSON.parse(line.slice('LOCAL_LAMBDA_READY '.length)) as { endpoint: string; apiEndpoint?: string; accessKeyId: string; secretAccessKey: string };
  const client = lambdaClient(ready.endpoint, ready);
  const startMs = await firstOk(client, 'bench-node', t0, 60_000, tail);
  return { target: 'ours', child, client, names: { node: 'bench-node', python: 'bench-python', big: 'bench-node-big' }, startMs, tail,
    ...(ready.apiEndpoint ? { httpUrl: `${ready.apiEndpoint}/hello?name=bench` } : {}) };
}

async function startPeer(project: string, peer: PeerInstall): Promise<Server> {
  const ports = { lambda: await freePort(), http: await freePort(), websocket: await freePort(), alb: await freePort() };
  const t0 = performance.now();
  const { child, tail } = spawnServer(process.execPath, peerArgs(peer.bin!, ports), { cwd: project, env: peerEnv() });
  const client = lambdaClient(`http://127.0.0.1:${ports.lambda}`, { accessKeyId: 'bench', secretAccessKey: 'bench' });
  const name = (key: string) => `${SLS_SERVICE}-${SLS_STAGE}-${key}`;
  const startMs = await firstOk(client, name('node'), t0, 90_000, tail);
  return { target: 'peer', child, client, names: { node: name('node'), python: name('python'), big: name('nodeBig') }, startMs, tail,
    httpUrl: `http://127.0.0.1:${ports.http}/hello?name=bench` };
}

async function startFloor(project: string): Promise<Server> {
  const t0 = performance.now();
  const { child, tail, firstLine } = spawnServer(process.execPath, [path.join(__dirname, 'floorServer.js'), path.join(project, 'node', 'index.mjs')], { cwd: project, env: { ...process.env, GREETING: 'Hello' } });
  const line = await firstLine;
  if (!line.startsWith('FLOOR_READY ')) throw new Error(`unexpected first line from the floor: ${line}`);
  const { port } = JSON.parse(line.slice('FLOOR_READY '.length)) as { port: number };
  const client = lambdaClient(`http://127.0.0.1:${port}`, { accessKeyId: 'bench', secretAccessKey: 'bench' });
  const startMs = await firstOk(client, 'floor', t0, 30_000, tail);
  return { target: 'floor', child, client, names: { node: 'floor' }, startMs, tail };
}

/**
 * Up to `n` sequential warm calls, stopping early after `maxMs` (a slow server must not stretch
 * the run); throws on a failed one (latency of failures means nothing).
 */
async function warmCalls(server: Server, fn: Fn, n: number, into: number[], maxMs = Infinity): Promise<void> {
  const name = server.names[fn]!;
  const deadline = performance.now() + maxMs;
  for (let i = 0; i < n && performance.now() < deadline; i++) {
    const t0 = performance.now();
    const out = await server.client.send(new InvokeCommand({ FunctionName: name, Payload: PAYLOAD }));
    into.push(performance.now() - t0);
    if (out.FunctionError) throw new Error(`${server.target} ${name}: ${Buffer.from(out.Payload ?? []).toString()}`);
  }
}

interface Load {
  ok: number;
  errors: Record<string, number>;
  seconds: number;
}

/** `clients` callers in a loop for `seconds`: answers and errors (by name) counted. */
async function load(server: Server, clients: number, seconds: number): Promise<Load> {
  const name = server.names.node!;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let ok = 0;
  const errors: Record<string, number> = {};
  const count = (what: string) => (errors[what] = (errors[what] ?? 0) + 1);
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      try {
        const out = await server.client.send(new InvokeCommand({ FunctionName: name, Payload: PAYLOAD }));
        if (out.FunctionError) count(`FunctionError ${out.FunctionError}`);
        else ok++;
      } catch (err) {
        count((err as Error).name || 'Error');
      }
    }
  }));
  return { ok, errors, seconds: (performance.now() - t0) / 1000 };
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: httpAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** `clients` HTTP callers of a server's route in a loop for `seconds`: 200s, other answers, and each call's time. */
async function httpLoad(url: string, clients: number, seconds: number, latencies: number[]): Promise<Load> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let ok = 0;
  const errors: Record<string, number> = {};
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const c0 = performance.now();
      try {
        const status = await httpGet(url);
        latencies.push(performance.now() - c0);
        if (status === 200) ok++;
        else errors[`HTTP ${status}`] = (errors[`HTTP ${status}`] ?? 0) + 1;
      } catch (err) {
        errors[(err as Error).name || 'Error'] = (errors[(err as Error).name || 'Error'] ?? 0) + 1;
      }
    }
  }));
  return { ok, errors, seconds: (performance.now() - t0) / 1000 };
}

/** RSS of a process and all its descendants (Linux /proc), with how many processes that is. */
export function treeRss(pid: number): { bytes: number; processes: number } | undefined {
  if (process.platform !== 'linux') return undefined;
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  let bytes = 0;
  let processes = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      bytes += rss ? Number(rss[1]) * 1024 : 0;
      processes++;
    } catch {
      continue;
    }
    queue.push(...(parents.get(p) ?? []));
  }
  return { bytes, processes };
}

/** `npm run local` until its ready line; the run is stopped then. Says whether it built first. */
async function timeNpmLocal(project: string, dataDir: string): Promise<{ ms: number; built: boolean }> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const t0 = performance.now();
  const child = spawn(npm, ['run', '--silent', 'local', '--', '--dir', project, '--data-dir', dataDir, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8192)));
  let out = '';
  try {
    const readyAt = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out = (out + c.toString('utf8')).slice(0, 64 * 1024);
        if (out.includes('LOCAL_LAMBDA_READY ')) resolve(performance.now());
      });
      child.on('exit', (code) => reject(new Error(`npm run local exited (${code}) before its ready line:\n${stderr}`)));
      setTimeout(() => reject(new Error(`npm run local gave no ready line in 180 s:\n${stderr}`)), 180_000).unref();
    });
    return { ms: readyAt - t0, built: /building it first/.test(stderr) };
  } finally {
    await stopChild(child);
  }
}

export interface CompareResult {
  rows: BudgetRow[];
  results: Record<string, unknown>;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const times = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '-');

export async function runComparison(options: { quick: boolean; log?: (line: string) => void }): Promise<CompareResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const quick = options.quick;
  const rounds = quick ? 2 : 4;
  const nodeCalls = quick ? 600 : 2000;
  const pythonCalls = quick ? 400 : 1000;
  const bigCalls = quick ? 600 : 1000;
  /** Time the calls to the big folder may take per server, in all. */
  const bigSeconds = quick ? 8 : 12;
  // Rounds of a few seconds, interleaved, so a machine whose speed drifts (a shared VM) weighs on every server alike.
  const loadRounds = quick ? 1 : 4;
  const loadSeconds = quick ? 4 : 10;
  const readyRuns = quick ? 2 : 3;
  const loadBefore = os.loadavg();

  const peer = ensurePeer(ROOT, log);
  log(`  peer: ${peer.note}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-compare-'));
  const servers: Server[] = [];
  try {
    const project = path.join(tmp, 'project');
    const genStart = performance.now();
    const { nodeModulesFiles } = writeBenchProject(project, path.join(ROOT, 'examples'), 26_000, peer.pluginDir);
    log(`  project with a ${fmt(nodeModulesFiles)}-file node_modules written in ${((performance.now() - genStart) / 1000).toFixed(1)} s`);

    const ours = await startOurs(project, path.join(tmp, 'data'));
    servers.push(ours);
    let sls: Server | undefined;
    let peerNote = peer.note;
    if (peer.bin) {
      try {
        sls = await startPeer(project, peer);
        servers.push(sls);
      } catch (err) {
        peerNote = `serverless-offline did not start: ${(err as Error).message.split('\n')[0]}`;
        log(`  ${peerNote}`);
      }
    }
    const floor = await startFloor(project);
    servers.push(floor);
    const withPeer = sls ? [ours, sls] : [ours];
    const all = sls ? [ours, sls, floor] : [ours, floor];

    // Warm-up: every environment started, every handler loaded, JIT settled.
    for (const s of all) await warmCalls(s, 'node', 200, []);
    for (const s of withPeer) await warmCalls(s, 'python', 100, []);
    for (const s of withPeer) await warmCalls(s, 'big', 200, [], 5000);

    const samples: Record<string, number[]> = {};
    const key = (s: Server, fn: Fn) => `${s.target}.${fn}`;
    for (const s of all) samples[key(s, 'node')] = [];
    for (const s of withPeer) for (const k of [key(s, 'python'), key(s, 'big'), `${s.target}.plain`]) samples[k] = [];

    log(`  warm Invoke: Node ${nodeCalls}, Python ${pythonCalls} calls per server in ${rounds} interleaved rounds`);
    for (let r = 0; r < rounds; r++) {
      for (const s of all) await warmCalls(s, 'node', nodeCalls / rounds, samples[key(s, 'node')]);
      for (const s of withPeer) await warmCalls(s, 'python', pythonCalls / rounds, samples[key(s, 'python')]);
    }
    log(`  node_modules: ${bigCalls} calls each to the plain and the 26,000-file folder (at most ${bigSeconds} s), interleaved`);
    for (let r = 0; r < rounds; r++) {
      for (const s of withPeer) {
        await warmCalls(s, 'node', bigCalls / rounds, samples[`${s.target}.plain`]);
        await warmCalls(s, 'big', bigCalls / rounds, samples[key(s, 'big')], bigSeconds * 1000 / rounds);
      }
    }

    const throughput: Record<string, Record<Target, Load & { rounds: number[] }>> = {};
    const rss: Partial<Record<Target, { bytes: number; processes: number } | undefined>> = {};
    for (const clients of [8, 32]) {
      log(`  throughput: ${clients} clients, ${loadSeconds} s per server in ${loadRounds} interleaved round(s)`);
      const level = {} as Record<Target, Load & { rounds: number[] }>;
      for (let r = 0; r < loadRounds; r++) {
        for (const s of all) {
          const got = await load(s, clients, loadSeconds / loadRounds);
          const sum = level[s.target] ?? { ok: 0, errors: {}, seconds: 0, rounds: [] };
          sum.ok += got.ok;
          sum.seconds += got.seconds;
          sum.rounds.push(got.ok / got.seconds);
          for (const [k, v] of Object.entries(got.errors)) sum.errors[k] = (sum.errors[k] ?? 0) + v;
          level[s.target] = sum;
          if (clients === 32 && r === loadRounds - 1) rss[s.target] = treeRss(s.child.pid!);
        }
      }
      throughput[String(clients)] = level;
    }
    // The HTTP route (an HttpApi event): plain HTTP callers on a keep-alive agent, same handler on both.
    const httpRoute: Record<string, Partial<Record<Target, Load & { latencies: number[] }>>> = {};
    const routed = withPeer.filter((s) => s.httpUrl);
    for (const s of routed) for (let i = 0; i < 200; i++) await httpGet(s.httpUrl!);
    for (const clients of [8, 32]) {
      log(`  HTTP route GET /hello: ${clients} clients, ${loadSeconds} s per server in ${loadRounds} interleaved round(s)`);
      const level: Partial<Record<Target, Load & { latencies: number[] }>> = {};
      for (let r = 0; r < loadRounds; r++) {
        for (const s of routed) {
          const sum = level[s.target] ?? { ok: 0, errors: {}, seconds: 0, latencies: [] };
          const got = await httpLoad(s.httpUrl!, clients, loadSeconds / loadRounds, sum.latencies);
          sum.ok += got.ok;
          sum.seconds += got.seconds;
          for (const [k, v] of Object.entries(got.errors)) sum.errors[k] = (sum.errors[k] ?? 0) + v;
          level[s.target] = sum;
        }
      }
      httpRoute[String(clients)] = level;
    }
    const startMs = Object.fromEntries(all.map((s) => [s.target, s.startMs]));
    for (const s of servers.splice(0)) {
      s.client.destroy();
      await stopChild(s.child);
    }

    log(`  npm run local -- --dir examples → ready line: ${readyRuns} runs after one that builds the bundle if it must`);
    const examples = path.join(ROOT, 'examples');
    const first = await timeNpmLocal(examples, path.join(tmp, 'ready-data'));
    const readySamples: number[] = [];
    for (let i = 0; i < readyRuns; i++) readySamples.push((await timeNpmLocal(examples, path.join(tmp, 'ready-data'))).ms);
    const ready = summarize(readySamples);
    const loadAfter = os.loadavg();

    // Figures.
    const stat = (k: string) => (samples[k] ? summarize(samples[k]) : undefined);
    const n = { ours: stat('ours.node')!, peer: stat('peer.node'), floor: stat('floor.node')! };
    const py = { ours: stat('ours.python')!, peer: stat('peer.python') };
    const plain = { ours: stat('ours.plain')!, peer: stat('peer.plain') };
    const big = { ours: stat('ours.big')!, peer: stat('peer.big') };
    const dash = '–';
    const three = (f: (x: ReturnType<typeof summarize>) => number, o: typeof n) => `${ms(f(o.ours))} / ${o.peer ? ms(f(o.peer)) : dash} / ${ms(f(o.floor))}`;
    const rows: BudgetRow[] = [];
    if (!sls) rows.push({ name: 'serverless-offline', value: 'not run', budget: '-', ratio: peerNote, ok: undefined });
    rows.push(
      {
        name: `warm Invoke p50, Node (${nodeCalls} calls)`, value: three((x) => x.p50, n),
        budget: `≤ ${budgets.PEER_WARM_P50_MAX_RATIO}× peer, ≤ ${budgets.FLOOR_WARM_P50_MAX_RATIO}× floor`,
        ratio: `${n.peer ? `${times(n.ours.p50, n.peer.p50)} peer, ` : ''}${times(n.ours.p50, n.floor.p50)} floor`,
        ok: n.ours.p50 <= budgets.FLOOR_WARM_P50_MAX_RATIO * n.floor.p50 && (n.peer ? n.ours.p50 <= budgets.PEER_WARM_P50_MAX_RATIO * n.peer.p50 : true),
      },
      { name: 'warm Invoke p99, Node', value: three((x) => x.p99, n), budget: '-', ratio: `${n.peer ? `${times(n.ours.p99, n.peer.p99)} peer, ` : ''}${times(n.ours.p99, n.floor.p99)} floor`, ok: undefined },
      {
        name: `warm Invoke p50, Python (${pythonCalls} calls)`, value: `${ms(py.ours.p50)} / ${py.peer ? ms(py.peer.p50) : dash} / ${dash}`,
        budget: `≤ ${budgets.PEER_WARM_P50_MAX_RATIO}× peer`, ratio: py.peer ? `${times(py.ours.p50, py.peer.p50)} peer` : '-',
        ok: py.peer ? py.ours.p50 <= budgets.PEER_WARM_P50_MAX_RATIO * py.peer.p50 : undefined,
      },
      { name: 'warm Invoke p99, Python', value: `${ms(py.ours.p99)} / ${py.peer ? ms(py.peer.p99) : dash} / ${dash}`, budget: '-', ratio: py.peer ? `${times(py.ours.p99, py.peer.p99)} peer` : '-', ok: undefined },
    );
    for (const clients of ['8', '32']) {
      const level = throughput[clients];
      const rate = (t: Target) => (level[t] ? level[t].ok / level[t].seconds : NaN);
      const errs = (t: Target) => (level[t] ? Object.values(level[t].errors).reduce((a, b) => a + b, 0) : 0);
      const errNames = (t: Target) => (level[t] ? Object.entries(level[t].errors).map(([k, v]) => `${fmt(v)} ${k}`).join(', ') : '');
      const cell = (t: Target) => (level[t] ? `${fmt(rate(t))} (${fmt(errs(t))} err)` : dash);
      rows.push({
        name: `throughput, ${clients} clients, OK/s (errors in ${loadSeconds} s)`, value: `${cell('ours')} / ${cell('peer')} / ${cell('floor')}`,
        budget: `≥ ${budgets.PEER_THROUGHPUT_MIN_RATIO}× peer, 0 errors`,
        // The floor ÷ peer ratio says how much room the machine leaves: the SDK load generator is one
        // process, so past about one core of its own the floor cannot go faster either.
        ratio: `${level.peer ? `${times(rate('ours'), rate('peer'))} peer, ` : ''}${times(rate('ours'), rate('floor'))} floor${level.peer ? ` (floor ${times(rate('floor'), rate('peer'))} peer)` : ''}${errs('ours') ? `; ours: ${errNames('ours')}` : ''}`,
        ok: errs('ours') === 0 && (level.peer ? rate('ours') >= budgets.PEER_THROUGHPUT_MIN_RATIO * rate('peer') : true),
      });
    }
    for (const clients of ['8', '32']) {
      const level = httpRoute[clients] ?? {};
      const rate = (t: Target) => (level[t] ? level[t]!.ok / level[t]!.seconds : NaN);
      const errs = (t: Target) => (level[t] ? Object.values(level[t]!.errors).reduce((a, b) => a + b, 0) : 0);
      const lat = (t: Target) => (level[t]?.latencies.length ? summarize(level[t]!.latencies) : undefined);
      const cell = (t: Target) => {
        const l = lat(t);
        return level[t] && l ? `${fmt(rate(t))}/s p50 ${ms(l.p50)} p99 ${ms(l.p99)} (${fmt(errs(t))} err)` : dash;
      };
      rows.push({
        name: `HTTP route GET /hello, ${clients} clients (HttpApi event)`, value: `${cell('ours')} / ${cell('peer')} / ${dash}`,
        budget: 'ahead of peer', ratio: level.peer && level.ours ? `${times(rate('ours'), rate('peer'))} peer throughput, p99 ${times(lat('ours')!.p99, lat('peer')!.p99)} peer` : '-',
        ok: level.ours && level.peer ? errs('ours') === 0 && rate('ours') >= rate('peer') : undefined,
      });
    }
    const deltaOurs = big.ours.p99 - plain.ours.p99;
    const deltaPeer = big.peer && plain.peer ? big.peer.p99 - plain.peer.p99 : undefined;
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${ms(v)}`;
    rows.push(
      {
        name: `${fmt(nodeModulesFiles)}-file node_modules: p99 change (${fmt(big.ours.n)}${big.peer ? ` / ${fmt(big.peer.n)}` : ''} calls)`,
        value: `${signed(deltaOurs)} / ${deltaPeer === undefined ? dash : signed(deltaPeer)} / ${dash}`,
        budget: `< ${budgets.NODE_MODULES_P99_MAX_DELTA_MS} ms`,
        ratio: `ours p99 ${ms(plain.ours.p99)} → ${ms(big.ours.p99)}, p50 ${ms(plain.ours.p50)} → ${ms(big.ours.p50)}`,
        ok: deltaOurs < budgets.NODE_MODULES_P99_MAX_DELTA_MS,
      },
      {
        name: `npm run local -- --dir examples → ready line (median of ${readyRuns})`, value: ms(ready.p50), budget: `≤ ${budgets.LOCAL_READY_MAX_MS} ms`,
        ratio: `runs ${readySamples.map((v) => v.toFixed(0)).join(', ')} ms${first.built ? `; the first built the bundle (${(first.ms / 1000).toFixed(1)} s)` : ''}`,
        ok: ready.p50 <= budgets.LOCAL_READY_MAX_MS,
      },
      {
        name: 'server start → first OK Invoke', value: `${ms(startMs.ours)} / ${startMs.peer !== undefined ? ms(startMs.peer) : dash} / ${ms(startMs.floor)}`,
        budget: '-', ratio: startMs.peer !== undefined ? `${times(startMs.ours, startMs.peer)} peer` : '-', ok: undefined,
      },
      {
        name: 'RSS after the 32-client round (processes)',
        value: (['ours', 'peer', 'floor'] as Target[]).map((t) => (rss[t] ? `${mb(rss[t]!.bytes)} (${rss[t]!.processes})` : dash)).join(' / '),
        budget: '-', ratio: rss.ours && rss.peer ? `${times(rss.ours.bytes, rss.peer.bytes)} peer` : '-', ok: undefined,
      },
      { name: 'machine load average (1, 5, 15 min) before → after', value: `${loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${loadAfter.map((l) => l.toFixed(1)).join(' ')}`, budget: '-', ratio: `${os.cpus().length} cores`, ok: undefined },
    );
    const results = {
      when: new Date().toISOString(), quick, peer: { ...peer, started: Boolean(sls), note: peerNote }, rounds, loadRounds, loadSeconds,
      warm: { node: n, python: py }, nodeModules: { files: nodeModulesFiles, plain, big, p99DeltaMs: { ours: deltaOurs, peer: deltaPeer } },
      throughput, httpRoute: Object.fromEntries(Object.entries(httpRoute).map(([k, level]) => [k, Object.fromEntries(Object.entries(level).map(([t, l]) => [t, { ok: l!.ok, errors: l!.errors, seconds: l!.seconds, latency: summarize(l!.latencies) }]))])),
      rssAfter32: rss, startMs, ready: { ...ready, samples: readySamples, first }, loadavg: { before: loadBefore, after: loadAfter },
    };
    return { rows, results };
  } finally {
    for (const s of servers) {
      s.client.destroy();
      await stopChild(s.child);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const { rows, results } = await runComparison({ quick });
  console.log(`\nOurs / serverless-offline / floor, same handler, same SDK client — Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  printTable(rows);
  fs.writeFileSync(path.join(ROOT, 'bench', 'results-compare.json'), `${JSON.stringify(results, null, 2)}\n`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}
