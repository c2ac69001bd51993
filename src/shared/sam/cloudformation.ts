import { LineCounter, Pair, Scalar, YAMLMap, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { indentFlowContinuations } from './flowIndent';

/**
 * CloudFormation template text: YAML (or JSON) with the short-form intrinsic tags, and the
 * intrinsic functions that can be evaluated without a deployed stack. Text in, data out.
 */

/** Short form → long form, for every intrinsic function that has a `!Tag`. */
const SHORT_FORMS: Readonly<Record<string, string>> = Object.fromEntries([
  ['Ref', 'Ref'], ['Condition', 'Condition'],
  ...['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
    'Select', 'Split', 'Sub', 'ToJsonString', 'Transform',
    // Rule functions, used in a template's Rules section.
    'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
  ].map((name) => [name, `Fn::${name}`]),
]);

/** `!GetAtt Resource.Attribute` splits at the first dot (attribute names may hold more dots). */
function getAttArgument(text: string): string[] {
  const dot = text.indexOf('.');
  return dot === -1 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * Turns each short form into its long form in the parsed document, before it becomes data:
 * `!Ref x` → `{Ref: x}`, `!GetAtt a.b` → `{"Fn::GetAtt": ["a", "b"]}`, `!Sub [..]` → `{"Fn::Sub": [..]}` …
 * Done on the document rather than by custom tags so anchors and aliases inside a tagged value
 * still resolve.
 */
function expandShortForms(doc: Document): void {
  visit(doc, {
    Node(_key, node) {
      if (!(isScalar(node) || isMap(node) || isSeq(node)) || !node.tag?.startsWith('!')) return undefined;
      const short = node.tag.slice(1);
      if (!Object.hasOwn(SHORT_FORMS, short)) return undefined;
      const key = SHORT_FORMS[short];
      node.tag = undefined;
      const inner: Node = key === 'Fn::GetAtt' && isScalar(node) ? doc.createNode(getAttArgument(String(node.value))) : node;
      const long = new YAMLMap(doc.schema);
      long.items.push(new Pair(new Scalar(key), inner));
      if (node.anchor) {
        long.anchor = node.anchor;
        node.anchor = undefined;
      }
      long.range = node.range;
      return long;
    },
  });
}

const INTRINSIC_KEYS = new Set([...Object.values(SHORT_FORMS)]);

/** `{ "Fn::X": … }` or `{ Ref: … }`: an object with one key that names an intrinsic function. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSIC_KEYS.has(keys[0]);
}

export interface TemplateProblem {
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

export interface TemplateDocument {
  /** The template as plain data, short forms turned into long forms. */
  data: Record<string, unknown>;
  /** 1-based line of each logical id under Resources. */
  resourceLines: ReadonlyMap<string, number>;
  /**
   * The 1-based line of the value at a path of keys and list indexes (["Resources", "Fn",
   * "Properties", "Layers", 1]); when only the start of the path exists, the line of its deepest
   * part, with `exact` false.
   */
  lineOf(path: readonly (string | number)[]): { line: number; exact: boolean } | undefined;
  /** Set when the template defines nothing: no Resources section, or an empty one. */
  empty?: TemplateProblem;
}

type Range = [number, number, number] | undefined;

/** Parses with the yaml package; a template it refuses only for flow-collection indentation is read as PyYAML reads it. */
function parseLeniently(text: string, lines: LineCounter): Document.Parsed {
  const options = { lineCounter: lines, prettyErrors: true, uniqueKeys: false } as const;
  const doc = parseDocument(text, options);
  if (doc.errors.length === 0) return doc;
  const indented = indentFlowContinuations(text);
  if (indented === undefined) return doc;
  const retryLines = new LineCounter();
  const retry = parseDocument(indented, { ...options, lineCounter: retryLines });
  if (retry.errors.length) return doc;
  // Same line breaks, so the retry's line counter stands for the original text.
  Object.assign(lines, { lineStarts: retryLines.lineStarts });
  return retry;
}

/**
 * Reads template text. Keys may repeat (the last wins, as CloudFormation reads them); anchors
 * and aliases are followed up to a bound, so a crafted template cannot blow up. An empty text,
 * or one without resources, is a template that defines nothing (`empty`), not a problem.
 */
export function parseTemplateText(text: string): { document: TemplateDocument } | { problem: TemplateProblem } {
  const lines = new LineCounter();
  let data: unknown;
  let doc: Document.Parsed;
  try {
    // Short-form tags are not known to the YAML parser (they only warn); expandShortForms reads them.
    doc = parseLeniently(text, lines);
    if (doc.errors.length) {
      const e = doc.errors[0];
      return { problem: { line: e.linePos?.[0].line, message: e.message.split('\n')[0] } };
    }
    expandShortForms(doc);
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problem: { message: (error as Error).message } };
  }
  const lineAt = (range: Range) => (range ? lines.linePos(range[0]).line : undefined);
  const lineOf = (path: readonly (string | number)[]) => {
    let node: unknown = doc.contents;
    let found: number | undefined;
    for (const [index, part] of path.entries()) {
      if (isMap(node)) {
        // The last of repeated keys counts, as in the data.
        let pair: (typeof node.items)[number] | undefined;
        for (const p of node.items) if (isScalar(p.key) && String(p.key.value) === String(part)) pair = p;
        if (!pair) return found === undefined ? undefined : { line: found, exact: false };
        found = lineAt((pair.key as { range?: Range }).range) ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
        node = node.items[part];
        found = lineAt((node as { range?: Range }).range) ?? found;
      } else {
        return found === undefined ? undefined : { line: found, exact: false };
      }
      if (index === path.length - 1 && found !== undefined) return { line: found, exact: true };
    }
    return found === undefined ? undefined : { line: found, exact: path.length === 0 };
  };
  if (data === null || data === undefined) {
    return { document: { data: {}, resourceLines: new Map(), lineOf, empty: { line: 1, message: 'The template is empty.' } } };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { problem: { line: 1, message: 'The template is not a YAML or JSON object.' } };
  }
  const resources = (data as { Resources?: unknown }).Resources;
  const resourcesLine = lineOf(['Resources'])?.line ?? 1;
  let empty: TemplateProblem | undefined;
  if (resources === undefined) {
    empty = { line: 1, message: 'The template has no Resources section.' };
  } else if (resources === null || (typeof resources === 'object' && !Array.isArray(resources) && Object.keys(resources).length === 0)) {
    empty = { line: resourcesLine, message: 'The template\'s Resources section is empty.' };
  } else if (typeof resources !== 'object' || Array.isArray(resources)) {
    return { problem: { line: resourcesLine, message: 'Resources must be a map of logical ids to resources.' } };
  }
  const resourceLines = new Map<string, number>();
  const node = doc.get('Resources', true);
  if (isMap(node)) {
    for (const pair of node.items) {
      const line = lineAt((pair.key as { range?: Range } | null)?.range);
      // A repeated logical id: the last one counts, as in the data.
      if (isScalar(pair.key) && line !== undefined) resourceLines.set(String(pair.key.value), line);
    }
  }
  return { document: { data: data as Record<string, unknown>, resourceLines, lineOf, ...(empty ? { empty } : {}) } };
}

