import * as assert from 'node:assert/strict';
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
