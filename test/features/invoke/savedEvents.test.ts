import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecentEvents, type MementoLike } from '../../../src/features/invoke/recentEvents';
import { SavedEventError, SavedEventStore, validateEventJson, validateEventName } from '../../../src/features/invoke/savedEvents';

class MapMemento implements MementoLike {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    // Round-trip through JSON like VS Code's storage does.
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

const rejectsWith = (promise: Promise<unknown>, code: string, message: RegExp) =>
  assert.rejects(promise, (error: unknown) => error instanceof SavedEventError && error.code === code && message.test(error.message));

describe('events/savedEvents', () => {
  let dir: string;
  let store: SavedEventStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-saved-'));
    store = new SavedEventStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves under .lambda-workbench/events/<function>/<name>.json, lists and reads back', async () => {
    assert.deepEqual(await store.list('hello-node'), []);
    const saved = await store.save('hello-node', 'Ada', '{\n  "name": "Ada"\n}');
    assert.equal(saved.file, path.join(dir, '.lambda-workbench', 'events', 'hello-node', 'Ada.json'));
    assert.equal(fs.readFileSync(saved.file, 'utf8'), '{\n  "name": "Ada"\n}\n', 'kept as written, with a final newline');
    await store.save('hello-node', 'bob.json', '{"name":"Bob"}');
    await store.save('hello-python', 'Ada', '{"name":"Py"}');
    const listed = await store.list('hello-node');
    assert.deepEqual(listed.map((e) => e.name), ['Ada', 'bob']);
    assert.ok(listed.every((e) => e.sizeBytes > 0 && e.modified instanceof Date));
    assert.equal(JSON.parse(await store.read('hello-node', 'bob')).name, 'Bob');
    assert.equal(JSON.parse(await store.read('hello-python', 'Ada')).name, 'Py');
  });

  it('never overwrites without the flag, and replaces with it', async () => {
    await store.save('fn', 'event', '{"v":1}');
    await rejectsWith(store.save('fn', 'event', '{"v":2}'), 'exists', /already saved for fn/);
    assert.equal(JSON.parse(await store.read('fn', 'event')).v, 1, 'the first event is intact');
    await store.save('fn', 'event', '{"v":3}', { overwrite: true });
    assert.equal(JSON.parse(await store.read('fn', 'event')).v, 3);
    assert.deepEqual(fs.readdirSync(store.folderFor('fn')), ['event.json'], 'no partial files left behind');
  });

  it('refuses invalid JSON with its line and column, writing nothing', async () => {
    await rejectsWith(store.save('fn', 'broken', '{\n  "a": 1,\n  oops\n}'), 'invalidJson', /line 3, column 3/);
    assert.equal(fs.existsSync(store.folderFor('fn')), false);
  });

  it('refuses names that are not safe file names', async () => {
    for (const bad of ['', '   ', '../escape', 'a/b', 'a\\b', '.hidden', 'trailing.', 'CON', 'nul.txt', 'x'.repeat(101), 'a:b', 'semi;colon']) {
      assert.ok(validateEventName(bad), `"${bad}" should be refused`);
      await rejectsWith(store.save('fn', bad, '{}'), 'invalidName', /./);
    }
    for (const good of ['Ada', 'order 42', 'v1.2 (large)', 'ünïcode-名前', 'with.json']) assert.equal(validateEventName(good), undefined, good);
    assert.equal(fs.existsSync(path.join(dir, 'escape.json')), false);
  });

  it('refuses a function name that could leave the events folder', async () => {
    await rejectsWith(store.save('../../etc', 'x', '{}'), 'invalidFunction', /not a Lambda function name/);
    assert.equal(store.folderFor('arn:aws:lambda:us-east-1:123456789012:function:orders:live'), path.join(dir, '.lambda-workbench', 'events', 'orders'));
  });

  it('deletes, and says clearly when an event does not exist', async () => {
    await store.save('fn', 'gone', '{}');
    await store.delete('fn', 'gone');
    assert.deepEqual(await store.list('fn'), []);
    await rejectsWith(store.delete('fn', 'gone'), 'notFound', /No saved event "gone" for fn/);
    await rejectsWith(store.read('fn', 'gone'), 'notFound', /No saved event "gone"/);
  });

  it('lists only .json files with valid names', async () => {
    const folder = store.folderFor('fn');
    fs.mkdirSync(path.join(folder, 'sub.json'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(folder, 'ok.json'), '{}');
    assert.deepEqual((await store.list('fn')).map((e) => e.name), ['ok']);
  });

  it('explains JSON errors with a position', () => {
    assert.equal(validateEventJson('{"a": [1, 2]}'), undefined);
    assert.match(validateEventJson('{"a": }') ?? '', /line 1, column 7: Expected a value/);
  });
});

describe('events/recentEvents', () => {
  it('keeps the newest first, per function, bounded', async () => {
    const memento = new MapMemento();
    const recent = new RecentEvents(memento, 3);
    for (let i = 1; i <= 5; i++) await recent.add('local|us-east-1|fn', { label: `e${i}`, payload: `{"i":${i}}`, source: 'custom' });
    await recent.add('local|us-east-1|other', { label: 'o', payload: '{}', source: 'sample' });
    assert.deepEqual(recent.list('local|us-east-1|fn').map((e) => e.label), ['e5', 'e4', 'e3']);
    assert.deepEqual(recent.list('local|us-east-1|other').map((e) => e.label), ['o']);
    // Survives a new instance over the same store (a reload).
    assert.deepEqual(new RecentEvents(memento, 3).list('local|us-east-1|fn').map((e) => e.label), ['e5', 'e4', 'e3']);
  });

  it('moves a payload used again to the top instead of repeating it', async () => {
    const recent = new RecentEvents(new MapMemento());
    await recent.add('k', { label: 'a', payload: '{"a":1}', source: 'saved' });
    await recent.add('k', { label: 'b', payload: '{"b":1}', source: 'custom' });
    await recent.add('k', { label: 'a again', payload: '{"a":1}', source: 'saved' }, new Date('2026-01-01T00:00:00Z'));
    const list = recent.list('k');
    assert.deepEqual(list.map((e) => e.label), ['a again', 'b']);
    assert.equal(list[0].usedAt, '2026-01-01T00:00:00.000Z');
  });

  it('does not remember huge payloads, and tolerates a damaged store', async () => {
    const memento = new MapMemento();
    const recent = new RecentEvents(memento);
    assert.equal(await recent.add('k', { label: 'big', payload: `"${'x'.repeat(300 * 1024)}"`, source: 'custom' }), false);
    assert.deepEqual(recent.list('k'), []);
    await memento.update('lambdaWorkbench.recentEvents', { k: [{ label: 1 }, { label: 'ok', payload: '{}', source: 'custom', usedAt: 'now' }], j: 'junk' });
    assert.deepEqual(recent.list('k').map((e) => e.label), ['ok']);
    assert.deepEqual(recent.list('j'), []);
    await recent.clear('k');
    assert.deepEqual(recent.list('k'), []);
  });
});
