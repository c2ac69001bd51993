import { parseArgs } from 'node:util';
import { parseInterpreterOption } from './runtime/interpreters';
import { createInterface } from 'node:readline';
import { formatNote } from '../shared/localLambdaNotes';
import type { RuntimeNote } from './runtime/notes';
import { concurrencySettings, layerMappings, parameterOverrides, timeScaleFlag, type ConcurrencySettings } from './options';
import { startLocalLambda, type LocalLambda } from './server';

const HELP = `Local Lambda — the AWS Lambda and CloudWatch Logs APIs on your machine, offline.

Usage: local-lambda --dir <folder> [options]

  --dir <folder>              folder with template.yaml (or subfolders with templates); default "."
  --port <n>                  port to listen on; 0 picks a free one (default 0)
  --url-port <n>              port function URLs are served on; 0 picks a free one (default 0)
  --api-port <n>              port the templates' Api and HttpApi routes are served on (default 0)
  --host <addr>               loopback address to bind: 127.0.0.1 (default), ::1 or localhost
  --data-dir <folder>         where state, uploaded code and logs live (default <dir>/.local-lambda)
  --access-key-id <id>        credentials clients must sign with (default: env
  --secret-access-key <key>     LOCAL_LAMBDA_ACCESS_KEY_ID/LOCAL_LAMBDA_SECRET_ACCESS_KEY, else generated once)
  --max-concurrency <n>       invocations at once across all functions, running or waiting; one more is
                              answered 429 TooManyRequestsException at once (default 1000, as AWS's quota)
  --max-environments <n>      runtime processes at once across all functions (default: the free memory
                              at start divided by the functions' MemorySize, at most 2 per CPU, 2–16)
  --queue-length <n>          requests that may wait for a free environment (default 256; 0: none wait)
  --queue-wait <seconds>      how long a request waits for one before it gets 429 (default 10)
  --idle-timeout <seconds>    an environment idle this long is stopped, its memory freed (default 300)
  --notes <text|json>         how notes (builds, runtime warnings) are printed: text for people (default),
                              or one LOCAL_LAMBDA_NOTE {json} line each for a program that drives this one;
                              with json, stdin takes commands and its end stops the Local Lambda
  --interpreter <rt>=<path>   the interpreter for a runtime, e.g. python3.12=/usr/bin/python3.12 or
                                nodejs22.x=/opt/node22/bin/node (repeatable; also env
                                LOCAL_LAMBDA_INTERPRETERS as JSON)
  --parameter-overrides <p>   template parameter values, as SAM takes them: "Key=Value Key2=Value2" or
                              "ParameterKey=Key,ParameterValue=Value ..." (quote values with spaces);
                              over samconfig.toml's parameter_overrides, over the Defaults; may repeat.
                              Also env LOCAL_LAMBDA_PARAMETER_OVERRIDES, a JSON object (the flag wins)
  --layer <arn>=<folder>      run a layer published in AWS from a local folder holding its contents
                              (nodejs/, python/, bin/ …); an ARN without version maps every version;
                              a relative folder is taken from --dir; may repeat. Also env
                              LOCAL_LAMBDA_LAYERS, a JSON object of ARN to folder (the flag wins)
  --time-scale <factor>       run asynchronous invocations' retry delays, throttle backoff and event ages
                              this much faster or slower: 0.0001 to 1 (default 1, as AWS; 0.01 makes
                              the 1-minute first retry 0.6 s)
  --help                      show this text

The first line printed is LOCAL_LAMBDA_READY followed by JSON with endpoint and credentials.`;

function fail(message: string): never {
  process.stderr.write(`local-lambda: ${message}\n`);
  process.exit(1);
}

