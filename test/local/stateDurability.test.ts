import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand, ListVersionsByFunctionCommand,
  PublishVersionCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { makeTempDir, makeZip, startTestLocal } from './helpers';
import { REPO_ROOT } from '../support/repo';

/**
 * What the Local Lambda keeps on disk survives the process being killed at any moment: every
 * write it acknowledged is there after a restart, the state loads, and no temporary file is left.
 * And the data folder is private (0700 folders, 0600 files) whatever the umask.
 */

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');
const CREDENTIALS = { accessKeyId: 'LKIADURABILITYTEST000', secretAccessKey: 'durability-test-secret' };
const ZIP = makeZip({ 'index.js': 'exports.handler = async () => 1;\n' });
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const GROUP = '/durability/test';

function tmpFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (/\.tmp$/.test(e.name)) found.push(path.relative(dir, abs));
      if (e.isDirectory()) walk(abs);
    }
  };
  walk(dir);
  return found;
}

interface Running { child: ChildProcess; lambda: LambdaClient; logs: CloudWatchLogsClient; exited: Promise<void> }

/** Every server started, so a failing test still stops them. */
const children = new Set<ChildProcess>();

async function startChild(dir: string, dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [CLI, '--dir', dir, '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOCAL_LAMBDA_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, LOCAL_LAMBDA_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey },
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { children.delete(child); resolve(); }));
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const ready = await new Promise<{ endpoint: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY line: ${out}${err}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0 && out.startsWith('LOCAL_LAMBDA_READY ')) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice('LOCAL_LAMBDA_READY '.length, nl)) as { endpoint: string });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}: ${out}${err}`)); });
  });
  const config = { endpoint: ready.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  return { child, exited, lambda: new LambdaClient(config), logs: new CloudWatchLogsClient({ ...config, disableHostPrefix: true }) };
}

async function stop(r: Running, signal: NodeJS.Signals): Promise<void> {
  r.lambda.destroy();
  r.logs.destroy();
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill(signal);
  await r.exited;
}

/** Acknowledged writes, checked after each restart. */
interface Acked {
  functions: Set<string>;
  versions: Map<string, Set<string>>;
  /** Function → the value last acknowledged and the one sent after it (which may have landed unacknowledged). */
  env: Map<string, { acked: string; next?: string }>;
  /** Stream → messages. */
  events: Map<string, string[]>;
}

async function allFunctions(lambda: LambdaClient): Promise<FunctionConfiguration[]> {
  const out: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    out.push(...page.Functions ?? []);
    marker = page.NextMarker;
  } while (marker);
  return out;
}

async function verify(r: Running, acked: Acked, only?: Acked): Promise<number> {
  const want = only ?? acked;
  let checked = 0;
  const names = new Set((await allFunctions(r.lambda)).map((f) => f.FunctionName));
  for (const name of want.functions) { assert.ok(names.has(name), `created function ${name} is missing`); checked++; }
  for (const [name, versions] of want.versions) {
    const listed = new Set((await r.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }))).Versions?.map((v) => v.Version));
    for (const v of versions) { assert.ok(listed.has(v), `published version ${name}:${v} is missing`); checked++; }
  }
  for (const [name, { acked: value, next }] of want.env) {
    const got = (await r.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables?.VAL;
    assert.ok(got === value || (next !== undefined && got === next), `${name} has VAL=${got}, acknowledged ${value}`);
    // A write that landed without its answer is what the store holds from now on.
    acked.env.set(name, { acked: got! });
    checked++;
  }
  for (const [stream, messages] of want.events) {
    const got = (await r.logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }))).events?.map((e) => e.message) ?? [];
    for (const m of messages) { assert.ok(got.includes(m), `log event ${m} in ${stream} is missing`); checked++; }
  }
  return checked;
}

async function runLane(lane: number, ROUNDS: number, figures: { checked: number; attempted: number; tmpLeftByKills: number; killedWithWritesInFlight: number; acknowledged: number }): Promise<void> {
    const dir = makeTempDir(`durable-project-${lane}-`);
    const dataDir = makeTempDir(`durable-data-${lane}-`);
    const acked: Acked = { functions: new Set(), versions: new Map(), env: new Map(), events: new Map() };
    const ENV_TARGETS = ['env0', 'env1', 'env2', 'env3'];
    try {
      let r = await startChild(dir, dataDir);
      for (const name of ENV_TARGETS) {
        await r.lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: ZIP } }));
        acked.functions.add(name);
        acked.env.set(name, { acked: 'none' });
        await r.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { VAL: 'none' } } }));
      }
      await r.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
      for (let round = 0; round < ROUNDS; round++) {
        const thisRound: Acked = { functions: new Set(), versions: new Map(), env: new Map(), events: new Map() };
        let inFlight = 0;
        const op = async <T>(f: () => Promise<T>): Promise<T> => {
          figures.attempted++;
          inFlight++;
          try {
            const result = await f();
            figures.acknowledged++;
            return result;
          } finally { inFlight--; }
        };
        const createAndPublish = async (j: number) => {
          const name = `c${round}_${j}`;
          await op(() => r.lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: ZIP } })));
          acked.functions.add(name); thisRound.functions.add(name);
          for (const description of ['first', 'second']) {
            await op(() => r.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: description })));
            const v = (await op(() => r.lambda.send(new PublishVersionCommand({ FunctionName: name })))).Version!;
            for (const set of [acked, thisRound]) {
              if (!set.versions.has(name)) set.versions.set(name, new Set());
              set.versions.get(name)!.add(v);
            }
          }
        };
        const updateEnv = async (name: string) => {
          for (let k = 0; k < 2; k++) {
            const value = `r${round}-${k}`;
            // Sent but not yet acknowledged, it may have landed or not: either value is right after a kill.
            acked.env.get(name)!.next = value;
            thisRound.env.set(name, { ...acked.env.get(name)! });
            await op(() => r.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { VAL: value } } })));
            acked.env.set(name, { acked: value });
            thisRound.env.set(name, { acked: value });
          }
        };
        const putLogs = async (j: number) => {
          const stream = `r${round}-${j}`;
          await op(() => r.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream })));
          for (let k = 0; k < 3; k++) {
            const messages = [`${stream}-${k}a`, `${stream}-${k}b`];
            await op(() => r.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) })));
            for (const set of [acked, thisRound]) set.events.set(stream, [...set.events.get(stream) ?? [], ...messages]);
          }
        };
        const burst = Promise.allSettled([
          ...[0, 1, 2].map(createAndPublish), ...ENV_TARGETS.map(updateEnv), ...[0, 1].map(putLogs),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 400)));
        if (inFlight > 0) figures.killedWithWritesInFlight++;
        r.child.kill('SIGKILL');
        await burst;
        await stop(r, 'SIGKILL');
        figures.tmpLeftByKills += tmpFilesUnder(dataDir).length;

        r = await startChild(dir, dataDir);
        assert.deepEqual(tmpFilesUnder(dataDir), [], `round ${round}: temporary files remain after the restart`);
        figures.checked += await verify(r, acked, thisRound);
      }
      figures.checked += await verify(r, acked);
      await stop(r, 'SIGTERM');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
}

describe('Local Lambda state: durability and modes', function () {
  this.timeout(120_000);
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('keeps every acknowledged write through 50 kill -9 at random moments, loads, and leaves no temporary file', async () => {
    const started = Date.now();
    const figures = { checked: 0, attempted: 0, tmpLeftByKills: 0, killedWithWritesInFlight: 0, acknowledged: 0 };
    // Three servers on their own data folders side by side, 50 rounds between them, keep the test short.
    await Promise.all([17, 17, 16].map((rounds, lane) => runLane(lane, rounds, figures)));
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`      50 rounds, ${figures.attempted} writes sent, ${figures.acknowledged} acknowledged, ${figures.checked} acknowledged writes checked, ` +
      `${figures.killedWithWritesInFlight} kills with writes in flight, ${figures.tmpLeftByKills} temporary files left by kills and removed, ${seconds.toFixed(1)} s\n`);
    assert.ok(figures.acknowledged > 0, 'no write of the bursts was acknowledged');
  });

  it('leaves what else a given data folder holds as it is: modes and files', async () => {
    const dataDir = makeTempDir('shared-data-');
    try {
      fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'mine\n', { mode: 0o644 });
      fs.chmodSync(path.join(dataDir, 'notes.txt'), 0o644);
      fs.mkdirSync(path.join(dataDir, 'photos'));
      fs.chmodSync(path.join(dataDir, 'photos'), 0o755);
      fs.writeFileSync(path.join(dataDir, 'draft.1.tmp'), 'not ours');
      fs.writeFileSync(path.join(dataDir, `lambda-state.json.${process.pid}.1.tmp`), '{"half');
      const t = await startTestLocal({ dataDir });
      await t.close();
      assert.equal(fs.statSync(path.join(dataDir, 'notes.txt')).mode & 0o777, 0o644);
      assert.equal(fs.statSync(path.join(dataDir, 'photos')).mode & 0o777, 0o755);
      assert.ok(fs.existsSync(path.join(dataDir, 'draft.1.tmp')));
      assert.ok(!fs.existsSync(path.join(dataDir, `lambda-state.json.${process.pid}.1.tmp`)));
      assert.equal(fs.statSync(path.join(dataDir, 'credentials.json')).mode & 0o777, 0o600);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('makes the data folder 0700 and its files 0600 under a permissive umask, and fixes an existing folder\'s modes at start', async () => {
    const dataDir = makeTempDir('private-data-');
    const modes = () => {
      const wrong: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const abs = path.join(d, e.name);
          const mode = fs.lstatSync(abs).mode & 0o777;
          if (e.isDirectory()) {
            if (mode !== 0o700) wrong.push(`${path.relative(dataDir, abs)}/ ${mode.toString(8)}`);
            walk(abs);
          } else if (e.isFile() && mode !== 0o600 && mode !== 0o700) {
            wrong.push(`${path.relative(dataDir, abs)} ${mode.toString(8)}`);
          }
        }
      };
      const top = fs.statSync(dataDir).mode & 0o777;
      if (top !== 0o700) wrong.push(`./ ${top.toString(8)}`);
      walk(dataDir);
      return wrong;
    };
    const previous = process.umask(0o000);
    try {
      fs.rmSync(dataDir, { recursive: true });
      const t = await startTestLocal({ dataDir });
      try {
        await t.lambda.send(new CreateFunctionCommand({ FunctionName: 'secret-holder', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
          Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;\n', 'lib/data.json': '{}' }) }, Environment: { Variables: { TOKEN: 'hunter2' } } }));
        await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'secret-holder', Description: 'v1' }));
        await t.lambda.send(new PublishVersionCommand({ FunctionName: 'secret-holder' }));
        await t.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
        await t.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
        await t.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'TOKEN=hunter2' }] }));
      } finally {
        await t.close();
      }
      const files = fs.readdirSync(dataDir, { recursive: true }) as string[];
      for (const expected of ['lambda-state.json', 'credentials.json', path.join('logs', 'index.json'), path.join('logs', 'g1.jsonl')]) {
        assert.ok(files.includes(expected), `${expected} was written`);
      }
      assert.deepEqual(modes(), []);

      // A folder left readable by an older version (or by hand) is made private at the next start.
      const loosen = (d: string) => {
        fs.chmodSync(d, 0o755);
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) loosen(path.join(d, e.name));
          else if (e.isFile()) fs.chmodSync(path.join(d, e.name), 0o644);
        }
      };
      loosen(dataDir);
      assert.notDeepEqual(modes(), []);
      const again = await startTestLocal({ dataDir });
      await again.close();
      assert.deepEqual(modes(), []);
    } finally {
      process.umask(previous);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
