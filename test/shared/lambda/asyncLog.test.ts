import * as assert from 'node:assert/strict';
import { asyncAttemptLine, destinationLine, parseAsyncLogLine } from '../../../src/shared/lambda/asyncLog';
import { destinationProblem, parseDestinationArn } from '../../../src/shared/lambda/eventInvoke';

describe('asynchronous invocation log lines', () => {
  const id = '8f5c1a2e-1b3c-4d5e-9f00-0123456789ab';

  it('reads back the attempt and destination lines it writes', () => {
    assert.equal(asyncAttemptLine(id, 2, 3), `ASYNC RequestId: ${id} Attempt: 2 of 3`);
    assert.deepEqual(parseAsyncLogLine(asyncAttemptLine(id, 2, 3)), { kind: 'attempt', requestId: id, attempt: 2, of: 3 });
    const arn = 'arn:aws:sqs:us-east-1:123456789012:failed';
    assert.equal(destinationLine(id, 'OnFailure', arn, 'RetriesExhausted'), `DESTINATION RequestId: ${id} OnFailure: ${arn} Condition: RetriesExhausted`);
    assert.deepEqual(parseAsyncLogLine(`${destinationLine(id, 'OnFailure', arn, 'RetriesExhausted')}\n`),
      { kind: 'destination', requestId: id, destinationKind: 'OnFailure', destination: arn, condition: 'RetriesExhausted' });
  });

  it('leaves other lines alone, long ones too, without slowing down', () => {
    for (const line of ['START RequestId: x Version: $LATEST', 'ASYNC RequestId: x Attempt: two of 3', 'DESTINATION RequestId: x OnSomething: a Condition: Success', '']) {
      assert.equal(parseAsyncLogLine(line), undefined, line);
    }
    const started = Date.now();
    assert.equal(parseAsyncLogLine(`DESTINATION RequestId: ${' '.repeat(100_000)}`), undefined);
    assert.equal(parseAsyncLogLine(`ASYNC RequestId: ${'a'.repeat(500)} Attempt: 1 of`), undefined);
    assert.ok(Date.now() - started < 50);
  });
});

describe('destination ARNs', () => {
  it('knows each kind of destination and what it may be', () => {
    assert.deepEqual(parseDestinationArn('arn:aws:lambda:us-east-1:123456789012:function:sink:live'),
      { type: 'Lambda', partition: 'aws', region: 'us-east-1', accountId: '123456789012', name: 'sink', qualifier: 'live' });
    assert.equal(parseDestinationArn('arn:aws:events:eu-west-1:123456789012:event-bus/default')?.type, 'EventBridge');
    assert.equal(parseDestinationArn('arn:aws:sns:us-east-1:123456789012:topic')?.type, 'SNS');
    assert.equal(parseDestinationArn('arn:aws:s3:::my-bucket')?.type, 'S3');
    assert.equal(destinationProblem('arn:aws:s3:::my-bucket', 'OnFailure'), undefined);
    assert.equal(destinationProblem('arn:aws:s3:::my-bucket', 'OnSuccess'), 'The destination ARN arn:aws:s3:::my-bucket is an S3 bucket; S3 buckets can only be OnFailure destinations.');
    assert.match(destinationProblem('arn:aws:dynamodb:us-east-1:123456789012:table/t', 'OnSuccess') ?? '', /^The destination ARN .+ is invalid: give the ARN of a Lambda function, an SQS queue, an SNS topic, an EventBridge event bus\.$/);
    assert.match(destinationProblem('arn:aws:sqs:us-east-1:123456789012:q.fifo', 'OnFailure') ?? '', /FIFO queue/);
  });
});
