import * as assert from 'node:assert/strict';
import { lambdaRoles, roleArnProblem, roleNameProblem, suggestedRoleName } from '../../../src/features/deploy/roles';

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

/** The shape of an IAM ListRoles answer (as the SDK gives it): trust policies URL-encoded. */
const listRoles = {
  Roles: [
    {
      Path: '/', RoleName: 'orders-execution', RoleId: 'AROAEXAMPLE1', Arn: 'arn:aws:iam::123456789012:role/orders-execution',
      CreateDate: new Date('2024-03-01T10:00:00Z'), Description: 'Runs the orders functions', MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    },
    {
      Path: '/service-role/', RoleName: 'ec2-web', RoleId: 'AROAEXAMPLE2', Arn: 'arn:aws:iam::123456789012:role/service-role/ec2-web',
      CreateDate: new Date('2024-03-01T10:00:00Z'), MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    },
    {
      Path: '/', RoleName: 'edge-and-lambda', RoleId: 'AROAEXAMPLE3', Arn: 'arn:aws:iam::123456789012:role/edge-and-lambda',
      CreateDate: new Date('2024-03-01T10:00:00Z'), MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: ['edgelambda.amazonaws.com', 'lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] } }),
    },
    {
      Path: '/', RoleName: 'denied', RoleId: 'AROAEXAMPLE4', Arn: 'arn:aws:iam::123456789012:role/denied',
      CreateDate: new Date('2024-03-01T10:00:00Z'), MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    },
    { Path: '/', RoleName: 'garbled', RoleId: 'AROAEXAMPLE5', Arn: 'arn:aws:iam::123456789012:role/garbled', CreateDate: new Date(), AssumeRolePolicyDocument: '%7Bnot json' },
    { Path: '/', RoleName: 'federated', RoleId: 'AROAEXAMPLE6', Arn: 'arn:aws:iam::123456789012:role/federated', CreateDate: new Date(),
      AssumeRolePolicyDocument: enc({ Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] }) },
  ],
  IsTruncated: false,
};

describe('deploy/roles: the execution role picker', () => {
  it('offers only the roles whose trust policy lets Lambda assume them, by name', () => {
    assert.deepEqual(lambdaRoles(listRoles.Roles), [
      { name: 'edge-and-lambda', arn: 'arn:aws:iam::123456789012:role/edge-and-lambda' },
      { name: 'orders-execution', arn: 'arn:aws:iam::123456789012:role/orders-execution', description: 'Runs the orders functions' },
    ]);
  });

  it('reads a trust policy that is plain JSON too', () => {
    const plain = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    assert.equal(lambdaRoles([{ RoleName: 'p', Arn: 'arn:aws:iam::123456789012:role/p', AssumeRolePolicyDocument: plain }]).length, 1);
  });

  it('suggests and checks role names and ARNs', () => {
    assert.equal(suggestedRoleName('orders-api'), 'orders-api-execution');
    assert.equal(suggestedRoleName('x'.repeat(64)).length, 64);
    assert.equal(roleNameProblem('ok_name+1'), undefined);
    assert.match(roleNameProblem('has space') ?? '', /letters, digits/);
    assert.match(roleNameProblem('') ?? '', /name/);
    assert.equal(roleArnProblem('arn:aws:iam::123456789012:role/service-role/x'), undefined);
    assert.match(roleArnProblem('orders-execution') ?? '', /role ARN/);
  });
});
