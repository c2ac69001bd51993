/**
 * Reading a `lambda-workbench` launch configuration (see launchConfig.ts): checked the way
 * Lambda would check the call, with messages worded for the person editing launch.json.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { errorMessage } from '../../shared/errors';
import { ENV_LIMIT_BYTES, isReservedEnvKey, isValidEnvKey, measureEnvironment } from '../../shared/lambda/environment';
import { FUNCTION_NAME_PATTERN, INVOKE_LIMITS } from '../../shared/lambda/limits';

export interface LaunchRequest {
  functionName: string;
  qualifier: string;
  /** The event as JSON text and where it came from; absent: run what the Invoke tab holds. */
  event?: { payload: string; label: string };
  environment?: Record<string, string>;
}

/** A launch configuration's mistake, worded for the person editing launch.json. */
export class LaunchConfigError extends Error {}

/** A synchronous call's event limit (6 MB). */
const MAX_PAYLOAD_BYTES = INVOKE_LIMITS.syncPayloadBytes;
const QUALIFIER = /^(\$LATEST|[0-9]{1,10}|[a-zA-Z0-9_-]{1,128})$/;

/**
 * Reads a launch configuration: `function` (required), `qualifier`, `event` (an object, or a
 * path to a JSON file inside the workspace folder), `env` (strings, as Lambda accepts them).
 */
export async function readLaunchConfiguration(config: Record<string, unknown>, folder: string | undefined): Promise<LaunchRequest> {
  const where = `Launch configuration "${String(config.name ?? 'lambda-workbench').slice(0, 100)}"`;
  const fn: unknown = config.function;
  if (typeof fn !== 'string' || !FUNCTION_NAME_PATTERN.test(fn)) {
    throw new LaunchConfigError(`${where}: "function" must name a Local Lambda function (letters, digits, - and _), e.g. "hello-node".`);
  }
  const qualifier: unknown = config.qualifier ?? '$LATEST';
  if (typeof qualifier !== 'string' || !QUALIFIER.test(qualifier)) throw new LaunchConfigError(`${where}: "qualifier" must be $LATEST, a version number or an alias name.`);
  const request: LaunchRequest = { functionName: fn, qualifier };

  const event: unknown = config.event;
  if (typeof event === 'string') {
    request.event = await readEventFile(event, folder, where);
  } else if (event !== undefined) {
    // Any other JSON value is the event itself (Lambda takes any JSON, not only objects).
    const payload = JSON.stringify(event);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new LaunchConfigError(`${where}: "event" is larger than the ${MAX_PAYLOAD_BYTES} bytes Lambda accepts.`);
    request.event = { payload: JSON.stringify(event, null, 2), label: 'Event from launch.json' };
  }

  const env: unknown = config.env;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) throw new LaunchConfigError(`${where}: "env" must be an object of variable names to string values.`);
    const vars: Record<string, string> = {};
    for (const [key, value] of Object.entries(env as Record<string, unknown>)) {
      if (!isValidEnvKey(key)) throw new LaunchConfigError(`${where}: "${key.slice(0, 100)}" in "env" is not a valid variable name (letters, digits and _, starting with a letter).`);
      if (isReservedEnvKey(key)) throw new LaunchConfigError(`${where}: ${key} in "env" is reserved by Lambda.`);
      if (typeof value !== 'string') throw new LaunchConfigError(`${where}: ${key} in "env" must be a string.`);
      vars[key] = value;
    }
    if (measureEnvironment(vars) > ENV_LIMIT_BYTES) throw new LaunchConfigError(`${where}: "env" takes more than Lambda's ${ENV_LIMIT_BYTES} bytes.`);
    request.environment = vars;
  }
  return request;
}

async function readEventFile(file: string, folder: string | undefined, where: string): Promise<{ payload: string; label: string }> {
  if (!folder) throw new LaunchConfigError(`${where}: "event" names a file, but no folder is open to find it in.`);
  const resolved = path.resolve(folder, file);
  const rel = path.relative(folder, resolved);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new LaunchConfigError(`${where}: the event file must be inside the workspace folder (got ${file.slice(0, 300)}).`);
  let real: string;
  try {
    // Also through links: the file must really be in the folder.
    real = await fs.realpath(resolved);
    const realRel = path.relative(await fs.realpath(folder), real);
    if (!realRel || realRel.startsWith('..') || path.isAbsolute(realRel)) throw new LaunchConfigError(`${where}: the event file ${rel} links outside the workspace folder.`);
  } catch (error) {
    if (error instanceof LaunchConfigError) throw error;
    throw new LaunchConfigError(`${where}: the event file ${rel} could not be read (${errorMessage(error)}).`);
  }
  const stat = await fs.stat(real);
  if (!stat.isFile()) throw new LaunchConfigError(`${where}: ${rel} is not a file.`);
  if (stat.size > MAX_PAYLOAD_BYTES) throw new LaunchConfigError(`${where}: ${rel} is larger than the ${MAX_PAYLOAD_BYTES} bytes Lambda accepts.`);
  const payload = await fs.readFile(real, 'utf8');
  try {
    JSON.parse(payload);
  } catch (error) {
    throw new LaunchConfigError(`${where}: ${rel} is not valid JSON (${errorMessage(error)}).`);
  }
  return { payload, label: path.basename(rel) };
}
