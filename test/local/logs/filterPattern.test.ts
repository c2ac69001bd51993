import * as assert from 'node:assert/strict';
import { compileFilterPattern, FilterPatternError, splitDelimitedMessage } from '../../../src/local/logs/filterPattern';

function check(pattern: string, yes: string[], no: string[]): void {
  const matches = compileFilterPattern(pattern);
  for (const m of yes) assert.equal(matches(m), true, `${pattern} should match ${m}`);
  for (const m of no) assert.equal(matches(m), false, `${pattern} should not match ${m}`);
}

describe('filter patterns', () => {
  it('matches everything when empty', () => {
    check('', ['anything', ''], []);
    check('   ', ['anything'], []);
  });

  it('ANDs case-sensitive terms', () => {
    check('ERROR timeout', ['ERROR: timeout after 3s', 'timeout ... ERROR'], ['ERROR only', 'error timeout', 'timeout']);
  });

  it('ORs ?terms and excludes -terms', () => {
    check('?ERROR ?WARN', ['ERROR x', 'a WARN'], ['INFO', 'error']);
    check('ERROR -DEBUG', ['ERROR x'], ['DEBUG ERROR', 'INFO']);
    check('-DEBUG', ['INFO'], ['DEBUG x']);
    check('?ERROR ?WARN -retry', ['WARN x'], ['WARN retry', 'INFO']);
  });

  it('matches quoted phrases, with escapes', () => {
    check('"Task timed out"', ['RequestId: 1 Error: Task timed out after 1.00 seconds'], ['Task  timed out', 'task timed out']);
    check('"say \\"hi\\""', ['they say "hi" loudly'], ['they say hi']);
    check('-"not this"', ['yes'], ['not this one']);
  });

  it('matches %regular expressions% as terms', () => {
    check('%Task\\stimed\\sout\\safter\\s\\d+\\.\\d+\\sseconds%', ['Error: Task timed out after 3.00 seconds'], ['Task timed out after x seconds']);
    check('?%^WARN% ?%^ERROR%', ['WARN a', 'ERROR b'], ['a WARN']);
    check('%[Ee]rror|[Ff]ail$%', ['an error', 'it did Fail'], ['Failed', 'ERROR']);
    check('%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%', ['from 10.0.12.255 port'], ['from 10.0.x.1']);
    check('%colou?r%', ['color', 'colour'], ['colouur']);
    check('%^[^0-9]+$%', ['abc'], ['ab1']);
    // Outside CloudWatch's subset: refused, not handed to another regex engine.
    assert.throws(() => compileFilterPattern('%(unclosed%'), /regular expression %\(unclosed% is not supported: parentheses are not supported/);
    assert.throws(() => compileFilterPattern('%(a+)+$%'), /parentheses are not supported/);
    assert.throws(() => compileFilterPattern('%a b%'), /the character " " at position 2 is not supported \(write a space as \\s\)/);
    assert.throws(() => compileFilterPattern('%a++%'), /repeats a repetition/);
    assert.throws(() => compileFilterPattern('%é%'), /multi-byte characters/);
  });

  it('compares JSON fields', () => {
    const err = '{"level":"ERROR","code":500,"ok":false,"user":{"name":"admin-7","tags":["a","b"]},"note":null}';
    const info = '{"level":"INFO","code":200,"ok":true,"user":{"name":"bob"}}';
    check('{ $.level = "ERROR" }', [err], [info, 'ERROR not json', '{"level":"error"}']);
    check('{$.level != "ERROR"}', [info], [err, '{"other":1}']);
    check('{ $.code >= 500 }', [err], [info]);
    check('{ $.code < 500 }', [info], [err]);
    check('{ $.code > 199 && $.code <= 200 }', [info], [err]);
    check('{ $.code = 500 || $.user.name = "bob" }', [err, info], ['{"code":404}']);
    check('{ ($.level = "INFO" || $.level = "WARN") && $.ok IS TRUE }', [info], [err]);
    check('{ $.user.name = "admin-*" }', [err], [info]);
    check('{ $.user.name = *dmi* }', [err], [info]);
    check('{ $.user.tags[1] = "b" }', [err], [info]);
    check('{ $.note IS NULL }', [err], [info]);
    check('{ $.ok IS FALSE }', [err], [info]);
    check('{ $.note EXISTS }', [err], [info]);
    check('{ $.note NOT EXISTS }', [info], [err]);
    check('{ $.missing = "x" }', [], [err, info]);
  });

  it('splits space-delimited messages, keeping [..] and "..." together', () => {
    assert.deepEqual(
      splitDelimitedMessage('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326'),
      ['127.0.0.1', '-', 'frank', '10/Oct/2000:13:55:36 -0700', 'GET /a.gif HTTP/1.0', '200', '2326'],
    );
  });

  it('matches space-delimited patterns', () => {
    const ok = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326';
    const fail = '10.0.0.9 - ann [10/Oct/2000:13:55:40 -0700] "POST /login HTTP/1.0" 503 120';
    check('[ip, id, user, timestamp, request, status_code, size]', [ok, fail], ['too few fields']);
    check('[ip, id, user, timestamp, request, status_code=5*, size]', [fail], [ok]);
    check('[ip, ..., status_code = 4* || status_code = 5*, size]', [fail], [ok]);
    check('[..., size > 1000]', [ok], [fail]);
    check('[ip=127.0.0.1, ...]', [ok], [fail]);
    check('[ip, id, user != ann, ...]', [ok], [fail]);
    check('[ip, ..., request = "GET *", status_code, size]', [ok], [fail]);
  });

  it('names the problem in a malformed pattern', () => {
    const cases: [string, RegExp][] = [
      ['{ $.level = "ERROR"', /must end with "\}"/],
      ['{ }', /empty/],
      ['{ level = "ERROR" }', /selector/],
      ['{ $.code > "high" }', /needs a number/],
      ['{ $.a = 1 && }', /expected a condition/],
      ['{ ($.a = 1 }', /missing "\)"|expected "\)"/],
      ['"unclosed', /never closed/],
      ['[ip, user', /must end with "\]"/],
      ['[ip, , user]', /field 2 .* empty/],
      ['[ip, status=5* && other=1]', /"other".*not a field/],
      ['? ERROR', /must be followed by a term/],
    ];
    for (const [pattern, message] of cases) {
      assert.throws(() => compileFilterPattern(pattern), (err: Error) => err instanceof FilterPatternError && message.test(err.message), pattern);
    }
  });
});
