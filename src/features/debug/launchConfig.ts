/**
 * The `lambda-workbench` launch configuration: F5 debugs a Local Lambda function with an event,
 *
 *   { "type": "lambda-workbench", "request": "launch", "name": "Debug hello-node",
 *     "function": "hello-node", "qualifier": "$LATEST",
 *     "event": { "name": "Ada" }            // or "events/ada.json", a file in the workspace
 *     "env": { "LOG_LEVEL": "debug" } }
 *
 * It opens the function's Invoke tab and runs the call there under the debugger, so the result,
 * logs, REPORT and cost show as for any invocation. Without `event`, what the Invoke tab holds runs.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import { errorMessage } from '../../shared/errors';
import { LOCAL_REGION } from '../../shared/lambda/arn';
import { ENV_LIMIT_BYTES, isReservedEnvKey, isValidEnvKey, measureEnvironment } from '../../shared/lambda/environment';
import { FUNCTION_NAME_PATTERN, INVOKE_LIMITS } from '../../shared/lambda/limits';
import type { FunctionTarget } from '../../shared/target';
import type { Workbench } from '../../workbench/context';
import { Commands, DebugTypes } from '../../workbench/ids';

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
export async function readLaunchConfiguration(config: vscode.DebugConfiguration, folder: string | undefined): Promise<LaunchRequest> {
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
    if (typeof event !== 'object' || event === null) throw new LaunchConfigError(`${where}: "event" must be a JSON value in the configuration or the path of a JSON file.`);
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

function localTarget(functionName: string, qualifier: string): FunctionTarget {
  return { connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', connectionKind: 'local', region: LOCAL_REGION, functionName, qualifier };
}

/** Runs a launch request in the function's Invoke tab, under the debugger. */
export function startLaunch(request: LaunchRequest): Thenable<unknown> {
  const target = localTarget(request.functionName, request.qualifier);
  if (!request.event) return vscode.commands.executeCommand(Commands.invokeFunction, target, { form: true, debug: true, environment: request.environment });
  return vscode.commands.executeCommand(Commands.invokeFunction, target, {
    debug: true,
    environment: request.environment,
    params: { payload: request.event.payload, qualifier: request.qualifier, invocationType: 'RequestResponse', clientContext: '', eventLabel: request.event.label, eventSource: 'custom' },
  });
}

/** The Local Lambda's function names, for a new launch.json (at most the first page). */
async function localFunctionNames(ws: Workbench): Promise<string[]> {
  try {
    const { lambda } = await ws.connections.resolve({ connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', region: LOCAL_REGION });
    return (await lambda.listFunctionsPage(undefined, 50)).functions.map((f) => f.FunctionName ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

export function launchConfigurationProvider(ws: Workbench): vscode.DebugConfigurationProvider {
  return {
    async provideDebugConfigurations() {
      const names = await localFunctionNames(ws);
      return (names.length ? names : ['my-function']).slice(0, 20).map((name) => ({
        type: DebugTypes.launch, request: 'launch', name: `Debug ${name} (Local Lambda)`, function: name, event: {},
      }));
    },
    async resolveDebugConfiguration(folder, config) {
      // F5 with no launch.json: ask which function, version and event.
      if (!config.type && !config.request && !config.name) {
        void vscode.commands.executeCommand(Commands.debugFunction);
        return undefined;
      }
      try {
        const request = await readLaunchConfiguration(config, folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
        // The call runs in the Invoke tab; the debug session is the one it attaches.
        void Promise.resolve(startLaunch(request)).then(undefined, (error: unknown) => ws.showError(error));
        return undefined;
      } catch (error) {
        if (!(error instanceof LaunchConfigError)) throw error;
        void vscode.window.showErrorMessage(error.message);
        // null: VS Code opens launch.json for the fix.
        return null;
      }
    },
  };
}