/** Why a value cannot be known without deploying the template. */
export class IntrinsicError extends Error {
  override name = 'IntrinsicError';
}

/** What intrinsic functions can know locally. */
export interface EvaluationContext {
  stackName: string;
  region: string;
  accountId: string;
  partition: string;
  /** Parameter values; a declared parameter without a value is present as undefined. */
  parameters: Readonly<Record<string, unknown>>;
  /** What `Ref` gives for a resource known locally (a function's name …), by logical id. */
  refs: Readonly<Record<string, unknown>>;
  /** What `Fn::GetAtt` gives, by `LogicalId.Attribute` (a function's Arn, a version's Version …). */
  attributes: Readonly<Record<string, unknown>>;
  /** The template's Conditions section, unevaluated. */
  conditions: Readonly<Record<string, unknown>>;
  /** The template's Mappings section. */
  mappings: Readonly<Record<string, unknown>>;
}

/** `!Ref AWS::NoValue`: the property or list item is left out. */
const NO_VALUE = Symbol('AWS::NoValue');

function pseudoParameter(name: string, ctx: EvaluationContext): unknown {
  switch (name) {
    case 'AWS::Region': return ctx.region;
    case 'AWS::AccountId': return ctx.accountId;
    case 'AWS::StackName': return ctx.stackName;
    case 'AWS::StackId': return `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/local`;
    case 'AWS::Partition': return ctx.partition;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::NotificationARNs': return [];
    case 'AWS::NoValue': return NO_VALUE;
    default: return undefined;
  }
}

