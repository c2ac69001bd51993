import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { makeTempDir, makeZip } from '../helpers';
import { REPO_ROOT } from '../../support/repo';
import { startLocalLambda } from '../../../src/local/server';
import { LambdaStore, STATE_FILE } from '../../../src/local/lambda/store';
import { DEFAULT_SETTINGS } from '../../../src/local/lambda/requests';
import { LogStore } from '../../../src/local/logs/store';
import { MAX_STATE_FILE_BYTES } from '../../../src/local/persist';
import { ASYNC_QUEUE_FILE } from '../../../src/local/lambda/asyncQueueFile';
import type { FunctionSettings } from '../../../src/local/lambda/model';

/**
 * Corrupt or wrong state files: each one stops the start with a CorruptStateError naming the
 * file, the record and the field, and leaves the file and everything else in the data folder
 * exactly as it was (contents, modes, times).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface StateCase {
  name: string;
  /** Which file the row damages. */
  file: 'state' | 'index' | 'events' | 'queue';
  /** A changed document, or the file's new bytes / a way to replace it. */
  change: (doc: Json, ctx: { dataDir: string; file: string; outside: string }) => Json | string | Buffer | 'done';
  /** What is inside the parentheses of the message. */
  expect: string | ((ctx: { file: string; text: string }) => string);
}

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');
const fnOf = (d: Json) => d.functions.alpha as Json;
const mutate = (f: (d: Json) => void) => (d: Json) => { f(d); return d; };
const parseError = ({ text }: { text: string }) => {
  try {
    JSON.parse(text);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  throw new Error('the row was meant to hold invalid JSON');
};
const A = 'function "alpha", field';

/** A queue file as the Local Lambda writes it: one event of alpha, run once, due again. */
const QUEUE: Json = {
  formatVersion: 1,
  events: [{
    requestId: '0f4c3a52-3c1e-4a53-9f5e-1d2b3c4d5e6f', functionName: 'alpha', configQualifier: '$LATEST', executedVersion: '$LATEST',
    payload: Buffer.from('{"a":1}').toString('base64'), receivedAt: 1_764_000_000_000, dueAt: 1_764_000_060_000, runs: 1, backoffMs: 1000, chain: 0,
    last: { payload: Buffer.from('{"errorMessage":"boom"}').toString('base64'), functionError: 'Unhandled' },
  }],
};
const ev = (f: (e: Json) => void) => mutate((d) => { f(d.events[0]); });
const Q = 'event 1, field';

const CASES: StateCase[] = [
  // ---- the asynchronous queue (async-events.json)
  { name: 'a queue file that is a list', file: 'queue', change: () => '[]', expect: 'not an object with formatVersion and events' },
  { name: 'a queue file of format 2', file: 'queue', change: mutate((d) => { d.formatVersion = 2; }), expect: 'formatVersion 2 is not one this Local Lambda reads (1)' },
  { name: 'queue events that are not a list', file: 'queue', change: mutate((d) => { d.events = {}; }), expect: 'events must be a list' },
  { name: 'a queued event that is a string', file: 'queue', change: mutate((d) => { d.events = ['x']; }), expect: 'event 1: an event must be an object' },
  { name: 'a queued event for a function name that is a path', file: 'queue', change: ev((e) => { e.functionName = '../../etc'; }), expect: `${Q} functionName: not a valid functionName` },
  { name: 'a queued event with a version that is not a number', file: 'queue', change: ev((e) => { e.executedVersion = '1; rm'; }), expect: `${Q} executedVersion: not a valid executedVersion` },
  { name: 'a queued event whose payload is not base64', file: 'queue', change: ev((e) => { e.payload = '<script>'; }), expect: `${Q} payload: not a valid payload` },
  { name: 'a queued event run 9 times', file: 'queue', change: ev((e) => { e.runs = 9; }), expect: `${Q} runs: runs must be a number from 0 to 3` },
  { name: 'a queued event due at infinity', file: 'queue', change: (d) => JSON.stringify(d).replace('"dueAt":1764000060000', '"dueAt":1e400'), expect: `${Q} dueAt: dueAt must be a number from 0 to 8640000000000000` },
  { name: 'a queued event with an unknown function error', file: 'queue', change: ev((e) => { e.last.functionError = 'Fatal'; }), expect: `${Q} last: last.functionError must be Unhandled or Handled` },
  { name: 'a queued event listed twice', file: 'queue', change: mutate((d) => { d.events.push(d.events[0]); }), expect: 'event 2: the request id 0f4c3a52-3c1e-4a53-9f5e-1d2b3c4d5e6f appears twice' },
  // ---- the document as a whole
  { name: 'an empty file', file: 'state', change: () => '', expect: parseError },
  { name: 'truncated JSON', file: 'state', change: (d) => JSON.stringify(d).slice(0, 120), expect: parseError },
  { name: 'null', file: 'state', change: () => 'null', expect: 'expected an object, found null' },
  { name: 'an array', file: 'state', change: () => '[]', expect: 'expected an object, found an array' },
  { name: 'a string', file: 'state', change: () => '"state"', expect: 'expected an object, found the string "state"' },
  { name: 'formatVersion 2', file: 'state', change: mutate((d) => { d.formatVersion = 2; }), expect: 'field formatVersion: expected 1, found the number 2' },
  { name: 'formatVersion missing', file: 'state', change: mutate((d) => { delete d.formatVersion; }), expect: 'field formatVersion: expected 1, found nothing' },
  { name: 'formatVersion as a string', file: 'state', change: mutate((d) => { d.formatVersion = '1'; }), expect: 'field formatVersion: expected 1, found the string "1"' },
  { name: 'functions as an array', file: 'state', change: mutate((d) => { d.functions = []; }), expect: 'field functions: expected an object, found an array' },
  { name: 'functions missing', file: 'state', change: mutate((d) => { delete d.functions; }), expect: 'field functions: expected an object, found nothing' },
  { name: 'functions null', file: 'state', change: mutate((d) => { d.functions = null; }), expect: 'field functions: expected an object, found null' },
  { name: 'a __proto__ key at the top', file: 'state', change: (d) => JSON.stringify(d).replace('{', '{"__proto__":{"polluted":true},'), expect: 'field __proto__: this key is not allowed' },
  // A function may be named __proto__ (Lambda allows it): its record is checked like any other.
  { name: 'a __proto__ function with an empty record', file: 'state', change: (d) => JSON.stringify(d).replace('"functions":{', '"functions":{"__proto__":{},'), expect: 'function "__proto__", field name: expected a string, found nothing' },
  { name: 'a key twice in one object', file: 'state', change: (d) => JSON.stringify(d).replace('"functions":{', `"functions":{"alpha":${JSON.stringify(fnOf(d))},`), expect: 'the key "alpha" appears twice in one object' },
  { name: 'nesting 200 levels deep', file: 'state', change: mutate((d) => { let o: Json = {}; fnOf(d).tags = o; for (let i = 0; i < 200; i++) { o.a = {}; o = o.a as Json; } }), expect: 'nested deeper than 64 levels' },
  { name: 'appliedTemplateResources value not a string', file: 'state', change: mutate((d) => { d.appliedTemplateResources = { 'template.yaml#V': 3 }; }), expect: 'field appliedTemplateResources.template.yaml#V: expected a string, found the number 3' },
  { name: 'appliedTemplateResources an array', file: 'state', change: mutate((d) => { d.appliedTemplateResources = []; }), expect: 'field appliedTemplateResources: expected an object, found an array' },
  // ---- function records
  { name: 'a record that is a string', file: 'state', change: mutate((d) => { d.functions.alpha = 'oops'; }), expect: 'function "alpha": expected an object, found the string "oops"' },
  { name: 'a record that is null', file: 'state', change: mutate((d) => { d.functions.alpha = null; }), expect: 'function "alpha": expected an object, found null' },
  { name: 'a function name that is a path', file: 'state', change: mutate((d) => { d.functions['../../etc'] = { ...fnOf(d), name: '../../etc' }; }), expect: 'function "../../etc": not a valid function name (1–64 letters, digits, "-" and "_")' },
  { name: 'a function name of 65 characters', file: 'state', change: mutate((d) => { d.functions['a'.repeat(65)] = { ...fnOf(d), name: 'a'.repeat(65) }; }), expect: `function "${'a'.repeat(65)}": not a valid function name (1–64 letters, digits, "-" and "_")` },
  { name: 'two records with the same name', file: 'state', change: mutate((d) => { d.functions.beta = fnOf(d); }), expect: 'function "beta", field name: "alpha" differs from the key "beta" it is stored under' },
  { name: 'name not a string', file: 'state', change: mutate((d) => { fnOf(d).name = 7; }), expect: `${A} name: expected a string, found the number 7` },
  { name: 'an unknown source', file: 'state', change: mutate((d) => { fnOf(d).source = 'cloud'; }), expect: `${A} source: expected "upload" or "template", found the string "cloud"` },
  { name: 'latest missing', file: 'state', change: mutate((d) => { delete fnOf(d).latest; }), expect: `${A} latest: missing` },
  { name: 'latest null', file: 'state', change: mutate((d) => { fnOf(d).latest = null; }), expect: `${A} latest: expected an object, found null` },
  { name: 'latest holding a version number', file: 'state', change: mutate((d) => { fnOf(d).latest.version = '1'; }), expect: `${A} latest.version: expected "$LATEST", found "1"` },
  { name: 'latest settings missing', file: 'state', change: mutate((d) => { delete fnOf(d).latest.settings; }), expect: `${A} latest.settings: expected an object, found nothing` },
  { name: 'memory as a string', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.memorySize = '128'; }), expect: `${A} latest.settings.memorySize: expected an integer, found the string "128"` },
  { name: 'memory above Lambda\'s limit', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.memorySize = 99999; }), expect: `${A} latest.settings.memorySize: 99999 is outside 128..10240` },
  { name: 'a timeout of 0', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.timeout = 0; }), expect: `${A} latest.settings.timeout: 0 is outside 1..900` },
  { name: 'ephemeral storage as a fraction', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.ephemeralStorage = 512.5; }), expect: `${A} latest.settings.ephemeralStorage: expected an integer, found the number 512.5` },
  { name: 'environment as an array', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.environment = ['A=1']; }), expect: `${A} latest.settings.environment: expected an object, found an array` },
  { name: 'an environment value that is a number', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.environment.KEY = 1; }), expect: `${A} latest.settings.environment.KEY: expected a string, found the number 1` },
  { name: 'layers as a string', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.layers = 'arn'; }), expect: `${A} latest.settings.layers: expected an array, found the string "arn"` },
  { name: 'a description of 300 characters', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.description = 'd'.repeat(300); }), expect: `${A} latest.settings.description: a string of 300 characters is longer than 256` },
  { name: 'a handler of 100,000 characters', file: 'state', change: mutate((d) => { fnOf(d).latest.settings.handler = 'h'.repeat(100_000); }), expect: `${A} latest.settings.handler: a string of 100000 characters is longer than 256` },
  { name: 'stored code leading outside the data folder', file: 'state', change: mutate((d) => { fnOf(d).latest.code.dir = '../../../etc'; }), expect: `${A} latest.code.dir: "../../../etc" does not lead inside the data folder` },
  { name: 'a stored zip at an absolute path', file: 'state', change: mutate((d) => { fnOf(d).latest.code.zip = '/etc/passwd'; }), expect: `${A} latest.code.zip: "/etc/passwd" does not lead inside the data folder` },
  { name: 'a stored zip missing', file: 'state', change: mutate((d) => { delete fnOf(d).latest.code.zip; }), expect: `${A} latest.code.zip: missing (stored code keeps its zip)` },
  { name: 'live given as a string', file: 'state', change: mutate((d) => { fnOf(d).latest.code.live = 'yes'; }), expect: `${A} latest.code.live: expected true or false, found the string "yes"` },
  { name: 'a live folder given as a relative path', file: 'state', change: mutate((d) => { Object.assign(fnOf(d).latest.code, { live: true, dir: 'src' }); delete fnOf(d).latest.code.zip; }), expect: `${A} latest.code.dir: a live code folder must be an absolute path, not "src"` },
  { name: 'a code size beyond any number', file: 'state', change: (d) => JSON.stringify(d).replace(/"size":\d+/, '"size":1e400'), expect: `${A} versions[0].code.size: expected an integer, found the number Infinity` },
  { name: 'a negative code size', file: 'state', change: mutate((d) => { fnOf(d).latest.code.size = -5; }), expect: `${A} latest.code.size: -5 is outside 0..9007199254740991` },
  { name: 'a revision id that is a number', file: 'state', change: mutate((d) => { fnOf(d).latest.revisionId = 42; }), expect: `${A} latest.revisionId: expected a string, found the number 42` },
  { name: 'nextVersion absurdly large', file: 'state', change: mutate((d) => { fnOf(d).nextVersion = 1e300; }), expect: `${A} nextVersion: 1e+300 is outside 1..1000000001` },
  { name: 'a negative nextVersion', file: 'state', change: mutate((d) => { fnOf(d).nextVersion = -1; }), expect: `${A} nextVersion: -1 is outside 1..1000000001` },
  { name: 'nextVersion missing', file: 'state', change: mutate((d) => { delete fnOf(d).nextVersion; }), expect: `${A} nextVersion: expected an integer, found nothing` },
  { name: 'versions as an object', file: 'state', change: mutate((d) => { fnOf(d).versions = {}; }), expect: `${A} versions: expected an array, found an object` },
  { name: 'a negative version', file: 'state', change: mutate((d) => { fnOf(d).versions[0].version = '-1'; }), expect: `${A} versions[0].version: "-1" is not a version number` },
  { name: 'version 0', file: 'state', change: mutate((d) => { fnOf(d).versions[0].version = '0'; }), expect: `${A} versions[0].version: 0 is outside 1..1000000000` },
  { name: 'a version named $LATEST', file: 'state', change: mutate((d) => { fnOf(d).versions[0].version = '$LATEST'; }), expect: `${A} versions[0].version: "$LATEST" is not a version number` },
  { name: 'versions out of order', file: 'state', change: mutate((d) => { fnOf(d).versions.reverse(); }), expect: `${A} versions[1].version: version 1 does not come after version 2` },
  { name: 'the same version twice', file: 'state', change: mutate((d) => { fnOf(d).versions[1] = fnOf(d).versions[0]; }), expect: `${A} versions[1].version: version 1 does not come after version 1` },
  { name: 'a version not below nextVersion', file: 'state', change: mutate((d) => { fnOf(d).nextVersion = 2; }), expect: `${A} versions[1].version: version 2 is not below nextVersion 2` },
  { name: 'a version without code', file: 'state', change: mutate((d) => { delete fnOf(d).versions[0].code; }), expect: `${A} versions[0].code: expected an object, found nothing` },
  { name: 'aliases as a string', file: 'state', change: mutate((d) => { fnOf(d).aliases = 'live'; }), expect: `${A} aliases: expected an array, found the string "live"` },
  { name: 'an alias to a missing version', file: 'state', change: mutate((d) => { fnOf(d).aliases[0].functionVersion = '7'; }), expect: `${A} aliases[0].functionVersion: version "7" does not exist` },
  { name: 'an alias weighting a missing version', file: 'state', change: mutate((d) => { fnOf(d).aliases[0].weights = { 9: 0.5 }; }), expect: `${A} aliases[0].weights.9: version "9" does not exist` },
  { name: 'an alias weight above 1', file: 'state', change: mutate((d) => { fnOf(d).aliases[0].weights = { 2: 2 }; }), expect: `${A} aliases[0].weights.2: expected a weight from 0 to 1, found the number 2` },
  { name: 'an alias named only with digits', file: 'state', change: mutate((d) => { fnOf(d).aliases[0].name = '123'; }), expect: `${A} aliases[0].name: "123" is not a valid alias name` },
  { name: 'an alias name that is a path', file: 'state', change: mutate((d) => { fnOf(d).aliases[0].name = '../x'; }), expect: `${A} aliases[0].name: "../x" is not a valid alias name` },
  { name: 'the same alias twice', file: 'state', change: mutate((d) => { fnOf(d).aliases.push(fnOf(d).aliases[0]); }), expect: `${A} aliases[1].name: the alias live appears twice` },
  { name: 'tags as an array', file: 'state', change: mutate((d) => { fnOf(d).tags = ['a']; }), expect: `${A} tags: expected an object, found an array` },
  { name: 'reserved concurrency as a string', file: 'state', change: mutate((d) => { fnOf(d).reservedConcurrency = '10'; }), expect: `${A} reservedConcurrency: expected an integer, found the string "10"` },
  { name: 'warnings as a string', file: 'state', change: mutate((d) => { fnOf(d).warnings = 'careful'; }), expect: `${A} warnings: expected an array, found the string "careful"` },
  // ---- the file itself
  { name: 'bytes that are not UTF-8', file: 'state', change: (d) => Buffer.concat([Buffer.from(JSON.stringify(d).slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('}}')]), expect: 'it is not UTF-8 text' },
  {
    name: 'a symbolic link pointing outside', file: 'state',
    change: (d, { file, outside }) => { const target = path.join(outside, 'elsewhere.json'); fs.writeFileSync(target, JSON.stringify(d)); fs.rmSync(file); fs.symlinkSync(target, file); return 'done'; },
    expect: 'it is a symbolic link; a state file must be a regular file in the data folder',
  },
  { name: 'a folder where the file should be', file: 'state', change: (_d, { file }) => { fs.rmSync(file); fs.mkdirSync(file); fs.writeFileSync(path.join(file, 'x'), 'x'); return 'done'; }, expect: 'it is not a regular file' },
  {
    name: 'a file of absurd size', file: 'state',
    change: (_d, { file }) => { fs.truncateSync(file, MAX_STATE_FILE_BYTES + 1); return 'done'; },
    expect: `it holds ${MAX_STATE_FILE_BYTES + 1} bytes, more than the ${MAX_STATE_FILE_BYTES} a state file may hold`,
  },
  // ---- the log store's index and event files
  { name: 'logs: a truncated index', file: 'index', change: (d) => JSON.stringify(d).slice(0, 30), expect: parseError },
  { name: 'logs: an index of version 2', file: 'index', change: mutate((d) => { d.version = 2; }), expect: 'field version: expected 1, found 2' },
  { name: 'logs: groups as an object', file: 'index', change: mutate((d) => { d.groups = {}; }), expect: 'field groups: expected an array, found {}' },
  { name: 'logs: a negative nextFileId', file: 'index', change: mutate((d) => { d.nextFileId = -1; }), expect: 'field nextFileId: expected a positive integer, found -1' },
  { name: 'logs: a group that is a string', file: 'index', change: mutate((d) => { d.groups[0] = 'g'; }), expect: 'groups[0]: expected an object' },
  { name: 'logs: a group name with a space', file: 'index', change: mutate((d) => { d.groups[0].name = 'a b'; }), expect: 'groups[0], field name: expected a log group name (1–512 of a-z A-Z 0-9 _ - / . #)' },
  { name: 'logs: a group file that leads out', file: 'index', change: mutate((d) => { d.groups[0].file = '../lambda-state.json'; }), expect: 'log group "/aws/lambda/alpha", field file: expected a file name like g1.jsonl' },
  { name: 'logs: a group file ".."', file: 'index', change: mutate((d) => { d.groups[0].file = '..'; }), expect: 'log group "/aws/lambda/alpha", field file: expected a file name like g1.jsonl' },
  { name: 'logs: a group file numbered past nextFileId', file: 'index', change: mutate((d) => { d.groups[0].file = 'g99.jsonl'; }), expect: 'log group "/aws/lambda/alpha", field file: the file number is not below nextFileId 2' },
  { name: 'logs: the same group twice', file: 'index', change: mutate((d) => { d.groups.push({ ...d.groups[0], file: 'g1.jsonl' }); }), expect: 'log group "/aws/lambda/alpha", field name: the group appears twice' },
  { name: 'logs: a creation time as a string', file: 'index', change: mutate((d) => { d.groups[0].creationTime = 'today'; }), expect: 'log group "/aws/lambda/alpha", field creationTime: expected a time in milliseconds' },
  { name: 'logs: a stream name with ":"', file: 'index', change: mutate((d) => { d.groups[0].streams[0].name = 'a:b'; }), expect: 'log group "/aws/lambda/alpha", field streams[0].name: expected a log stream name (1–512 characters, no ":" or "*")' },
  { name: 'logs: the same stream twice', file: 'index', change: mutate((d) => { d.groups[0].streams.push(d.groups[0].streams[0]); }), expect: 'log group "/aws/lambda/alpha", field streams[1].name: the stream "s1" appears twice' },
  { name: 'logs: an event line that is not JSON', file: 'events', change: () => '{"s":"s1",\n', expect: 'line 1: not valid JSON' },
  { name: 'logs: an event line that is a number', file: 'events', change: () => '42\n', expect: 'line 1: expected a log event object' },
  { name: 'logs: an event with a string timestamp', file: 'events', change: () => '{"s":"s1","t":"now","i":1,"q":1,"m":"x"}\n', expect: 'line 1, field t: expected a timestamp in milliseconds' },
  { name: 'logs: an event without a message', file: 'events', change: () => '{"s":"s1","t":1,"i":1,"q":1}\n', expect: 'line 1, field m: expected a message string' },
  { name: 'logs: an event with sequence 0', file: 'events', change: () => '{"s":"s1","t":1,"i":1,"q":0,"m":"x"}\n', expect: 'line 1, field q: expected a positive sequence number' },
  { name: 'logs: events that are not UTF-8', file: 'events', change: () => Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]), expect: 'it is not UTF-8 text' },
  {
    name: 'logs: an event file that is a symbolic link outside', file: 'events',
    change: (_d, { file, outside }) => { const target = path.join(outside, 'events.jsonl'); fs.writeFileSync(target, ''); fs.rmSync(file); fs.symlinkSync(target, file); return 'done'; },
    expect: 'it is a symbolic link; a state file must be a regular file in the data folder',
  },
];

