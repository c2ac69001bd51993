import * as assert from 'node:assert/strict';
import type { UrlRequestParams } from '../../../src/features/invoke/protocol';
import { buildUrlRequest, urlResponseView } from '../../../src/features/invoke/urlRequest';

const LOCAL_URL = 'http://127.0.0.1:4100/0123456789abcdef0123456789abcdef/';
const AWS_URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/';

function params(overrides: Partial<UrlRequestParams> = {}): UrlRequestParams {
  return { qualifier: '', method: 'GET', path: '/', query: '', headers: [], body: '', ...overrides };
}

describe('invoke/urlRequest: the Request mode\'s HTTP request', () => {
  it('joins the path and query to the URL\'s own path, encoding what must be', () => {
    const built = buildUrlRequest(LOCAL_URL, params({ path: '/items/a b', query: '?q=x y&n=1' }), { signed: false });
    assert.equal(built.url.href, 'http://127.0.0.1:4100/0123456789abcdef0123456789abcdef/items/a%20b?q=x%20y&n=1');
    assert.equal(buildUrlRequest(AWS_URL, params({ path: '' }), { signed: false }).url.href, AWS_URL);
    assert.equal(buildUrlRequest(AWS_URL, params({ path: '/already%20encoded' }), { signed: false }).url.pathname, '/already%20encoded');
  });

  it('sends header rows (names lower-cased, repeats joined), skips empty rows, and types a body', () => {
    const built = buildUrlRequest(AWS_URL, params({
      method: 'POST', body: '{"a":1}',
      headers: [{ name: 'X-Trace', value: 'a' }, { name: '', value: '' }, { name: 'x-trace', value: 'b' }],
    }), { signed: true });
    assert.deepEqual(built.headers, { 'x-trace': 'a, b', 'content-type': 'application/json' });
    assert.equal(built.body, '{"a":1}');
    assert.equal(buildUrlRequest(AWS_URL, params({ method: 'PUT', body: 'plain' }), { signed: false }).headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(buildUrlRequest(AWS_URL, params({ method: 'PUT', body: 'x', headers: [{ name: 'Content-Type', value: 'text/csv' }] }), { signed: false }).headers['content-type'], 'text/csv');
  });

  const refused: Array<[string, Partial<UrlRequestParams>, boolean, RegExp]> = [
    ['a path without its leading slash', { path: 'items' }, false, /starts with "\/"/],
    ['a query in the path', { path: '/a?b=1' }, false, /Query field/],
    ['a fragment in the query', { query: 'a=1#top' }, false, /no "#"/],
    ['a header name with a space', { headers: [{ name: 'X Bad', value: '1' }] }, false, /not a header name/],
    ['a header value over two lines', { headers: [{ name: 'X-A', value: 'a\r\nX-Injected: 1' }] }, false, /one line/],
    ['Host', { headers: [{ name: 'Host', value: 'elsewhere' }] }, false, /set by the connection/],
    ['Content-Length', { headers: [{ name: 'content-length', value: '1' }] }, false, /set by the connection/],
    ['Authorization on a signed URL', { headers: [{ name: 'Authorization', value: 'x' }] }, true, /set by SigV4 signing/],
    ['a body on GET', { method: 'GET', body: '{}' }, false, /carries no body/],
    ['a body on HEAD', { method: 'HEAD', body: 'x' }, false, /carries no body/],
  ];
  for (const [what, overrides, signed, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => buildUrlRequest(AWS_URL, params(overrides), { signed }), message));
  }

  it('lets Authorization through on a URL that is not signed', () => {
    assert.equal(buildUrlRequest(AWS_URL, params({ headers: [{ name: 'Authorization', value: 'Bearer t' }] }), { signed: false }).headers.authorization, 'Bearer t');
  });

  it('refuses a function URL that is not http(s)', () => {
    assert.throws(() => buildUrlRequest('file:///etc/passwd', params(), { signed: false }), /not http or https/);
  });
});

describe('invoke/urlRequest: the answer as shown', () => {
  const request = buildUrlRequest(LOCAL_URL, params({ path: '/hello' }), { signed: false });
  const raw = (body: string, contentType: string, truncated = false) => ({
    status: 200, statusText: 'OK', headers: [['Content-Type', contentType]] as Array<[string, string]>, body: new TextEncoder().encode(body), truncated, durationMs: 12.4,
  });

  it('pretty-prints JSON, with status, headers and timing', () => {
    const view = urlResponseView(request, raw('{"ok":true}', 'application/json'), false);
    assert.equal(view.body, '{\n  "ok": true\n}');
    assert.deepEqual([view.bodyIsJson, view.status, view.statusText, view.durationMs, view.bodyBytes], [true, 200, 'OK', 12, 11]);
    assert.deepEqual(view.headers, [{ name: 'Content-Type', value: 'application/json' }]);
    assert.equal(view.url, `${LOCAL_URL}hello`);
  });

  it('shows text as it came, and JSON-looking text that is not JSON too', () => {
    assert.deepEqual([urlResponseView(request, raw('hello', 'text/plain'), false).body, urlResponseView(request, raw('{oops', 'application/json'), false).bodyIsJson], ['hello', false]);
  });

  it('does not reformat a body that was cut short', () => {
    const view = urlResponseView(request, raw('{"a":', 'application/json', true), false);
    assert.deepEqual([view.body, view.bodyIsJson, view.truncated], ['{"a":', false, true]);
  });
});
