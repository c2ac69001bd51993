import * as assert from 'node:assert/strict';
import { isValidClientContext, parseClientContext } from '../../../src/shared/lambda/clientContext';

describe('client context', () => {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('gives JSON that travels in a header: non-ASCII text as \\u escapes, the same value', () => {
    const value = { custom: { city: '東京', smile: '🙂', café: 'crème' }, env: { n: 1 } };
    const out = parseClientContext(b64(JSON.stringify(value)));
    assert.ok(out !== undefined);
    assert.match(out, /^[\x20-\x7e]*$/);
    assert.deepEqual(JSON.parse(out), value);
  });

  it('accepts base64 with or without its padding', () => {
    for (const text of ['{}', '{"a":1}', '{"ab":1}']) {
      const padded = b64(text);
      assert.equal(parseClientContext(padded), text);
      assert.equal(parseClientContext(padded.replace(/=+$/, '')), text);
    }
  });

  it('refuses what is not base64 of a JSON object', () => {
    const bad = ['not base64!', 'e30===', 'e3 0=', b64('[1]'), b64('"text"'), b64('null'), b64('42'), b64('{'), b64('{"a":1'),
      Buffer.from([0x7b, 0xc3, 0x7d]).toString('base64'), Buffer.from('{"a":"??>"}').toString('base64url'), 'A'];
    for (const value of bad) assert.equal(isValidClientContext(value), false, value);
  });
});
