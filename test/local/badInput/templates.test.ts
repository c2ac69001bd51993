import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, startTestLocal } from '../helpers';
import { layerMappings, parameterOverrides, timeScaleFlag } from '../../../src/local/options';

/**
 * Bad input a template, a samconfig or an option can hold: each is refused (or reported) with
 * its exact message, file and line, the other functions still load, and nothing it names is
 * ever touched outside the served folder and the data folder.
 */

interface TemplateCase {
  name: string;
  /** Files of the project, relative to its folder; "template.yaml" is the one under test. */
  files: Record<string, string>;
  /** What the report says, file relative to the project. */
  errors?: Array<[file: string, line: number | undefined, message: string]>;
  warnings?: Array<[file: string, line: number | undefined, message: string]>;
}

const fn = (logicalId: string, props: string[], extra: string[] = []) => [
  `  ${logicalId}:`, '    Type: AWS::Serverless::Function', '    Properties:', ...props.map((p) => `      ${p}`), ...extra,
];
const template = (...resources: string[][]) => ['Resources:', ...resources.flat(), ...fn('Healthy', ['CodeUri: ok/', 'Handler: index.handler', 'Runtime: nodejs20.x']), ''].join('\n');
const OK = { 'ok/index.js': 'exports.handler = async () => "ok";\n' };
const NODE = ['Handler: index.handler', 'Runtime: nodejs20.x'];

