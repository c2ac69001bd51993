import * as assert from 'node:assert/strict';
import { WorkbenchError } from '../../../src/aws/errors';
import { AliasConflictError } from '../../../src/aws/lambda';
import { describeRouting, planSteps, sameRouting, type PlanStep, type Routing } from '../../../src/features/traffic/routing';
import type { HealthLogEvent } from '../../../src/features/traffic/versionHealth';
import type { RolloutConfig, RolloutRecord } from '../../../src/features/traffic/rollout';
import { RolloutRunner, type AliasState, type RolloutClock, type RolloutDeps } from '../../../src/features/traffic/rolloutRunner';

/** Virtual time: sleeping advances the clock at once, so minutes of plan run in milliseconds. */
class FakeClock implements RolloutClock {
  time = 1_000_000;
  now = () => this.time;
  async sleep(ms: number, wake: AbortSignal): Promise<void> {
    if (wake.aborted) return;
    await new Promise((r) => setImmediate(r));
    if (!wake.aborted) this.time += ms;
  }
}

/** An alias with Lambda's RevisionId rule, and the traffic it routes: `callsPerRead` calls land before every log read. */
class FakeLambda {
  routing: Routing;
  revision = 1;
  writes: Routing[] = [];
  events: HealthLogEvent[] = [];
  faulty = new Set<string>();
  callsPerRead = 40;
  private seq = 0;

  constructor(
    primary: string,
    private readonly clock: FakeClock,
  ) {
    this.routing = { primary };
  }

  /** Someone else changes the alias. */
  externalWrite(routing: Routing): void {
    this.routing = routing;
    this.revision++;
  }

  /** Sends `count` calls through the alias: the first weight × count go to the extra version. */
  traffic(count: number): void {
    const extraCalls = Math.round((this.routing.extra?.weight ?? 0) * count);
    for (let i = 0; i < count; i++) this.call(i < extraCalls ? this.routing.extra!.version : this.routing.primary);
  }

  call(version: string): string {
    const id = `req-${++this.seq}`;
    const stream = `2026/01/01/[${version}]env${this.seq % 3}`;
    const t = this.clock.now();
    const lines = [`START RequestId: ${id} Version: ${version}`];
    if (this.faulty.has(version)) lines.push(`2026-01-01T00:00:00.000Z\t${id}\tERROR\tInvoke Error \t{"errorType":"Error"}`);
    lines.push(`END RequestId: ${id}`, `REPORT RequestId: ${id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t`);
    lines.forEach((message, i) => this.events.push({ logStreamName: stream, timestamp: t, message, eventId: `${id}-${i}` }));
    return id;
  }

  deps(clock: FakeClock, saved: RolloutRecord[], withInvoker = false): RolloutDeps {
    const state = (): AliasState => ({ routing: structuredClone(this.routing), revisionId: String(this.revision) });
    return {
      clock,
      save: (r) => void saved.push(r),
      alias: {
        read: async () => state(),
        write: async (routing, revisionId) => {
          if (revisionId !== String(this.revision)) throw new AliasConflictError('fn', 'live');
          this.routing = structuredClone(routing);
          this.revision++;
          this.writes.push(structuredClone(routing));
          return state();
        },
      },
      logs: {
        read: async (startTime) => {
          this.traffic(this.callsPerRead);
          return this.events.filter((e) => e.timestamp >= startTime);
        },
      },
      invoker: withInvoker
        ? {
            invoke: async (version) => {
              const requestId = this.call(version);
              return { requestId, failed: this.faulty.has(version) };
            },
          }
        : undefined,
    };
  }
}

function plan(percents: number[], minutes = 5): PlanStep[] {
  const result = planSteps({ kind: 'steps', percents, intervalMinutes: minutes });
  assert.ok('steps' in result);
  return result.steps;
}

