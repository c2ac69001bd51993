import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { diffFileSets } from '../../../src/features/code/compare';
import { handlerFileCandidates } from '../../../src/features/code/handlerFile';
import { CodeLinks, linkForPath, type CodeLink } from '../../../src/workbench/codeLinks';
import { deployedByOthers, syncState } from '../../../src/features/code/sync';

const root = path.resolve('/work/space');
const link = (folder: string, functionName = 'fn'): CodeLink => ({ folder: path.join(root, folder), connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1', functionName });

/** A Memento-like store in memory. */
function memoryStorage() {
  const data = new Map<string, unknown>();
  return { get: <T>(key: string) => data.get(key) as T | undefined, update: async (key: string, value: unknown) => void data.set(key, value) };
}

describe('code links and sync rules', () => {
  it('finds the innermost linked folder that holds a file', () => {
    const links = [link('app', 'outer'), link('app/inner', 'inner'), link('other', 'other')];
    assert.equal(linkForPath(links, path.join(root, 'app', 'index.js'))?.functionName, 'outer');
    assert.equal(linkForPath(links, path.join(root, 'app', 'inner', 'x', 'a.py'))?.functionName, 'inner');
    assert.equal(linkForPath(links, path.join(root, 'app'))?.functionName, 'outer');
    assert.equal(linkForPath(links, path.join(root, 'apple', 'index.js')), undefined, 'a sibling with a common prefix is not inside');
  });

  it('keeps one link per folder in the storage and drops malformed entries', async () => {
    const storage = memoryStorage();
    const links = new CodeLinks(storage);
    let changes = 0;
    links.onDidChange(() => changes++);
    await links.set(link('app', 'a'));
    await links.set({ ...link('app', 'b'), deployOnSave: true });
    assert.deepEqual(links.all().map((l) => [l.functionName, l.deployOnSave]), [['b', true]]);
    await storage.update('lambdaWorkbench.codeLinks', [...links.all(), { folder: 42 }]);
    assert.equal(links.all().length, 1);
    assert.equal((await links.update(path.join(root, 'app'), { deployOnSave: false }))?.deployOnSave, false);
    assert.equal(await links.remove(path.join(root, 'app')), true);
    assert.equal(await links.remove(path.join(root, 'app')), false);
    assert.equal(links.all().length, 0);
    assert.equal(changes, 4);
  });

  it('is in sync when the hashes match, or when neither side changed since the last download', () => {
    assert.equal(syncState({}, 'L', 'L'), 'inSync');
    assert.equal(syncState({}, 'L', 'R'), 'changed');
    const synced = { synced: { localSha256: 'L', remoteSha256: 'R', at: '' } };
    assert.equal(syncState(synced, 'L', 'R'), 'inSync');
    assert.equal(syncState(synced, 'L2', 'R'), 'changed', 'a local edit');
    assert.equal(syncState(synced, 'L', 'R2'), 'changed', 'someone deployed');
  });

  it('notices code deployed by someone else since it was last seen', () => {
    assert.equal(deployedByOthers({ knownRemoteSha256: 'R' }, 'R', 'L'), false);
    assert.equal(deployedByOthers({ knownRemoteSha256: 'R' }, 'X', 'L'), true);
    assert.equal(deployedByOthers({ knownRemoteSha256: 'R' }, 'L', 'L'), false, 'they deployed exactly these files');
    assert.equal(deployedByOthers({}, 'X', 'L'), false, 'nothing known yet');
  });

  it('lists files that differ between the folder and the deployed code', () => {
    const local = new Map([['a.js', '1'], ['b.js', '2'], ['new.js', '3']]);
    const deployed = new Map([['a.js', '1'], ['b.js', '9'], ['gone.js', '4']]);
    assert.deepEqual(diffFileSets(local, deployed), [
      { rel: 'b.js', change: 'modified' },
      { rel: 'gone.js', change: 'onlyDeployed' },
      { rel: 'new.js', change: 'onlyLocal' },
    ]);
  });

  it('maps handlers to the file that holds them', () => {
    assert.deepEqual(handlerFileCandidates('index.handler', 'nodejs20.x'), ['index.js', 'index.mjs', 'index.cjs', 'index.ts']);
    assert.deepEqual(handlerFileCandidates('src/app.main', 'nodejs22.x').slice(0, 1), ['src/app.js']);
    assert.deepEqual(handlerFileCandidates('app.handler', 'python3.12'), ['app.py', 'app/__init__.py']);
    assert.deepEqual(handlerFileCandidates('pkg.app.handler', 'python3.12')[0], 'pkg/app.py');
    assert.deepEqual(handlerFileCandidates('lambda_function.lambda_handler', 'ruby3.3'), ['lambda_function.rb']);
    assert.deepEqual(handlerFileCandidates('bootstrap', 'provided.al2023'), ['bootstrap']);
    assert.deepEqual(handlerFileCandidates(undefined, 'nodejs20.x'), []);
  });
});