interface Entry { type: string; mode: number; mtimeMs: number; size: number; hash?: string; link?: string }

/** Every entry under `dir` (not following links): kind, mode, time, size and content hash. */
function snapshot(dir: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const st = fs.lstatSync(abs);
      const rel = path.relative(dir, abs);
      const entry: Entry = { type: st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file', mode: st.mode, mtimeMs: st.mtimeMs, size: st.size };
      if (st.isSymbolicLink()) entry.link = fs.readlinkSync(abs);
      else if (st.isFile()) entry.hash = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
      out[rel] = entry;
      if (st.isDirectory()) walk(abs);
    }
  };
  walk(dir);
  return out;
}

/** A data folder as a real session leaves it: a function with two versions and an alias, and a log group. */
async function makeBase(dataDir: string): Promise<void> {
  const store = new LambdaStore(dataDir);
  store.load();
  const settings: FunctionSettings = { ...DEFAULT_SETTINGS, runtime: 'nodejs20.x', handler: 'index.handler', environment: { KEY: 'secret' } };
  const fn = store.create('alpha', 'upload', settings, store.storeZip('alpha', makeZip({ 'index.js': 'exports.handler = async () => 1;\n' })));
  store.publish(fn);
  store.updateSettings(fn, { description: 'second' });
  store.publish(fn);
  store.createAlias(fn, 'live', '1', '', { AdditionalVersionWeights: { 2: 0.25 } });
  const logs = new LogStore(dataDir, { flushDelayMs: 0 });
  logs.write('/aws/lambda/alpha', 's1', [{ timestamp: 1000, message: 'hello' }]);
  await logs.close();
}

