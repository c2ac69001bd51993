import { parseDocument } from 'yaml';
import type { TemplateProblem } from './cloudformation';
import { ParameterOverrideError, parseParameterOverrides } from './parameters';

/**
 * SAM CLI's project configuration (see SAMCONFIG_NAMES in discovery.ts), next to the
 * template: the parameter values and the stack name a project deploys with. Pure: text in,
 * values out (the TOML parser, an ES module, loads on first use).
 */

/**
 * The commands whose `parameters` tables are read, later ones winning: SAM CLI takes a
 * command's own table over `global`; `deploy` holds what `sam deploy --guided` saved, and the
 * `build` and `local_*` tables are what the developer chose for building and running locally,
 * which is what the Local Lambda does.
 */
const COMMANDS = ['global', 'deploy', 'build', 'local_start_api', 'local_invoke', 'local_start_lambda'] as const;
const ENVIRONMENT = 'default';

export interface SamConfig {
  /** The `default` environment's parameter_overrides, merged over its commands. */
  parameterOverrides: Record<string, string>;
  /** Its stack_name, when it gives one. */
  stackName?: string;
}

const table = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** 1-based line of the first line holding `key`, for messages about a value that is read but wrong. */
function lineOfKey(text: string, key: string): number | undefined {
  const index = text.split('\n').findIndex((line) => new RegExp(`^\\s*${key}\\s*[=:]`).test(line));
  return index === -1 ? undefined : index + 1;
}

/** Reads a samconfig file's text; `fileName` says which format it is (by its extension). */
export async function readSamConfig(text: string, fileName: string): Promise<{ config: SamConfig; problem?: undefined } | { config?: undefined; problem: TemplateProblem }> {
  let data: unknown;
  if (/\.toml$/i.test(fileName)) {
    const toml = await import('smol-toml');
    try {
      data = toml.parse(text);
    } catch (error) {
      const line = error instanceof toml.TomlError ? error.line : undefined;
      return { problem: { line, message: `not valid TOML: ${(error as Error).message.split('\n')[0]}` } };
    }
  } else {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      return { problem: { line: e.linePos?.[0].line, message: `not valid YAML: ${e.message.split('\n')[0]}` } };
    }
    data = doc.toJS({ maxAliasCount: 100 });
  }
  const environment = table(table(data)[ENVIRONMENT]);
  const config: SamConfig = { parameterOverrides: {} };
  for (const command of COMMANDS) {
    const parameters = table(table(environment[command]).parameters);
    const overrides = parameters.parameter_overrides;
    if (overrides !== undefined) {
      const list = Array.isArray(overrides) ? overrides : [overrides];
      if (!list.every((item) => typeof item === 'string')) {
        return { problem: { line: lineOfKey(text, 'parameter_overrides'), message: `${ENVIRONMENT}.${command}.parameters.parameter_overrides must be a string or a list of strings` } };
      }
      try {
        Object.assign(config.parameterOverrides, parseParameterOverrides(list as string[]));
      } catch (error) {
        if (!(error instanceof ParameterOverrideError)) throw error;
        return { problem: { line: lineOfKey(text, 'parameter_overrides'), message: `${ENVIRONMENT}.${command}.parameters.parameter_overrides: ${error.message}` } };
      }
    }
    if (typeof parameters.stack_name === 'string' && parameters.stack_name.trim()) config.stackName = parameters.stack_name.trim();
  }
  return { config };
}
