import * as assert from 'node:assert/strict';
import {
  billedDuration, endLine, parseEndLine, parsePlatformLine, parseReport, parseReports, parseStartLine, reportLine, startLine,
} from '../../../src/shared/lambda/report';

const COLD = 'REPORT RequestId: 3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.12 ms\t';
const WARM = 'REPORT RequestId: 8d2e4f60-0000-4000-8000-000000000001\tDuration: 2.05 ms\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 81 MB\t';

describe('shared/lambda/report', () => {
  it('reads a cold-start REPORT line (tab separated, as Lambda writes it)', () => {
    assert.deepEqual(parseReport(COLD), {
      requestId: '3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f',
      durationMs: 12.34,
      billedDurationMs: 13,
      memorySizeMb: 128,
      maxMemoryUsedMb: 70,
      initDurationMs: 150.12,
      coldStart: true,
    });
  });

  it('reads a warm REPORT line: no Init Duration means no cold start', () => {
    const report = parseReport(WARM);
    assert.equal(report?.coldStart, false);
    assert.equal(report?.initDurationMs, undefined);
    assert.equal(report?.memorySizeMb, 512);
    assert.equal(report?.billedDurationMs, 3);
  });

  it('reads a space-separated REPORT line (as copied from a console)', () => {
    const report = parseReport('REPORT RequestId: abc Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 70 MB Init Duration: 150.12 ms');
    assert.equal(report?.durationMs, 12.34);
    assert.equal(report?.billedDurationMs, 13);
    assert.equal(report?.maxMemoryUsedMb, 70);
    assert.equal(report?.initDurationMs, 150.12);
  });

  it('keeps the status and error type of a timed-out call', () => {
    const report = parseReport('REPORT RequestId: t1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout');
    assert.equal(report?.status, 'timeout');
    assert.equal(report?.durationMs, 3000);
    const crashed = parseReport('REPORT RequestId: t2 Duration: 5.00 ms Billed Duration: 5 ms Memory Size: 128 MB Max Memory Used: 40 MB Status: error Error Type: Runtime.ExitError');
    assert.equal(crashed?.status, 'error');
    assert.equal(crashed?.errorType, 'Runtime.ExitError');
  });

  it('treats a SnapStart restore as a cold start', () => {
    const report = parseReport('REPORT RequestId: s1\tDuration: 20.00 ms\tBilled Duration: 120 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\tRestore Duration: 250.50 ms\tBilled Restore Duration: 100 ms');
    assert.equal(report?.restoreDurationMs, 250.5);
    assert.equal(report?.billedDurationMs, 120);
    assert.equal(report?.coldStart, true);
  });

  it('finds the REPORT in a whole log tail, and the last one when there are several', () => {
    const tail = [
      'START RequestId: r1 Version: $LATEST',
      '2026-03-10T14:07:21.000Z\tr1\tINFO\tREPORT RequestId: fake written by the function',
      'END RequestId: r1',
      COLD,
      'START RequestId: r2 Version: 2',
      'END RequestId: r2',
      WARM,
      '',
    ].join('\n');
    assert.deepEqual(parseReports(tail).map((r) => r.requestId), ['3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f', '8d2e4f60-0000-4000-8000-000000000001']);
    assert.equal(parseReport(tail)?.requestId, '8d2e4f60-0000-4000-8000-000000000001');
  });

  it('reads the JSON log format (platform.start / platform.report)', () => {
    const start = '{"time":"2026-03-10T14:07:21.000Z","type":"platform.start","record":{"requestId":"j1","version":"3"}}';
    const report = '{"time":"2026-03-10T14:07:21.100Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":4.5,"billedDurationMs":5,"memorySizeMB":256,"maxMemoryUsedMB":77,"initDurationMs":180.2},"status":"success"}}';
    assert.deepEqual(parseStartLine(start), { requestId: 'j1', version: '3' });
    assert.deepEqual(parseReport(`${start}\n${report}`), { requestId: 'j1', durationMs: 4.5, billedDurationMs: 5, memorySizeMb: 256, maxMemoryUsedMb: 77, initDurationMs: 180.2, coldStart: true });
  });

  it('parses START and END lines for grouping by request', () => {
    assert.deepEqual(parseStartLine('START RequestId: 5e7a Version: $LATEST'), { requestId: '5e7a', version: '$LATEST' });
    assert.deepEqual(parseStartLine('START RequestId: 5e7a Version: 12'), { requestId: '5e7a', version: '12' });
    assert.equal(parseEndLine('END RequestId: 5e7a'), '5e7a');
    assert.equal(parseEndLine('START RequestId: 5e7a Version: 1'), undefined);
    assert.deepEqual(parsePlatformLine('END RequestId: 5e7a\t'), { kind: 'end', requestId: '5e7a' });
  });

  it('returns undefined for text without a complete REPORT', () => {
    assert.equal(parseReport(''), undefined);
    assert.equal(parseReport('hello\nworld'), undefined);
    assert.equal(parseReport('REPORT RequestId: x Duration: 1.00 ms'), undefined);
    assert.equal(parsePlatformLine('{"type":"platform.report","record":{"requestId":"x","metrics":{}}}'), undefined);
    assert.equal(parsePlatformLine('{not json "platform.start"'), undefined);
  });

  it('reads the lines the Local Lambda writes', () => {
    const text = [startLine('loc-1', '2'), endLine('loc-1'), reportLine({ requestId: 'loc-1', durationMs: 7.257, billedDurationMs: 8, memorySizeMB: 256, maxMemoryUsedMB: 61, initDurationMs: 95.5 })].join('\n');
    assert.deepEqual(parseStartLine(text.split('\n')[0]), { requestId: 'loc-1', version: '2' });
    assert.deepEqual(parseReport(text), { requestId: 'loc-1', durationMs: 7.26, billedDurationMs: 8, memorySizeMb: 256, maxMemoryUsedMb: 61, initDurationMs: 95.5, coldStart: true });
  });

  it('reads back what the writer writes, figure for figure (cold and warm, any duration)', () => {
    const durations = [0.01, 0.5, 1, 1.005, 2.499, 26.734, 999.999, 3000, 899999.99];
    for (const [i, durationMs] of durations.entries()) {
      const cold = i % 2 === 0;
      const figures = {
        requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        durationMs,
        billedDurationMs: billedDuration(durationMs),
        memorySizeMB: 128 * (i + 1),
        maxMemoryUsedMB: 40 + i,
        ...(cold ? { initDurationMs: 100 + durationMs } : {}),
      };
      const log = [startLine(figures.requestId, '$LATEST'), 'some output', endLine(figures.requestId), reportLine(figures)].join('\n');
      const report = parseReport(log);
      assert.deepEqual(report, {
        requestId: figures.requestId,
        durationMs: Number(durationMs.toFixed(2)),
        billedDurationMs: figures.billedDurationMs,
        memorySizeMb: figures.memorySizeMB,
        maxMemoryUsedMb: figures.maxMemoryUsedMB,
        ...(cold ? { initDurationMs: Number((100 + durationMs).toFixed(2)) } : {}),
        coldStart: cold,
      }, log);
      assert.ok(report!.billedDurationMs >= report!.durationMs, 'billing rounds up');
    }
  });
});
