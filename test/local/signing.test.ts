import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { ApiError } from '../../src/local/http';
import { cachedSigningKeys, checkAuthorization, signingKey, verifySignature, type Credentials } from '../../src/local/auth';

const CREDS: Credentials = { accessKeyId: 'LKIATESTTESTTESTTEST', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' };
const HOST = '127.0.0.1:4567';

interface Sent { method: string; url: string; headers: Record<string, string>; body: Buffer }

/** Signs a request the way the AWS SDK does (its own SigV4 signer), as the server would receive it. */
async function sdkSigned(opts: {
  method?: string; path: string; query?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string;
  date: Date; secret?: string; region?: string; service?: string; checksum?: boolean;
}): Promise<Sent> {
  const body = Buffer.from(opts.body ?? '');
  const signer = new SignatureV4({
    credentials: { accessKeyId: CREDS.accessKeyId, secretAccessKey: opts.secret ?? CREDS.secretAccessKey },
    region: opts.region ?? 'us-east-1', service: opts.service ?? 'lambda', sha256: Sha256, applyChecksum: opts.checksum ?? false,
  });
  const signed = await signer.sign({
    method: opts.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4567, path: opts.path, query: opts.query ?? {},
    headers: { host: HOST, 'content-type': 'application/json', 'content-length': String(body.length), ...opts.headers }, body,
  }, { signingDate: opts.date });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
  const qs = search.toString();
  // What node:http hands the server: lower-case header names, the path as sent.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return { method: opts.method ?? 'POST', url: `${opts.path}${qs ? `?${qs}` : ''}`, headers, body };
}

function verify(sent: Sent, now: Date, creds = CREDS, region = 'us-east-1', service = 'lambda'): void {
  const req = { method: sent.method, url: sent.url, headers: sent.headers } as unknown as IncomingMessage;
  const auth = checkAuthorization(req, creds, { region, service }, now);
  verifySignature(req, sent.body, creds, auth);
}

const refused = (fn: () => void, type: string) => assert.throws(fn, (err: unknown) => err instanceof ApiError && err.type === type);

/** The four HMAC steps of SigV4, spelled out, to compare the cached key with. */
function derived(secret: string, day: string, region: string, service: string): Buffer {
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return key;
}

describe('SigV4 verification with node:crypto', () => {
  const now = new Date('2026-03-04T05:06:07Z');

  const shapes: Array<{ name: string; opts: Omit<Parameters<typeof sdkSigned>[0], 'date'> }> = [
    { name: 'an Invoke', opts: { path: '/2015-03-31/functions/hello/invocations', body: '{"name":"x"}' } },
    { name: 'an ARN with colons in the path', opts: { path: `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:123456789012:function:hello:live')}/invocations`, body: '{}' } },
    { name: 'a path with characters encoded twice', opts: { method: 'GET', path: "/2015-03-31/functions/a%20b!'()*%C3%BC" } },
    { name: 'a trailing slash and empty segments', opts: { method: 'GET', path: '/2015-03-31//functions/' } },
    { name: 'a query with repeated and unsorted names', opts: { method: 'GET', path: '/2015-03-31/functions', query: { Marker: 'b+c/=', MaxItems: '5', a: ['z', 'y', ''], 'sp ace': "!'()*" } } },
    { name: 'a signed body hash', opts: { method: 'PUT', path: '/2015-03-31/functions/f/configuration', body: '{"Timeout":5}', checksum: true } },
    { name: 'signed headers with runs of spaces and tabs', opts: { path: '/', body: '{}', service: 'logs', headers: { 'x-amz-target': 'Logs_20140328.PutLogEvents', 'x-custom': 'a   b\tc' } } },
    { name: 'a header the signer never signs', opts: { method: 'GET', path: '/2015-03-31/functions', headers: { 'user-agent': 'aws-sdk-js/3', 'x-amzn-trace-id': 'Root=1' } } },
  ];
  for (const shape of shapes) {
    it(`accepts ${shape.name} signed by the AWS SDK, and refuses it once a byte changes`, async () => {
      const service = shape.opts.service ?? 'lambda';
      const sent = await sdkSigned({ ...shape.opts, date: now });
      verify(sent, now, CREDS, 'us-east-1', service);
      refused(() => verify({ ...sent, body: Buffer.concat([sent.body, Buffer.from(' ')]) }, now, CREDS, 'us-east-1', service),
        'InvalidSignatureException');
      refused(() => verify({ ...sent, url: sent.url.replace('/2015-03-31', '/2015-03-30').replace(/^\/$/, '/x') }, now, CREDS, 'us-east-1', service),
        'InvalidSignatureException');
      refused(() => verify({ ...sent, url: `${sent.url}${sent.url.includes('?') ? '&' : '?'}extra=1` }, now, CREDS, 'us-east-1', service),
        'InvalidSignatureException');
      refused(() => verify({ ...sent, method: sent.method === 'GET' ? 'DELETE' : 'GET' }, now, CREDS, 'us-east-1', service), 'InvalidSignatureException');
      const signedNames = /SignedHeaders=([^,]+)/.exec(sent.headers.authorization)![1].split(';');
      const changedHeader = signedNames.find((n) => n !== 'host' && n !== 'x-amz-date' && n !== 'x-amz-content-sha256')!;
      refused(() => verify({ ...sent, headers: { ...sent.headers, [changedHeader]: `${sent.headers[changedHeader]}0` } }, now, CREDS, 'us-east-1', service),
        'InvalidSignatureException');
    });
  }

  it('refuses a request signed with another secret', async () => {
    const sent = await sdkSigned({ path: '/2015-03-31/functions/hello/invocations', body: '{}', date: now, secret: 'not-the-secret' });
    refused(() => verify(sent, now), 'InvalidSignatureException');
  });

  it('derives the signing key once per day, region, service and secret, and matches the four HMAC steps', () => {
    const a = signingKey('s3cr3t', '20260304', 'us-east-1', 'lambda');
    assert.deepEqual(a, derived('s3cr3t', '20260304', 'us-east-1', 'lambda'));
    assert.equal(signingKey('s3cr3t', '20260304', 'us-east-1', 'lambda'), a, 'the same scope gives the very same cached key');
    for (const [secret, day, region, service] of [
      ['s3cr3t', '20260305', 'us-east-1', 'lambda'], ['s3cr3t', '20260304', 'eu-west-1', 'lambda'],
      ['s3cr3t', '20260304', 'us-east-1', 'logs'], ['other', '20260304', 'us-east-1', 'lambda'],
    ]) {
      const key = signingKey(secret, day, region, service);
      assert.notDeepEqual(key, a, `${secret} ${day} ${region} ${service} has its own key`);
      assert.deepEqual(key, derived(secret, day, region, service));
    }
  });

  it('does not reuse a cached key across a change of date', async () => {
    const beforeMidnight = new Date('2026-03-04T23:59:58Z');
    const afterMidnight = new Date('2026-03-05T00:00:03Z');
    verify(await sdkSigned({ path: '/2015-03-31/functions/f/invocations', body: '{}', date: beforeMidnight }), beforeMidnight);
    // Signed on the new day: verified with the new day's key although the old one is cached.
    verify(await sdkSigned({ path: '/2015-03-31/functions/f/invocations', body: '{}', date: afterMidnight }), afterMidnight);
    // A signature made with the old day's key but claiming the new day is refused.
    const forged = await sdkSigned({ path: '/2015-03-31/functions/f/invocations', body: '{}', date: beforeMidnight });
    forged.headers['x-amz-date'] = '20260305T000003Z';
    forged.headers.authorization = forged.headers.authorization.replace('/20260304/', '/20260305/');
    refused(() => verify(forged, afterMidnight), 'InvalidSignatureException');
  });

  it('keeps a bounded number of keys however many dates pass', () => {
    for (let d = 1; d <= 200; d++) signingKey('s', `2030${String(Math.ceil(d / 28)).padStart(2, '0')}${String(((d - 1) % 28) + 1).padStart(2, '0')}`, 'us-east-1', 'lambda');
    assert.ok(cachedSigningKeys() <= 32, `${cachedSigningKeys()} keys held`);
    assert.deepEqual(signingKey('s', '20300101', 'us-east-1', 'lambda'), derived('s', '20300101', 'us-east-1', 'lambda'), 'an evicted key is derived again, the same');
  });
});