const TEMPLATE_CASES: TemplateCase[] = [
  {
    name: 'a FunctionName that is a path',
    files: { ...OK, 'template.yaml': template(fn('Evil', ['FunctionName: ../../escaped', 'InlineCode: "exports.handler = async () => 1"', ...NODE])) },
    errors: [['template.yaml', 5, 'Evil: FunctionName: a function name holds only letters, digits, "-" and "_"; "../../escaped" does not.']],
  },
  {
    name: 'a FunctionName longer than 64 characters',
    files: { ...OK, 'template.yaml': template(fn('Long', [`FunctionName: ${'a'.repeat(65)}`, 'CodeUri: ok/', ...NODE])) },
    errors: [['template.yaml', 5, `Long: FunctionName: a function name has at most 64 characters; "${'a'.repeat(65)}" has 65.`]],
  },
  {
    name: 'a logical id that is a path, without FunctionName',
    files: { ...OK, 'template.yaml': template(fn('"../../Escaped"', ['InlineCode: "exports.handler = async () => 1"', ...NODE])) },
    errors: [['template.yaml', 2, '../../Escaped: the logical id "../../Escaped" is not alphanumeric (CloudFormation allows A-Z, a-z and 0-9 only); give the function a FunctionName.']],
  },
  {
    name: 'a CodeUri above the served folder',
    files: { ...OK, 'template.yaml': template(fn('Up', ['CodeUri: ../../../../etc', ...NODE])) },
    errors: [['template.yaml', 5, 'Up: CodeUri ../../../../etc leads outside the folder the Local Lambda serves (<root>); only code inside it is run.']],
  },
  {
    name: 'an absolute CodeUri',
    files: { ...OK, 'template.yaml': template(fn('Abs', ['CodeUri: /etc', ...NODE])) },
    errors: [['template.yaml', 5, 'Abs: CodeUri /etc leads outside the folder the Local Lambda serves (<root>); only code inside it is run.']],
  },
  {
    name: 'a CodeUri through a symbolic link that leads outside',
    files: { ...OK, 'template.yaml': template(fn('Linked', ['CodeUri: linked/', ...NODE])), '@symlink linked': '/etc' },
    errors: [['template.yaml', 5, 'Linked: CodeUri linked/ leads outside the folder the Local Lambda serves (<root>); only code inside it is run.']],
  },
  {
    name: 'a CodeUri that does not exist',
    files: { ...OK, 'template.yaml': template(fn('Gone', ['CodeUri: gone/', ...NODE])) },
    errors: [['template.yaml', 5, 'Gone: CodeUri gone/: <root>/gone does not exist.']],
  },
  {
    name: 'an inline handler whose module is a path',
    files: { ...OK, 'template.yaml': template(fn('InlineEvil', ['InlineCode: "exports.handler = async () => 1"', 'Handler: ../../escaped.handler', 'Runtime: nodejs20.x'])) },
    errors: [['template.yaml', 6, 'InlineEvil: Handler ../../escaped.handler must name a module file (letters, digits, "-" and "_") for inline code.']],
  },
  {
    name: 'six layers',
    files: {
      ...OK, 'template.yaml': template(fn('Layered', ['CodeUri: ok/', ...NODE, 'Layers:',
        ...[1, 2, 3, 4, 5, 6].map((n) => `  - arn:aws:lambda:us-east-1:123456789012:layer:l${n}:1`)])),
    },
    errors: [['template.yaml', 8, 'Layered: Cannot reference more than 5 layers.']],
  },
  {
    name: 'a layer whose ContentUri leads outside',
    files: {
      ...OK, 'template.yaml': template(
        ['  Outside:', '    Type: AWS::Serverless::LayerVersion', '    Properties:', '      ContentUri: ../../../../usr/lib'],
        fn('UsesOutside', ['CodeUri: ok/', ...NODE, 'Layers: [!Ref Outside]'])),
    },
    warnings: [['template.yaml', 6, 'UsesOutside: layer Outside: ContentUri ../../../../usr/lib leads outside the folder the Local Lambda serves (<root>); only code inside it is run; the function runs without it']],
  },
  {
    name: 'a DockerContext outside',
    files: { ...OK, 'template.yaml': template(fn('Img', ['PackageType: Image'], ['    Metadata:', '      DockerContext: ../../../..', '      Dockerfile: Dockerfile'])) },
    errors: [['template.yaml', 7, 'Img: Metadata.DockerContext ../../../.. leads outside the folder the Local Lambda serves (<root>); only code inside it is run.']],
  },
  {
    name: 'a Dockerfile outside its context',
    files: { ...OK, 'img/app.js': '', 'template.yaml': template(fn('Img', ['PackageType: Image'], ['    Metadata:', '      DockerContext: img', '      Dockerfile: ../../Dockerfile'])) },
    errors: [['template.yaml', 8, 'Img: Metadata.Dockerfile ../../Dockerfile leads outside the build context <root>/img.']],
  },
  {
    name: 'a COPY from outside the build context',
    files: {
      ...OK, 'img/Dockerfile': 'FROM public.ecr.aws/lambda/nodejs:20\nCOPY ../../secrets ./\nCMD ["app.handler"]\n',
      'template.yaml': template(fn('Img', ['PackageType: Image'], ['    Metadata:', '      DockerContext: img', '      Dockerfile: Dockerfile'])),
    },
    errors: [['template.yaml', 2, 'Img: img/Dockerfile:2: COPY source ../../secrets leads outside the build context <root>/img.']],
  },
  {
    name: 'a COPY to outside /var/task',
    files: {
      ...OK, 'img/Dockerfile': 'FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py /etc/cron.d/\nCMD ["app.handler"]\n', 'img/app.py': '',
      'template.yaml': template(fn('Img', ['PackageType: Image'], ['    Metadata:', '      DockerContext: img', '      Dockerfile: Dockerfile'])),
    },
    errors: [['template.yaml', 2, 'Img: PackageType Image needs a container runtime: img/Dockerfile:2 "COPY app.py /etc/cron.d/" copies to /etc/cron.d, ' +
      'outside the function\'s folder /var/task. Without one, the Local Lambda runs an image function only when its Dockerfile starts FROM ' +
      'public.ecr.aws/lambda/nodejs:<version> or public.ecr.aws/lambda/python:<version> and uses only COPY, ADD (local files), RUN npm install / npm ci / pip install, ENV, WORKDIR and CMD.']],
  },
  {
    name: 'an image function without Dockerfile metadata',
    files: { ...OK, 'template.yaml': template(fn('Remote', ['PackageType: Image', 'ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest'])) },
    errors: [['template.yaml', 2, 'Remote: PackageType Image needs a container runtime (ImageUri 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest): give the function Metadata DockerContext and Dockerfile so the Local Lambda can run it without one.']],
  },
  {
    name: 'Resources that is a list',
    files: { ...OK, 'template.yaml': 'Resources:\n  - Fn\n' },
    errors: [['template.yaml', 1, 'Resources must be a map of logical ids to resources.']],
  },
  {
    name: 'an unclosed flow sequence (still broken YAML)',
    files: { ...OK, 'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Layers: [\n        a,\n      Handler: x\n' },
    errors: [['template.yaml', 7, 'Flow sequence in block collection must be sufficiently indented and end with a ] at line 7, column 7:']],
  },
  {
    name: 'a samconfig.toml that is not TOML',
    files: { ...OK, 'template.yaml': template(), 'samconfig.toml': 'version = 0.1\n[default.deploy.parameters\nparameter_overrides = "A=1"\n' },
    warnings: [['samconfig.toml', 2, 'not valid TOML: Invalid TOML document: illegal character in key; its values are not used']],
  },
  {
    name: 'samconfig parameter_overrides in neither of SAM\'s forms',
    files: { ...OK, 'template.yaml': template(), 'samconfig.toml': 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Stage=prod =oops"\n' },
    warnings: [['samconfig.toml', 3, 'default.deploy.parameters.parameter_overrides: =oops is not in valid format. It must look something like ' +
      '\'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro\' or \'KeyPairName=MyKey InstanceType=t1.micro\'; its values are not used']],
  },
  {
    name: 'an EventInvokeConfig with MaximumEventAgeInSeconds 59',
    files: { ...OK, 'template.yaml': template(fn('Aged', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  MaximumEventAgeInSeconds: 59'])) },
    errors: [['template.yaml', 9, 'Aged: EventInvokeConfig.MaximumEventAgeInSeconds: must be a whole number from 60 to 21600, not 59.']],
  },
  {
    name: 'an EventInvokeConfig with MaximumRetryAttempts "many"',
    files: { ...OK, 'template.yaml': template(fn('Retry', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  MaximumRetryAttempts: many'])) },
    errors: [['template.yaml', 9, 'Retry: EventInvokeConfig.MaximumRetryAttempts: must be a whole number from 0 to 2, not "many".']],
  },
  {
    name: 'a destination Type that SAM does not know',
    files: { ...OK, 'template.yaml': template(fn('Kin', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  DestinationConfig:', '    OnFailure:', '      Type: Kinesis',
      '      Destination: arn:aws:kinesis:us-east-1:123456789012:stream/s'])) },
    errors: [['template.yaml', 11, 'Kin: EventInvokeConfig.DestinationConfig.OnFailure.Type: Type must be one of Lambda, SQS, SNS, EventBridge, S3, not "Kinesis".']],
  },
  {
    name: 'a destination whose Type is not what its ARN is',
    files: { ...OK, 'template.yaml': template(fn('Mixed', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  DestinationConfig:', '    OnSuccess:', '      Type: SQS',
      '      Destination: arn:aws:lambda:us-east-1:123456789012:function:other'])) },
    errors: [['template.yaml', 11, 'Mixed: EventInvokeConfig.DestinationConfig.OnSuccess.Type: Type is SQS but the Destination arn:aws:lambda:us-east-1:123456789012:function:other is a Lambda ARN.']],
  },
  {
    name: 'a destination that is a DynamoDB table',
    files: { ...OK, 'template.yaml': template(fn('Table', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  DestinationConfig:', '    OnFailure:', '      Type: SQS',
      '      Destination: arn:aws:dynamodb:us-east-1:123456789012:table/t'])) },
    errors: [['template.yaml', 12, 'Table: EventInvokeConfig.DestinationConfig.OnFailure.Destination: The destination ARN arn:aws:dynamodb:us-east-1:123456789012:table/t is invalid: ' +
      'give the ARN of a Lambda function, an SQS queue, an SNS topic, an EventBridge event bus or an S3 bucket.']],
  },
  {
    name: 'a Lambda destination without Destination',
    files: { ...OK, 'template.yaml': template(fn('NoDest', ['CodeUri: ok/', ...NODE, 'EventInvokeConfig:', '  DestinationConfig:', '    OnSuccess:', '      Type: Lambda'])) },
    errors: [['template.yaml', 10, 'NoDest: EventInvokeConfig.DestinationConfig.OnSuccess.Destination: Destination is required for Type Lambda.']],
  },
  {
    name: 'an AWS::Lambda::EventInvokeConfig for an alias that does not exist',
    files: { ...OK, 'template.yaml': template(['  Config:', '    Type: AWS::Lambda::EventInvokeConfig', '    Properties:', '      FunctionName: !Ref Healthy', '      Qualifier: live',
      '      MaximumRetryAttempts: 0']) },
    errors: [['template.yaml', 6, 'Config: Qualifier live is neither $LATEST nor a version or alias of Healthy.']],
  },
  {
    name: 'an AWS::Lambda::EventInvokeConfig without FunctionName',
    files: { ...OK, 'template.yaml': template(['  Config:', '    Type: AWS::Lambda::EventInvokeConfig', '    Properties:', '      Qualifier: $LATEST']) },
    errors: [['template.yaml', 2, 'Config: FunctionName is required: the name or ARN of a function in this template.']],
  },
  // --- triggers: API routes, schedules, function URLs ---
  {
    name: 'an Api route whose greedy parameter is not last',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { Path: "/a/{rest+}/b", Method: get }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: the greedy parameter {rest+} must be the last segment']],
  },
  {
    name: 'an Api route without a leading slash',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { Path: "items", Method: get }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: the path "items" must start with /']],
  },
  {
    name: 'an Api route with a brace inside a segment',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { Path: "/a{b}c", Method: get }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: the segment "a{b}c" holds a brace: a path parameter is a whole segment, such as /items/{id}']],
  },
  {
    name: 'an Api route without a Method',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { Path: /a }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: Path and Method are required']],
  },
  {
    name: 'an HttpApi route with a method that does not exist',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: HttpApi', '    Properties: { Path: /a, Method: FETCH }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: Method FETCH is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY']],
  },
  {
    name: 'a RestApiId that names a function, not an API',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { RestApiId: !Ref Healthy, Path: /a, Method: get }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: RestApiId must be !Ref to an AWS::Serverless::Api of this template']],
  },
  {
    name: 'a route naming an authorizer its API does not have',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Bad:', '    Type: Api', '    Properties: { Path: /a, Method: get, Auth: { Authorizer: Nobody } }'])) },
    errors: [['template.yaml', 9, 'Routes event Bad: Auth.Authorizer Nobody is not among the API\'s Authorizers']],
  },
  {
    name: 'two routes for the same method and path',
    files: { ...OK, 'template.yaml': template(fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  One:', '    Type: Api', '    Properties: { Path: "/a/{x}", Method: get }',
      '  Two:', '    Type: Api', '    Properties: { Path: "/a/{y}", Method: GET }'])) },
    errors: [['template.yaml', 12, 'Routes event Two: GET /a/{y} is already served for Routes (<root>/template.yaml:9); the Local Lambda serves every API at the root of one port, so this route is not served']],
  },
  ...([
    ['an HttpApi CorsConfiguration that is a word', 'AWS::Serverless::HttpApi', 'CorsConfiguration: "yes"', 'Front CorsConfiguration must be true or a map of AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge and AllowCredentials'],
    ['an HttpApi CorsConfiguration with credentials for any origin', 'AWS::Serverless::HttpApi', 'CorsConfiguration: { AllowOrigins: ["*"], AllowCredentials: true }', 'Front CorsConfiguration: AllowCredentials cannot be true when AllowOrigins has "*"; API Gateway refuses it'],
    ['an HttpApi CorsConfiguration MaxAge over a day', 'AWS::Serverless::HttpApi', 'CorsConfiguration: { AllowOrigins: [a], MaxAge: 100000 }', 'Front CorsConfiguration: MaxAge must be a whole number of seconds from -1 to 86400'],
    ['an HttpApi CorsConfiguration with AllowOrigins as one string', 'AWS::Serverless::HttpApi', 'CorsConfiguration: { AllowOrigins: "https://a.example" }', 'Front CorsConfiguration: AllowOrigins must be a list of strings'],
    ['an Api Cors origin without its inner quotes', 'AWS::Serverless::Api', 'Cors: "*"', 'Front Cors: Cors must be in single quotes inside the string ("\'*\'"), as SAM writes header values'],
    ['an Api Cors map without AllowOrigin', 'AWS::Serverless::Api', 'Cors: { AllowMethods: "\'GET\'" }', 'Front Cors: AllowOrigin is required'],
    ['an Api Cors with AllowCredentials as a string', 'AWS::Serverless::Api', 'Cors: { AllowOrigin: "\'*\'", AllowCredentials: "yes" }', 'Front Cors: AllowCredentials must be true or false'],
  ] as const).map(([name, type, cors, message]): TemplateCase => ({
    name,
    files: { ...OK, 'template.yaml': template(
      ['  Front:', `    Type: ${type}`, '    Properties:', `      ${cors}`],
      fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Get:', `    Type: ${type === 'AWS::Serverless::Api' ? 'Api' : 'HttpApi'}`,
        `    Properties: { ${type === 'AWS::Serverless::Api' ? 'RestApiId' : 'ApiId'}: !Ref Front, Path: /a, Method: get }`])) },
    errors: [['template.yaml', 2, message]],
  })),
  ...([
    ['AWS::Serverless::Api', '-1'], ['AWS::Serverless::Api', '3601'], ['AWS::Serverless::Api', 'soon'], ['AWS::Serverless::Api', '1.5'],
    ['AWS::Serverless::HttpApi', '86400'], ['AWS::Serverless::HttpApi', '[60]'],
  ] as const).map(([type, ttl]): TemplateCase => ({
    name: `an ${type === 'AWS::Serverless::Api' ? 'Api' : 'HttpApi'} authorizer's ReauthorizeEvery of ${ttl}`,
    files: { ...OK, 'template.yaml': template(
      ['  Front:', `    Type: ${type}`, '    Properties:', `      Auth: { Authorizers: { A: { FunctionArn: !GetAtt Routes.Arn, Identity: { Headers: [Authorization], ReauthorizeEvery: ${ttl} } } } }`],
      fn('Routes', ['CodeUri: ok/', ...NODE, 'Events:', '  Get:', `    Type: ${type === 'AWS::Serverless::Api' ? 'Api' : 'HttpApi'}`,
        `    Properties: { ${type === 'AWS::Serverless::Api' ? 'RestApiId' : 'ApiId'}: !Ref Front, Path: /a, Method: get, Auth: { Authorizer: A } }`])) },
    errors: [['template.yaml', 2, 'Front Authorizers.A.Identity: ReauthorizeEvery must be a whole number of seconds from 0 to 3600; 300 is used']],
  })),
  {
    name: 'a Schedule without its expression',
    files: { ...OK, 'template.yaml': template(fn('Job', ['CodeUri: ok/', ...NODE, 'Events:', '  Tick:', '    Type: Schedule', '    Properties: { Enabled: true }'])) },
    errors: [['template.yaml', 9, 'Job event Tick: Schedule is required (rate(…) or cron(…))']],
  },
  {
    name: 'a Schedule with a five-field cron',
    files: { ...OK, 'template.yaml': template(fn('Job', ['CodeUri: ok/', ...NODE, 'Events:', '  Tick:', '    Type: Schedule', '    Properties: { Schedule: "cron(0 12 * * ?)" }'])) },
    errors: [['template.yaml', 9, 'Job event Tick: cron(0 12 * * ?) — cron takes 6 fields (minutes hours day-of-month month day-of-week year); this one has 5']],
  },
  {
    name: 'a ScheduleV2 with a rate in weeks',
    files: { ...OK, 'template.yaml': template(fn('Job', ['CodeUri: ok/', ...NODE, 'Events:', '  Tick:', '    Type: ScheduleV2', '    Properties: { ScheduleExpression: rate(1 week) }'])) },
    errors: [['template.yaml', 9, 'Job event Tick: rate(1 week) — use rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)']],
  },
  {
    name: 'a FunctionUrlConfig with an AuthType that does not exist',
    files: { ...OK, 'template.yaml': template(fn('Web', ['CodeUri: ok/', ...NODE, 'FunctionUrlConfig:', '  AuthType: PUBLIC'])) },
    errors: [['template.yaml', 8, "Web: 1 validation error detected: Value 'PUBLIC' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]"]],
  },
  {
    name: 'a FunctionUrlConfig whose CORS origin has a path',
    files: { ...OK, 'template.yaml': template(fn('Web', ['CodeUri: ok/', ...NODE, 'FunctionUrlConfig:', '  AuthType: NONE', '  Cors: { AllowOrigins: ["https://a.example/x"] }'])) },
    errors: [['template.yaml', 8, 'Web: Cors.AllowOrigins[0] "https://a.example/x" is not an origin: give scheme://host[:port] without a path, such as https://www.example.com or http://localhost:3000, or * for any origin.']],
  },
  {
    name: 'an AWS::Lambda::Url without a target function',
    files: { ...OK, 'template.yaml': template(['  WebUrl:', '    Type: AWS::Lambda::Url', '    Properties: { AuthType: NONE }']) },
    errors: [['template.yaml', 2, 'WebUrl: TargetFunctionArn must name a function of this template (!Ref or !GetAtt Function.Arn).']],
  },
  {
    name: 'an AWS::Lambda::Url for a function the template does not have',
    files: { ...OK, 'template.yaml': template(['  WebUrl:', '    Type: AWS::Lambda::Url', '    Properties: { AuthType: NONE, TargetFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:Elsewhere }']) },
    errors: [['template.yaml', 2, 'WebUrl: TargetFunctionArn names Elsewhere, which is no function of the Local Lambda.']],
  },
  {
    name: 'an AWS::Lambda::Url on an alias that does not exist',
    files: { ...OK, 'template.yaml': template(['  WebUrl:', '    Type: AWS::Lambda::Url', '    Properties: { AuthType: NONE, TargetFunctionArn: !Ref Healthy, Qualifier: live }']) },
    errors: [['template.yaml', 2, 'WebUrl: the alias live of Healthy does not exist on the Local Lambda.']],
  },
];

