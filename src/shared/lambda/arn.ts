/** Lambda ARNs, and the account and region the Local Lambda answers as. Pure. */

/** The Local Lambda serves one region of one account. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';

export interface ArnScope {
  region: string;
  accountId: string;
  /** "aws" unless given. */
  partition?: string;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function lambdaFunctionArn(scope: ArnScope, name: string, qualifier?: string): string {
  return `arn:${scope.partition ?? 'aws'}:lambda:${scope.region}:${scope.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}
