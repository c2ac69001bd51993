import * as path from 'node:path';
import { readFolderTemplates } from '../../workbench/samTemplates';
import { templateFunction, type TemplateFunction } from './plan';

/**
 * The functions of a folder's SAM templates as a deploy sees them, named as the Local Lambda
 * names them. A template that cannot be read is reported and left out.
 */
export async function readTemplateFunctions(
  folder: string,
  parameterOverrides: Readonly<Record<string, string>>,
  reportProblem: (templateFile: string, message: string) => void,
): Promise<TemplateFunction[]> {
  const templates = await readFolderTemplates(folder, parameterOverrides, reportProblem);
  const out: TemplateFunction[] = [];
  for (const t of templates) {
    if (t.read.problem) {
      reportProblem(t.file, t.read.problem.message);
      continue;
    }
    const dir = path.dirname(t.file);
    for (const fn of t.read.template.functions) {
      out.push(templateFunction(fn, t.file, t.stackName, (relative) => path.resolve(dir, relative)));
    }
  }
  return out;
}