function record(clock: FakeClock, overrides: Partial<RolloutConfig> = {}): RolloutRecord {
  const config: RolloutConfig = {
    target: { connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1', functionName: 'fn', aliasName: 'live' },
    fromVersion: '1',
    toVersion: '2',
    steps: plan([10, 25, 50, 100]),
    threshold: { maxErrorRate: 0.05, minInvocations: 10 },
    checkEveryMs: 15_000,
    testInvocations: 0,
    testPayload: '{}',
    ...overrides,
  };
  return { id: 'r1', config, status: 'running', appliedStep: -1, startedAt: clock.now(), heartbeatAt: clock.now(), health: { invocations: 0, errors: 0 }, message: '' };
}

const percents = (writes: Routing[]) => writes.map(describeRouting);

describe('rollout/runner', () => {
  it('walks a healthy version through every step to 100 %, waiting each interval', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const saved: RolloutRecord[] = [];
    const start = clock.now();
    const final = await new RolloutRunner(record(clock), lambda.deps(clock, saved)).run();
    assert.equal(final.status, 'succeeded', final.message);
    assert.deepEqual(percents(lambda.writes), ['1 (90%) · 2 (10%)', '1 (75%) · 2 (25%)', '1 (50%) · 2 (50%)', '2 (100%)']);
    assert.deepEqual(lambda.routing, { primary: '2' });
    assert.ok(clock.now() - start >= 3 * 5 * 60_000, 'each of the three watched steps lasted its interval');
    assert.ok(final.health.invocations > 0 && final.health.errors === 0);
    assert.equal(saved.at(-1)?.status, 'succeeded', 'the final state is persisted');
  });

  it('rolls back by itself when the new version fails, leaving all traffic on the old one', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    lambda.faulty.add('2');
    const final = await new RolloutRunner(record(clock), lambda.deps(clock, [])).run();
    assert.equal(final.status, 'rolledBack');
    assert.match(final.message, /Rolled back automatically: \d+ of \d+ invocations of the new version failed/);
    assert.deepEqual(percents(lambda.writes), ['1 (90%) · 2 (10%)', '1 (100%)']);
    assert.deepEqual(lambda.routing, { primary: '1' });
  });

  it('errors of the old version do not count against the new one', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    lambda.faulty.add('1');
    const final = await new RolloutRunner(record(clock, { steps: plan([50, 100]) }), lambda.deps(clock, [])).run();
    assert.equal(final.status, 'succeeded', final.message);
  });

  it('holds a step without enough calls, and its own test invocations supply them', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    lambda.callsPerRead = 0;
    const runner = new RolloutRunner(record(clock, { steps: plan([10, 100]) }), lambda.deps(clock, []));
    const done = runner.run();
    while (clock.now() < 1_000_000 + 30 * 60_000) await new Promise((r) => setImmediate(r));
    assert.equal(runner.snapshot.status, 'running');
    assert.match(runner.snapshot.message, /waiting for 10 more calls of version 2/);
    assert.deepEqual(percents(lambda.writes), ['1 (90%) · 2 (10%)'], 'did not advance without data');
    await runner.cancel('keep');
    await done;

    const clock2 = new FakeClock();
    const lambda2 = new FakeLambda('1', clock2);
    lambda2.callsPerRead = 0;
    const final = await new RolloutRunner(record(clock2, { steps: plan([10, 100]), testInvocations: 5 }), lambda2.deps(clock2, [], true)).run();
    assert.equal(final.status, 'succeeded', final.message);
    assert.equal(final.health.invocations >= 10, true);
  });

  it('test invocations that fail roll back even without other traffic', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    lambda.callsPerRead = 0;
    lambda.faulty.add('2');
    const final = await new RolloutRunner(record(clock, { testInvocations: 3 }), lambda.deps(clock, [], true)).run();
    assert.equal(final.status, 'rolledBack');
    assert.deepEqual(lambda.routing, { primary: '1' });
  });

  it('pause holds the step past its interval; resume goes on', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const runner = new RolloutRunner(record(clock, { steps: plan([10, 100]) }), lambda.deps(clock, []));
    const done = runner.run();
    while (lambda.writes.length === 0) await new Promise((r) => setImmediate(r));
    runner.pause();
    const pausedAt = clock.now();
    while (clock.now() < pausedAt + 60 * 60_000) await new Promise((r) => setImmediate(r));
    assert.equal(runner.snapshot.status, 'paused');
    assert.equal(lambda.writes.length, 1, 'no step while paused');
    runner.resume();
    const final = await done;
    assert.equal(final.status, 'succeeded');
  });

  it('pause keeps the automatic rollback armed', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const runner = new RolloutRunner(record(clock), lambda.deps(clock, []));
    const done = runner.run();
    while (lambda.writes.length === 0) await new Promise((r) => setImmediate(r));
    runner.pause();
    lambda.faulty.add('2');
    const final = await done;
    assert.equal(final.status, 'rolledBack');
    assert.deepEqual(lambda.routing, { primary: '1' });
  });

  for (const mode of ['keep', 'rollBack'] as const) {
    it(`cancel (${mode}) ends between alias writes with the alias whole`, async () => {
      const clock = new FakeClock();
      const lambda = new FakeLambda('1', clock);
      const runner = new RolloutRunner(record(clock), lambda.deps(clock, []));
      void runner.run();
      while (lambda.writes.length < 2) await new Promise((r) => setImmediate(r));
      const final = await runner.cancel(mode);
      assert.equal(final.status, 'cancelled');
      if (mode === 'keep') {
        assert.deepEqual(lambda.routing, { primary: '1', extra: { version: '2', weight: 0.25 } });
        assert.match(final.message, /stays at 1 \(75%\) · 2 \(25%\)/);
      } else {
        assert.deepEqual(lambda.routing, { primary: '1' });
        assert.match(final.message, /rolled back/);
      }
      assert.equal(lambda.writes.length, mode === 'keep' ? 2 : 3);
    });
  }

  it('stops without writing when someone else changed the alias', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const runner = new RolloutRunner(record(clock), lambda.deps(clock, []));
    const done = runner.run();
    while (lambda.writes.length === 0) await new Promise((r) => setImmediate(r));
    lambda.externalWrite({ primary: '1', extra: { version: '2', weight: 0.5 } });
    const final = await done;
    assert.equal(final.status, 'failed');
    assert.match(final.message, /changed by someone else/);
    assert.ok(sameRouting(lambda.routing, { primary: '1', extra: { version: '2', weight: 0.5 } }), 'the other change stands');
  });

  it('an automatic rollback retries with the fresh RevisionId after a weight change by someone else', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const deps = lambda.deps(clock, []);
    const read = deps.logs.read;
    let changed = false;
    deps.logs.read = async (start) => {
      if (lambda.writes.length === 1 && !changed) {
        changed = true;
        lambda.externalWrite({ primary: '1', extra: { version: '2', weight: 0.3 } });
        lambda.faulty.add('2');
      }
      return read(start);
    };
    const final = await new RolloutRunner(record(clock), deps).run();
    assert.equal(final.status, 'rolledBack', final.message);
    assert.deepEqual(lambda.routing, { primary: '1' });
  });

  it('resumes a saved rollout where it stopped, adopting a step written but not recorded', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    const saved = { ...record(clock), appliedStep: 0, appliedAt: clock.now() };
    lambda.externalWrite({ primary: '1', extra: { version: '2', weight: 0.25 } }); // step 2 written, then the window closed
    const final = await new RolloutRunner(saved, lambda.deps(clock, [])).run();
    assert.equal(final.status, 'succeeded', final.message);
    assert.deepEqual(percents(lambda.writes), ['1 (50%) · 2 (50%)', '2 (100%)']);
  });

  it('a saved rollout rolled back on request returns traffic to the old version', async () => {
    const clock = new FakeClock();
    const lambda = new FakeLambda('1', clock);
    lambda.externalWrite({ primary: '1', extra: { version: '2', weight: 0.1 } });
    const runner = new RolloutRunner({ ...record(clock), appliedStep: 0, appliedAt: clock.now() }, lambda.deps(clock, []));
    const final = await runner.cancel('rollBack');
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(lambda.routing, { primary: '1' });
  });
});

