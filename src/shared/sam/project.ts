import type { TemplateProblem } from './cloudformation';
import { stackNameForTemplate } from './discovery';
import { FUNCTION_NAME_PATTERN } from '../lambda/limits';
import { generatedFunctionName, logicalIdProblem } from './names';
import { readSamConfig } from './samconfig';
import { readSamTemplate, type TemplateReadResult } from './template';

/**
 * The templates of one project folder read together, as the Local Lambda and CodeLens both
 * see them: each with its samconfig's parameter values and stack name, and with function
 * names that do not collide. A function without a FunctionName goes by its logical id, unless
 * that name is taken elsewhere in the project (the same logical id in a sibling template, or
 * another function's FunctionName): then it gets a name like CloudFormation's,
 * `<stack>-<LogicalId>-<SUFFIX>`, within 64 characters and the same on every read. Pure.
 */

export interface ProjectTemplateInput {
  /** The template's path as the caller names it (its folder names the stack). */
  file: string;
  /** Its path relative to the project folder, POSIX separators: tells apart templates alike. */
  relativeFile: string;
  text: string;
  /** The samconfig next to it (see SAMCONFIG_NAMES), if there is one. */
  samconfig?: { file: string; text: string };
}

export interface ProjectOptions {
  /** Values given by the user (command line, setting): over samconfig's, which are over the Defaults. */
  parameterOverrides?: Readonly<Record<string, string>>;
  region?: string;
  accountId?: string;
}

export interface ProjectTemplate {
  file: string;
  stackName: string;
  read: TemplateReadResult;
  /** The parameter values the template was read with (samconfig's, then the given ones). */
  parameterOverrides: Record<string, string>;
  /** Set when the samconfig could not be read; its values are then left out. */
  samconfigProblem?: TemplateProblem & { file: string };
}

/** Reads every template of a project; see the module comment for how functions are named. */
export async function readSamProject(inputs: readonly ProjectTemplateInput[], options: ProjectOptions = {}): Promise<ProjectTemplate[]> {
  const first = await Promise.all(inputs.map(async (input): Promise<ProjectTemplate & { input: ProjectTemplateInput }> => {
    let samconfigProblem: ProjectTemplate['samconfigProblem'];
    let fromConfig: Record<string, string> = {};
    let stackName = stackNameForTemplate(input.file);
    if (input.samconfig) {
      const config = await readSamConfig(input.samconfig.text, input.samconfig.file);
      if (config.problem) {
        samconfigProblem = { file: input.samconfig.file, ...config.problem };
      } else {
        fromConfig = config.config.parameterOverrides;
        stackName = config.config.stackName ?? stackName;
      }
    }
    const parameterOverrides = { ...fromConfig, ...options.parameterOverrides };
    const read = readSamTemplate(input.text, { stackName, parameterOverrides, region: options.region, accountId: options.accountId });
    return { input, file: input.file, stackName, read, parameterOverrides, ...(samconfigProblem ? { samconfigProblem } : {}) };
  }));

  // Which names are taken: every FunctionName, and each logical id used as a name, by how many templates.
  const given = new Set<string>();
  const byLogicalId = new Map<string, number>();
  for (const { read } of first) {
    for (const fn of read.template?.functions ?? []) {
      if (fn.nameSource === 'FunctionName') given.add(fn.functionName);
      else byLogicalId.set(fn.logicalId, (byLogicalId.get(fn.logicalId) ?? 0) + 1);
    }
  }
  return first.map(({ input, ...entry }) => {
    const functionNames: Record<string, string> = {};
    for (const fn of entry.read.template?.functions ?? []) {
      if (fn.nameSource === 'FunctionName' || logicalIdProblem(fn.logicalId)) continue;
      const collides = (byLogicalId.get(fn.logicalId) ?? 0) > 1 || given.has(fn.logicalId);
      if (collides || !FUNCTION_NAME_PATTERN.test(fn.logicalId)) {
        functionNames[fn.logicalId] = generatedFunctionName(entry.stackName, fn.logicalId, input.relativeFile);
      }
    }
    if (Object.keys(functionNames).length === 0) return entry;
    // Read again, so that Refs and GetAtts to the renamed functions give their new names.
    const read = readSamTemplate(input.text, {
      stackName: entry.stackName, parameterOverrides: entry.parameterOverrides, region: options.region, accountId: options.accountId, functionNames,
    });
    return { ...entry, read };
  });
}