function ref(name: string, ctx: EvaluationContext): unknown {
  const pseudo = pseudoParameter(name, ctx);
  if (pseudo !== undefined) return pseudo;
  if (Object.hasOwn(ctx.parameters, name)) {
    const value = ctx.parameters[name];
    if (value === undefined) throw new IntrinsicError(`parameter ${name} has no Default and no value was given`);
    return value;
  }
  if (Object.hasOwn(ctx.refs, name)) return ctx.refs[name];
  throw new IntrinsicError(`cannot resolve Ref ${name} locally`);
}

function getAtt(resource: string, attribute: string, ctx: EvaluationContext): unknown {
  const key = `${resource}.${attribute}`;
  if (Object.hasOwn(ctx.attributes, key)) return ctx.attributes[key];
  throw new IntrinsicError(`cannot resolve GetAtt ${key} locally`);
}

function asList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new IntrinsicError(`${what} needs a list`);
  return value;
}

function asText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(`${what} needs a string, not ${Array.isArray(value) ? 'a list' : typeof value}`);
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function sub(arg: unknown, ctx: EvaluationContext, seen: Set<string>): string {
  const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [arg, {}];
  const text = asText(evaluateValue(template, ctx, seen), 'Fn::Sub');
  const local = evaluateValue(vars, ctx, seen) as Record<string, unknown>;
  return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    // `${!Literal}` writes `${Literal}`.
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const key = name.trim();
    if (local && Object.hasOwn(local, key)) return asText(local[key], `\${${key}}`);
    const dot = key.indexOf('.');
    const value = dot === -1 || key.startsWith('AWS::') ? ref(key, ctx) : getAtt(key.slice(0, dot), key.slice(dot + 1), ctx);
    return asText(value, whole);
  });
}

function condition(name: string, ctx: EvaluationContext, seen: Set<string>): boolean {
  if (!Object.hasOwn(ctx.conditions, name)) throw new IntrinsicError(`condition ${name} is not defined`);
  if (seen.has(name)) throw new IntrinsicError(`condition ${name} refers to itself`);
  const inner = new Set(seen).add(name);
  return truth(evaluateValue(ctx.conditions[name], ctx, inner), `condition ${name}`);
}

function truth(value: unknown, what: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new IntrinsicError(`${what} must be true or false`);
}

