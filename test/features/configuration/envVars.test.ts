import * as assert from 'node:assert/strict';
import {
  diffEnv,
  envBudget,
  envEntryProblems,
  envKeyProblem,
  mergeEnv,
  redactEnvValues,
  type EnvMap,
} from '../../../src/features/configuration/envVars';
import { ENV_LIMIT_BYTES, measureEnvironment, RESERVED_ENV_KEYS } from '../../../src/shared/lambda/environment';
import { validateEnvironment } from '../../../src/local/lambda/validation';

/** The Local Lambda's answer to a Variables map: undefined when it accepts it, else its error message. */
function localRefusal(vars: EnvMap): string | undefined {
  try {
    validateEnvironment(vars);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A one-variable map whose compact JSON `{"AB":"<value>"}` is exactly `bytes` long (ASCII). */
function mapOfSize(bytes: number, key = 'AB'): EnvMap {
  const overhead = JSON.stringify({ [key]: '' }).length;
  return { [key]: 'x'.repeat(bytes - overhead) };
}

describe('model/envVars', () => {
  describe('4 KB budget', () => {
    it('measures the Variables map as compact JSON', () => {
      assert.equal(measureEnvironment({}), 2);
      assert.equal(measureEnvironment({ A1: 'b' }), '{"A1":"b"}'.length);
      assert.equal(measureEnvironment({ AB: 'x', CD: 'yz' }), '{"AB":"x","CD":"yz"}'.length);
      // JSON escapes count as written: a quote is \" (2 bytes), a newline \n (2 bytes).
      assert.equal(measureEnvironment({ AB: '"\n' }), '{"AB":"\\"\\n"}'.length);
    });

    it('accepts exactly 4096 bytes and refuses 4097', () => {
      const atLimit = mapOfSize(ENV_LIMIT_BYTES);
      assert.equal(JSON.stringify(atLimit).length, 4096);
      const at = envBudget(atLimit);
      assert.equal(at.used, 4096);
      assert.equal(at.left, 0);
      assert.notEqual(at.level, 'error');
      const over = envBudget(mapOfSize(ENV_LIMIT_BYTES + 1));
      assert.equal(over.used, 4097);
      assert.equal(over.left, -1);
      assert.equal(over.level, 'error');
    });

    it('warns from 90 % of the limit, before Lambda would refuse', () => {
      assert.equal(envBudget(mapOfSize(3686)).level, 'ok');
      assert.equal(envBudget(mapOfSize(3687)).level, 'warning');
      assert.equal(envBudget(mapOfSize(4096)).level, 'warning');
    });

    it('counts non-ASCII characters strictly, as 6-byte \\uXXXX escapes', () => {
      // "é" is 2 bytes in UTF-8, 6 as an escape; "€" 3 and 6; "😀" 4 in UTF-8 and two escapes (12).
      assert.equal(measureEnvironment({ AB: 'é' }), '{"AB":""}'.length + 6);
      assert.equal(measureEnvironment({ AB: '€' }), '{"AB":""}'.length + 6);
      assert.equal(measureEnvironment({ AB: '😀' }), '{"AB":""}'.length + 12);
      const budget = envBudget({ AB: 'é€😀' });
      assert.equal(budget.utf8Bytes, '{"AB":""}'.length + 2 + 3 + 4);
      assert.equal(budget.used, '{"AB":""}'.length + 6 + 6 + 12);
      assert.equal(budget.countedStrictly, true);
      assert.equal(envBudget({ AB: 'plain' }).countedStrictly, false);
    });

    it('puts a multi-byte value exactly at the limit and one character over', () => {
      // {"K":"<n × é>"} → 8 + 6n bytes strictly; 8 + 6·681 = 4094, plus two ASCII bytes = 4096.
      const at = { K: 'é'.repeat(681) + 'ab' };
      assert.equal(envBudget(at).used, 4096);
      assert.notEqual(envBudget(at).level, 'error');
      assert.equal(envBudget({ K: 'é'.repeat(681) + 'abc' }).level, 'error');
      // In plain UTF-8 this map is far below the limit; the strict count is what the meter shows.
      assert.ok(envBudget(at).utf8Bytes < 4096);
      assert.equal(envBudget({ K: 'é'.repeat(682) }).level, 'error');
    });

    it('agrees with the Local Lambda, which enforces the same rule', () => {
      const samples: EnvMap[] = [
        {}, { AB: 'x' }, { K1: 'é€😀', K2: '"\\\n\t', K3: '\u2028\u0001' }, mapOfSize(4096), mapOfSize(4097),
        { Z9: 'é'.repeat(681) + 'ab' }, { Z9: 'é'.repeat(681) + 'abc' },
      ];
      for (const vars of samples) {
        const refusal = localRefusal(vars);
        assert.equal(envBudget(vars).level === 'error', refusal !== undefined, JSON.stringify(Object.keys(vars)));
        // The Local Lambda states the size it measured: the meter's figure.
        if (refusal) assert.match(refusal, new RegExp(`\\(${envBudget(vars).used} bytes, limit 4096 bytes\\)$`));
      }
    });
  });

  describe('keys', () => {
    it('accepts a letter followed by at least one letter, digit or underscore', () => {
      for (const key of ['AB', 'a1', 'DB_HOST', 'x_', 'GREETING', 'Z9_z']) assert.equal(envKeyProblem(key), undefined, key);
    });

    it('explains what is wrong with a key', () => {
      assert.match(envKeyProblem('') ?? '', /Enter a name/);
      assert.match(envKeyProblem('A') ?? '', /at least 2 characters/);
      assert.match(envKeyProblem('1AB') ?? '', /start with a letter/);
      assert.match(envKeyProblem('_AB') ?? '', /start with a letter/);
      assert.match(envKeyProblem('MY-KEY') ?? '', /not "-"/);
      assert.match(envKeyProblem('MY KEY') ?? '', /not space/);
      assert.match(envKeyProblem('KÉY') ?? '', /not "É"/);
    });

    it('refuses the reserved keys and only those', () => {
      assert.equal(RESERVED_ENV_KEYS.size, 18);
      for (const key of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_LAMBDA_FUNCTION_NAME', 'LAMBDA_TASK_ROOT', 'AWS_SESSION_TOKEN']) {
        assert.match(envKeyProblem(key) ?? '', /reserved/, key);
      }
      // _HANDLER also fails the pattern, but the reason shown is that it is reserved.
      assert.match(envKeyProblem('_HANDLER') ?? '', /reserved/);
      for (const key of ['LANG', 'PATH', 'LD_LIBRARY_PATH', 'NODE_PATH', 'PYTHONPATH', 'TZ', 'AWS_XRAY_CONTEXT_MISSING', 'NODE_OPTIONS']) {
        assert.equal(envKeyProblem(key), undefined, key);
      }
    });

    it('accepts and refuses the same keys as the Local Lambda', () => {
      const keys = ['AB', 'a1', 'DB_HOST', 'x_', 'A', '1AB', '_AB', 'MY-KEY', 'MY KEY', 'KÉY', 'AWS_REGION', 'LAMBDA_TASK_ROOT', 'PATH', 'AWS_XRAY_CONTEXT_MISSING'];
      for (const key of keys) {
        assert.equal(envKeyProblem(key) === undefined, localRefusal({ [key]: 'v' }) === undefined, key);
      }
    });

    it('flags duplicates on the later row', () => {
      const problems = envEntryProblems([
        { key: 'AB', value: '1' },
        { key: 'CD', value: '2' },
        { key: 'AB', value: '3' },
        { key: 'x', value: '4' },
      ]);
      assert.deepEqual([...problems.keys()], [2, 3]);
      assert.match(problems.get(2) ?? '', /already used in row 1/);
    });
  });

  describe('diff and merge', () => {
    it('lists added, removed and changed keys', () => {
      assert.deepEqual(diffEnv({ A1: 'x', B1: 'y', C1: 'z' }, { A1: 'x', B1: 'Y', D1: 'w' }), [
        { key: 'B1', kind: 'changed' },
        { key: 'C1', kind: 'removed' },
        { key: 'D1', kind: 'added' },
      ]);
      assert.deepEqual(diffEnv({ A1: '' }, { A1: '' }), []);
      assert.deepEqual(diffEnv({ A1: '' }, {}), [{ key: 'A1', kind: 'removed' }]);
    });

    it('merges changes to different keys without conflict, keeping my order', () => {
      const base = { A1: '1', B1: '2', C1: '3' };
      const mine = { C1: '3', A1: 'mine', N1: 'new' };
      const theirs = { A1: '1', B1: 'theirs', C1: '3', T1: 'added' };
      // I removed B1 and they changed it: conflict. A1 only I changed; T1 only they added.
      const result = mergeEnv(base, mine, theirs);
      assert.deepEqual(result.conflicts, [{ key: 'B1', mine: 'removed', theirs: 'changed' }]);
      assert.deepEqual(result.merged, { C1: '3', A1: 'mine', N1: 'new', T1: 'added' });
      assert.deepEqual(Object.keys(result.merged), ['C1', 'A1', 'N1', 'T1']);
      assert.deepEqual(result.takenFromTheirs, ['T1']);
    });

    it('takes their removals and changes to keys I left alone', () => {
      const result = mergeEnv({ A1: '1', B1: '2' }, { A1: '1', B1: '2', M1: 'm' }, { B1: 'two' });
      assert.deepEqual(result.merged, { B1: 'two', M1: 'm' });
      assert.deepEqual(result.conflicts, []);
      assert.deepEqual(result.takenFromTheirs.sort(), ['A1', 'B1']);
    });

    it('reports a conflict when both sides set one key differently, and none when they agree', () => {
      const conflict = mergeEnv({ A1: '1' }, { A1: 'mine' }, { A1: 'theirs' });
      assert.deepEqual(conflict.conflicts, [{ key: 'A1', mine: 'changed', theirs: 'changed' }]);
      assert.equal(conflict.merged.A1, 'mine');
      const added = mergeEnv({}, { N1: 'a' }, { N1: 'b' });
      assert.deepEqual(added.conflicts, [{ key: 'N1', mine: 'added', theirs: 'added' }]);
      const same = mergeEnv({ A1: '1' }, { A1: '2' }, { A1: '2' });
      assert.deepEqual(same.conflicts, []);
      assert.deepEqual(same.merged, { A1: '2' });
      const bothRemoved = mergeEnv({ A1: '1' }, {}, {});
      assert.deepEqual(bothRemoved, { merged: {}, conflicts: [], takenFromTheirs: [] });
    });
  });

  it('keeps values out of the Local Lambda\'s over-the-limit message', () => {
    const vars = { DB_PASSWORD: 'hunter2-secret', PAD: 'x'.repeat(4096) };
    const refusal = localRefusal(vars) ?? '';
    assert.match(refusal, /hunter2/, 'the service message carries the measured string');
    const redacted = redactEnvValues(refusal, vars);
    assert.doesNotMatch(redacted, /hunter2/);
    assert.match(redacted, /exceeded the 4KB limit\.$/);
  });

  it('keeps values out of service messages', () => {
    const vars = { DB_PASSWORD: 'hunter2-secret', AB: 'x' };
    const overLimit = 'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"DB_PASSWORD":"hunter2-secret"}';
    const redacted = redactEnvValues(overLimit, vars);
    assert.doesNotMatch(redacted, /hunter2/);
    assert.match(redacted, /exceeded the 4KB limit\.$/);
    assert.equal(redactEnvValues('value hunter2-secret is bad', vars), 'value *** is bad');
  });
});
