import { parseDocument, type Tags } from 'yaml';
import { runtimeLanguage, type HandlerLanguage } from '../handlers';

/**
 * The functions a SAM / CloudFormation template defines, as far as finding their handler in
 * source needs: name, Handler, Runtime and the local code folder (CodeUri). Text in, data out.
 */

export interface TemplateFunction {
  logicalId: string;
  /** `FunctionName` when it is a plain string, else the logical id (as the Local Lambda names it). */
  functionName: string;
  handler: string;
  runtime?: string;
  /** From the runtime; undefined when the template names none (the file's extension decides). */
  language?: HandlerLanguage;
  /** Code folder relative to the template's folder (POSIX), e.g. "hello-node/" or ".". */
  codeUri: string;
}

export interface TemplateParseResult {
  functions: TemplateFunction[];
  /** Why the template could not be read; functions is then empty. */
  error?: string;
}

const SHORT_TAGS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'Join', 'If', 'Select', 'Split', 'FindInMap', 'Base64', 'Equals', 'Not',
  'And', 'Or', 'ImportValue', 'GetAZs', 'Cidr', 'Transform', 'ToJsonString', 'Length'];

/** CloudFormation short forms (`!Ref x`, `!Sub [..]`, `!GetAtt a.b`) become their long forms. */
const CLOUDFORMATION_TAGS: Tags = SHORT_TAGS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => ({ [key]: value }) },
    { tag, collection: 'seq' as const, resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) },
    { tag, collection: 'map' as const, resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) },
  ];
});

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

export function parseSamTemplate(text: string): TemplateParseResult {
  let data: unknown;
  try {
    const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      return { functions: [], error: `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}` };
    }
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { functions: [], error: (error as Error).message };
  }
  const template = asRecord(data);
  const resources = asRecord(template.Resources);
  const globals = asRecord(asRecord(template.Globals).Function);
  const functions: TemplateFunction[] = [];

  for (const [logicalId, value] of Object.entries(resources)) {
    const resource = asRecord(value);
    const props = asRecord(resource.Properties);
    let codeUri: string | undefined;
    let handler: string | undefined;
    let runtime: string | undefined;
    if (resource.Type === 'AWS::Serverless::Function') {
      if ((props.PackageType ?? globals.PackageType) === 'Image' || props.InlineCode !== undefined) continue;
      const uri = props.CodeUri ?? globals.CodeUri;
      // An S3 location object or an intrinsic has no folder in the workspace; a missing CodeUri means the template's folder.
      codeUri = uri === undefined ? '.' : asString(uri);
      handler = asString(props.Handler ?? globals.Handler);
      runtime = asString(props.Runtime ?? globals.Runtime);
    } else if (resource.Type === 'AWS::Lambda::Function') {
      // Only `Code: ./folder` (packaged by the CLI) points at local code.
      codeUri = asString(props.Code);
      handler = asString(props.Handler);
      runtime = asString(props.Runtime);
    } else {
      continue;
    }
    if (!codeUri || !handler || /^s3:\/\//i.test(codeUri)) continue;
    const language = runtimeLanguage(runtime);
    if (runtime && !language) continue; // Java, .NET, Go, custom runtimes: no lenses
    functions.push({
      logicalId,
      functionName: asString(props.FunctionName) ?? logicalId,
      handler,
      runtime,
      language,
      codeUri: codeUri.replace(/\\/g, '/'),
    });
  }
  return { functions };
}
