import * as assert from 'node:assert/strict';
import {
  AWS_MIN_UNRESERVED_CONCURRENCY,
  diffSettings,
  isReadOnlyQualifier,
  maxReservedConcurrency,
  mergeSettings,
  toDraft,
  validateSettings,
  type FunctionSettingsValues,
  type SettingsDraft,
} from '../../../src/features/configuration/settings';

const base: FunctionSettingsValues = { memorySize: 128, timeout: 3, ephemeralStorage: 512, description: 'hi', reservedConcurrency: undefined };
const noAccount = { minUnreserved: AWS_MIN_UNRESERVED_CONCURRENCY };
const draft = (patch: Partial<SettingsDraft>): SettingsDraft => ({ ...toDraft(base), ...patch });

describe('model/functionSettings', () => {
  it('accepts the documented limits at both ends', () => {
    for (const [field, ok] of [
      ['memorySize', ['128', '10240', ' 1769 ']],
      ['timeout', ['1', '900']],
      ['ephemeralStorage', ['512', '10240']],
    ] as const) {
      for (const value of ok) assert.deepEqual(validateSettings(draft({ [field]: value }), noAccount).problems, {}, `${field}=${value}`);
    }
    const { values } = validateSettings(draft({ memorySize: '10240', timeout: '900', ephemeralStorage: '10240' }), noAccount);
    assert.deepEqual(values, { memorySize: 10240, timeout: 900, ephemeralStorage: 10240, description: 'hi', reservedConcurrency: undefined });
  });

  it('refuses values one past each limit, fractions and text, naming the range', () => {
    const cases: Array<[keyof SettingsDraft, string, RegExp]> = [
      ['memorySize', '127', /between 128 and 10240 MB/],
      ['memorySize', '10241', /between 128 and 10240 MB/],
      ['memorySize', '256.5', /whole number of megabytes/],
      ['memorySize', '', /required/],
      ['timeout', '0', /between 1 and 900 s/],
      ['timeout', '901', /between 1 and 900 s/],
      ['timeout', '1e2', /whole number of seconds/],
      ['ephemeralStorage', '511', /between 512 and 10240 MB/],
      ['ephemeralStorage', '10241', /between 512 and 10240 MB/],
      ['reservedConcurrency', '-1', /whole number/],
      ['reservedConcurrency', 'lots', /whole number/],
    ];
    for (const [field, value, message] of cases) {
      const result = validateSettings(draft({ [field]: value }), noAccount);
      assert.equal(result.values, undefined, `${field}=${value}`);
      assert.match(result.problems[field] ?? '', message, `${field}=${value}`);
    }
  });

  it('limits the description to 256 characters', () => {
    assert.deepEqual(validateSettings(draft({ description: 'd'.repeat(256) }), noAccount).problems, {});
    assert.match(validateSettings(draft({ description: 'd'.repeat(257) }), noAccount).problems.description ?? '', /at most 256 characters \(now 257\)/);
  });

  it('bounds reserved concurrency by what the account leaves unreserved', () => {
    const aws = { unreserved: 900, currentReserved: 50, minUnreserved: AWS_MIN_UNRESERVED_CONCURRENCY };
    assert.equal(maxReservedConcurrency(aws), 850);
    assert.equal(validateSettings(draft({ reservedConcurrency: '850' }), aws).values?.reservedConcurrency, 850);
    assert.match(validateSettings(draft({ reservedConcurrency: '851' }), aws).problems.reservedConcurrency ?? '', /at most 850/);
    assert.equal(validateSettings(draft({ reservedConcurrency: '0' }), aws).values?.reservedConcurrency, 0);
    assert.equal(validateSettings(draft({ reservedConcurrency: '' }), aws).values?.reservedConcurrency, undefined);
    assert.equal(maxReservedConcurrency({ unreserved: 10, minUnreserved: 0 }), 10);
    assert.equal(maxReservedConcurrency({ unreserved: 50, minUnreserved: 100 }), 0);
    assert.equal(maxReservedConcurrency(noAccount), undefined);
  });

  it('lists changed settings in words', () => {
    const after = { ...base, memorySize: 256, reservedConcurrency: 5, description: '' };
    assert.deepEqual(diffSettings(base, after), [
      { field: 'memorySize', label: 'Memory', from: '128 MB', to: '256 MB' },
      { field: 'description', label: 'Description', from: '"hi"', to: '(empty)' },
      { field: 'reservedConcurrency', label: 'Reserved concurrency', from: 'none', to: '5' },
    ]);
  });

  it('merges settings per field', () => {
    const mine = { ...base, memorySize: 256, timeout: 10 };
    const theirs = { ...base, timeout: 20, description: 'theirs' };
    const result = mergeSettings(base, mine, theirs);
    assert.deepEqual(result.merged, { ...base, memorySize: 256, timeout: 10, description: 'theirs' });
    assert.deepEqual(result.conflicts, ['timeout']);
  });

  it('treats published versions and aliases as read-only', () => {
    assert.equal(isReadOnlyQualifier(undefined), false);
    assert.equal(isReadOnlyQualifier('$LATEST'), false);
    assert.equal(isReadOnlyQualifier('1'), true);
    assert.equal(isReadOnlyQualifier('live'), true);
  });
});
