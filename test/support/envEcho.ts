import { strToU8, zipSync } from 'fflate';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** A Node.js function that answers with the environment variables named in `event.names`. */
export function envEchoZip(): Uint8Array {
  const source = 'export const handler = async (event) => Object.fromEntries((event?.names ?? []).map((n) => [n, process.env[n] ?? null]));\n';
  return zipSync({ 'index.mjs': strToU8(source) });
}

/** Creates an env-echo function with the given variables. */
export async function createEnvEchoFunction(client: LambdaClient, name: string, variables: Record<string, string>): Promise<void> {
  const { CreateFunctionCommand } = await import('@aws-sdk/client-lambda');
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: envEchoZip() },
      Environment: { Variables: variables },
    }),
  );
}

/** Invokes an env-echo function and returns the values it sees. */
export async function readEnvThroughInvoke(client: LambdaClient, name: string, names: string[]): Promise<Record<string, string | null>> {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ names }) }));
  const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
  if (out.FunctionError) throw new Error(`the function failed: ${text}`);
  return JSON.parse(text) as Record<string, string | null>;
}
