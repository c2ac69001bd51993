import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { MetricsApi, type MetricQuery, type MetricSeries } from '../../../src/aws/cloudwatch';
import { WorkbenchError } from '../../../src/aws/errors';
import {
  formatDurationMs, formatErrorRate, formatHealth, HealthLines, lastHour, type HealthMetricsSource, type HealthSubject,
} from '../../../src/features/explorer/health';
import { ExplorerModel, type HealthLineSettings } from '../../../src/features/explorer/model';
import type { ExplorerNode } from '../../../src/features/explorer/nodes';
import { startLocalLambda, type LocalLambda } from '../../../src/local/server';
import type { Logger } from '../../../src/shared/logger';
import { silentLogger } from '../../../src/shared/logger';
import { Connections } from '../../../src/workbench/connections';
import { InProcessLocalLambda } from '../../support/localLambda';
import { REPO_ROOT } from '../../support/repo';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function subject(i: number, alias?: string): HealthSubject {
  return { id: `conn/profile:p/us-east-1/fn/f${i}${alias ? `/aliases/${alias}` : ''}`, connectionId: 'profile:p', region: 'us-east-1', functionName: `f${i}`, alias };
}

/** A metrics source that answers function fN's Invocations with 100 + N, Errors with N, p99 with 10 × N. */
class FakeMetrics implements HealthMetricsSource {
  calls: Array<{ queries: readonly MetricQuery[]; start: number; end: number }> = [];
  fail?: unknown;
  async getMetricData(queries: readonly MetricQuery[], start: number, end: number): Promise<MetricSeries[]> {
    this.calls.push({ queries, start, end });
    if (this.fail) throw this.fail;
    return queries.map((q) => {
      const index = Number(/^f(\d+)$/.exec(q.dimensions?.FunctionName ?? '')?.[1]);
      const value = q.metricName === 'Invocations' ? 100 + index : q.metricName === 'Errors' ? index : 10 * index;
      return { id: q.id, label: q.metricName, timestamps: [start], values: [value], status: 'Complete', messages: [] };
    });
  }
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m: string) => warnings.push(m), warnings };
}

describe('explorer/health: formatting', () => {
  it('error rate: one decimal below 10 %, none above, "<0.1%" for a few in many', () => {
    assert.equal(formatErrorRate(0, 0), '0%');
    assert.equal(formatErrorRate(0, 250), '0%');
    assert.equal(formatErrorRate(1, 250), '0.4%');
    assert.equal(formatErrorRate(1, 2000), '<0.1%');
    assert.equal(formatErrorRate(3, 100), '3%');
    assert.equal(formatErrorRate(1, 8), '13%');
    assert.equal(formatErrorRate(5, 5), '100%');
  });

  it('durations: ms below a second, seconds above', () => {
    assert.equal(formatDurationMs(0.4), '<1 ms');
    assert.equal(formatDurationMs(212.4), '212 ms');
    assert.equal(formatDurationMs(1234), '1.2 s');
    assert.equal(formatDurationMs(180_000), '180 s');
  });

  it('the line: "0.4% err · p99 212 ms", or "idle" without invocations', () => {
    assert.equal(formatHealth({ invocations: 250, errors: 1, p99Ms: 212 }), '0.4% err · p99 212 ms');
    assert.equal(formatHealth({ invocations: 0, errors: 0 }), 'idle');
    assert.equal(formatHealth({ invocations: 3, errors: 0 }), '0% err');
  });

  it('the last hour is one period ending at the next whole minute', () => {
    const now = Date.UTC(2026, 0, 1, 10, 30, 20);
    assert.deepEqual(lastHour(now), { start: Date.UTC(2026, 0, 1, 9, 31), end: Date.UTC(2026, 0, 1, 10, 31), period: 3600 });
  });
});