describe('bad input: state files', function () {
  this.timeout(60_000);
  let base: string;
  let project: string;
  let scratch: string;

  before(async () => {
    base = makeTempDir('state-base-');
    project = makeTempDir('state-project-');
    scratch = makeTempDir('state-rows-');
    await makeBase(base);
  });
  after(() => {
    for (const d of [base, project, scratch]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('starts on the untouched base data folder (the rows below differ from it in one thing each)', async () => {
    const dataDir = path.join(scratch, 'intact');
    fs.cpSync(base, dataDir, { recursive: true });
    const local = await startLocalLambda({ dir: project, dataDir });
    try {
      assert.deepEqual(local.functions(), ['alpha']);
    } finally {
      await local.close();
    }
  });

  CASES.forEach((c, n) => {
    it(`${c.name}: refused with the file, record and field named; nothing in the data folder changes`, async () => {
      const row = path.join(scratch, `row${n}`);
      const dataDir = path.join(row, 'data');
      const outside = path.join(row, 'outside');
      fs.mkdirSync(outside, { recursive: true });
      fs.cpSync(base, dataDir, { recursive: true });
      const file = c.file === 'state' ? path.join(dataDir, STATE_FILE)
        : c.file === 'index' ? path.join(dataDir, 'logs', 'index.json')
          : c.file === 'queue' ? path.join(dataDir, ASYNC_QUEUE_FILE) : path.join(dataDir, 'logs', 'g1.jsonl');
      const doc = c.file === 'events' ? {} : c.file === 'queue' ? structuredClone(QUEUE) : JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
      const changed = c.change(doc, { dataDir, file, outside });
      if (changed !== 'done') fs.writeFileSync(file, typeof changed === 'string' || Buffer.isBuffer(changed) ? changed : JSON.stringify(changed));
      const text = fs.lstatSync(file).isFile() && fs.statSync(file).size < 1e6 ? fs.readFileSync(file, 'utf8') : '';
      const before = snapshot(row);
      const detail = typeof c.expect === 'string' ? c.expect : c.expect({ file, text });

      await assert.rejects(startLocalLambda({ dir: project, dataDir }), (err: Error) => {
        assert.equal(err.name, 'CorruptStateError');
        assert.equal(err.message, `State file ${file} is corrupt (${detail}). Fix or move it away; it was left untouched.`);
        return true;
      });
      assert.deepEqual(snapshot(row), before);
    });
  });

  it('the CLI prints the message and exits with a non-zero code', () => {
    const dataDir = path.join(scratch, 'cli');
    fs.cpSync(base, dataDir, { recursive: true });
    const file = path.join(dataDir, STATE_FILE);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    delete fnOf(doc).latest;
    fs.writeFileSync(file, JSON.stringify(doc));
    const bytes = fs.readFileSync(file);
    const run = spawnSync(process.execPath, [CLI, '--dir', project, '--data-dir', dataDir, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), `local-lambda: State file ${file} is corrupt (${A} latest: missing). Fix or move it away; it was left untouched.`);
    assert.doesNotMatch(run.stdout, /LOCAL_LAMBDA_READY/);
    assert.deepEqual(fs.readFileSync(file), bytes);
  });
});
