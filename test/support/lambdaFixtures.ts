import { zipSync, strToU8 } from 'fflate';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** A one-file Node.js function package (index.mjs exporting handler). */
export function tinyNodeZip(): Uint8Array {
  return zipSync({ 'index.mjs': strToU8('export const handler = async (event) => ({ ok: true, event });\n') });
}

/** Creates `count` functions named `<prefix>-NNN` (zero-padded, so names sort in creation order). */
export async function createFunctions(client: LambdaClient, prefix: string, count: number): Promise<string[]> {
  const { CreateFunctionCommand } = await import('@aws-sdk/client-lambda');
  const zip = tinyNodeZip();
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  for (const name of names) {
    await client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::123456789012:role/lambda-role',
        Code: { ZipFile: zip },
      }),
    );
  }
  return names;
}