describe('explorer/health: HealthLines', () => {
  let now = Date.UTC(2026, 0, 1, 10, 0, 0);
  let fake: FakeMetrics;
  let updated: string[];
  let log: ReturnType<typeof recordingLog>;
  let lines: HealthLines;

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1, 10, 0, 0);
    fake = new FakeMetrics();
    updated = [];
    log = recordingLog();
    lines = new HealthLines({ metrics: () => Promise.resolve(fake), onDidUpdate: (ids) => updated.push(...ids), log, now: () => now, batchDelayMs: 5 });
  });
  afterEach(() => lines.dispose());

  it('shows nothing at first, then reads every row asked for in one call and announces them', async () => {
    const subjects = Array.from({ length: 40 }, (_, i) => subject(i));
    for (const s of subjects) assert.equal(lines.lineFor(s), undefined, 'the first paint does not wait');
    await tick(30);
    assert.equal(fake.calls.length, 1);
    assert.equal(fake.calls[0].queries.length, 120, 'three queries per row');
    assert.deepEqual(new Set(updated), new Set(subjects.map((s) => s.id)));
    assert.equal(lines.lineFor(subjects[2]), '2% err · p99 20 ms');
    assert.equal(lines.lineFor(subjects[0]), '0% err · p99 <1 ms');
  });

  it('an alias is read by FunctionName and Resource "fn:alias"', async () => {
    lines.lineFor(subject(1, 'live'));
    await tick(30);
    assert.deepEqual(fake.calls[0].queries[0].dimensions, { FunctionName: 'f1', Resource: 'f1:live' });
    assert.deepEqual(fake.calls[0].queries.map((q) => `${q.metricName}/${q.stat}/${q.period}`), ['Invocations/Sum/3600', 'Errors/Sum/3600', 'Duration/p99/3600']);
  });

  it('caches for the TTL: asking again reads nothing; after it, the old line shows while a new one is read', async () => {
    const s = subject(3);
    lines.lineFor(s);
    await tick(30);
    lines.lineFor(s);
    now += 4 * 60_000;
    assert.equal(lines.lineFor(s), '2.9% err · p99 30 ms');
    await tick(30);
    assert.equal(fake.calls.length, 1, 'within 5 minutes nothing is read again');
    now += 61_000;
    assert.equal(lines.lineFor(s), '2.9% err · p99 30 ms', 'the cached line shows while the new read runs');
    await tick(30);
    assert.equal(fake.calls.length, 2);
  });

  it('a row asked for while its read runs is not read twice; rows asked meanwhile go in the next batch', async () => {
    lines.lineFor(subject(1));
    await tick(10);
    lines.lineFor(subject(1));
    lines.lineFor(subject(2));
    await tick(40);
    assert.deepEqual(fake.calls.map((c) => c.queries.length), [3, 3]);
    assert.equal(fake.calls[1].queries[0].dimensions?.FunctionName, 'f2');
  });

  it('clear (Refresh) forgets the lines: the next ask reads again', async () => {
    lines.lineFor(subject(1));
    await tick(30);
    lines.clear('profile:p');
    assert.equal(lines.lineFor(subject(1)), undefined);
    await tick(30);
    assert.equal(fake.calls.length, 2);
  });

  it('no permission turns the line off for the connection and region, says the IAM action once, and reads nothing more', async () => {
    fake.fail = new WorkbenchError('accessDenied', 'Profile p may not read CloudWatch metrics: cloudwatch:GetMetricData is not allowed (User is not authorized).');
    for (let i = 0; i < 10; i++) lines.lineFor(subject(i));
    await tick(30);
    assert.equal(lines.offIn('profile:p', 'us-east-1')?.reason.includes('cloudwatch:GetMetricData'), true);
    assert.equal(log.warnings.length, 1);
    assert.match(log.warnings[0], /cloudwatch:GetMetricData/);
    for (let i = 0; i < 10; i++) assert.equal(lines.lineFor(subject(i)), undefined);
    await tick(30);
    assert.equal(fake.calls.length, 1, 'an off connection is not asked again');
    fake.fail = undefined;
    lines.clear();
    lines.lineFor(subject(1));
    await tick(30);
    assert.equal(lines.lineFor(subject(1)), '1% err · p99 10 ms', 'after a refresh it is tried again');
  });

  it('an endpoint without CloudWatch turns it off too; a network error only logs and keeps what was shown', async () => {
    lines.lineFor(subject(5));
    await tick(30);
    now += 6 * 60_000;
    fake.fail = new WorkbenchError('network', 'connect ECONNREFUSED');
    lines.lineFor(subject(5));
    await tick(30);
    assert.equal(lines.offIn('profile:p', 'us-east-1'), undefined);
    assert.equal(lines.lineFor(subject(5)), '4.8% err · p99 50 ms');
    fake.fail = new WorkbenchError('service', 'http://localhost:4566 does not offer the CloudWatch metrics API (GetMetricData)');
    now += 6 * 60_000;
    lines.lineFor(subject(5));
    await tick(30);
    assert.match(lines.offIn('profile:p', 'us-east-1')?.reason ?? '', /does not offer the CloudWatch metrics API/);
  });

  it('with the real facade, 200 rows are one batch that the facade sends as two GetMetricData calls (500 queries each at most)', async () => {
    const sent: number[] = [];
    const api = new MetricsApi({ id: 'profile:p', kind: 'profile', label: 'p' }, 'us-east-1', async () => ({
      send: async (command: unknown) => {
        const input = (command as { input: { MetricDataQueries: unknown[] } }).input;
        sent.push(input.MetricDataQueries.length);
        return { MetricDataResults: [] };
      },
    }));
    const real = new HealthLines({ metrics: () => Promise.resolve(api), onDidUpdate: () => undefined, log, batchDelayMs: 5 });
    for (let i = 0; i < 200; i++) real.lineFor(subject(i));
    await tick(200);
    real.dispose();
    assert.deepEqual(sent, [500, 100]);
    assert.equal(real.calls, 1);
  });
});

