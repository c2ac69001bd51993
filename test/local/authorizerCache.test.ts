import * as assert from 'node:assert/strict';
import type { ApiAuthorizer } from '../../src/shared/sam/apiEvents';
import { AuthorizerCache, authorizerCacheKey } from '../../src/local/apis/authorizerCache';

const token: ApiAuthorizer = { name: 'TokenAuth', kind: 'lambda', functionName: 'auth', payloadType: 'TOKEN', identityHeaders: ['authorization'], identityQueryStrings: [], resultTtlSeconds: 300 };
const none = new URLSearchParams();

describe('Local Lambda authorizer answers kept for their TTL', () => {
  it('keys by authorizer, revision and identity, and keeps nothing at TTL 0 or without identity sources', () => {
    const a = authorizerCacheKey(token, 'api1', 'rev1', { authorization: 'abc' }, none);
    assert.ok(a);
    assert.equal(authorizerCacheKey(token, 'api1', 'rev1', { authorization: 'abc' }, none), a);
    assert.notEqual(authorizerCacheKey(token, 'api1', 'rev1', { authorization: 'abd' }, none), a, 'another token');
    assert.notEqual(authorizerCacheKey(token, 'api1', 'rev2', { authorization: 'abc' }, none), a, 'edited code');
    assert.notEqual(authorizerCacheKey(token, 'api2', 'rev1', { authorization: 'abc' }, none), a, 'another API');
    assert.equal(authorizerCacheKey({ ...token, resultTtlSeconds: 0 }, 'api1', 'rev1', { authorization: 'abc' }, none), undefined);
    const request: ApiAuthorizer = { ...token, payloadType: 'REQUEST', identityHeaders: [], identityQueryStrings: [] };
    assert.equal(authorizerCacheKey(request, 'api1', 'rev1', {}, none), undefined, 'no identity sources: never kept');
    const byQuery: ApiAuthorizer = { ...request, identityQueryStrings: ['key'] };
    assert.notEqual(authorizerCacheKey(byQuery, 'a', 'r', {}, new URLSearchParams('key=1')), authorizerCacheKey(byQuery, 'a', 'r', {}, new URLSearchParams('key=2')));
  });

  it('forgets an answer when its TTL has passed', () => {
    let now = 1_000_000;
    const cache = new AuthorizerCache(() => now);
    cache.set('k', Buffer.from('{"isAuthorized":true}'), 5);
    assert.equal(cache.get('k')?.payload.toString(), '{"isAuthorized":true}');
    now += 4_999;
    assert.ok(cache.get('k'));
    now += 1;
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.size, 0);
  });

  it('stays bounded: the oldest answers go first, and a large answer is not kept', () => {
    const cache = new AuthorizerCache();
    for (let i = 0; i < 1200; i++) cache.set(`k${i}`, Buffer.from(`{"n":${i}}`), 300);
    assert.equal(cache.size, 1000);
    assert.equal(cache.get('k0'), undefined);
    assert.ok(cache.get('k1199'));
    cache.set('big', Buffer.alloc(65 * 1024, 0x20), 300);
    assert.equal(cache.get('big'), undefined);
    cache.clear();
    for (let i = 0; i < 200; i++) cache.set(`m${i}`, Buffer.alloc(60 * 1024, 0x20), 300);
    assert.ok(cache.size <= Math.floor((8 * 1024 * 1024) / (60 * 1024)), `kept ${cache.size} answers of 60 KB within 8 MB`);
  });
});