function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${flag} must be a whole number from ${min} to ${max} (got "${value}").`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string' }, port: { type: 'string' }, 'url-port': { type: 'string' }, 'api-port': { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' },
        'access-key-id': { type: 'string' }, 'secret-access-key': { type: 'string' },
        'max-concurrency': { type: 'string' }, 'max-environments': { type: 'string' }, 'queue-length': { type: 'string' },
        'queue-wait': { type: 'string' }, 'idle-timeout': { type: 'string' }, interpreter: { type: 'string', multiple: true }, help: { type: 'boolean' },
        'parameter-overrides': { type: 'string', multiple: true }, layer: { type: 'string', multiple: true },
        notes: { type: 'string' }, 'time-scale': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const id = values['access-key-id'];
  const secret = values['secret-access-key'];
  if ((id === undefined) !== (secret === undefined)) fail('give both --access-key-id and --secret-access-key, or neither.');

  let interpreters;
  let overrides: Record<string, string>;
  let layers: Record<string, string>;
  let concurrency: ConcurrencySettings;
  let asyncTimeScale: number | undefined;
  try {
    asyncTimeScale = timeScaleFlag(values['time-scale']);
    concurrency = concurrencySettings(values);
    interpreters = parseInterpreterOption(values.interpreter ?? []);
    overrides = parameterOverrides(values['parameter-overrides'] ?? [], process.env.LOCAL_LAMBDA_PARAMETER_OVERRIDES);
    layers = layerMappings(values.layer ?? [], process.env.LOCAL_LAMBDA_LAYERS);
  } catch (err) {
    fail((err as Error).message);
  }

  const notesAs = values.notes ?? 'text';
  if (notesAs !== 'text' && notesAs !== 'json') fail(`--notes takes text or json (got "${notesAs}").`);
  // Notes made while starting wait until the ready line is out: it must stay the first line.
  let listening = false;
  const early: RuntimeNote[] = [];
  const printNote = (note: RuntimeNote) => {
    if (notesAs === 'json') {
      const { level, kind, message, functionName, build, debug } = note;
      process.stdout.write(`${formatNote({ level, kind, message, ...(functionName ? { functionName } : {}), ...(build ? { build } : {}), ...(debug ? { debug } : {}) })}\n`);
      return;
    }
    const line = `${note.level === 'info' ? '' : `${note.level}: `}${note.message}\n`;
    if (note.level === 'info') process.stdout.write(line);
    else process.stderr.write(line);
  };
  let local;
  try {
    local = await startLocalLambda({
      interpreters,
      onRuntimeNote: (note) => (listening ? printNote(note) : early.push(note)),
      dir: values.dir ?? '.',
      dataDir: values['data-dir'],
      port: intFlag(values.port, '--port', 0, 65535),
      urlPort: intFlag(values['url-port'], '--url-port', 0, 65535),
      apiPort: intFlag(values['api-port'], '--api-port', 0, 65535),
      host: values.host,
      credentials: id !== undefined && secret !== undefined ? { accessKeyId: id, secretAccessKey: secret } : undefined,
      ...concurrency,
      parameterOverrides: overrides,
      layers,
      asyncTimeScale,
      prepareAhead: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const ready = {
    endpoint: local.endpoint, urlEndpoint: local.urlEndpoint, apiEndpoint: local.apiEndpoint, region: local.region,
    accessKeyId: local.credentials.accessKeyId, secretAccessKey: local.credentials.secretAccessKey,
    accountId: local.accountId,
  };
  const lines = [
    `LOCAL_LAMBDA_READY ${JSON.stringify(ready)}`,
    `Local Lambda listening on ${local.endpoint}`,
    `  function URLs: ${local.urlEndpoint}/<url-id>/`,
    ...(local.apiEndpoint ? [`  APIs:          ${local.apiEndpoint} (the templates' Api and HttpApi routes)`] : []),
    `  region:      ${local.region} (account ${local.accountId})`,
    `  credentials: ${ready.accessKeyId} / ${'*'.repeat(8)}${ready.secretAccessKey.slice(-4)} (full secret in the first line)`,
    `  data dir:    ${local.dataDir}`,
    `  templates:   ${local.templates.templates.length ? local.templates.templates.join(', ') : '(none found)'}`,
    `  functions:   ${local.functions().length ? local.functions().join(', ') : '(none yet)'}`,
    ...local.templates.errors.map((e) => `  template error: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`),
    ...local.templates.warnings.map((e) => `  template warning: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`),
    ...local.templates.notes.map((e) => `  template note: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`),
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  listening = true;
  for (const note of early.splice(0)) printNote(note);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Stopping (${signal})…\n`);
    local.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`local-lambda: error while stopping: ${(err as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (notesAs === 'json') listenForCommands(local, () => stop('its starter went away'));
}

/**
 * With --notes json the program is driven by another (the extension): its stdin carries
 * commands as JSON lines, and its end means the starter is gone, so the program stops too.
 */
function listenForCommands(local: LocalLambda, onEnd: () => void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.length > 4096) return;
    let command: unknown;
    try {
      command = JSON.parse(line);
    } catch {
      return;
    }
    if ((command as { command?: unknown } | null)?.command === 'cancelBuilds') local.cancelBuilds();
  });
  lines.on('close', onEnd);
}

void main();
