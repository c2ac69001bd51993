import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/repo';
import { concurrencySettings, type ConcurrencyFlags } from '../../../src/local/options';

/**
 * Bad values for the concurrency flags: each is refused with a message naming the flag, the
 * range it takes and what was given, before anything starts.
 */

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');

interface FlagCase {
  name: string;
  flags: ConcurrencyFlags;
  message: string;
}

const whole = (flag: string, min: number, max: number, got: string) => `${flag} must be a whole number from ${min} to ${max} (got "${got}").`;
const seconds = (flag: string, min: number, max: number, got: string) =>
  `${flag} must be a number of seconds from ${min} to ${max}, with at most three decimals (got "${got}").`;

const cases: FlagCase[] = [
  { name: '--max-concurrency 0', flags: { 'max-concurrency': '0' }, message: whole('--max-concurrency', 1, 1000, '0') },
  { name: '--max-concurrency 1001', flags: { 'max-concurrency': '1001' }, message: whole('--max-concurrency', 1, 1000, '1001') },
  { name: '--max-concurrency 2.5', flags: { 'max-concurrency': '2.5' }, message: whole('--max-concurrency', 1, 1000, '2.5') },
  { name: '--max-concurrency 1e3', flags: { 'max-concurrency': '1e3' }, message: whole('--max-concurrency', 1, 1000, '1e3') },
  { name: '--max-concurrency empty', flags: { 'max-concurrency': '' }, message: whole('--max-concurrency', 1, 1000, '') },
  { name: '--max-environments 0', flags: { 'max-environments': '0' }, message: whole('--max-environments', 1, 256, '0') },
  { name: '--max-environments 257', flags: { 'max-environments': '257' }, message: whole('--max-environments', 1, 256, '257') },
  { name: '--max-environments -1', flags: { 'max-environments': '-1' }, message: whole('--max-environments', 1, 256, '-1') },
  { name: '--max-environments " 4"', flags: { 'max-environments': ' 4' }, message: whole('--max-environments', 1, 256, ' 4') },
  { name: '--queue-length 10001', flags: { 'queue-length': '10001' }, message: whole('--queue-length', 0, 10000, '10001') },
  { name: '--queue-length many', flags: { 'queue-length': 'many' }, message: whole('--queue-length', 0, 10000, 'many') },
  { name: '--queue-length of 400 digits', flags: { 'queue-length': '9'.repeat(400) }, message: whole('--queue-length', 0, 10000, '9'.repeat(400)) },
  { name: '--queue-wait -1', flags: { 'queue-wait': '-1' }, message: seconds('--queue-wait', 0, 900, '-1') },
  { name: '--queue-wait 901', flags: { 'queue-wait': '901' }, message: seconds('--queue-wait', 0, 900, '901') },
  { name: '--queue-wait 0.0001', flags: { 'queue-wait': '0.0001' }, message: seconds('--queue-wait', 0, 900, '0.0001') },
  { name: '--queue-wait 10s', flags: { 'queue-wait': '10s' }, message: seconds('--queue-wait', 0, 900, '10s') },
  { name: '--queue-wait Infinity', flags: { 'queue-wait': 'Infinity' }, message: seconds('--queue-wait', 0, 900, 'Infinity') },
  { name: '--idle-timeout 0', flags: { 'idle-timeout': '0' }, message: seconds('--idle-timeout', 0.05, 86400, '0') },
  { name: '--idle-timeout 86401', flags: { 'idle-timeout': '86401' }, message: seconds('--idle-timeout', 0.05, 86400, '86401') },
  { name: '--idle-timeout 5m', flags: { 'idle-timeout': '5m' }, message: seconds('--idle-timeout', 0.05, 86400, '5m') },
  { name: '--idle-timeout NaN', flags: { 'idle-timeout': 'NaN' }, message: seconds('--idle-timeout', 0.05, 86400, 'NaN') },
];

describe('bad input: concurrency flags', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(() => concurrencySettings(c.flags), (err: Error) => {
        assert.equal(err.message, c.message);
        return true;
      });
    });
  }

  it('good values pass, as milliseconds for the times', () => {
    assert.deepEqual(concurrencySettings({ 'max-concurrency': '64', 'max-environments': '4', 'queue-length': '0', 'queue-wait': '2.5', 'idle-timeout': '300' }),
      { maxConcurrency: 64, maxEnvironments: 4, queueLength: 0, queueWaitMs: 2500, idleTimeoutMs: 300_000 });
    assert.deepEqual(concurrencySettings({}), {});
  });

  it('the CLI prints the message and exits with a non-zero code, starting nothing', () => {
    const run = spawnSync(process.execPath, [CLI, '--dir', REPO_ROOT, '--port', '0', '--max-environments', '0'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), `local-lambda: ${whole('--max-environments', 1, 256, '0')}`);
    assert.doesNotMatch(run.stdout, /LOCAL_LAMBDA_READY/);
  });
});