describe('explorer/health: the tree over a real Local Lambda', function () {
  this.timeout(60_000);
  let server: LocalLambda;
  let dataDir: string;
  let client: LambdaClient;
  let model: ExplorerModel;
  let connections: Connections;
  const settings: HealthLineSettings & { on: boolean; large: string[]; threshold: number } = {
    on: true, large: [], threshold: 500,
    enabled: () => settings.on, largeConnections: () => settings.large, largeThreshold: () => settings.threshold,
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-health-'));
    server = await startLocalLambda({ dir: path.join(REPO_ROOT, 'examples'), dataDir, port: 0 });
    client = new LambdaClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
    const local = new InProcessLocalLambda(server);
    connections = new Connections({ settings: () => ({ regions: ['us-east-1'], customEndpoints: [], localEnabled: true }), listProfiles: async () => [], local });
    model = new ExplorerModel({ connections, pageSize: () => 50, log: silentLogger, health: settings });
  });

  after(async () => {
    model?.dispose();
    connections?.dispose();
    client?.destroy();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function functions(): Promise<ExplorerNode[]> {
    const [conn] = await model.getChildren();
    await model.getChildren(conn);
    await tick(10);
    const [region] = await model.getChildren((await model.getChildren())[0]);
    return model.getChildren(region);
  }

  /** Renders a node as the provider does and waits until its line arrives. */
  async function lineOf(node: ExplorerNode): Promise<string | undefined> {
    const changed = new Promise<void>((resolve) => {
      const sub = model.onDidChange((n) => {
        if (n?.id === node.id) {
          sub.dispose();
          resolve();
        }
      });
    });
    const first = model.healthOf(node);
    if (first?.line) return first.line;
    await Promise.race([changed, tick(5000)]);
    return model.healthOf(node)?.line;
  }

  it('after 4 invocations of hello-node (1 failing), its row reads "25% err · p99 … ms"; hello-python reads "idle"', async () => {
    for (const payload of ['{}', '{}', '{}', '{"fail":true}']) {
      await client.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: new TextEncoder().encode(payload) }));
    }
    const fns = await functions();
    const node = fns.find((n) => n.label === 'hello-node')!;
    assert.match(await lineOf(node) ?? '', /^25% err · p99 (<1|\d+(\.\d)?) (ms|s)$/);
    assert.match(model.healthOf(node)?.note ?? '', /Last hour: 4 invocations, 1 error \(25%\)/);
    assert.equal(await lineOf(fns.find((n) => n.label === 'hello-python')!), 'idle');
  });

  it('a connection marked large, or over the function-count threshold, shows no line but says why in the tooltip', async () => {
    const node = (await functions()).find((n) => n.label === 'hello-node')!;
    settings.large = ['local'];
    assert.equal(model.healthOf(node)?.line, undefined);
    assert.match(model.healthOf(node)?.note ?? '', /marked large/);
    settings.large = [];
    settings.threshold = 2;
    assert.equal(model.healthOf(node)?.line, undefined);
    settings.threshold = 500;
    settings.on = false;
    assert.equal(model.healthOf(node), undefined, 'the setting turns it off');
    settings.on = true;
  });
});
