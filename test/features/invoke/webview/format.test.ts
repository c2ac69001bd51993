import * as assert from 'node:assert/strict';
import { formatMs } from '../../../../src/features/invoke/webview/format';

describe('invoke webview formatting', () => {
  it('formats durations for badges', () => {
    assert.equal(formatMs(0.84), '0.84 ms');
    assert.equal(formatMs(27), '27 ms');
    assert.equal(formatMs(26.734), '26.73 ms');
    assert.equal(formatMs(1250), '1.25 s');
    assert.equal(formatMs(2000), '2 s');
  });
});
