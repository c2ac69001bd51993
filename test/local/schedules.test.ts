import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, rawRequest, startTestLocal, write, type TestLocal } from './helpers';

/** Appends each event it gets to a file, so the test sees what was sent and when. */
const HANDLER = `
const fs = require('fs');
exports.handler = async (event) => { fs.appendFileSync(process.env.EVENTS_FILE, JSON.stringify({ at: Date.now(), event }) + '\\n'); return 'ok'; };
`;

function project(eventsFile: string): string {
  const dir = makeTempDir('local-lambda-schedules-');
  write(path.join(dir, 'template.yaml'), [
    'Resources:',
    '  Job:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      FunctionName: job',
    '      CodeUri: src',
    '      Handler: index.handler',
    '      Runtime: nodejs20.x',
    '      Environment:',
    `        Variables: { EVENTS_FILE: ${JSON.stringify(eventsFile)} }`,
    '      Events:',
    '        Often:',
    '          Type: Schedule',
    '          Properties: { Schedule: rate(1 minute), Input: \'{"job":"often"}\' }',
    '        Nightly:',
    '          Type: ScheduleV2',
    '          Properties: { ScheduleExpression: "cron(0 2 * * ? *)", Description: every night }',
    '        Broken:',
    '          Type: Schedule',
    '          Properties: { Schedule: "cron(0 2 * * * *)" }',
    '',
  ].join('\n'));
  write(path.join(dir, 'src', 'index.js'), HANDLER);
  return dir;
}

async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) assert.fail(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const seen = (file: string): Array<{ at: number; event: Record<string, unknown> }> =>
  (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

describe('Local Lambda schedules', function () {
  this.timeout(60_000);
  const cleanup: string[] = [];
  let t: TestLocal | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  const api = (method: string, p: string, body?: unknown) => rawRequest(t!.local, {
    method, path: p, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' }, sign: { service: 'lambda' },
  });

  it('lists the template\'s schedules, fires none until one is turned on, and fires that one on its rate', async () => {
    const events = path.join(makeTempDir('events-'), 'events.jsonl');
    cleanup.push(path.dirname(events));
    const dir = project(events);
    const dataDir = makeTempDir('local-lambda-data-');
    cleanup.push(dir, dataDir);
    // rate(1 minute) at this scale: every 300 ms.
    t = await startTestLocal({ dir, dataDir, asyncTimeScale: 0.005 });
    const listed = JSON.parse((await api('GET', '/_local/schedules')).body).Schedules;
    assert.deepEqual(listed.map((s: { id: string; firing: boolean; expression: string }) => [s.id, s.firing, s.expression]),
      [['job:Often', false, 'rate(1 minute)'], ['job:Nightly', false, 'cron(0 2 * * ? *)']]);
    const broken = t.local.templates.errors.find((e) => e.message.includes('event Broken'));
    assert.match(broken?.message ?? '', /exactly one of day-of-month and day-of-week must be \?/);

    await new Promise((r) => setTimeout(r, 900));
    assert.equal(seen(events).length, 0, 'nothing fires while the schedules are off');

    const on = JSON.parse((await api('PUT', '/_local/schedules/job%3AOften', { Firing: true })).body);
    assert.equal(on.firing, true);
    assert.ok(on.nextFire);
    await until(() => seen(events).length >= 1, 10_000, 'the first firing');
    const first = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const got = seen(events);
    assert.deepEqual(got[0].event, { job: 'often' }, 'the schedule\'s Input is the event');
    // Every 300 ms: about five more in 1.5 s; a schedule that fired at every tick or only once is wrong.
    const more = got.filter((g) => g.at > first).length;
    assert.ok(more >= 2 && more <= 7, `${more} firings in the 1.5 s after the first`);

    await api('PUT', '/_local/schedules/job%3AOften', { Firing: false });
    const count = seen(events).length;
    await new Promise((r) => setTimeout(r, 900));
    assert.ok(seen(events).length <= count + 1, 'turned off, it stops (one already sent may still land)');

    // On, again, across a restart.
    await api('PUT', '/_local/schedules/job%3AOften', { Firing: true });
    await t.close();
    t = await startTestLocal({ dir, dataDir, asyncTimeScale: 0.005 });
    const after = JSON.parse((await api('GET', '/_local/schedules?function=job')).body).Schedules;
    assert.equal(after.find((s: { id: string }) => s.id === 'job:Often').firing, true, 'firing is remembered');
  });

  it('fires a schedule now on request with the Scheduled Event shape when it has no Input', async () => {
    const events = path.join(makeTempDir('events-'), 'events.jsonl');
    cleanup.push(path.dirname(events));
    const dir = project(events);
    cleanup.push(dir);
    t = await startTestLocal({ dir });
    const fired = JSON.parse((await api('POST', '/_local/schedules/job%3ANightly/fire')).body);
    assert.match(fired.lastFired.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(fired.lastFired.manual, true);
    await until(() => seen(events).length === 1, 10_000, 'the event');
    const { event } = seen(events)[0];
    assert.equal(event['detail-type'], 'Scheduled Event');
    assert.equal(event.source, 'aws.events');
    assert.equal(event.account, t.local.accountId);
    assert.deepEqual(event.resources, ['arn:aws:events:us-east-1:123456789012:rule/job-Nightly']);
    assert.deepEqual(event.detail, {});
    assert.match(String(event.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const missing = await api('POST', '/_local/schedules/job%3ANope/fire');
    assert.equal(missing.status, 404);
    const bad = await api('PUT', '/_local/schedules/job%3AOften', { Firing: 'yes' });
    assert.equal(bad.status, 400);
    const unsigned = await rawRequest(t.local, { method: 'GET', path: '/_local/schedules' });
    assert.equal(unsigned.status, 403, 'schedules answer signed callers only');
  });
});