interface OptionCase {
  name: string;
  run: () => unknown;
  message: string | RegExp;
}

const EXAMPLES = "'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro' or 'KeyPairName=MyKey InstanceType=t1.micro'";
const OPTION_CASES: OptionCase[] = [
  { name: 'an override without a key', run: () => parameterOverrides(['=prod'], undefined), message: `--parameter-overrides: =prod is not in valid format. It must look something like ${EXAMPLES}` },
  { name: 'an override without "="', run: () => parameterOverrides(['Stage'], undefined), message: `--parameter-overrides: Stage is not in valid format. It must look something like ${EXAMPLES}` },
  {
    name: 'ParameterKey without ParameterValue', run: () => parameterOverrides(['ParameterKey=Stage'], undefined),
    message: `--parameter-overrides: ParameterKey=Stage is not in valid format. It must look something like ${EXAMPLES}`,
  },
  { name: 'an unclosed quote', run: () => parameterOverrides(['Greeting="hi there'], undefined), message: `--parameter-overrides: Greeting="hi there has an unclosed ". It must look something like ${EXAMPLES}` },
  { name: 'a key that is not a parameter name', run: () => parameterOverrides(['../Stage=x'], undefined), message: `--parameter-overrides: ../Stage=x is not in valid format. It must look something like ${EXAMPLES}` },
  {
    name: 'LOCAL_LAMBDA_PARAMETER_OVERRIDES as a list', run: () => parameterOverrides([], '["Stage=prod"]'),
    message: '--parameter-overrides: LOCAL_LAMBDA_PARAMETER_OVERRIDES must be a JSON object of parameter names to values, such as {"Stage":"prod"}',
  },
  { name: 'LOCAL_LAMBDA_PARAMETER_OVERRIDES not JSON', run: () => parameterOverrides([], 'Stage=prod'), message: /^--parameter-overrides: LOCAL_LAMBDA_PARAMETER_OVERRIDES is not valid JSON: / },
  {
    name: 'LOCAL_LAMBDA_PARAMETER_OVERRIDES with a map value', run: () => parameterOverrides([], '{"Stage":{"a":1}}'),
    message: '--parameter-overrides: LOCAL_LAMBDA_PARAMETER_OVERRIDES: the value of Stage must be a string, a number, a boolean or a list of them',
  },
  { name: 'a layer mapping without "="', run: () => layerMappings(['arn:aws:lambda:us-east-1:123456789012:layer:x:1'], undefined), message: '--layer arn:aws:lambda:us-east-1:123456789012:layer:x:1: give the layer ARN and a folder as ARN=folder.' },
  {
    name: 'a layer mapping whose key is not an ARN', run: () => layerMappings(['../../x=./folder'], undefined),
    message: '--layer ../../x=./folder: "../../x" is not a layer ARN (arn:aws:lambda:<region>:<account>:layer:<name>[:<version>]).',
  },
  { name: 'a layer mapping to no folder', run: () => layerMappings(['arn:aws:lambda:us-east-1:123456789012:layer:x:1='], undefined), message: '--layer arn:aws:lambda:us-east-1:123456789012:layer:x:1=: the folder for arn:aws:lambda:us-east-1:123456789012:layer:x:1 is empty.' },
  { name: 'LOCAL_LAMBDA_LAYERS with a number for a folder', run: () => layerMappings([], '{"arn:aws:lambda:us-east-1:123456789012:layer:x:1":3}'), message: 'LOCAL_LAMBDA_LAYERS: the folder for arn:aws:lambda:us-east-1:123456789012:layer:x:1 must be a string.' },
  { name: 'a time scale of 0', run: () => timeScaleFlag('0'), message: '--time-scale must be a number from 0.0001 to 1, such as 0.01 to run retries 100 times faster (got "0").' },
  { name: 'a time scale above 1', run: () => timeScaleFlag('2'), message: '--time-scale must be a number from 0.0001 to 1, such as 0.01 to run retries 100 times faster (got "2").' },
  { name: 'a time scale that is no number', run: () => timeScaleFlag('fast'), message: '--time-scale must be a number from 0.0001 to 1, such as 0.01 to run retries 100 times faster (got "fast").' },
  { name: 'LOCAL_LAMBDA_LAYERS as a string', run: () => layerMappings([], '"./layers"'), message: /^LOCAL_LAMBDA_LAYERS must be a JSON object of layer ARNs to folders/ },
];

