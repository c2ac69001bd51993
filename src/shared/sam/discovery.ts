/**
 * Where SAM / CloudFormation templates are found, as a rule over a folder's listing: the CodeLens
 * index and the Local Lambda look in the same places and name stacks the same way. Pure.
 */

/** The names a template may have, preferred first: a folder's template is the first that exists. */
export const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'] as const;

/**
 * SAM CLI's configuration files, looked for next to a template in this order (samconfig.yaml
 * and .yml only when there is no samconfig.toml): the first that exists is the project's.
 */
export const SAMCONFIG_NAMES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'] as const;

/** Sub-folders never searched for templates. */
function skipped(folder: string): boolean {
  return folder.startsWith('.') || folder === 'node_modules';
}

export interface ListedEntry {
  name: string;
  isDirectory: boolean;
}

/**
 * The template files to look for under a folder, given its listing: one group per folder (the
 * folder itself, then its immediate sub-folders sorted by name, without dot-folders and
 * node_modules), each group the candidate paths relative to the folder, best first. A folder's
 * template is the first candidate of its group that is a file.
 */
export function templateCandidates(entries: readonly ListedEntry[]): string[][] {
  const folders = entries
    .filter((e) => e.isDirectory && !skipped(e.name))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  return [[...TEMPLATE_NAMES], ...folders.map((folder) => TEMPLATE_NAMES.map((name) => `${folder}/${name}`))];
}

/** The stack a template stands for: the name of the folder holding it (what AWS::StackName gives). */
export function stackNameForTemplate(templateFile: string): string {
  const parts = templateFile.split(/[\\/]+/).filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : 'local';
}
