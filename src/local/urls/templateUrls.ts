import type { LambdaStore } from '../lambda/store';
import type { TemplateReport } from '../lambda/templates';
import { checkUrlQualifier, readTemplateUrlConfig } from './config';
import type { UrlStore } from './store';

/**
 * Applies the templates' function URLs at every start: a URL a template declares gets its settings
 * from the template (keeping the address it had), a problem is a template error with its line,
 * and the URLs a template made before but declares no more are removed.
 */
export function applyTemplateUrls(report: TemplateReport, store: LambdaStore, urls: UrlStore): void {
  const declared = new Set<string>();
  for (const u of report.functionUrls) {
    try {
      const fn = store.find(u.functionName);
      if (!fn) {
        // A function the template declares but could not load says why itself.
        if (report.functions.includes(u.functionName) || report.errors.some((e) => e.file === u.file && e.message.includes(u.functionName))) continue;
        throw new Error(`TargetFunctionArn names ${u.functionName}, which is no function of the Local Lambda.`);
      }
      checkUrlQualifier(u.qualifier);
      if (u.qualifier !== undefined && !fn.aliases.some((a) => a.name === u.qualifier)) {
        throw new Error(`the alias ${u.qualifier} of ${fn.name} does not exist on the Local Lambda.`);
      }
      const key = `${u.functionName}\n${u.qualifier ?? ''}`;
      if (declared.has(key)) throw new Error(`${u.functionName}${u.qualifier ? `:${u.qualifier}` : ''} already has a function URL declared in a template.`);
      const settings = readTemplateUrlConfig(u.settings);
      urls.create(u.functionName, u.qualifier, settings, u.file);
      declared.add(key);
    } catch (err) {
      report.errors.push({ file: u.file, line: u.line, message: `${u.logicalId}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const readFiles = new Set(report.templates);
  urls.pruneTemplateUrls((u) => declared.has(`${u.functionName}\n${u.qualifier ?? ''}`) || !readFiles.has(u.template ?? ''));
}