/** Every path under `dir`, relative, sorted (links not followed). */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
}

describe(`bad input: templates and options (${TEMPLATE_CASES.length + OPTION_CASES.length} cases)`, () => {
  for (const c of TEMPLATE_CASES) {
    it(`refuses ${c.name}`, async () => {
      // Project and data folder side by side in a sandbox: nothing else may appear in it.
      const sandbox = makeTempDir('local-lambda-bad-');
      const root = path.join(sandbox, 'project');
      const dataDir = path.join(sandbox, 'data');
      fs.mkdirSync(root);
      for (const [name, text] of Object.entries(c.files)) {
        if (name.startsWith('@symlink ')) {
          fs.symlinkSync(text, path.join(root, name.slice('@symlink '.length)));
          continue;
        }
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
      }
      const before = listing(root);
      const t = await startTestLocal({ dir: root, dataDir });
      try {
        const report = t.local.templates;
        const shown = (list: typeof report.errors) => list.map((e) => [
          path.relative(root, e.file).split(path.sep).join('/'), e.line, e.message.split(fs.realpathSync(root)).join('<root>').split(root).join('<root>'),
        ]);
        assert.deepEqual(shown(report.errors), c.errors ?? []);
        if (c.warnings) assert.deepEqual(shown(report.warnings), c.warnings);
        if (c.files['template.yaml'].includes('Healthy')) {
          assert.ok(t.local.functions().includes('Healthy'), 'the other functions still load');
        }
        assert.deepEqual(fs.readdirSync(sandbox).sort(), ['data', 'project'], 'nothing written next to the project');
        assert.deepEqual(listing(root), before, 'nothing written into the project');
        for (const entry of listing(dataDir)) assert.ok(!entry.includes('..') && !entry.includes('escaped'), entry);
      } finally {
        await t.close();
        fs.rmSync(sandbox, { recursive: true, force: true });
      }
    });
  }

  for (const c of OPTION_CASES) {
    it(`refuses ${c.name}`, () => {
      assert.throws(c.run, (err: Error) => {
        if (typeof c.message === 'string') assert.equal(err.message, c.message);
        else assert.match(err.message, c.message);
        return true;
      });
    });
  }
});