/** The same alias, also keeping CloudWatch's view: per minute, calls made through the alias by version (test invocations call the version itself). */
class MeteredLambda extends FakeLambda {
  aliasCalls: Array<{ at: number; version: string; failed: boolean }> = [];
  reads: Array<{ versions: readonly string[]; start: number; end: number }> = [];
  private throughAlias = false;

  constructor(primary: string, private readonly meterClock: FakeClock) {
    super(primary, meterClock);
  }

  override traffic(count: number): void {
    this.throughAlias = true;
    try {
      super.traffic(count);
    } finally {
      this.throughAlias = false;
    }
  }

  override call(version: string): string {
    if (this.throughAlias) this.aliasCalls.push({ at: this.meterClock.now(), version, failed: this.faulty.has(version) });
    return super.call(version);
  }

  /** Sums per version and minute, as GetMetricData with period 60 answers them: a minute without calls has no point. */
  metricsPort(delayMs: number, fail?: () => unknown): NonNullable<RolloutDeps['metrics']> {
    return {
      delayMs,
      read: async (versions, start, end) => {
        this.reads.push({ versions, start, end });
        const error = fail?.();
        if (error) throw error;
        return versions.map((version) => {
          const calls = this.aliasCalls.filter((c) => c.version === version && c.at >= start && c.at < end);
          const minutes = new Set(calls.map((c) => Math.floor(c.at / 60_000))).size;
          return { invocations: calls.length, errors: calls.filter((c) => c.failed).length, minutes };
        });
      },
    };
  }
}

