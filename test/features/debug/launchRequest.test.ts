import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LaunchConfigError, readLaunchConfiguration } from '../../../src/features/debug/launchRequest';

describe('features/debug lambda-workbench launch configurations', () => {
  let folder: string;
  let outside: string;
  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-launch-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-launch-outside-'));
    fs.mkdirSync(path.join(folder, 'events'));
    fs.writeFileSync(path.join(folder, 'events', 'ada.json'), '{"name": "Ada"}');
    fs.writeFileSync(path.join(folder, 'events', 'broken.json'), '{"name": ');
    fs.writeFileSync(path.join(outside, 'secret.json'), '{"secret": true}');
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(folder, 'events', 'link.json'));
  });
  after(() => {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const base = { type: 'lambda-workbench', request: 'launch', name: 'Debug it', function: 'hello-node' };

  it('reads the function, qualifier, an inline event and variables', async () => {
    const request = await readLaunchConfiguration({ ...base, qualifier: 'live', event: { name: 'Ada' }, env: { LOG_LEVEL: 'debug' } }, folder);
    assert.equal(request.functionName, 'hello-node');
    assert.equal(request.qualifier, 'live');
    assert.deepEqual(JSON.parse(request.event!.payload), { name: 'Ada' });
    assert.deepEqual(request.environment, { LOG_LEVEL: 'debug' });
  });

  it('defaults to $LATEST and, without an event, leaves the event to the Invoke tab', async () => {
    const request = await readLaunchConfiguration(base, folder);
    assert.equal(request.qualifier, '$LATEST');
    assert.equal(request.event, undefined);
  });

  it('takes any JSON value as the event, and reads an event file inside the folder', async () => {
    assert.equal((await readLaunchConfiguration({ ...base, event: [1, 2] }, folder)).event?.payload.replace(/\s/g, ''), '[1,2]');
    const fromFile = await readLaunchConfiguration({ ...base, event: 'events/ada.json' }, folder);
    assert.deepEqual(JSON.parse(fromFile.event!.payload), { name: 'Ada' });
    assert.equal(fromFile.event!.label, 'ada.json');
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no function', { ...base, function: undefined }, /"function" must name a Local Lambda function/],
    ['a function name with a slash', { ...base, function: 'a/b' }, /"function" must name/],
    ['a function name of 65 characters', { ...base, function: 'f'.repeat(65) }, /"function" must name/],
    ['a qualifier with spaces', { ...base, qualifier: 'my alias' }, /"qualifier" must be \$LATEST, a version number or an alias name/],
    ['a qualifier that is a number', { ...base, qualifier: 3 }, /"qualifier" must be/],
    ['an event file outside the folder', { ...base, event: '../x.json' }, /must be inside the workspace folder/],
    ['an absolute event path elsewhere', { ...base, event: '/etc/passwd' }, /must be inside the workspace folder/],
    ['an event file linked from outside', { ...base, event: 'events/link.json' }, /links outside the workspace folder/],
    ['a missing event file', { ...base, event: 'events/none.json' }, /could not be read/],
    ['an event file that is a folder', { ...base, event: 'events' }, /is not a file/],
    ['an event file that is not JSON', { ...base, event: 'events/broken.json' }, /is not valid JSON/],
    ['an event over 6 MB', { ...base, event: { blob: 'x'.repeat(6 * 1024 * 1024) } }, /larger than the 6291456 bytes/],
    ['env as an array', { ...base, env: ['A=1'] }, /"env" must be an object/],
    ['env with a bad name', { ...base, env: { '1X': 'a' } }, /"1X" in "env" is not a valid variable name/],
    ['env with a reserved name', { ...base, env: { AWS_REGION: 'x' } }, /AWS_REGION in "env" is reserved by Lambda/],
    ['env with a number value', { ...base, env: { LEVEL: 3 } }, /LEVEL in "env" must be a string/],
    ['env over 4 KB', { ...base, env: { BIG: 'x'.repeat(4100) } }, /"env" takes more than Lambda's 4096 bytes/],
  ];
  for (const [what, config, message] of bad) {
    it(`refuses ${what}, naming the configuration`, async () => {
      await assert.rejects(readLaunchConfiguration(config, folder), (err: Error) => {
        assert.ok(err instanceof LaunchConfigError);
        assert.match(err.message, /^Launch configuration "Debug it": /);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('refuses an event file when no folder is open', async () => {
    await assert.rejects(readLaunchConfiguration({ ...base, event: 'events/ada.json' }, undefined), /no folder is open/);
  });
});
