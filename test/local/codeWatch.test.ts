import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CodeWatcher } from '../../src/local/lambda/codeWatch';
import { makeTempDir, startTestLocal, write, type TestLocal } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, for at most `ms`; returns whether it did. */
async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

/** Inotify watches this process holds (Linux), or undefined where that cannot be read. */
function inotifyWatches(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
    try {
      n += (fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify /gm) ?? []).length;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

describe('CodeWatcher: code changes seen by watching, not by walking the folder per call', () => {
  const dirs: string[] = [];
  const watchers: CodeWatcher[] = [];
  const folder = () => { const d = makeTempDir('code-watch-'); dirs.push(d); return d; };
  const watcher = (opts?: ConstructorParameters<typeof CodeWatcher>[0]) => { const w = new CodeWatcher(opts); watchers.push(w); return w; };
  afterEach(() => {
    for (const w of watchers.splice(0)) w.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('sees an edit to a handler, and a file added in a folder made after watching began', async () => {
    const dir = folder();
    write(path.join(dir, 'src', 'index.js'), 'one');
    const w = watcher();
    const r0 = w.revision(dir);
    await w.ready(dir);
    assert.equal(w.revision(dir), r0, 'nothing changed yet');
    write(path.join(dir, 'src', 'index.js'), 'two');
    assert.ok(await eventually(() => w.revision(dir) !== r0), 'the edit is seen');
    const r1 = w.revision(dir);
    fs.mkdirSync(path.join(dir, 'src', 'new', 'deeper'), { recursive: true });
    assert.ok(await eventually(() => w.revision(dir) !== r1), 'a new folder is a change');
    await sleep(100); // its watch is set up
    const r2 = w.revision(dir);
    write(path.join(dir, 'src', 'new', 'deeper', 'util.js'), 'x');
    assert.ok(await eventually(() => w.revision(dir) !== r2), 'a file in the new folder is seen');
  });

  it('sees a change deep inside node_modules, and counts an install burst as a start and an end', async () => {
    const dir = folder();
    const dep = path.join(dir, 'node_modules', 'greet', 'lib', 'index.js');
    write(dep, 'v1');
    write(path.join(dir, 'index.js'), 'h');
    const w = watcher({ settleMs: 80 });
    await w.ready(dir);
    const r0 = Number(w.revision(dir));
    write(dep, 'v2');
    assert.ok(await eventually(() => Number(w.revision(dir)) !== r0), 'a dependency edit is seen at once');
    await sleep(200);
    const before = Number(w.revision(dir));
    for (let i = 0; i < 200; i++) write(path.join(dir, 'node_modules', `pkg${i % 20}`, `f${i}.js`), String(i));
    assert.ok(await eventually(() => Number(w.revision(dir)) > before), 'the install is seen as it starts');
    await sleep(400);
    const after = Number(w.revision(dir));
    assert.ok(after - before >= 1 && after - before <= 3, `an install of 200 files counted ${after - before} changes`);
    // The new package folders are watched too.
    write(path.join(dir, 'node_modules', 'pkg3', 'f3.js'), 'changed');
    assert.ok(await eventually(() => Number(w.revision(dir)) > after), 'an edit in a package folder made by the install is seen');
  });

  it('ignores what the server writes into its data folder, SAM output, .git and __pycache__', async () => {
    const dir = folder();
    const dataDir = path.join(dir, 'my-data');
    for (const sub of [dataDir, path.join(dir, '.local-lambda'), path.join(dir, '.aws-sam'), path.join(dir, '.git'), path.join(dir, 'pkg', '__pycache__')]) {
      fs.mkdirSync(sub, { recursive: true });
    }
    write(path.join(dir, 'app.py'), 'x');
    const w = watcher({ ignore: [dataDir] });
    await w.ready(dir);
    const r0 = w.revision(dir);
    write(path.join(dataDir, 'logs', 'g1.jsonl'), 'line');
    write(path.join(dir, '.local-lambda', 'state.json'), '{}');
    write(path.join(dir, '.aws-sam', 'build', 'x.js'), 'x');
    write(path.join(dir, '.git', 'index'), 'x');
    write(path.join(dir, 'pkg', '__pycache__', 'app.cpython-312.pyc'), 'x');
    await sleep(300);
    assert.equal(w.revision(dir), r0, 'none of these is a code change');
    write(path.join(dir, 'app.py'), 'y');
    assert.ok(await eventually(() => w.revision(dir) !== r0), 'while the code itself still is');
  });

  it('copes with the folder vanishing and coming back, and follows it again', async () => {
    const parent = folder();
    const dir = path.join(parent, 'fn');
    write(path.join(dir, 'sub', 'index.js'), 'one');
    const w = watcher({ pollMs: 50 });
    await w.ready(dir);
    const r0 = w.revision(dir);
    fs.rmSync(dir, { recursive: true });
    assert.ok(await eventually(() => w.modeOf(dir) === 'missing'), 'the loss is noticed');
    assert.notEqual(w.revision(dir), r0);
    assert.equal(w.watchedFolders, 0, 'no watch is kept on a folder that is gone');
    const r1 = w.revision(dir);
    write(path.join(dir, 'sub', 'index.js'), 'two');
    assert.ok(await eventually(() => w.modeOf(dir) === 'watching' && w.revision(dir) !== r1), 'its return is a change');
    await w.ready(dir);
    const r2 = w.revision(dir);
    write(path.join(dir, 'sub', 'index.js'), 'three');
    assert.ok(await eventually(() => w.revision(dir) !== r2), 'edits are seen again');
  });

  it('starts on a folder that does not exist yet without failing', async () => {
    const dir = path.join(folder(), 'later');
    const w = watcher({ pollMs: 50 });
    const r0 = w.revision(dir);
    await w.ready(dir);
    assert.equal(w.modeOf(dir), 'missing');
    write(path.join(dir, 'index.js'), 'x');
    assert.ok(await eventually(() => w.revision(dir) !== r0 && w.modeOf(dir) === 'watching'));
  });

  it('falls back to a periodic scan when it may not watch that many folders', async () => {
    const dir = folder();
    for (let i = 0; i < 5; i++) write(path.join(dir, `d${i}`, 'x.js'), 'x');
    const w = watcher({ maxWatchedFolders: 3, pollMs: 50 });
    await w.ready(dir);
    assert.equal(w.modeOf(dir), 'polling');
    assert.equal(w.watchedFolders, 0, 'the partial watches were let go');
    await sleep(120); // a first scan is taken
    const r0 = w.revision(dir);
    write(path.join(dir, 'd4', 'x.js'), 'changed, and longer');
    assert.ok(await eventually(() => w.revision(dir) !== r0), 'the scan sees the edit');
  });

  it('answers revision() without touching the disk, however large the folder', async () => {
    const dir = folder();
    for (let p = 0; p < 40; p++) for (let f = 0; f < 50; f++) write(path.join(dir, 'node_modules', `p${p}`, `f${f}.js`), 'x');
    const w = watcher();
    await w.ready(dir);
    assert.equal(w.watchedFolders, 42, 'one watch per folder (the root, node_modules, 40 packages), not per file');
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) w.revision(dir);
    const took = performance.now() - t0;
    // One walk of these 2,000 files takes several milliseconds; 10,000 of them would take a minute.
    assert.ok(took < 200, `10,000 calls took ${took.toFixed(1)} ms`);
  });

  it('lets every watch and timer go on close()', async () => {
    const dir = folder();
    for (let i = 0; i < 10; i++) write(path.join(dir, `d${i}`, 'x.js'), 'x');
    const gone = path.join(folder(), 'absent');
    const before = inotifyWatches();
    const w = watcher({ settleMs: 10_000, pollMs: 10_000 });
    w.revision(dir);
    w.revision(gone);
    await Promise.all([w.ready(dir), w.ready(gone)]);
    write(path.join(dir, 'node_modules', 'x.js'), 'starts a settle timer');
    await sleep(50);
    assert.ok(w.watchedFolders >= 11);
    if (before !== undefined) assert.ok(inotifyWatches()! >= before + 11, 'the folders are watched by the system');
    w.close();
    assert.equal(w.watchedFolders, 0);
    assert.equal(w.modeOf(dir), 'closed');
    assert.equal(w.modeOf(gone), 'closed');
    const r = w.revision(dir);
    write(path.join(dir, 'd1', 'x.js'), 'after close');
    await sleep(100);
    assert.equal(w.revision(dir), r, 'nothing is followed after close');
    if (before !== undefined) assert.equal(inotifyWatches(), before, 'no file-system watch left');
  });
});

describe('Local Lambda: edits to live code and its dependencies answer at the next invoke', function () {
  this.timeout(60_000);
  let t: TestLocal | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs the edited handler and the edited dependency without a restart', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    write(path.join(dir, 'template.yaml'), [
      'Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      FunctionName: watched', '      CodeUri: code', '      Handler: index.handler', '      Runtime: nodejs20.x', '',
    ].join('\n'));
    const handler = path.join(dir, 'code', 'index.js');
    const dep = path.join(dir, 'code', 'node_modules', 'greeting', 'index.js');
    write(path.join(dir, 'code', 'node_modules', 'greeting', 'package.json'), JSON.stringify({ name: 'greeting', version: '1.0.0', main: 'index.js' }));
    write(dep, 'module.exports = "hello";\n');
    write(handler, 'const greeting = require("greeting");\nexports.handler = async () => `${greeting} from v1`;\n');
    const watchesBefore = inotifyWatches();
    t = await startTestLocal({ dir });
    const call = async () => JSON.parse(Buffer.from((await t!.lambda.send(new InvokeCommand({ FunctionName: 'watched', Payload: '{}' }))).Payload ?? []).toString()) as string;
    assert.equal(await call(), 'hello from v1');
    assert.equal(await call(), 'hello from v1', 'warm');

    write(handler, 'const greeting = require("greeting");\nexports.handler = async () => `${greeting} from v2`;\n');
    await sleep(100);
    assert.equal(await call(), 'hello from v2', 'the edited handler answers');

    write(dep, 'module.exports = "bonjour";\n');
    await sleep(250); // past the dependency folder's settling
    assert.equal(await call(), 'bonjour from v2', 'the edited dependency answers');

    // What the server writes for its own calls (logs, state) is no code change: the environment stays warm.
    const warm = await t.lambda.send(new InvokeCommand({ FunctionName: 'watched', Payload: '{}', LogType: 'Tail' }));
    assert.doesNotMatch(Buffer.from(warm.LogResult ?? '', 'base64').toString(), /Init Duration/, 'warm after the edits settled');
    await t.close();
    t = undefined;
    if (watchesBefore !== undefined) assert.equal(inotifyWatches(), watchesBefore, 'closing the server lets its watches go');
  });
});
