import { parseLayerArn } from '../shared/lambda/arn';
import { ParameterOverrideError, parameterOverridesFromJson, parseParameterOverrides } from '../shared/sam/parameters';

/**
 * The Local Lambda's command-line values that take SAM's forms, with their environment
 * variables (which the extension may set instead): parameter overrides and layer folders.
 * Each throws an Error whose message is what the user sees.
 */

/** `--layer ARN=folder` values and LOCAL_LAMBDA_LAYERS, as one mapping; throws with the message to show. */
export function layerMappings(flags: readonly string[], envText: string | undefined): Record<string, string> {
  const mappings: Record<string, string> = {};
  const add = (arn: string, folder: string, what: string) => {
    if (!parseLayerArn(arn)) {
      throw new Error(`${what}: "${arn}" is not a layer ARN (arn:aws:lambda:<region>:<account>:layer:<name>[:<version>]).`);
    }
    if (!folder.trim()) throw new Error(`${what}: the folder for ${arn} is empty.`);
    mappings[arn] = folder;
  };
  if (envText !== undefined && envText.trim() !== '') {
    let value: unknown;
    try {
      value = JSON.parse(envText);
    } catch (err) {
      throw new Error(`LOCAL_LAMBDA_LAYERS is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('LOCAL_LAMBDA_LAYERS must be a JSON object of layer ARNs to folders, such as {"arn:aws:lambda:us-east-1:123456789012:layer:tools:3":"./layers/tools"}.');
    }
    for (const [arn, folder] of Object.entries(value)) {
      if (typeof folder !== 'string') throw new Error(`LOCAL_LAMBDA_LAYERS: the folder for ${arn} must be a string.`);
      add(arn, folder, 'LOCAL_LAMBDA_LAYERS');
    }
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq === -1) throw new Error(`--layer ${flag}: give the layer ARN and a folder as ARN=folder.`);
    add(flag.slice(0, eq), flag.slice(eq + 1), `--layer ${flag}`);
  }
  return mappings;
}

/** `--parameter-overrides` values over LOCAL_LAMBDA_PARAMETER_OVERRIDES; throws with the message to show. */
export function parameterOverrides(flags: readonly string[], envText: string | undefined): Record<string, string> {
  try {
    const fromEnv = envText !== undefined && envText.trim() !== '' ? parameterOverridesFromJson(envText, 'LOCAL_LAMBDA_PARAMETER_OVERRIDES') : {};
    return { ...fromEnv, ...parseParameterOverrides(flags) };
  } catch (err) {
    if (err instanceof ParameterOverrideError) throw new Error(`--parameter-overrides: ${err.message}`, { cause: err });
    throw err;
  }
}
