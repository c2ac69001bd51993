import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describeJsonProblem, findJsonProblem } from '../../shared/json';

/**
 * Saved test events, kept in the workspace at `.lambda-workbench/events/<function>/<name>.json`
 * so a team shares them through version control. Plain Node file access below an injected
 * workspace folder; nothing here depends on VS Code.
 */

export const EVENTS_FOLDER = path.join('.lambda-workbench', 'events');
const MAX_NAME_LENGTH = 100;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

export interface SavedEvent {
  /** File name without `.json`. */
  name: string;
  file: string;
  modified: Date;
  sizeBytes: number;
}

export interface SaveOptions {
  /** Replace an event of the same name; without it an existing event is never touched. */
  overwrite?: boolean;
}

/** A message a person can act on; `code` lets callers offer the right next step. */
export class SavedEventError extends Error {
  constructor(message: string, readonly code: 'invalidName' | 'invalidFunction' | 'invalidJson' | 'exists' | 'notFound') {
    super(message);
    this.name = 'SavedEventError';
  }
}

/** Why a name cannot be an event's file name, or undefined when it can. */
export function validateEventName(name: string): string | undefined {
  const trimmed = stripJsonSuffix(name.trim());
  if (!trimmed) return 'Give the event a name.';
  if (trimmed.length > MAX_NAME_LENGTH) return `Keep the name to ${MAX_NAME_LENGTH} characters (it has ${trimmed.length}).`;
  if (!/^[\p{L}\p{N} _\-.()]+$/u.test(trimmed)) return 'Use letters, digits, spaces and - _ . ( ) only.';
  if (trimmed.startsWith('.')) return 'The name cannot start with a dot.';
  if (/[. ]$/.test(trimmed)) return 'The name cannot end with a dot or a space.';
  if (WINDOWS_RESERVED.test(trimmed.split('.')[0])) return `"${trimmed}" is a reserved file name on Windows.`;
  return undefined;
}

/** Why a text is not a JSON event (with line and column), or undefined when it parses. */
export function validateEventJson(text: string): string | undefined {
  const problem = findJsonProblem(text);
  return problem && `The event is not valid JSON (${describeJsonProblem(problem)}).`;
}

function stripJsonSuffix(name: string): string {
  return name.toLowerCase().endsWith('.json') ? name.slice(0, -5) : name;
}

/** Lambda function names: letters, digits, hyphens, underscores (an ARN or qualifier is reduced to the name). */
function functionFolderName(functionName: string): string {
  const name = functionName.startsWith('arn:') ? functionName.split(':')[6] ?? '' : functionName.split(':')[0];
  if (!/^[a-zA-Z0-9_-]{1,140}$/.test(name)) throw new SavedEventError(`"${functionName}" is not a Lambda function name.`, 'invalidFunction');
  return name;
}

export class SavedEventStore {
  /** @param workspaceFolder the folder that holds `.lambda-workbench/` */
  constructor(readonly workspaceFolder: string) {}

  folderFor(functionName: string): string {
    return path.join(this.workspaceFolder, EVENTS_FOLDER, functionFolderName(functionName));
  }

  private fileFor(functionName: string, name: string): { file: string; name: string } {
    const problem = validateEventName(name);
    if (problem) throw new SavedEventError(problem, 'invalidName');
    const clean = stripJsonSuffix(name.trim());
    return { file: path.join(this.folderFor(functionName), `${clean}.json`), name: clean };
  }

  /** The function's saved events by name; none when the folder does not exist. */
  async list(functionName: string): Promise<SavedEvent[]> {
    const folder = this.folderFor(functionName);
    let entries: string[];
    try {
      entries = await fs.readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const events: SavedEvent[] = [];
    for (const entry of entries) {
      if (!entry.toLowerCase().endsWith('.json')) continue;
      const name = entry.slice(0, -5);
      if (validateEventName(name)) continue;
      const file = path.join(folder, entry);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat?.isFile()) events.push({ name, file, modified: stat.mtime, sizeBytes: stat.size });
    }
    return events.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }));
  }

  async read(functionName: string, name: string): Promise<string> {
    const { file, name: clean } = this.fileFor(functionName, name);
    try {
      return await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SavedEventError(`No saved event "${clean}" for ${functionName}.`, 'notFound');
      throw error;
    }
  }

  /**
   * Saves an event. The text must be JSON and is kept as written (so a team's formatting
   * survives); an existing event is replaced only with `overwrite`, and then atomically.
   */
  async save(functionName: string, name: string, json: string, options: SaveOptions = {}): Promise<SavedEvent> {
    const { file, name: clean } = this.fileFor(functionName, name);
    const problem = validateEventJson(json);
    if (problem) throw new SavedEventError(problem, 'invalidJson');
    const text = json.endsWith('\n') ? json : `${json}\n`;
    await fs.mkdir(path.dirname(file), { recursive: true });
    if (options.overwrite) {
      const partial = `${file}.${process.pid}.${Date.now()}.partial`;
      await fs.writeFile(partial, text, 'utf8');
      try {
        await fs.rename(partial, file);
      } catch (error) {
        await fs.rm(partial, { force: true });
        throw error;
      }
    } else {
      try {
        await fs.writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new SavedEventError(`An event named "${clean}" is already saved for ${functionName}. Choose another name or replace it.`, 'exists');
        }
        throw error;
      }
    }
    const stat = await fs.stat(file);
    return { name: clean, file, modified: stat.mtime, sizeBytes: stat.size };
  }

  async delete(functionName: string, name: string): Promise<void> {
    const { file, name: clean } = this.fileFor(functionName, name);
    try {
      await fs.unlink(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SavedEventError(`No saved event "${clean}" for ${functionName}.`, 'notFound');
      throw error;
    }
  }
}
