import type { AliasConfiguration, FunctionConfiguration, GetFunctionResponse, LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient } from './clients';
import type { ConnectionSpec } from './connections';
import { toWorkbenchError, type ErrorContext } from './errors';

export type { AliasConfiguration, FunctionConfiguration, GetFunctionResponse };

export interface FunctionPage {
  functions: FunctionConfiguration[];
  /** Absent on the last page. */
  nextMarker?: string;
}

/** Lambda caps ListFunctions and ListVersionsByFunction at 50 items a page. */
export const MAX_PAGE_SIZE = 50;
/** Upper bound on pages walked for versions/aliases, so a misbehaving endpoint can't loop forever. */
const MAX_PAGES = 200;

/** Typed Lambda operations for one connection and region; every error is a WorkbenchError. */
export class LambdaApi {
  private client?: Promise<LambdaClient>;
  private readonly errorContext: ErrorContext;

  constructor(
    readonly spec: ConnectionSpec,
    readonly region: string,
  ) {
    this.errorContext = { profile: spec.profile?.name, sso: spec.profile?.sso, endpoint: spec.endpoint, region };
  }

  private async call<T>(run: (client: LambdaClient, sdk: typeof import('@aws-sdk/client-lambda')) => Promise<T>): Promise<T> {
    try {
      this.client ??= createLambdaClient(this.spec, this.region).catch((error: unknown) => {
        this.client = undefined; // let the next call try again
        throw error;
      });
      const [client, sdk] = await Promise.all([this.client, import('@aws-sdk/client-lambda')]);
      return await run(client, sdk);
    } catch (error) {
      throw toWorkbenchError(error, this.errorContext);
    }
  }

  /** Resolves the connection's credentials; throws a CredentialsError when they are missing or expired. */
  async checkCredentials(): Promise<void> {
    await this.call(async (client) => {
      await client.config.credentials();
    });
  }

  listFunctionsPage(marker: string | undefined, maxItems: number): Promise<FunctionPage> {
    const pageSize = Math.min(Math.max(1, Math.floor(maxItems)), MAX_PAGE_SIZE);
    return this.call(async (client, sdk) => {
      const out = await client.send(new sdk.ListFunctionsCommand({ Marker: marker, MaxItems: pageSize }));
      return { functions: out.Functions ?? [], nextMarker: out.NextMarker || undefined };
    });
  }

  /** All versions, `$LATEST` first as Lambda lists them. */
  listVersions(functionName: string): Promise<FunctionConfiguration[]> {
    return this.call(async (client, sdk) => {
      const versions: FunctionConfiguration[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker, MaxItems: MAX_PAGE_SIZE }));
        versions.push(...(out.Versions ?? []));
        marker = out.NextMarker || undefined;
        if (!marker) break;
      }
      return versions;
    });
  }

  listAliases(functionName: string): Promise<AliasConfiguration[]> {
    return this.call(async (client, sdk) => {
      const aliases: AliasConfiguration[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: MAX_PAGE_SIZE }));
        aliases.push(...(out.Aliases ?? []));
        marker = out.NextMarker || undefined;
        if (!marker) break;
      }
      return aliases;
    });
  }

  getFunction(functionName: string, qualifier?: string): Promise<GetFunctionResponse> {
    return this.call((client, sdk) => client.send(new sdk.GetFunctionCommand({ FunctionName: functionName, Qualifier: qualifier })));
  }

  dispose(): void {
    void this.client?.then((c) => c.destroy()).catch(() => undefined);
    this.client = undefined;
  }
}
