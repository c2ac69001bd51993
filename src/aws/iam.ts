import type { IAMClient, Role } from '@aws-sdk/client-iam';
import { credentialsFor, type ConnectionSpec } from './connections';
import { toWorkbenchError, WorkbenchError, type ErrorContext } from './errors';

export type { Role };

/** The managed policy that lets a function write its logs, and nothing else. */
export const BASIC_EXECUTION_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** The trust policy of a role Lambda may assume. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** ListRoles pages walked at most (1,000 roles each). */
const MAX_PAGES = 20;

/**
 * The IAM operations a deploy needs: list the roles, create an execution role. The client (and
 * the SDK) loads on first use, so activation does not pay for it. IAM is global: the region only
 * picks the endpoint a custom connection answers on.
 */
export class IamApi {
  private client?: Promise<IAMClient>;
  private readonly errorContext: ErrorContext;

  constructor(
    readonly spec: ConnectionSpec,
    readonly region: string,
  ) {
    this.errorContext = { profile: spec.profile?.name, sso: spec.profile?.sso, endpoint: spec.endpoint, region };
  }

  private async call<T>(operation: string, run: (client: IAMClient, sdk: typeof import('@aws-sdk/client-iam')) => Promise<T>): Promise<T> {
    try {
      this.client ??= (async () => {
        const [{ IAMClient }, credentials] = await Promise.all([import('@aws-sdk/client-iam'), credentialsFor(this.spec)]);
        return new IAMClient({ region: this.region, endpoint: this.spec.endpoint, credentials, maxAttempts: this.spec.kind === 'profile' ? 3 : 1 });
      })().catch((error: unknown) => {
        this.client = undefined;
        throw error;
      });
      const [client, sdk] = await Promise.all([this.client, import('@aws-sdk/client-iam')]);
      return await run(client, sdk);
    } catch (error) {
      const mapped = toWorkbenchError(error, { ...this.errorContext, operation });
      if (mapped.kind === 'accessDenied') {
        throw new WorkbenchError('accessDenied', `${mapped.message} (this needs the IAM permission iam:${operation})`, error);
      }
      throw mapped;
    }
  }

  /** Every role of the account (paged by Marker). */
  listRoles(): Promise<Role[]> {
    return this.call('ListRoles', async (client, sdk) => {
      const roles: Role[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListRolesCommand({ Marker: marker, MaxItems: 1000 }));
        roles.push(...(out.Roles ?? []));
        marker = out.IsTruncated ? out.Marker : undefined;
        if (!marker) break;
      }
      return roles;
    });
  }

  /** Creates a role Lambda may assume, with the basic execution policy attached; resolves with its ARN. */
  async createExecutionRole(roleName: string, description: string): Promise<string> {
    const role = await this.call('CreateRole', (client, sdk) =>
      client.send(new sdk.CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Description: description })),
    );
    const arn = role.Role?.Arn;
    if (!arn) throw new WorkbenchError('service', `IAM created ${roleName} but gave no ARN for it.`);
    await this.call('AttachRolePolicy', (client, sdk) =>
      client.send(new sdk.AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: BASIC_EXECUTION_POLICY_ARN })),
    );
    return arn;
  }

  dispose(): void {
    void this.client?.then((c) => c.destroy()).catch(() => undefined);
    this.client = undefined;
  }
}
