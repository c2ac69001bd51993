/**
 * Reads the Dockerfile of a `PackageType: Image` function to see whether it is a zip function
 * in disguise: an AWS Lambda base image for Node.js or Python, files copied into /var/task,
 * dependencies installed with npm or pip, environment variables and a handler. Such a function
 * runs on the Local Lambda without a container; anything else needs a container runtime, and
 * the first line that does is named. Text in, plan out: no file access.
 */

export const TASK_ROOT = '/var/task';

export interface ImageCopy {
  line: number;
  /** Paths (or patterns) relative to the build context, POSIX separators, as written. */
  sources: string[];
  /** Absolute path in the image, under /var/task. */
  dest: string;
  /** The destination is a folder (it ends with "/", or there are several sources or patterns). */
  destIsDir: boolean;
  instruction: 'COPY' | 'ADD';
}

export interface ImageInstall {
  line: number;
  tool: 'npm' | 'pip';
  /** The command as written (exec form joined with spaces). */
  command: string;
  /** The image folder it runs in (WORKDIR at that point). */
  workdir: string;
}

export interface ImagePlan {
  /** The Lambda runtime the base image stands for: nodejs20.x, python3.12, … */
  runtime: string;
  baseImage: string;
  /** The line of FROM. */
  fromLine: number;
  copies: ImageCopy[];
  installs: ImageInstall[];
  environment: Record<string, string>;
  /** CMD: the handler first. */
  command?: string[];
  /** WORKDIR at the end (the folder CMD runs in). */
  workdir: string;
}

export interface UnsupportedLine {
  line: number;
  /** The instruction as written, shortened. */
  text: string;
  reason: string;
}

export type DockerfileReading = { plan: ImagePlan; unsupported?: undefined } | { plan?: undefined; unsupported: UnsupportedLine };

interface Instruction {
  line: number;
  keyword: string;
  args: string;
  text: string;
}

/** Joins continued lines (ending with the escape character) and drops comments and blank lines. */
function instructions(source: string): Instruction[] {
  const lines = source.split(/\r?\n/);
  let escape = '\\';
  // Parser directives come first, before any instruction or other comment.
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape') escape = directive[2];
  }
  const out: Instruction[] = [];
  let pending: { line: number; parts: string[] } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!pending && (trimmed === '' || trimmed.startsWith('#'))) return;
    // Inside a continued instruction, comment lines and empty lines are skipped.
    if (pending && (trimmed.startsWith('#') || trimmed === '')) return;
    const continued = trimmed.endsWith(escape);
    const part = continued ? trimmed.slice(0, -escape.length) : trimmed;
    pending ??= { line: index + 1, parts: [] };
    pending.parts.push(part);
    if (continued) return;
    const text = pending.parts.join(' ').trim();
    const match = /^(\S+)\s*(.*)$/s.exec(text)!;
    out.push({ line: pending.line, keyword: match[1].toUpperCase(), args: match[2].trim(), text });
    pending = undefined;
  });
  if (pending) {
    const text = pending.parts.join(' ').trim();
    const match = /^(\S+)\s*(.*)$/s.exec(text)!;
    out.push({ line: pending.line, keyword: match[1].toUpperCase(), args: match[2].trim(), text });
  }
  return out;
}

/** Shell-like words: quotes group, backslash escapes. */
function words(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(current);
      current = '';
      has = false;
    } else {
      current += ch;
      has = true;
    }
  }
  if (has) out.push(current);
  return out;
}

/** The exec form (`["a", "b"]`), or undefined when the arguments are in shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alternative}`, as Docker expands them in COPY, ADD, ENV and WORKDIR. */
function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (whole === '\\$') return '$';
      const value = env[(braced ?? bare)!];
      if (op === '-') return value ? value : word ?? '';
      if (op === '+') return value ? word ?? '' : '';
      return value ?? '';
    });
}

