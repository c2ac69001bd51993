import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetFunctionCommand, InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { makeTempDir, makeZip, startTestLocal, type TestLocal, type TestLocalOptions } from './helpers';
import { REPO_ROOT } from '../support/repo';
import { generatedFunctionName } from '../../src/shared/sam/names';
import { TemplateHandlerIndex } from '../../src/features/codelens/handlerIndex';

/**
 * Projects shaped like real SAM apps (test/fixtures/projects/<name>), one per kind of template
 * the Local Lambda used to refuse or misread: each is served, and its functions are invoked
 * through the AWS SDK over HTTP.
 */

const PROJECTS = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');
const project = (name: string) => path.join(PROJECTS, name);

async function invoke(t: TestLocal, name: string, payload: unknown = {}): Promise<{ result: unknown; error?: string }> {
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload) }));
  return { result: JSON.parse(Buffer.from(out.Payload ?? []).toString() || 'null'), error: out.FunctionError };
}

describe('Local Lambda on real-looking SAM projects', function () {
  this.timeout(60_000);
  let t: TestLocal | undefined;
  const cleanup: string[] = [];
  const start = async (opts: TestLocalOptions) => {
    await t?.close();
    t = await startTestLocal(opts);
    return t;
  };
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('parameters: Default, samconfig.toml, --parameter-overrides', () => {
    it('takes samconfig.toml\'s parameter_overrides and stack_name over the Defaults', async () => {
      const local = await start({ dir: project('parameters') });
      assert.deepEqual(local.local.templates.errors, []);
      assert.deepEqual(local.local.functions(), ['orders-service-get-order-staging']);
      const { result } = await invoke(local, 'orders-service-get-order-staging', { pathParameters: { id: '42' } });
      assert.deepEqual(result, {
        orderId: '42', stage: 'staging', table: 'orders-staging', greeting: 'Good morning', logLevel: 'INFO',
        stack: 'orders-service', memory: '256', name: 'orders-service-get-order-staging',
      });
    });

    it('takes the values given on the command line over samconfig.toml\'s', async () => {
      const local = await start({ dir: project('parameters'), parameterOverrides: { Stage: 'prod', LogLevel: 'DEBUG', Greeting: 'Hi there', MemorySize: '512' } });
      const { result } = await invoke(local, 'orders-service-get-order-prod');
      assert.deepEqual(result, {
        orderId: null, stage: 'prod', table: 'orders-staging', greeting: 'Hi there', logLevel: 'DEBUG',
        stack: 'orders-service', memory: '512', name: 'orders-service-get-order-prod',
      });
    });
  });

  describe('CodeUri as a .zip or as a single file', () => {
    it('runs a zip, a single source file in a folder of its own, and Code: ./x.zip of AWS::Lambda::Function', async () => {
      const local = await start({ dir: project('code-locations') });
      assert.deepEqual(local.local.templates.errors, []);
      assert.deepEqual((await invoke(local, 'ZippedFunction')).result, { packaged: 'zip', version: 1 });
      assert.deepEqual((await invoke(local, 'SingleFileFunction')).result, { report: 'daily', files: ['report.py'] });
      assert.deepEqual((await invoke(local, 'LegacyFunction', { a: 1 })).result, { legacy: true, echo: { a: 1 } });
      const zipped = await local.lambda.send(new GetFunctionCommand({ FunctionName: 'ZippedFunction' }));
      const bytes = fs.readFileSync(path.join(project('code-locations'), 'build', 'zipped-function.zip'));
      assert.equal(zipped.Configuration?.CodeSize, bytes.length, 'the function\'s code is the zip itself');
    });

    it('unpacks a zip once and again when it changes', async () => {
      const dir = makeTempDir('local-lambda-project-');
      const dataDir = makeTempDir('local-lambda-data-');
      cleanup.push(dir, dataDir);
      fs.cpSync(project('code-locations'), dir, { recursive: true });
      let local = await start({ dir, dataDir });
      assert.deepEqual((await invoke(local, 'ZippedFunction')).result, { packaged: 'zip', version: 1 });
      const unpacked = () => fs.readdirSync(path.join(dataDir, 'code', 'ZippedFunction')).filter((n) => !n.endsWith('.zip'));
      assert.equal(unpacked().length, 1);
      await start({ dir, dataDir });
      assert.equal(unpacked().length, 1, 'the same zip is not unpacked again');
      fs.writeFileSync(path.join(dir, 'build', 'zipped-function.zip'), makeZip({ 'index.js': 'exports.handler = async () => ({ packaged: "zip", version: 2 });\n' }));
      local = await start({ dir, dataDir });
      assert.deepEqual((await invoke(local, 'ZippedFunction')).result, { packaged: 'zip', version: 2 });
      assert.equal(unpacked().length, 2);
    });
  });

  describe('the same logical id in sibling templates, with long stack names', () => {
    it('loads both under CloudFormation-style names of at most 64 characters, the same after a restart, that CodeLens gives too', async () => {
      const dir = project('duplicate-names');
      const dataDir = makeTempDir('local-lambda-data-');
      cleanup.push(dataDir);
      let local = await start({ dir, dataDir });
      assert.deepEqual(local.local.templates.errors, []);
      const billing = generatedFunctionName('customer-billing-and-invoicing-reconciliation', 'ProcessIncomingNotificationEventsFunction',
        'customer-billing-and-invoicing-reconciliation/template.yaml');
      const notifications = generatedFunctionName('customer-notification-preferences-service', 'ProcessIncomingNotificationEventsFunction',
        'customer-notification-preferences-service/template.yaml');
      assert.match(billing, /^customer-billing-and-invo-ProcessIncomingNotificat-[A-Z0-9]{13}$/);
      assert.match(notifications, /^customer-notification-pre-ProcessIncomingNotificat-[A-Z0-9]{13}$/);
      assert.equal(billing.length, 64);
      assert.notEqual(billing.slice(-13), notifications.slice(-13));
      assert.deepEqual([...local.local.functions()].sort(), [billing, notifications, 'PreferencesHealthFunction'].sort());

      assert.deepEqual((await invoke(local, billing)).result, { service: 'billing', self: billing, name: billing });
      assert.deepEqual((await invoke(local, notifications)).result, { service: 'notifications', self: notifications, name: notifications });
      assert.deepEqual((await invoke(local, 'PreferencesHealthFunction')).result, { ok: true }, 'a logical id no one else uses stays the name');
      assert.ok(local.local.templates.notes.some((n) => n.message.startsWith(`ProcessIncomingNotificationEventsFunction: named ${billing}, as CloudFormation names functions`)));

      local = await start({ dir, dataDir });
      const listed = await local.lambda.send(new ListFunctionsCommand({}));
      assert.deepEqual(listed.Functions?.map((f) => f.FunctionName).sort(), [billing, notifications, 'PreferencesHealthFunction'].sort());

      const lenses = await new TemplateHandlerIndex().functions(dir);
      assert.deepEqual(lenses.map((fn) => fn.functionName).sort(), [billing, notifications, 'PreferencesHealthFunction'].sort());
    });
  });

  describe('templates that define nothing to run', () => {
    it('skips an empty Resources and a template without functions with a note naming each, and serves the rest', async () => {
      const dir = project('empty-resources');
      const local = await start({ dir });
      assert.deepEqual(local.local.templates.errors, []);
      assert.deepEqual(local.local.templates.notes.map((n) => [path.relative(dir, n.file), n.line, n.message]), [
        ['template.yaml', 5, 'The template\'s Resources section is empty. Skipped.'],
        [path.join('storage', 'template.yaml'), 1, 'The template defines no functions (AWS::Serverless::Function or AWS::Lambda::Function). Skipped.'],
      ]);
      assert.equal((await invoke(local, 'PingFunction')).result, 'pong');
    });
  });

  describe('YAML that SAM accepts', () => {
    it('reads flow sequences whose lines are indented less than their key', async () => {
      const local = await start({ dir: project('lenient-yaml') });
      assert.deepEqual(local.local.templates.errors, []);
      const { result } = await invoke(local, 'NightlyReportFunction');
      assert.deepEqual(result, { bucket: 'acme-reports', origins: ['https://example.com', 'https://admin.example.com'] });
    });
  });

  describe('layers', () => {
    const POWERTOOLS = 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7';

    it('puts a template layer on the paths Lambda uses, for Node.js and Python alike', async () => {
      const local = await start({ dir: project('layers') });
      assert.deepEqual(local.local.templates.errors, []);
      assert.deepEqual((await invoke(local, 'NodeGreetingFunction', { name: 'Ada' })).result, {
        message: 'Hello, Ada, from the shared layer (Node.js)',
        layer: 'arn:aws:lambda:us-east-1:123456789012:layer:layers-shared:1',
        pathHasLayerBin: true,
      });
      assert.deepEqual((await invoke(local, 'PythonGreetingFunction', { name: 'Grace' })).result, { message: 'Hello, Grace, from the shared layer (Python)' });
      const config = (await local.lambda.send(new GetFunctionCommand({ FunctionName: 'PythonGreetingFunction' }))).Configuration;
      assert.deepEqual(config?.Layers?.map((l) => l.Arn), ['arn:aws:lambda:us-east-1:123456789012:layer:layers-shared:1']);
      // Only the interpreter may be worth a word here (python3.12 on an older local Python); the layer is not.
      assert.doesNotMatch(config?.StateReason ?? '', /layer/i, 'nothing to report about a layer that runs as on Lambda');
    });

    it('warns about a published layer it does not have, names it and says how to provide it', async () => {
      const local = await start({ dir: project('layers') });
      const expected = `layer ${POWERTOOLS} is not available locally, so the function runs without it; ` +
        `map it to a folder holding the layer's contents with --layer ${POWERTOOLS}=<folder> (setting lambdaWorkbench.local.layers, or LOCAL_LAMBDA_LAYERS)`;
      const warning = local.local.templates.warnings.find((w) => w.message.startsWith('ToolsFunction: '));
      assert.deepEqual(warning && [path.basename(warning.file), warning.message], ['template.yaml', `ToolsFunction: ${expected}`]);
      const config = (await local.lambda.send(new GetFunctionCommand({ FunctionName: 'ToolsFunction' }))).Configuration;
      assert.equal(config?.StateReason, expected.length > 400 ? `${expected.slice(0, 399)}…` : expected);
      const { result, error } = await invoke(local, 'ToolsFunction');
      assert.equal(error, 'Unhandled');
      assert.match((result as { errorMessage: string }).errorMessage, /aws_lambda_powertools/);
    });

    it('runs a published layer from the folder it is mapped to', async () => {
      const local = await start({ dir: project('layers'), layers: { [POWERTOOLS]: 'local-layers/powertools' } });
      assert.equal(local.local.templates.warnings.filter((w) => w.message.startsWith('ToolsFunction: ')).length, 0);
      assert.deepEqual((await invoke(local, 'ToolsFunction')).result, { service: 'tools', powertools: 'aws_lambda_powertools' });
      const config = (await local.lambda.send(new GetFunctionCommand({ FunctionName: 'ToolsFunction' }))).Configuration;
      assert.deepEqual(config?.Layers?.map((l) => l.Arn), ['arn:aws:lambda:us-east-1:123456789012:layer:layers-shared:1', POWERTOOLS]);
    });

    it('says when a layer with a BuildMethod has no installed dependencies', async () => {
      const local = await start({ dir: project('layers') });
      const deps = path.join(project('layers'), 'layers', 'deps');
      const warning = local.local.templates.warnings.find((w) => w.message.startsWith('NodeWithDepsFunction: '));
      assert.equal(warning?.message, `NodeWithDepsFunction: layer DepsLayer has BuildMethod nodejs20.x and its dependencies are not installed ` +
        `(no nodejs/node_modules folder in ${deps}), so the function sees the folder as it is; run sam build, or install them into ${path.join(deps, 'nodejs', 'node_modules')}`);
      // The shared layer from Globals still runs.
      assert.deepEqual(((await invoke(local, 'NodeWithDepsFunction', { name: 'Lin' })).result as { message: string }).message, 'Hello, Lin, from the shared layer (Node.js)');
    });
  });

  describe('image functions without Docker', () => {
    it('runs Dockerfiles on the Lambda base images as zip functions, with a note saying so', async () => {
      const dir = project('image');
      const local = await start({ dir });
      const node = await invoke(local, 'HelloNodeImageFunction');
      assert.deepEqual(node.result, { message: 'Hello from the image', logLevel: 'info', stage: 'local', files: ['app.mjs', 'package.json'] });
      const python = await invoke(local, 'HelloPythonImageFunction');
      assert.deepEqual(python.result, { message: 'hello from the python image', name: 'HelloPythonImageFunction' });

      const config = (await local.lambda.send(new GetFunctionCommand({ FunctionName: 'HelloNodeImageFunction' }))).Configuration;
      assert.equal(config?.Runtime, 'nodejs20.x');
      assert.equal(config?.Handler, 'app.lambdaHandler');
      assert.equal(config?.StateReason,
        'runs as a zip function without a container: nodejs20.x from hello-node/Dockerfile:1 (FROM public.ecr.aws/lambda/nodejs:20), ' +
        'its files from hello-node, handler app.lambdaHandler from CMD (+1 more in the Local Lambda\'s log)');
      const pythonConfig = (await local.lambda.send(new GetFunctionCommand({ FunctionName: 'HelloPythonImageFunction' }))).Configuration;
      assert.equal(pythonConfig?.Runtime, 'python3.12');
      assert.equal(pythonConfig?.Handler, 'app.lambda_handler', 'ImageConfig.Command wins over CMD');
      assert.deepEqual(local.local.templates.installs.map((i) => [i.functionName, i.file, i.line, i.tool, i.command]), [
        ['HelloNodeImageFunction', 'hello-node/Dockerfile', 5, 'npm', 'npm install'],
        ['HelloPythonImageFunction', 'hello-python/Dockerfile', 4, 'pip', 'python3.12 -m pip install -r requirements.txt -t .'],
      ]);
    });

    it('copies a whole build context as .dockerignore says, never the data folder inside it', async () => {
      const dir = makeTempDir('local-lambda-project-');
      cleanup.push(dir);
      const files: Record<string, string> = {
        'template.yaml': 'Resources:\n  App:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n    Metadata:\n      DockerContext: .\n      Dockerfile: Dockerfile\n',
        Dockerfile: 'FROM public.ecr.aws/lambda/nodejs:20\nCOPY . ./\nCMD ["app.handler"]\n',
        '.dockerignore': '*.md\ntests/\n',
        'app.js': 'exports.handler = async () => require("fs").readdirSync(__dirname).sort();\n',
        'lib/util.js': '', 'README.md': '', 'tests/app.test.js': '',
      };
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      // The command line's default data folder: inside the project, so inside the build context.
      const local = await start({ dir, dataDir: path.join(dir, '.local-lambda') });
      assert.deepEqual(local.local.templates.errors, []);
      assert.deepEqual((await invoke(local, 'App')).result, ['.dockerignore', 'Dockerfile', 'app.js', 'lib', 'template.yaml']);
    });

    it('refuses a Dockerfile that needs a container runtime, naming the line', async () => {
      const dir = project('image');
      const local = await start({ dir });
      const error = local.local.templates.errors.find((e) => e.message.startsWith('PdfRenderFunction: '));
      assert.deepEqual(error && [path.basename(error.file), error.line, error.message], ['template.yaml', 44,
        'PdfRenderFunction: PackageType Image needs a container runtime: pdf-render/Dockerfile:2 "RUN dnf install -y poppler-utils" ' +
        'runs a command other than npm install, npm ci or pip install. Without one, the Local Lambda runs an image function only when ' +
        'its Dockerfile starts FROM public.ecr.aws/lambda/nodejs:<version> or public.ecr.aws/lambda/python:<version> and uses only ' +
        'COPY, ADD (local files), RUN npm install / npm ci / pip install, ENV, WORKDIR and CMD.']);
      assert.equal(local.local.templates.errors.length, 1, JSON.stringify(local.local.templates.errors));
      assert.ok(!local.local.functions().includes('PdfRenderFunction'));
    });
  });
});
