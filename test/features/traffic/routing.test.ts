import * as assert from 'node:assert/strict';
import {
  aliasNameProblem,
  describeChange,
  describePlan,
  parsePercent,
  percentToWeight,
  planSteps,
  promote,
  rollBack,
  rollbackDecision,
  routingOf,
  routingProblem,
  routingRequest,
  shiftTraffic,
  thresholdProblem,
  weightToPercent,
  type PlanStep,
} from '../../../src/features/traffic/routing';

function steps(result: ReturnType<typeof planSteps>): PlanStep[] {
  assert.ok('steps' in result, 'error' in result ? result.error : 'no steps');
  return result.steps;
}

describe('model/routing', () => {
  describe('alias names', () => {
    it('accepts what AWS accepts', () => {
      for (const name of ['live', 'prod-2', 'blue_green', 'v1', '1a', 'A'.repeat(128)]) assert.equal(aliasNameProblem(name), undefined, name);
    });

    it('refuses empty, too long, odd characters and all-digit names, saying why', () => {
      assert.match(aliasNameProblem('') ?? '', /needs a name/);
      assert.match(aliasNameProblem('a'.repeat(129)) ?? '', /at most 128 characters \(this one has 129\)/);
      assert.match(aliasNameProblem('my alias') ?? '', /only letters, digits/);
      assert.match(aliasNameProblem('prod.1') ?? '', /only letters, digits/);
      assert.match(aliasNameProblem('$LATEST') ?? '', /only letters, digits/);
      assert.match(aliasNameProblem('123') ?? '', /only digits/);
    });
  });

  describe('weights', () => {
    it('reads percentages a person types, rounding to 0.1 % and saying so', () => {
      assert.deepEqual(parsePercent('10'), { percent: 10, rounded: false });
      assert.deepEqual(parsePercent(' 12.5 % '), { percent: 12.5, rounded: false });
      assert.deepEqual(parsePercent('7,5'), { percent: 7.5, rounded: false });
      assert.deepEqual(parsePercent('33.333'), { percent: 33.3, rounded: true });
      assert.deepEqual(parsePercent('0.04'), { percent: 0, rounded: true });
      assert.deepEqual(parsePercent('99.96'), { percent: 100, rounded: true });
      assert.deepEqual(parsePercent(0), { percent: 0, rounded: false });
      assert.deepEqual(parsePercent(100), { percent: 100, rounded: false });
    });

    it('refuses what is not a percentage', () => {
      for (const bad of ['', 'ten', '10%%', '1e400', '-1', '100.1', '0x10']) assert.ok('error' in parsePercent(bad), bad);
      assert.match((parsePercent('150') as { error: string }).error, /between 0 and 100/);
    });

    it('converts between percent and Lambda weights without float noise', () => {
      assert.equal(percentToWeight(10), 0.1);
      assert.equal(percentToWeight(12.5), 0.125);
      assert.equal(percentToWeight(33.3333), 0.333);
      assert.equal(percentToWeight(0.1), 0.001);
      assert.equal(weightToPercent(0.1), 10);
      assert.equal(weightToPercent(0.07), 7);
      assert.equal(weightToPercent(0.3333333), 33.3);
      for (let tenth = 1; tenth < 1000; tenth++) {
        const percent = tenth / 10;
        assert.equal(weightToPercent(percentToWeight(percent)), percent);
      }
    });
  });

  describe('routing rules', () => {
    it('reads an alias and writes the request fields', () => {
      const routing = routingOf({ FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } });
      assert.deepEqual(routing, { primary: '1', extra: { version: '2', weight: 0.1 } });
      assert.deepEqual(routingRequest(routing), { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } });
      assert.deepEqual(routingRequest({ primary: '3' }), { FunctionVersion: '3', RoutingConfig: { AdditionalVersionWeights: {} } });
      assert.deepEqual(routingOf({ FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } }), { primary: '1' });
    });

    it('checks Lambda\'s alias rules before sending', () => {
      assert.equal(routingProblem({ primary: '1', extra: { version: '2', weight: 0.1 } }), undefined);
      assert.equal(routingProblem({ primary: '$LATEST' }), undefined);
      assert.match(routingProblem({ primary: '$LATEST', extra: { version: '2', weight: 0.1 } }) ?? '', /not \$LATEST/);
      assert.match(routingProblem({ primary: '1', extra: { version: '$LATEST', weight: 0.1 } }) ?? '', /not \$LATEST/);
      assert.match(routingProblem({ primary: '1', extra: { version: '1', weight: 0.1 } }) ?? '', /already the alias's main version/);
      assert.match(routingProblem({ primary: '1', extra: { version: '2', weight: 1 } }) ?? '', /less than 100 %/);
      assert.match(routingProblem({ primary: '1', extra: { version: '2', weight: 0 } }) ?? '', /more than 0 %/);
      assert.match(routingProblem({ primary: '1', extra: { version: '2', weight: 0.12345 } }) ?? '', /more digits than Lambda keeps/);
      assert.match(routingProblem({ primary: 'live' }) ?? '', /not a version/);
    });

    it('shifts, promotes and rolls back', () => {
      const plain = { primary: '1' };
      assert.deepEqual(shiftTraffic(plain, '2', 10), { primary: '1', extra: { version: '2', weight: 0.1 } });
      assert.deepEqual(shiftTraffic(plain, '2', 0), { primary: '1' }, '0 % clears the routing');
      assert.deepEqual(shiftTraffic(plain, '2', 100), { primary: '2' }, '100 % is a promotion, never weight 1.0');
      assert.deepEqual(shiftTraffic(plain, '2', 99.99), { primary: '2' }, 'rounds to 100 %');
      const split = { primary: '1', extra: { version: '2', weight: 0.25 } };
      assert.deepEqual(promote(split), { primary: '2' });
      assert.deepEqual(rollBack(split), { primary: '1' });
      assert.equal(promote(plain), undefined);
      assert.equal(rollBack(plain), undefined);
    });

    it('describes the before and after of a change', () => {
      assert.equal(describeChange('live', { primary: '1' }, { primary: '1', extra: { version: '2', weight: 0.1 } }), 'live: 1 (100%) → 1 (90%) · 2 (10%)');
      assert.equal(describeChange('live', { primary: '1', extra: { version: '2', weight: 0.125 } }, { primary: '2' }), 'live: 1 (87.5%) · 2 (12.5%) → 2 (100%)');
    });
  });

  describe('rollout plans', () => {
    it('builds the preset 10 → 25 → 50 → 100 every N minutes', () => {
      const plan = steps(planSteps({ kind: 'steps', percents: [10, 25, 50, 100], intervalMinutes: 5 }));
      assert.deepEqual(plan.map((s) => s.percent), [10, 25, 50, 100]);
      assert.deepEqual(plan.map((s) => s.waitMs), [300_000, 300_000, 300_000, 0]);
      assert.equal(describePlan(plan), '10% → 25% → 50% → 100%, every 5 min');
    });

    it('ends every plan at 100 %', () => {
      assert.deepEqual(steps(planSteps({ kind: 'steps', percents: [5, 20], intervalMinutes: 1 })).map((s) => s.percent), [5, 20, 100]);
    });

    it('builds linear plans of K equal steps, rounded to 0.1 %', () => {
      assert.deepEqual(steps(planSteps({ kind: 'linear', steps: 4, intervalMinutes: 10 })).map((s) => s.percent), [25, 50, 75, 100]);
      assert.deepEqual(steps(planSteps({ kind: 'linear', steps: 3, intervalMinutes: 10 })).map((s) => s.percent), [33.3, 66.7, 100]);
      assert.deepEqual(steps(planSteps({ kind: 'linear', steps: 1, intervalMinutes: 10 })), [{ percent: 100, waitMs: 0 }]);
      const fine = steps(planSteps({ kind: 'linear', steps: 100, intervalMinutes: 0.5 }));
      assert.equal(fine.length, 100);
      assert.equal(fine[0].percent, 1);
      assert.equal(fine[0].waitMs, 30_000);
    });

    it('refuses plans that do not rise or have bad numbers', () => {
      assert.match((planSteps({ kind: 'steps', percents: [25, 10], intervalMinutes: 5 }) as { error: string }).error, /must rise/);
      assert.match((planSteps({ kind: 'steps', percents: [10, 10.04], intervalMinutes: 5 }) as { error: string }).error, /must rise/);
      assert.ok('error' in planSteps({ kind: 'steps', percents: [], intervalMinutes: 5 }));
      assert.ok('error' in planSteps({ kind: 'steps', percents: [0, 50], intervalMinutes: 5 }));
      assert.ok('error' in planSteps({ kind: 'steps', percents: [10], intervalMinutes: 0 }));
      assert.ok('error' in planSteps({ kind: 'steps', percents: [10], intervalMinutes: Number.NaN }));
      assert.ok('error' in planSteps({ kind: 'linear', steps: 0, intervalMinutes: 5 }));
      assert.ok('error' in planSteps({ kind: 'linear', steps: 2.5, intervalMinutes: 5 }));
      assert.ok('error' in planSteps({ kind: 'linear', steps: 101, intervalMinutes: 5 }));
    });
  });

  describe('rollback decision', () => {
    const threshold = { maxErrorRate: 0.05, minInvocations: 20 };

    it('waits for the minimum sample while errors are few', () => {
      assert.deepEqual(rollbackDecision({ invocations: 0, errors: 0 }, threshold), { action: 'wait', needed: 20 });
      assert.deepEqual(rollbackDecision({ invocations: 15, errors: 1 }, threshold), { action: 'wait', needed: 5 });
    });

    it('proceeds when the rate is at or under the threshold over enough calls', () => {
      assert.deepEqual(rollbackDecision({ invocations: 20, errors: 1 }, threshold), { action: 'proceed' });
      assert.deepEqual(rollbackDecision({ invocations: 200, errors: 10 }, threshold), { action: 'proceed' });
    });

    it('rolls back when the rate exceeds the threshold', () => {
      const d = rollbackDecision({ invocations: 200, errors: 11 }, threshold);
      assert.equal(d.action, 'rollBack');
      assert.match((d as { reason: string }).reason, /11 of 200 invocations .*5\.5%.*5% threshold/);
    });

    it('rolls back before the minimum sample once the errors make it certain', () => {
      // 2 errors: even if the next 15 calls succeed, 2/20 = 10 % > 5 %.
      assert.equal(rollbackDecision({ invocations: 5, errors: 2 }, threshold).action, 'rollBack');
      assert.equal(rollbackDecision({ invocations: 3, errors: 3 }, threshold).action, 'rollBack');
      // 1 error in 5: 1/20 = 5 % is not over the threshold yet.
      assert.equal(rollbackDecision({ invocations: 5, errors: 1 }, threshold).action, 'wait');
    });

    it('with a zero threshold any error rolls back; with no minimum the first calls decide', () => {
      assert.equal(rollbackDecision({ invocations: 1000, errors: 1 }, { maxErrorRate: 0, minInvocations: 10 }).action, 'rollBack');
      assert.deepEqual(rollbackDecision({ invocations: 0, errors: 0 }, { maxErrorRate: 0.1, minInvocations: 0 }), { action: 'proceed' });
      assert.equal(rollbackDecision({ invocations: 1, errors: 1 }, { maxErrorRate: 0.1, minInvocations: 0 }).action, 'rollBack');
    });

    it('validates thresholds', () => {
      assert.equal(thresholdProblem(threshold), undefined);
      assert.ok(thresholdProblem({ maxErrorRate: 1, minInvocations: 1 }));
      assert.ok(thresholdProblem({ maxErrorRate: -0.1, minInvocations: 1 }));
      assert.ok(thresholdProblem({ maxErrorRate: 0.1, minInvocations: 1.5 }));
    });
  });
});
