import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readDockerfile } from '../../src/local/lambda/dockerfile';
import { layerPaths, withLayerPaths } from '../../src/local/runtime/layerPaths';

describe('Local Lambda: reading a Dockerfile as a zip function', () => {
  it('reads the sam init Dockerfiles: runtime, copies, installs, environment and handler', () => {
    const node = readDockerfile([
      'FROM public.ecr.aws/lambda/nodejs:22',
      '',
      'COPY app.mjs package*.json ./',
      'RUN npm ci --omit=dev',
      '# a comment',
      'ENV TABLE=orders \\',
      '    GREETING="Hello there"',
      'ENV LEGACY old style value',
      'CMD ["app.lambdaHandler"]',
    ].join('\n'));
    assert.deepEqual(node.plan, {
      runtime: 'nodejs22.x', baseImage: 'public.ecr.aws/lambda/nodejs:22', fromLine: 1, workdir: '/var/task',
      copies: [{ line: 3, sources: ['app.mjs', 'package*.json'], dest: '/var/task', destIsDir: true, instruction: 'COPY' }],
      installs: [{ line: 4, tool: 'npm', command: 'npm ci --omit=dev', workdir: '/var/task' }],
      environment: { TABLE: 'orders', GREETING: 'Hello there', LEGACY: 'old style value' },
      command: ['app.lambdaHandler'],
    });
    const python = readDockerfile([
      'FROM public.ecr.aws/lambda/python:3.13-arm64',
      'WORKDIR ${LAMBDA_TASK_ROOT}',
      'COPY requirements.txt .',
      'RUN pip3 install -r requirements.txt --target "${LAMBDA_TASK_ROOT}"',
      'COPY src/ ${LAMBDA_TASK_ROOT}/src/',
      'ADD config.json ./config/settings.json',
      'CMD [ "src.app.handler" ]',
    ].join('\n'));
    assert.equal(python.plan?.runtime, 'python3.13');
    assert.deepEqual(python.plan?.copies.map((c) => [c.sources, c.dest, c.destIsDir]), [
      [['requirements.txt'], '/var/task', true],
      [['src/'], '/var/task/src', true],
      [['config.json'], '/var/task/config/settings.json', false],
    ]);
    assert.deepEqual(python.plan?.installs.map((i) => i.tool), ['pip']);
    assert.deepEqual(python.plan?.command, ['src.app.handler']);
  });

  const refused = (text: string) => readDockerfile(text).unsupported;
  it('names the first line that needs a container runtime', () => {
    assert.deepEqual(refused('FROM node:20-alpine\nCOPY . .\n'), {
      line: 1, text: 'FROM node:20-alpine', reason: 'builds on an image other than public.ecr.aws/lambda/nodejs:<version> or public.ecr.aws/lambda/python:<version>',
    });
    assert.deepEqual(refused('FROM public.ecr.aws/lambda/nodejs:20 as builder\nWORKDIR /usr/app\nCOPY . .\n'), {
      line: 2, text: 'WORKDIR /usr/app', reason: 'works in /usr/app, outside the function\'s folder /var/task',
    });
    assert.deepEqual(refused('FROM public.ecr.aws/lambda/nodejs:20\nCOPY package.json ./\nRUN npm install && npm run build\n'), {
      line: 3, text: 'RUN npm install && npm run build', reason: 'runs a shell command line, not one npm or pip install',
    });
    assert.equal(refused('FROM public.ecr.aws/lambda/nodejs:20\nRUN npm run build\n')?.reason, 'runs a command other than npm install, npm ci or pip install');
    assert.equal(refused('FROM public.ecr.aws/lambda/nodejs:20\nFROM public.ecr.aws/lambda/nodejs:20\n')?.reason, 'starts a second build stage');
    assert.equal(refused('FROM public.ecr.aws/lambda/nodejs:20\nCOPY --from=builder /usr/app/dist ./\n')?.reason, 'copies from another build stage or image');
    assert.equal(refused('FROM public.ecr.aws/lambda/python:3.12\nADD https://example.com/x.tgz ./\n')?.reason, 'downloads its source');
    assert.equal(refused('FROM public.ecr.aws/lambda/python:3.12\nADD vendor.tar.gz ./\n')?.reason, 'unpacks an archive');
    assert.equal(refused('FROM public.ecr.aws/lambda/python:3.12\nENTRYPOINT ["/app/run"]\n')?.reason, 'uses ENTRYPOINT, which needs a container build');
    assert.equal(refused('ARG VERSION=20\nFROM public.ecr.aws/lambda/nodejs:${VERSION}\n')?.reason, 'comes before FROM (build arguments need a container build)');
    assert.equal(refused('FROM public.ecr.aws/lambda/java:21\n')?.line, 1);
    assert.equal(refused('# only a comment\n')?.reason, 'the Dockerfile has no instructions');
  });
});

describe('Local Lambda: layer paths', () => {
  const a = path.join('/layers', 'a');
  const b = path.join('/layers', 'b');

  it('maps layer folders to the paths Lambda searches under /opt, later layers first', () => {
    assert.deepEqual(layerPaths([a, b], 'nodejs20.x'), {
      NODE_PATH: [path.join(b, 'nodejs', 'node20', 'node_modules'), path.join(a, 'nodejs', 'node20', 'node_modules'), path.join(b, 'nodejs', 'node_modules'), path.join(a, 'nodejs', 'node_modules')],
      PYTHONPATH: [],
      PATH: [path.join(b, 'bin'), path.join(a, 'bin')],
      LD_LIBRARY_PATH: [path.join(b, 'lib'), path.join(a, 'lib')],
    });
    assert.deepEqual(layerPaths([a], 'python3.12').PYTHONPATH, [path.join(a, 'python', 'lib', 'python3.12', 'site-packages'), path.join(a, 'python')]);
    assert.deepEqual(layerPaths([a], 'provided.al2023').NODE_PATH, []);
  });

  it('adds them to the environment, after the system PATH, leaving a NODE_PATH the function sets', () => {
    const env = withLayerPaths({ PATH: '/usr/bin' }, [a], 'nodejs22.x');
    assert.equal(env.PATH, ['/usr/bin', path.join(a, 'bin')].join(path.delimiter));
    assert.equal(env.NODE_PATH, [path.join(a, 'nodejs', 'node22', 'node_modules'), path.join(a, 'nodejs', 'node_modules')].join(path.delimiter));
    assert.equal(withLayerPaths({ NODE_PATH: '/mine' }, [a], 'nodejs22.x').NODE_PATH, '/mine');
    const none = { PATH: '/usr/bin' };
    assert.equal(withLayerPaths(none, [], 'nodejs22.x'), none);
  });
});