describe('rollout/runner judged by CloudWatch metrics', () => {
  it('metrics judge a faulty version even when the log lines show nothing, and the step says so', async () => {
    const clock = new FakeClock();
    const lambda = new MeteredLambda('1', clock);
    lambda.faulty.add('2');
    const deps = lambda.deps(clock, []);
    const read = deps.logs.read;
    deps.logs.read = async (start) => {
      await read(start); // the traffic still flows
      return [];
    };
    deps.metrics = lambda.metricsPort(0);
    const final = await new RolloutRunner(record(clock), deps).run();
    assert.equal(final.status, 'rolledBack', final.message);
    assert.equal(final.healthSource, 'metrics');
    assert.deepEqual(final.stepSources, { '0': 'metrics' });
    assert.ok(final.health.errors > 0);
    assert.deepEqual(lambda.reads.map((r) => r.versions), lambda.reads.map(() => ['1', '2']), 'the old and the new version are read');
    // The chart: the old version without errors, the new one failing, from the same source.
    const chart = final.chart!;
    assert.equal(chart.at.length, chart.from.length);
    assert.equal(chart.to.at(-1), 100);
    assert.equal(chart.from.at(-1), 0);
  });

  it('counts only whole minutes older than the delay, and goes on only once the step\'s minutes are published', async () => {
    const clock = new FakeClock();
    clock.time = Date.UTC(2026, 0, 1, 10, 0, 30);
    const lambda = new MeteredLambda('1', clock);
    const deps = lambda.deps(clock, []);
    const delay = 3 * 60_000;
    deps.metrics = lambda.metricsPort(delay);
    const writes: number[] = [];
    const write = deps.alias.write;
    deps.alias.write = async (routing, revisionId) => {
      writes.push(clock.now());
      return write(routing, revisionId);
    };
    const steps = plan([10, 50, 100], 2);
    const messages: string[] = [];
    const runner = new RolloutRunner(record(clock, { steps, threshold: { maxErrorRate: 0.05, minInvocations: 10 } }), deps);
    runner.onDidChange((r) => messages.push(r.message));
    const final = await runner.run();
    assert.equal(final.status, 'succeeded', final.message);
    for (const r of lambda.reads) {
      assert.equal(r.start % 60_000, 0);
      assert.equal(r.end % 60_000, 0, 'whole minutes only');
    }
    // Step 1 (10:00:30–10:02:30) ends before any minute is 3 minutes old: the log lines judge it and it goes on in time.
    assert.equal(writes[1] - writes[0], 2 * 60_000);
    // Step 2 is judged by the metrics: it goes on only once the minutes up to its end are published, the delay later.
    assert.ok(writes[2] - writes[1] >= 2 * 60_000 + delay, `step 3 waited for the metrics of step 2 (${writes[2] - writes[1]} ms)`);
    assert.ok(writes[2] >= Date.UTC(2026, 0, 1, 10, 8), new Date(writes[2]).toISOString());
    assert.ok(messages.some((m) => /waiting for CloudWatch to publish the minutes up to 10:05 UTC/.test(m)), messages.join('\n'));
    assert.deepEqual(final.stepSources, { '0': 'logs', '1': 'metrics' });
  });

  it('falls back to the log lines while no minute is old enough, then the metrics take over', async () => {
    const clock = new FakeClock();
    clock.time = Date.UTC(2026, 0, 1, 10, 0, 30);
    const lambda = new MeteredLambda('1', clock);
    const deps = lambda.deps(clock, []);
    deps.metrics = lambda.metricsPort(3 * 60_000);
    const sources: string[] = [];
    const runner = new RolloutRunner(record(clock, { steps: plan([10, 100], 5), checkEveryMs: 30_000 }), deps);
    runner.onDidChange((r) => {
      if (r.healthSource && sources.at(-1) !== r.healthSource) sources.push(r.healthSource);
    });
    const final = await runner.run();
    assert.equal(final.status, 'succeeded', final.message);
    assert.deepEqual(sources, ['logs', 'metrics']);
  });

  it('no permission: the log lines judge the rest of the rollout, metrics are not asked again, and the view says why', async () => {
    const clock = new FakeClock();
    const lambda = new MeteredLambda('1', clock);
    lambda.faulty.add('2');
    const deps = lambda.deps(clock, []);
    deps.metrics = lambda.metricsPort(0, () => new WorkbenchError('accessDenied', 'Profile p may not read CloudWatch metrics: cloudwatch:GetMetricData is not allowed.'));
    const final = await new RolloutRunner(record(clock), deps).run();
    assert.equal(final.status, 'rolledBack');
    assert.equal(final.healthSource, 'logs');
    assert.match(final.metricsNote ?? '', /cloudwatch:GetMetricData/);
    assert.equal(lambda.reads.length, 1);
  });

  it('a passing error (network) falls back for that check only', async () => {
    const clock = new FakeClock();
    const lambda = new MeteredLambda('1', clock);
    let failures = 1;
    const deps = lambda.deps(clock, []);
    deps.metrics = lambda.metricsPort(0, () => (failures-- > 0 ? new WorkbenchError('network', 'socket hang up') : undefined));
    const final = await new RolloutRunner(record(clock, { steps: plan([10, 100], 5) }), deps).run();
    assert.equal(final.status, 'succeeded', final.message);
    assert.equal(final.healthSource, 'metrics');
    assert.equal(final.metricsNote, undefined);
    assert.ok(lambda.reads.length > 1);
  });

  it('own test invocations call the version itself: they add to the metrics\' count once', async () => {
    const clock = new FakeClock();
    const lambda = new MeteredLambda('1', clock);
    lambda.callsPerRead = 0;
    const deps = lambda.deps(clock, [], true);
    deps.metrics = lambda.metricsPort(0);
    const final = await new RolloutRunner(record(clock, { steps: plan([10, 100], 1), testInvocations: 3, checkEveryMs: 15_000 }), deps).run();
    assert.equal(final.status, 'succeeded', final.message);
    // No traffic through the alias: no metric data, so the log lines (which hold the test calls) judged.
    assert.equal(final.healthSource, 'logs');
    assert.equal(final.health.invocations % 3, 0);
  });
});