function findInMap(arg: unknown, ctx: EvaluationContext, seen: Set<string>): unknown {
  const [map, top, second, options] = asList(evaluateValue(arg, ctx, seen), 'Fn::FindInMap');
  const path = [map, top, second].map((part) => asText(part, 'Fn::FindInMap'));
  let value: unknown = ctx.mappings;
  for (const part of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  if (value !== undefined) return value;
  const fallback = (options as { DefaultValue?: unknown } | undefined)?.DefaultValue;
  if (fallback !== undefined) return fallback;
  throw new IntrinsicError(`Fn::FindInMap: ${path.join('.')} is not in Mappings`);
}

function intrinsic(key: string, arg: unknown, ctx: EvaluationContext, seen: Set<string>): unknown {
  switch (key) {
    case 'Ref':
      return ref(asText(arg, 'Ref'), ctx);
    case 'Condition':
      return condition(asText(arg, 'Condition'), ctx, seen);
    case 'Fn::GetAtt': {
      const [resource, attribute] = Array.isArray(arg) ? arg.map((a) => evaluateValue(a, ctx, seen)) : getAttArgument(asText(arg, 'Fn::GetAtt'));
      return getAtt(asText(resource, 'Fn::GetAtt'), asText(attribute, 'Fn::GetAtt'), ctx);
    }
    case 'Fn::Sub':
      return sub(arg, ctx, seen);
    case 'Fn::Join': {
      const [separator, list] = asList(arg, 'Fn::Join');
      const items = asList(evaluateValue(list, ctx, seen), 'Fn::Join');
      return items.map((item) => asText(item, 'Fn::Join')).join(asText(separator, 'Fn::Join'));
    }
    case 'Fn::Select': {
      const [index, list] = asList(arg, 'Fn::Select');
      const n = Number(evaluateValue(index, ctx, seen));
      const items = asList(evaluateValue(list, ctx, seen), 'Fn::Select');
      if (!Number.isInteger(n) || n < 0 || n >= items.length) throw new IntrinsicError(`Fn::Select: index ${String(index)} is outside the list`);
      return items[n];
    }
    case 'Fn::Split': {
      const [separator, text] = asList(arg, 'Fn::Split');
      return asText(evaluateValue(text, ctx, seen), 'Fn::Split').split(asText(separator, 'Fn::Split'));
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = asList(arg, 'Fn::If');
      return evaluateValue(condition(asText(name, 'Fn::If'), ctx, seen) ? whenTrue : whenFalse, ctx, seen);
    }
    case 'Fn::Equals': {
      const [a, b] = asList(arg, 'Fn::Equals').map((v) => evaluateValue(v, ctx, seen));
      return JSON.stringify(typeof a === 'number' ? String(a) : a) === JSON.stringify(typeof b === 'number' ? String(b) : b);
    }
    case 'Fn::Not':
      return !truth(evaluateValue(asList(arg, 'Fn::Not')[0], ctx, seen), 'Fn::Not');
    case 'Fn::And':
      return asList(arg, 'Fn::And').every((c) => truth(evaluateValue(c, ctx, seen), 'Fn::And'));
    case 'Fn::Or':
      return asList(arg, 'Fn::Or').some((c) => truth(evaluateValue(c, ctx, seen), 'Fn::Or'));
    case 'Fn::FindInMap':
      return findInMap(arg, ctx, seen);
    case 'Fn::Base64':
      return base64(asText(evaluateValue(arg, ctx, seen), 'Fn::Base64'));
    case 'Fn::ToJsonString':
      return JSON.stringify(evaluateValue(arg, ctx, seen));
    case 'Fn::Length':
      return asList(evaluateValue(arg, ctx, seen), 'Fn::Length').length;
    case 'Fn::ImportValue':
      throw new IntrinsicError('Fn::ImportValue needs another deployed stack; it is not evaluated locally');
    default:
      throw new IntrinsicError(`${key} is not evaluated locally`);
  }
}

function evaluateValue(value: unknown, ctx: EvaluationContext, seen: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, ctx, seen)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) {
    const [key, arg] = Object.entries(value)[0];
    return intrinsic(key, arg, ctx, seen);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const evaluated = evaluateValue(v, ctx, seen);
    if (evaluated !== NO_VALUE) out[k] = evaluated;
  }
  return out;
}

/**
 * Evaluates the intrinsic functions in a value that a local run can know: Ref (parameters,
 * pseudo parameters, resources in `ctx.refs`), Fn::GetAtt (`ctx.attributes`), Fn::Sub, Fn::Join,
 * Fn::Select, Fn::Split, Fn::If with Fn::Equals / Not / And / Or conditions, Fn::FindInMap,
 * Fn::Base64, Fn::ToJsonString and Fn::Length. Anything else throws an IntrinsicError saying why.
 * `!Ref AWS::NoValue` removes the property or list item; as the whole value it gives undefined.
 */
export function evaluate(value: unknown, ctx: EvaluationContext): unknown {
  const result = evaluateValue(value, ctx, new Set());
  return result === NO_VALUE ? undefined : result;
}

/** Whether a named condition holds; throws an IntrinsicError when it cannot be known locally. */
export function evaluateCondition(name: string, ctx: EvaluationContext): boolean {
  return condition(name, ctx, new Set());
}
