import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { liveTailLimits } from '../../../src/local/logs/liveTail';
import type { RawResponse } from '../helpers';
import { badInputTable, logsRequest, type BadInputCase, type ExpectedError, type TableContext } from './table';

/**
 * Every CloudWatch Logs operation the Local Lambda serves, fed what a careless or hostile
 * client might send. A sentinel group's events must survive every row.
 */

const SENTINEL = '/sentinel/intact';
const TARGET = '/aws/lambda/target';
const SENTINEL_MESSAGES = ['sentinel one', 'sentinel two', 'sentinel three'];
const TARGET_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${TARGET}`;
const DAY = 24 * 3600_000;

interface Ctx extends TableContext {
  /** A real FilterLogEvents token for the sentinel group. */
  sentinelFilterToken: string;
  /** A real GetLogEvents token for the sentinel stream. */
  sentinelStreamToken: string;
}

/** CloudWatch's wording for a broken model constraint. */
function validation(key: string, value: string | number | null, rule: string): string {
  return `1 validation error detected: Value ${value === null ? 'null' : `'${value}'`} at '${key}' failed to satisfy constraint: Member must ${rule}`;
}

const invalidParameter = (message: string | RegExp): ExpectedError => ({ status: 400, type: 'InvalidParameterException', message });
const serialization = (message: string | RegExp): ExpectedError => ({ status: 400, type: 'SerializationException', message });
const notFound = (message: string): ExpectedError => ({ status: 400, type: 'ResourceNotFoundException', message });
const GROUP_MISSING = notFound('The specified log group does not exist.');
const STREAM_MISSING = notFound('The specified log stream does not exist.');
const BAD_TOKEN = invalidParameter('The specified nextToken is invalid.');
const GROUP_PATTERN = 'satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+';
const STREAM_PATTERN = 'satisfy regular expression pattern: [^:*]*';
const RETENTION_SET = 'satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]';

const token = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const scope = (...names: string[]): string => createHash('sha256').update(names.join('\0')).digest('hex').slice(0, 12);

type Row = BadInputCase<Ctx>;

/** A row that sends one Logs operation with a JSON body. */
function row(name: string, operation: string, body: unknown, expect: ExpectedError): Row {
  return { name, send: ({ t }) => logsRequest(t, operation, body), expect };
}

function rowWith(name: string, operation: string, body: (ctx: Ctx) => unknown, expect: ExpectedError): Row {
  return { name, send: (ctx) => logsRequest(ctx.t, operation, body(ctx)), expect };
}

const now = Date.now();
const event = (message = 'm', timestamp = now): { timestamp: number; message: string } => ({ timestamp, message });
const put = (logEvents: unknown, stream = 's'): unknown => ({ logGroupName: TARGET, logStreamName: stream, logEvents });
const longName = 'a'.repeat(513);
const tooLongPattern = 'x'.repeat(1025);

const cases: Row[] = [
  // ---------------------------------------------------------------- target and body
  row('an empty operation name', '', {}, { status: 400, type: 'UnknownOperationException', message: 'The Local Lambda does not support the CloudWatch Logs operation "Logs_20140328.".' }),
  row('an operation the server does not have', 'PutMetricFilter', {}, { status: 400, type: 'UnknownOperationException', message: 'The Local Lambda does not support the CloudWatch Logs operation "Logs_20140328.PutMetricFilter".' }),
  row('an operation name from the object prototype', 'constructor', {}, { status: 400, type: 'UnknownOperationException', message: 'The Local Lambda does not support the CloudWatch Logs operation "Logs_20140328.constructor".' }),
  row('an operation name in the wrong case', 'describeLogGroups', {}, { status: 400, type: 'UnknownOperationException', message: 'The Local Lambda does not support the CloudWatch Logs operation "Logs_20140328.describeLogGroups".' }),
  row('a body that is not JSON', 'DescribeLogGroups', '{"limit": 5,', serialization(/^The request body is not valid JSON: /)),
  row('a body that is a JSON array', 'DescribeLogGroups', '[]', serialization('The request body must be a JSON object.')),
  row('a body that is a JSON string', 'DescribeLogGroups', '"groups"', serialization('The request body must be a JSON object.')),
  row('a body that is JSON null', 'CreateLogGroup', 'null', serialization('The request body must be a JSON object.')),
  row('a body that is a number', 'CreateLogGroup', '42', serialization('The request body must be a JSON object.')),
  row('a body cut off inside a string', 'CreateLogGroup', '{"logGroupName": "/a', serialization(/^The request body is not valid JSON: /)),

  // ---------------------------------------------------------------- wrong types
  row('a group name that is a number', 'CreateLogGroup', { logGroupName: 5 }, serialization('logGroupName must be a string.')),
  row('a group name that is an object', 'DeleteLogGroup', { logGroupName: { name: TARGET } }, serialization('logGroupName must be a string.')),
  row('a limit that is a string', 'DescribeLogGroups', { limit: '5' }, serialization('limit must be an integer.')),
  row('a limit that is a fraction', 'DescribeLogStreams', { logGroupName: TARGET, limit: 1.5 }, serialization('limit must be an integer.')),
  row('startFromHead that is a string', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', startFromHead: 'yes' }, serialization('startFromHead must be true or false.')),
  row('logStreamNames that is a string', 'FilterLogEvents', { logGroupName: TARGET, logStreamNames: 's' }, serialization('logStreamNames must be a list of strings.')),
  row('logStreamNames holding a number', 'FilterLogEvents', { logGroupName: TARGET, logStreamNames: [1] }, serialization('logStreamNames must be a list of strings.')),
  row('logEvents that is an object', 'PutLogEvents', put({}), serialization('logEvents must be a list of events.')),
  row('a log event that is a number', 'PutLogEvents', put([1]), serialization('logEvents[0] must be an object with timestamp and message.')),
  row('a timestamp that is a string', 'PutLogEvents', put([{ timestamp: 'now', message: 'm' }]), serialization('logEvents[0].timestamp must be an integer (epoch milliseconds).')),
  row('a timestamp that is a fraction', 'PutLogEvents', put([{ timestamp: now + 0.5, message: 'm' }]), serialization('logEvents[0].timestamp must be an integer (epoch milliseconds).')),
  row('a message that is a number', 'PutLogEvents', put([{ timestamp: now, message: 5 }]), serialization('logEvents[0].message must be a string.')),
  row('a startTime that is a date string', 'FilterLogEvents', { logGroupName: TARGET, startTime: '2026-01-01' }, serialization('startTime must be an integer.')),
  row('retentionInDays that is a string', 'PutRetentionPolicy', { logGroupName: TARGET, retentionInDays: '7' }, serialization('retentionInDays must be an integer.')),
  row('logGroupIdentifiers holding a number', 'StartLiveTail', { logGroupIdentifiers: [1] }, serialization('logGroupIdentifiers must be a list of strings.')),

  // ---------------------------------------------------------------- missing members
  row('CreateLogGroup without a name', 'CreateLogGroup', {}, invalidParameter(validation('logGroupName', null, 'not be null'))),
  row('CreateLogStream without a stream name', 'CreateLogStream', { logGroupName: TARGET }, invalidParameter(validation('logStreamName', null, 'not be null'))),
  row('DeleteLogGroup without a name', 'DeleteLogGroup', {}, invalidParameter(validation('logGroupName', null, 'not be null'))),
  row('DeleteLogStream without a stream name', 'DeleteLogStream', { logGroupName: TARGET }, invalidParameter(validation('logStreamName', null, 'not be null'))),
  row('GetLogEvents naming no group', 'GetLogEvents', { logStreamName: 's' }, invalidParameter('Either logGroupName or logGroupIdentifier is required.')),
  row('DescribeLogStreams naming no group', 'DescribeLogStreams', {}, invalidParameter('Either logGroupName or logGroupIdentifier is required.')),
  row('PutLogEvents without events', 'PutLogEvents', { logGroupName: TARGET, logStreamName: 's' }, invalidParameter(validation('logEvents', null, 'not be null'))),
  row('a log event without a timestamp', 'PutLogEvents', put([{ message: 'm' }]), invalidParameter(validation('logEvents.1.member.timestamp', null, 'not be null'))),
  row('a log event without a message', 'PutLogEvents', put([{ timestamp: now }]), invalidParameter(validation('logEvents.1.member.message', null, 'not be null'))),
  row('PutRetentionPolicy without retentionInDays', 'PutRetentionPolicy', { logGroupName: TARGET }, invalidParameter(validation('retentionInDays', null, 'not be null'))),
  row('StartLiveTail without groups', 'StartLiveTail', {}, invalidParameter(validation('logGroupIdentifiers', null, 'not be null'))),

  // ---------------------------------------------------------------- names
  row('an empty group name', 'CreateLogGroup', { logGroupName: '' }, invalidParameter(validation('logGroupName', '', 'have length greater than or equal to 1'))),
  row('a group name of 513 characters', 'CreateLogGroup', { logGroupName: longName }, invalidParameter(validation('logGroupName', longName, 'have length less than or equal to 512'))),
  row('a group name with a space and "!"', 'CreateLogGroup', { logGroupName: 'bad name!' }, invalidParameter(validation('logGroupName', 'bad name!', GROUP_PATTERN))),
  row('a group name with non-ASCII letters', 'CreateLogGroup', { logGroupName: '/aws/lambda/ünïcode' }, invalidParameter(validation('logGroupName', '/aws/lambda/ünïcode', GROUP_PATTERN))),
  row('a group name with a NUL character', 'CreateLogGroup', { logGroupName: '/a\u0000b' }, invalidParameter(validation('logGroupName', '/a\u0000b', GROUP_PATTERN))),
  row('a group name with a colon', 'DeleteLogGroup', { logGroupName: 'a:b' }, invalidParameter(validation('logGroupName', 'a:b', GROUP_PATTERN))),
  row('a group name reserved for AWS', 'CreateLogGroup', { logGroupName: 'AWS/Mine' }, invalidParameter('Log groups starting with AWS/ are reserved for AWS.')),
  row('a group name reserved for AWS, lower case', 'CreateLogGroup', { logGroupName: 'aws/mine' }, invalidParameter('Log groups starting with AWS/ are reserved for AWS.')),
  row('a path-like group name reaching outside', 'GetLogEvents', { logGroupName: '../../../etc/passwd', logStreamName: 's' }, GROUP_MISSING),
  row('a group name of only dots', 'DescribeLogStreams', { logGroupName: '..' }, GROUP_MISSING),
  row('a group that already exists', 'CreateLogGroup', { logGroupName: SENTINEL }, { status: 400, type: 'ResourceAlreadyExistsException', message: 'The specified log group already exists' }),
  row('a stream name with a colon', 'CreateLogStream', { logGroupName: TARGET, logStreamName: 'a:b' }, invalidParameter(validation('logStreamName', 'a:b', STREAM_PATTERN))),
  row('a stream name with a star', 'CreateLogStream', { logGroupName: TARGET, logStreamName: 'a*' }, invalidParameter(validation('logStreamName', 'a*', STREAM_PATTERN))),
  row('a stream name of 513 characters', 'CreateLogStream', { logGroupName: TARGET, logStreamName: longName }, invalidParameter(validation('logStreamName', longName, 'have length less than or equal to 512'))),
  row('an empty stream name', 'CreateLogStream', { logGroupName: TARGET, logStreamName: '' }, invalidParameter(validation('logStreamName', '', 'have length greater than or equal to 1'))),
  row('a stream in a group that does not exist', 'CreateLogStream', { logGroupName: '/missing', logStreamName: 's' }, GROUP_MISSING),
  row('a stream that already exists', 'CreateLogStream', { logGroupName: SENTINEL, logStreamName: 's' }, { status: 400, type: 'ResourceAlreadyExistsException', message: 'The specified log stream already exists' }),
  row('deleting a stream that does not exist', 'DeleteLogStream', { logGroupName: TARGET, logStreamName: 'missing' }, STREAM_MISSING),
  row('deleting a group that does not exist', 'DeleteLogGroup', { logGroupName: '/missing' }, GROUP_MISSING),
  row('both logGroupName and logGroupIdentifier', 'FilterLogEvents', { logGroupName: TARGET, logGroupIdentifier: TARGET_ARN }, invalidParameter('logGroupName and logGroupIdentifier cannot both be specified.')),
  row('a logGroupIdentifier with a space', 'GetLogEvents', { logGroupIdentifier: 'a b', logStreamName: 's' }, invalidParameter(validation('logGroupIdentifier', 'a b', 'satisfy regular expression pattern: [\\w#+=/:,.@-]*'))),
  row('a logGroupNamePrefix with "!"', 'DescribeLogGroups', { logGroupNamePrefix: 'bad!' }, invalidParameter(validation('logGroupNamePrefix', 'bad!', GROUP_PATTERN))),
  row('both logGroupNamePrefix and logGroupNamePattern', 'DescribeLogGroups', { logGroupNamePrefix: '/a', logGroupNamePattern: 'a' }, invalidParameter('logGroupNamePrefix and logGroupNamePattern cannot both be specified.')),
  row('a logGroupNamePattern with a star', 'DescribeLogGroups', { logGroupNamePattern: 'a*b' }, invalidParameter(validation('logGroupNamePattern', 'a*b', 'satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]*'))),

  // ---------------------------------------------------------------- limits
  row('DescribeLogGroups limit 0', 'DescribeLogGroups', { limit: 0 }, invalidParameter(validation('limit', 0, 'have value greater than or equal to 1'))),
  row('DescribeLogGroups limit 51', 'DescribeLogGroups', { limit: 51 }, invalidParameter(validation('limit', 51, 'have value less than or equal to 50'))),
  row('DescribeLogStreams limit -1', 'DescribeLogStreams', { logGroupName: TARGET, limit: -1 }, invalidParameter(validation('limit', -1, 'have value greater than or equal to 1'))),
  row('DescribeLogStreams ordered by an unknown key', 'DescribeLogStreams', { logGroupName: TARGET, orderBy: 'Size' }, invalidParameter(validation('orderBy', 'Size', 'satisfy enum value set: [LogStreamName, LastEventTime]'))),
  row('DescribeLogStreams by LastEventTime with a prefix', 'DescribeLogStreams', { logGroupName: TARGET, orderBy: 'LastEventTime', logStreamNamePrefix: 's' }, invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.')),
  row('GetLogEvents limit 10,001', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', limit: 10_001 }, invalidParameter(validation('limit', 10001, 'have value less than or equal to 10000'))),
  row('GetLogEvents limit 0', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', limit: 0 }, invalidParameter(validation('limit', 0, 'have value greater than or equal to 1'))),
  row('FilterLogEvents limit 10,001', 'FilterLogEvents', { logGroupName: TARGET, limit: 10_001 }, invalidParameter(validation('limit', 10001, 'have value less than or equal to 10000'))),
  row('FilterLogEvents with 101 stream names', 'FilterLogEvents', { logGroupName: TARGET, logStreamNames: Array.from({ length: 101 }, (_, i) => `s${i}`) },
    invalidParameter(validation('logStreamNames', `[${Array.from({ length: 101 }, (_, i) => `s${i}`).join(', ')}]`, 'have length less than or equal to 100'))),
  row('FilterLogEvents with an empty stream name list', 'FilterLogEvents', { logGroupName: TARGET, logStreamNames: [] }, invalidParameter(validation('logStreamNames', '[]', 'have length greater than or equal to 1'))),
  row('FilterLogEvents with stream names and a prefix', 'FilterLogEvents', { logGroupName: TARGET, logStreamNames: ['s'], logStreamNamePrefix: 's' }, invalidParameter('logStreamNames and logStreamNamePrefix cannot both be specified.')),
  row('GetLogEvents on a stream that does not exist', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 'missing' }, STREAM_MISSING),

  // ---------------------------------------------------------------- retention
  row('retention of 2 days', 'PutRetentionPolicy', { logGroupName: TARGET, retentionInDays: 2 }, invalidParameter(validation('retentionInDays', 2, RETENTION_SET))),
  row('retention of 0 days', 'PutRetentionPolicy', { logGroupName: TARGET, retentionInDays: 0 }, invalidParameter(validation('retentionInDays', 0, RETENTION_SET))),
  row('retention of -1 days', 'PutRetentionPolicy', { logGroupName: TARGET, retentionInDays: -1 }, invalidParameter(validation('retentionInDays', -1, RETENTION_SET))),
  row('retention of 10,000 days', 'PutRetentionPolicy', { logGroupName: TARGET, retentionInDays: 10_000 }, invalidParameter(validation('retentionInDays', 10000, RETENTION_SET))),
  row('retention on a group that does not exist', 'PutRetentionPolicy', { logGroupName: '/missing', retentionInDays: 7 }, GROUP_MISSING),
  row('deleting retention of a group that does not exist', 'DeleteRetentionPolicy', { logGroupName: '/missing' }, GROUP_MISSING),

  // ---------------------------------------------------------------- PutLogEvents batches
  row('an empty batch', 'PutLogEvents', put([]), invalidParameter(validation('logEvents', '[]', 'have length greater than or equal to 1'))),
  row('a batch of 10,001 events', 'PutLogEvents', put(Array.from({ length: 10_001 }, () => event('e'))),
    invalidParameter("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000")),
  row('one event over 1 MB', 'PutLogEvents', put([event('x'.repeat(1_048_551))]), invalidParameter('Log event too large: 1048577 bytes exceeds limit of 1048576')),
  row('a batch over 1,048,576 bytes', 'PutLogEvents', put(Array.from({ length: 6 }, () => event('x'.repeat(200_000)))), invalidParameter('Upload too large: 1200156 bytes exceeds limit of 1048576')),
  row('a batch one byte over the limit', 'PutLogEvents', put([event('x'.repeat(524_262)), event('y'.repeat(524_263))]), invalidParameter('Upload too large: 1048577 bytes exceeds limit of 1048576')),
  row('a batch out of chronological order', 'PutLogEvents', put([event('b', now), event('a', now - 1)]), invalidParameter('Log events in a single PutLogEvents request must be in chronological order.')),
  row('a batch spanning more than 24 hours', 'PutLogEvents', put([event('a', now - DAY - 1000), event('b', now)]), invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.')),
  row('an empty message', 'PutLogEvents', put([event('')]), invalidParameter(validation('logEvents.1.member.message', '', 'have length greater than or equal to 1'))),
  row('a negative timestamp', 'PutLogEvents', put([event('m', -1)]), invalidParameter(validation('logEvents.1.member.timestamp', -1, 'have value greater than or equal to 0'))),
  row('events for a stream that does not exist', 'PutLogEvents', put([event()], 'missing'), STREAM_MISSING),
  row('events for a group that does not exist', 'PutLogEvents', { logGroupName: '/missing', logStreamName: 's', logEvents: [event()] }, GROUP_MISSING),
  row('events for a stream name with a colon', 'PutLogEvents', put([event()], 'a:b'), invalidParameter(validation('logStreamName', 'a:b', STREAM_PATTERN))),

  // ---------------------------------------------------------------- paging tokens
  row('a DescribeLogGroups token that is not ours', 'DescribeLogGroups', { nextToken: 'garbage!!' }, BAD_TOKEN),
  row('a DescribeLogStreams token from another group', 'DescribeLogStreams', { logGroupName: TARGET, nextToken: token({ o: 1, g: SENTINEL }) }, BAD_TOKEN),
  row('a DescribeLogStreams token with a negative offset', 'DescribeLogStreams', { logGroupName: TARGET, nextToken: token({ o: -5, g: TARGET }) }, BAD_TOKEN),
  row('a forged FilterLogEvents token', 'FilterLogEvents', { logGroupName: TARGET, nextToken: 'abc' }, BAD_TOKEN),
  rowWith('a FilterLogEvents token from another group', 'FilterLogEvents', (ctx) => ({ logGroupName: TARGET, nextToken: ctx.sentinelFilterToken }), BAD_TOKEN),
  row('an expired FilterLogEvents token', 'FilterLogEvents', { logGroupName: TARGET, nextToken: token({ t: 0, q: 0, g: scope(TARGET), i: now - DAY - 60_000 }) }, BAD_TOKEN),
  row('a FilterLogEvents token issued in the future', 'FilterLogEvents', { logGroupName: TARGET, nextToken: token({ t: 0, q: 0, g: scope(TARGET), i: now + 3600_000 }) }, BAD_TOKEN),
  row('a FilterLogEvents token with a fractional position', 'FilterLogEvents', { logGroupName: TARGET, nextToken: token({ t: 0.5, q: 0, g: scope(TARGET), i: now }) }, BAD_TOKEN),
  row('a forged GetLogEvents token', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', nextToken: 'f/1/2' }, BAD_TOKEN),
  rowWith('a GetLogEvents token from another stream', 'GetLogEvents', (ctx) => ({ logGroupName: TARGET, logStreamName: 's', nextToken: ctx.sentinelStreamToken }), BAD_TOKEN),
  row('a nextToken of 4,097 characters', 'FilterLogEvents', { logGroupName: TARGET, nextToken: 'a'.repeat(4097) }, invalidParameter(validation('nextToken', 'a'.repeat(4097), 'have length less than or equal to 4096'))),

  // ---------------------------------------------------------------- filter patterns
  row('a JSON pattern cut short', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '{ $.a = ' }, invalidParameter('Invalid filter pattern: a JSON pattern starting with "{" must end with "}".')),
  row('a JSON pattern with no value', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '{ $.a = }' }, invalidParameter('Invalid filter pattern: expected a value after $.a = but the pattern ended.')),
  row('a JSON comparison of a number with text', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '{ $.code > "high" }' }, invalidParameter('Invalid filter pattern: $.code > needs a number, not "high".')),
  row('an unclosed quote', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '"unclosed' }, invalidParameter('Invalid filter pattern: the quote at position 1 is never closed.')),
  row('an unclosed space-delimited pattern', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '[ip, user' }, invalidParameter('Invalid filter pattern: a space-delimited pattern starting with "[" must end with "]".')),
  row('an unclosed regular expression', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '%abc' }, invalidParameter('Invalid filter pattern: the regular expression starting at position 1 has no closing "%".')),
  row('a regular expression with nested repetition', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '%(a+)+$%' },
    invalidParameter('Invalid filter pattern: the regular expression %(a+)+$% is not supported: parentheses are not supported; CloudWatch regular expressions have no groups.')),
  row('a regular expression with a character outside the subset', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '%a!%' },
    invalidParameter('Invalid filter pattern: the regular expression %a!% is not supported: the character "!" at position 2 is not supported.')),
  row('a regular expression repeated too often', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '%a{5000}%' },
    invalidParameter('Invalid filter pattern: the regular expression %a{5000}% is not supported: a repetition may be at most {1000}.')),
  row('regular expressions too large together', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: '%a{200}% %b{200}%' },
    invalidParameter('Invalid filter pattern: the regular expression %b{200}% is not supported: the regular expressions of one filter pattern may have at most 256 states; this one needs more.')),
  row('a "?" with no term', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: 'ERROR ? ' }, invalidParameter('Invalid filter pattern: a "?" must be followed by a term.')),
  row('a filter pattern of 1,025 characters', 'FilterLogEvents', { logGroupName: TARGET, filterPattern: tooLongPattern }, invalidParameter(validation('filterPattern', tooLongPattern, 'have length less than or equal to 1024'))),

  // ---------------------------------------------------------------- time ranges
  row('FilterLogEvents starting after it ends', 'FilterLogEvents', { logGroupName: TARGET, startTime: 2000, endTime: 1000 }, invalidParameter('startTime (2000) must not be later than endTime (1000).')),
  row('GetLogEvents starting after it ends', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', startTime: 2000, endTime: 1000 }, invalidParameter('startTime (2000) must not be later than endTime (1000).')),
  row('a negative startTime', 'FilterLogEvents', { logGroupName: TARGET, startTime: -1 }, invalidParameter(validation('startTime', -1, 'have value greater than or equal to 0'))),
  row('a negative endTime', 'GetLogEvents', { logGroupName: TARGET, logStreamName: 's', endTime: -5 }, invalidParameter(validation('endTime', -5, 'have value greater than or equal to 0'))),
  row('a startTime beyond safe integers', 'FilterLogEvents', { logGroupName: TARGET, startTime: 1e20 },
    invalidParameter(validation('startTime', '100000000000000000000', 'have value less than or equal to 9007199254740991'))),

  // ---------------------------------------------------------------- Live Tail
  row('Live Tail with an empty group list', 'StartLiveTail', { logGroupIdentifiers: [] }, invalidParameter(validation('logGroupIdentifiers', '[]', 'have length greater than or equal to 1'))),
  row('Live Tail with 11 groups', 'StartLiveTail', { logGroupIdentifiers: Array.from({ length: 11 }, () => TARGET_ARN) },
    invalidParameter(validation('logGroupIdentifiers', `[${Array.from({ length: 11 }, () => TARGET_ARN).join(', ')}]`, 'have length less than or equal to 10'))),
  row('Live Tail with an ARN ending in "*"', 'StartLiveTail', { logGroupIdentifiers: [`${TARGET_ARN}:*`] }, invalidParameter(`Log group identifier ${TARGET_ARN}:* must not end with "*".`)),
  row('Live Tail with an ARN of another service', 'StartLiveTail', { logGroupIdentifiers: ['arn:aws:s3:::bucket'] },
    invalidParameter('Log group identifier arn:aws:s3:::bucket is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>).')),
  row('Live Tail with an ARN of another account', 'StartLiveTail', { logGroupIdentifiers: [`arn:aws:logs:us-east-1:999999999999:log-group:${TARGET}`] },
    notFound(`The specified log group does not exist. (arn:aws:logs:us-east-1:999999999999:log-group:${TARGET})`)),
  row('Live Tail on a group that does not exist', 'StartLiveTail', { logGroupIdentifiers: ['arn:aws:logs:us-east-1:123456789012:log-group:/missing'] },
    notFound('The specified log group does not exist. (arn:aws:logs:us-east-1:123456789012:log-group:/missing)')),
  row('Live Tail with an empty identifier', 'StartLiveTail', { logGroupIdentifiers: [''] }, invalidParameter(validation('logGroupIdentifiers.member', '', 'have length greater than or equal to 1'))),
  row('Live Tail with stream names and prefixes', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN], logStreamNames: ['s'], logStreamNamePrefixes: ['s'] },
    invalidParameter('Specify logStreamNames or logStreamNamePrefixes, not both.')),
  row('Live Tail with stream names over two groups', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN, `arn:aws:logs:us-east-1:123456789012:log-group:${SENTINEL}`], logStreamNames: ['s'] },
    invalidParameter('logStreamNames and logStreamNamePrefixes can be used only with exactly one log group identifier.')),
  row('Live Tail with a stream name holding a colon', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN], logStreamNames: ['a:b'] }, invalidParameter(validation('logStreamNames.member', 'a:b', STREAM_PATTERN))),
  row('Live Tail with a malformed filter pattern', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN], logEventFilterPattern: '{ $.a = ' },
    invalidParameter('Invalid filter pattern: a JSON pattern starting with "{" must end with "}".')),
  row('Live Tail with a pathological regular expression', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN], logEventFilterPattern: '%(a+)+$%' },
    invalidParameter('Invalid filter pattern: the regular expression %(a+)+$% is not supported: parentheses are not supported; CloudWatch regular expressions have no groups.')),
  row('Live Tail with a filter pattern of 1,025 characters', 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN], logEventFilterPattern: tooLongPattern },
    invalidParameter(validation('logEventFilterPattern', tooLongPattern, 'have length less than or equal to 1024'))),
  {
    name: 'Live Tail beyond the concurrent session limit',
    async send({ t }): Promise<RawResponse> {
      const saved = liveTailLimits.maxSessions;
      liveTailLimits.maxSessions = 0;
      try {
        return await logsRequest(t, 'StartLiveTail', { logGroupIdentifiers: [TARGET_ARN] });
      } finally {
        liveTailLimits.maxSessions = saved;
      }
    },
    expect: { status: 400, type: 'LimitExceededException', message: 'Too many concurrent Live Tail sessions: at most 0 may be open at once; close one and try again.' },
  },
];

badInputTable<Ctx>('CloudWatch Logs API', {
  async setup(start) {
    const t = await start();
    for (const group of [SENTINEL, TARGET]) {
      await t.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      await t.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    }
    await t.logs.send(new PutLogEventsCommand({
      logGroupName: SENTINEL, logStreamName: 's', logEvents: SENTINEL_MESSAGES.map((message, i) => ({ timestamp: now - 1000 + i, message })),
    }));
    const page = await t.logs.send(new FilterLogEventsCommand({ logGroupName: SENTINEL, limit: 1 }));
    const got = await t.logs.send(new GetLogEventsCommand({ logGroupName: SENTINEL, logStreamName: 's', startFromHead: true, limit: 1 }));
    assert.ok(page.nextToken && got.nextForwardToken);
    return { t, sentinelFilterToken: page.nextToken, sentinelStreamToken: got.nextForwardToken };
  },
  async intact({ t }) {
    const messages: (string | undefined)[] = [];
    let nextToken: string | undefined;
    do {
      const page = await t.logs.send(new FilterLogEventsCommand({ logGroupName: SENTINEL, nextToken }));
      messages.push(...(page.events ?? []).map((e) => e.message));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(messages, SENTINEL_MESSAGES, 'the sentinel group keeps every event');
    const target = await t.logs.send(new GetLogEventsCommand({ logGroupName: TARGET, logStreamName: 's' }));
    assert.deepEqual(target.events, [], 'no refused batch left events behind');
  },
  cases,
});