/** A POSIX path made absolute against `base` and normalised ("." and ".." resolved). */
function absolute(target: string, base: string): string {
  const parts = (target.startsWith('/') ? target : `${base}/${target}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const insideTask = (p: string) => p === TASK_ROOT || p.startsWith(`${TASK_ROOT}/`);
const ARCHIVE = /\.(tar|tgz|tar\.gz|tar\.bz2|tbz2?|tar\.xz|txz)$/i;

/** `public.ecr.aws/lambda/nodejs:20…` → nodejs20.x, `public.ecr.aws/lambda/python:3.12…` → python3.12. */
function runtimeOfImage(image: string): string | undefined {
  const m = /^public\.ecr\.aws\/lambda\/(nodejs|python):(\d+(?:\.\d+)?)(?:[-.][A-Za-z0-9_.-]*)?$/.exec(image);
  if (!m) return undefined;
  if (m[1] === 'nodejs') return /^\d+$/.test(m[2]) ? `nodejs${m[2]}.x` : undefined;
  return /^3\.\d+$/.test(m[2]) ? `python${m[2]}` : undefined;
}

/** Whether a RUN command is a dependency install the Local Lambda can stand in for, and with what. */
function installTool(argv: readonly string[]): 'npm' | 'pip' | undefined {
  const [first, second, third, fourth] = argv;
  if (first === 'npm' && (second === 'install' || second === 'i' || second === 'ci')) return 'npm';
  if (/^(?:\/[^\s]*\/)?pip3?(?:\.\d+)?$/.test(first ?? '') && second === 'install') return 'pip';
  if (/^(?:\/[^\s]*\/)?python3?(?:\.\d+)?$/.test(first ?? '') && second === '-m' && third === 'pip' && fourth === 'install') return 'pip';
  return undefined;
}

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > 120 ? `${single.slice(0, 117)}...` : single;
}

/** Reads a Dockerfile; see the module comment. */
export function readDockerfile(source: string): DockerfileReading {
  const env: Record<string, string> = { LAMBDA_TASK_ROOT: TASK_ROOT, LAMBDA_RUNTIME_DIR: '/var/runtime' };
  const plan: Omit<ImagePlan, 'runtime' | 'baseImage' | 'fromLine'> = { copies: [], installs: [], environment: {}, workdir: TASK_ROOT };
  let from: { runtime: string; image: string; line: number } | undefined;
  const refuse = (ins: Instruction, reason: string): DockerfileReading => ({ unsupported: { line: ins.line, text: shorten(ins.text), reason } });

  const list = instructions(source);
  if (list.length === 0) return { unsupported: { line: 1, text: '', reason: 'the Dockerfile has no instructions' } };
  for (const ins of list) {
    if (!from) {
      if (ins.keyword !== 'FROM') return refuse(ins, 'comes before FROM (build arguments need a container build)');
      const [image, as, stage] = words(ins.args).filter((w) => !w.startsWith('--platform='));
      const runtime = image ? runtimeOfImage(image) : undefined;
      if (!runtime || (as !== undefined && (as.toLowerCase() !== 'as' || !stage))) {
        return refuse(ins, 'builds on an image other than public.ecr.aws/lambda/nodejs:<version> or public.ecr.aws/lambda/python:<version>');
      }
      from = { runtime, image, line: ins.line };
      continue;
    }
    switch (ins.keyword) {
      case 'FROM':
        return refuse(ins, 'starts a second build stage');
      case 'COPY':
      case 'ADD': {
        const exec = execForm(ins.args);
        const all = exec ?? words(ins.args);
        const flags = all.filter((w) => w.startsWith('--'));
        const rest = all.filter((w) => !w.startsWith('--'));
        if (flags.some((f) => /^--from(=|$)/.test(f))) return refuse(ins, 'copies from another build stage or image');
        if (flags.some((f) => !/^--(chown|chmod|link)(=|$)/.test(f))) return refuse(ins, `uses ${flags.find((f) => !/^--(chown|chmod|link)(=|$)/.test(f))}`);
        if (rest.length < 2) return refuse(ins, 'needs a source and a destination');
        const sources = rest.slice(0, -1).map((s) => expand(s, env));
        const destText = expand(rest[rest.length - 1], env);
        if (ins.keyword === 'ADD' && sources.some((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@'))) return refuse(ins, 'downloads its source');
        if (ins.keyword === 'ADD' && sources.some((s) => ARCHIVE.test(s))) return refuse(ins, 'unpacks an archive');
        const dest = absolute(destText, plan.workdir);
        if (!insideTask(dest)) return refuse(ins, `copies to ${dest}, outside the function's folder ${TASK_ROOT}`);
        const destIsDir = destText.endsWith('/') || destText === '.' || sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
        plan.copies.push({ line: ins.line, sources, dest, destIsDir, instruction: ins.keyword });
        break;
      }
      case 'RUN': {
        const exec = execForm(ins.args);
        const argv = exec ?? words(ins.args);
        if (!exec && /[;&|<>`]|\$\(/.test(ins.args.replace(/"[^"]*"|'[^']*'/g, ''))) {
          return refuse(ins, 'runs a shell command line, not one npm or pip install');
        }
        const tool = installTool(argv);
        if (!tool) return refuse(ins, 'runs a command other than npm install, npm ci or pip install');
        plan.installs.push({ line: ins.line, tool, command: argv.join(' '), workdir: plan.workdir });
        break;
      }
      case 'ENV': {
        const parts = words(ins.args);
        if (parts.length === 0) return refuse(ins, 'sets nothing');
        if (!parts[0].includes('=')) {
          // The old form: ENV NAME value with spaces.
          const value = expand(ins.args.slice(ins.args.indexOf(parts[0]) + parts[0].length).trim(), env);
          env[parts[0]] = value;
          plan.environment[parts[0]] = value;
          break;
        }
        const assignments: Array<[string, string]> = [];
        for (const part of words(ins.args)) {
          const eq = part.indexOf('=');
          if (eq <= 0) return refuse(ins, 'mixes NAME=value pairs with other words');
          assignments.push([part.slice(0, eq), expand(part.slice(eq + 1), env)]);
        }
        for (const [name, value] of assignments) {
          env[name] = value;
          plan.environment[name] = value;
        }
        break;
      }
      case 'WORKDIR': {
        const dir = absolute(expand(words(ins.args)[0] ?? '', env), plan.workdir);
        if (!insideTask(dir)) return refuse(ins, `works in ${dir}, outside the function's folder ${TASK_ROOT}`);
        plan.workdir = dir;
        break;
      }
      case 'CMD': {
        const exec = execForm(ins.args);
        const command = exec ?? words(ins.args);
        if (command.length === 0) return refuse(ins, 'names no handler');
        plan.command = command;
        break;
      }
      case 'LABEL':
        break;
      default:
        return refuse(ins, `uses ${ins.keyword}, which needs a container build`);
    }
  }
  if (!from) return { unsupported: { line: list[0].line, text: shorten(list[0].text), reason: 'has no FROM' } };
  return { plan: { ...plan, runtime: from.runtime, baseImage: from.image, fromLine: from.line } };
}

/** The sentence a refused Dockerfile gets; `file` as the user knows it (relative to the project). */
export function containerRuntimeMessage(file: string, line: UnsupportedLine): string {
  const where = line.text ? `${file}:${line.line} "${line.text}"` : `${file}:${line.line}`;
  return `PackageType Image needs a container runtime: ${where} ${line.reason}. Without one, the Local Lambda runs an ` +
    'image function only when its Dockerfile starts FROM public.ecr.aws/lambda/nodejs:<version> or ' +
    'public.ecr.aws/lambda/python:<version> and uses only COPY, ADD (local files), RUN npm install / npm ci / pip install, ENV, WORKDIR and CMD.';
}
