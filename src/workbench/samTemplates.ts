import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SAMCONFIG_NAMES, templateCandidates } from '../shared/sam/discovery';
import type { ProjectTemplate } from '../shared/sam/project';

/**
 * The SAM templates of a folder, found and read the way the Local Lambda finds and reads them
 * (shared/sam): for the handler CodeLens and the tree's template triggers. Node file access only.
 */

/** What the Local Lambda reads of a template at most (far above CloudFormation's own limit), so reading stays bounded here too. */
const MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;

async function isFile(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat?.isFile() ?? false;
}

export async function findTemplateFiles(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const group of templateCandidates(entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() })))) {
    for (const relative of group) {
      const file = path.join(folder, relative);
      if (await isFile(file)) {
        found.push(file);
        break;
      }
    }
  }
  return found;
}

/**
 * Reads every template of the folder as one project (so functions get the names the Local Lambda
 * gives them), each with the samconfig beside it. A file that cannot be read is reported and left out.
 */
export async function readFolderTemplates(
  folder: string,
  parameterOverrides: Readonly<Record<string, string>>,
  reportProblem: (templateFile: string, message: string) => void,
): Promise<ProjectTemplate[]> {
  // Imported here, not at the top, so the YAML parser loads only once a template is read.
  const { readSamProject } = await import('../shared/sam/project.js');
  const inputs: Array<{ file: string; relativeFile: string; text: string; samconfig?: { file: string; text: string } }> = [];
  for (const templateFile of await findTemplateFiles(folder)) {
    let text: string;
    try {
      const { size } = await fs.stat(templateFile);
      if (size > MAX_TEMPLATE_BYTES) {
        reportProblem(templateFile, `the template holds ${size} bytes, more than the ${MAX_TEMPLATE_BYTES} read; it was skipped`);
        continue;
      }
      text = await fs.readFile(templateFile, 'utf8');
    } catch (error) {
      reportProblem(templateFile, (error as Error).message);
      continue;
    }
    let samconfig: { file: string; text: string } | undefined;
    for (const name of SAMCONFIG_NAMES) {
      const file = path.join(path.dirname(templateFile), name);
      const configText = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (configText !== undefined) {
        samconfig = { file, text: configText };
        break;
      }
    }
    inputs.push({ file: templateFile, relativeFile: path.relative(folder, templateFile).split(path.sep).join('/'), text, samconfig });
  }
  return readSamProject(inputs, { parameterOverrides });
}
