import * as assert from 'node:assert/strict';
import { levelOf, parseLogMessage } from '../../../src/features/logs/logMessage';

const ID = '3f1c0a52-6c2f-4b61-9d0e-1a2b3c4d5e6f';

describe('model/logMessage', () => {
  it('reads the Node.js runtime text format: time, request id, level, message', () => {
    assert.deepEqual(parseLogMessage(`2026-01-02T03:04:05.678Z\t${ID}\tWARN\tdisk almost full\n`), { text: 'disk almost full', level: 'WARN', requestId: ID });
    const init = parseLogMessage('2026-01-02T03:04:05.678Z\tundefined\tINFO\tloading config');
    assert.deepEqual(init, { text: 'loading config', level: 'INFO' }, 'outside a request there is no request id');
  });

  it('reads Python logging lines', () => {
    assert.deepEqual(parseLogMessage(`[ERROR]\t2026-01-02T03:04:05.678Z\t${ID}\tboom`), { text: 'boom', level: 'ERROR', requestId: ID });
  });

  it('reads Powertools JSON: level and message, the rest as fields, the request id from function_request_id', () => {
    const line = JSON.stringify({ level: 'INFO', location: 'handler:10', message: 'order placed', timestamp: '2026-01-02 03:04:05,678+0000', service: 'orders', function_request_id: ID, order: { id: 7 } });
    const parsed = parseLogMessage(line);
    assert.equal(parsed.level, 'INFO');
    assert.equal(parsed.text, 'order placed');
    assert.equal(parsed.requestId, ID);
    assert.deepEqual(parsed.fields, [['location', 'handler:10'], ['timestamp', '2026-01-02 03:04:05,678+0000'], ['service', 'orders'], ['function_request_id', ID], ['order', '{"id":7}']]);
  });

  it('reads JSON after the Node.js prefix, Lambda\'s JSON log format and pino levels', () => {
    const prefixed = parseLogMessage(`2026-01-02T03:04:05.678Z\t${ID}\tINFO\t{"level":"ERROR","msg":"payment failed","code":402}`);
    assert.deepEqual(prefixed, { text: 'payment failed', level: 'ERROR', requestId: ID, fields: [['code', '402']] });
    const lambdaJson = parseLogMessage(JSON.stringify({ timestamp: '2026-01-02T03:04:05Z', level: 'WARN', requestId: ID, message: 'slow' }));
    assert.equal(lambdaJson.level, 'WARN');
    assert.equal(lambdaJson.requestId, ID);
    assert.equal(levelOf(50), 'ERROR');
    assert.equal(levelOf(30), 'INFO');
    assert.equal(levelOf('warning'), 'WARN');
    assert.equal(levelOf('CRITICAL'), 'FATAL');
  });

  it('recognises START, END and REPORT, and marks a failed REPORT as an error', () => {
    const start = parseLogMessage(`START RequestId: ${ID} Version: 2`);
    assert.equal(start.platform?.kind, 'start');
    assert.equal(start.requestId, ID);
    const report = parseLogMessage(`REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout`);
    assert.equal(report.platform?.kind, 'report');
    assert.equal(report.level, 'ERROR');
    assert.equal(parseLogMessage(`END RequestId: ${ID}`).platform?.kind, 'end');
  });

  it('finds ERROR and WARN in plain lines, and leaves other text alone', () => {
    assert.equal(parseLogMessage('something ERROR happened').level, 'ERROR');
    assert.equal(parseLogMessage('Traceback (most recent call last):').level, 'ERROR');
    assert.equal(parseLogMessage('2026-01-02T03:04:05.678Z abc Task timed out after 3.00 seconds').level, 'ERROR');
    assert.equal(parseLogMessage('WARNING: deprecated').level, 'WARN');
    assert.deepEqual(parseLogMessage('TERRORS and errors in lower case'), { text: 'TERRORS and errors in lower case' });
    assert.deepEqual(parseLogMessage('{"not": "a log record"}'), { text: '{"not": "a log record"}' });
    assert.deepEqual(parseLogMessage('{broken json'), { text: '{broken json' });
  });
});
