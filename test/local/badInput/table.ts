import * as assert from 'node:assert/strict';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { rawRequest, startTestLocal, type RawResponse, type TestLocal, type TestLocalOptions } from '../helpers';

/**
 * The shape every bad-input table shares: one row per input a careless or hostile client can
 * send, each answered with the error type AWS uses and a message a person understands, after
 * which the server still answers and nothing it acknowledged before is lost.
 *
 * Every table's suite title starts with "bad input: ", so one grep counts all rows.
 */

export interface ExpectedError {
  status: number;
  /** AWS error type: `x-amzn-errortype` (Lambda, REST-JSON) or `__type` (Logs, JSON 1.1), without the `:url` suffix. */
  type: string;
  /** The whole message, or a pattern for one that names something variable (a port, a path). */
  message: string | RegExp;
}

export interface BadInputCase<C> {
  name: string;
  send(ctx: C): Promise<RawResponse>;
  expect: ExpectedError;
}

export interface TableContext {
  t: TestLocal;
}

/** The error type and message of an AWS error response, whichever protocol sent it. */
export function errorOf(res: RawResponse): { type: string; message: string } {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    assert.fail(`the error body is not JSON (status ${res.status}): ${res.body.slice(0, 200)}`);
  }
  const header = res.headers['x-amzn-errortype'];
  const rawType = (typeof header === 'string' ? header : undefined) ?? (typeof body.__type === 'string' ? body.__type : '');
  const type = rawType.split(':')[0].split('#').pop() ?? '';
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
  return { type, message };
}

export function assertError(res: RawResponse, expected: ExpectedError): void {
  const { type, message } = errorOf(res);
  assert.equal(res.status, expected.status, `status (body: ${res.body.slice(0, 300)})`);
  assert.equal(type, expected.type, `error type (message: ${message})`);
  if (typeof expected.message === 'string') assert.equal(message, expected.message);
  else assert.match(message, expected.message);
  assert.doesNotMatch(res.body, /\n\s+at /, 'no stack trace reaches the client');
}

/** The server still answers a well-formed, signed request. */
export async function assertStillAnswers(t: TestLocal): Promise<void> {
  const listed = await t.lambda.send(new ListFunctionsCommand({}));
  assert.ok(Array.isArray(listed.Functions), 'ListFunctions still answers');
}

/** A signed Lambda REST request (service "lambda"). */
export function lambdaRequest(t: TestLocal, method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<RawResponse> {
  return rawRequest(t.local, { method, path, body, headers: { 'content-type': 'application/json', ...headers }, sign: { service: 'lambda' } });
}

/** A signed CloudWatch Logs JSON 1.1 request. */
export function logsRequest(t: TestLocal, operation: string, body: unknown): Promise<RawResponse> {
  return rawRequest(t.local, {
    method: 'POST', path: '/', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` },
    sign: { service: 'logs' },
  });
}

/**
 * Registers one mocha test per row. `setup` runs once for the table (start a Local Lambda, make
 * the functions the rows aim at); `intact` runs after every row and checks that what was
 * acknowledged before is still there.
 */
export function badInputTable<C extends TableContext>(area: string, options: {
  setup(start: (opts?: TestLocalOptions) => Promise<TestLocal>): Promise<C>;
  intact?(ctx: C): Promise<void>;
  cases: Array<BadInputCase<C>>;
}): void {
  describe(`bad input: ${area}`, function () {
    this.timeout(20000);
    let ctx: C;
    before(async () => { ctx = await options.setup(startTestLocal); });
    after(async () => { await ctx?.t.close(); });
    const seen = new Set<string>();
    for (const row of options.cases) {
      assert.ok(!seen.has(row.name), `duplicate row name in ${area}: ${row.name}`);
      seen.add(row.name);
      it(row.name, async () => {
        const res = await row.send(ctx);
        assertError(res, row.expect);
        await assertStillAnswers(ctx.t);
        await options.intact?.(ctx);
      });
    }
  });
}
