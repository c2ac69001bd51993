import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { makeTempDir } from './helpers';
import { REPO_ROOT } from '../support/repo';
import { startLocalLambda } from '../../src/local/server';

/**
 * A project whose every path-like name tries to lead out of the served folder (function names,
 * logical ids, handlers, CodeUri and layer ContentUri, directly and through a symbolic link, a
 * Dockerfile COPY destination) plus a template too large to read and one of nested YAML aliases.
 * Starting the Local Lambda on it reports each, loads the rest, and changes nothing outside the
 * served folder's data folder: a sentinel folder next to it keeps its tree, contents and times.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', 'hostile');

interface Entry { type: string; mode: number; mtimeMs: number; hash?: string; link?: string }

function snapshot(dir: string, skip: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      if (abs === skip) continue;
      const st = fs.lstatSync(abs);
      // The folder holding the data folder changes its time when the data folder is made in it.
      const mtimeMs = abs === path.dirname(skip) ? 0 : st.mtimeMs;
      const entry: Entry = { type: st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file', mode: st.mode, mtimeMs };
      if (st.isSymbolicLink()) entry.link = fs.readlinkSync(abs);
      else if (st.isFile()) entry.hash = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
      out[path.relative(dir, abs)] = entry;
      if (st.isDirectory()) walk(abs);
    }
  };
  walk(dir);
  return out;
}

describe('Local Lambda: a hostile project', function () {
  this.timeout(30_000);

  it('reports every path that leads outside, loads the rest, and touches nothing outside the served and data folders', async () => {
    const top = makeTempDir('hostile-');
    try {
      const served = path.join(top, 'served');
      fs.cpSync(FIXTURE, served, { recursive: true, verbatimSymlinks: true });
      const sentinel = path.join(top, 'sentinel');
      fs.mkdirSync(path.join(sentinel, 'inner'), { recursive: true });
      fs.writeFileSync(path.join(sentinel, 'keep.txt'), 'do not touch\n');
      fs.writeFileSync(path.join(sentinel, 'inner', 'index.js'), 'exports.handler = async () => "sentinel";\n');
      fs.mkdirSync(path.join(served, 'huge'));
      fs.writeFileSync(path.join(served, 'huge', 'template.yaml'), `# ${'x'.repeat(11 * 1024 * 1024)}\n`);
      const dataDir = path.join(served, '.local-lambda');
      const before = snapshot(top, dataDir);

      const local = await startLocalLambda({ dir: served });
      try {
        assert.equal(local.dataDir, dataDir);
        assert.deepEqual(local.functions(), ['Healthy', 'UsesLayers']);
        const shown = (list: typeof local.templates.errors) => list.map((e) => [path.relative(served, e.file), e.line, e.message.split(top).join('<top>')]);
        const outside = (what: string) => `${what} leads outside the folder the Local Lambda serves (<top>/served); only code inside it is run`;
        assert.deepEqual(shown(local.templates.errors), [
          ['huge/template.yaml', undefined, 'The template holds 11534339 bytes, more than the 10485760 the Local Lambda reads; it was skipped.'],
          ['template.yaml', 7, 'NamedLikeAPath: FunctionName: a function name holds only letters, digits, "-" and "_"; "../../../sentinel" does not.'],
          ['template.yaml', 11, '../../sentinel: the logical id "../../sentinel" is not alphanumeric (CloudFormation allows A-Z, a-z and 0-9 only); give the function a FunctionName.'],
          ['template.yaml', 21, 'HandlerLikeAPath: Handler ../../../sentinel/planted.handler must name a module file (letters, digits, "-" and "_") for inline code.'],
          ['template.yaml', 26, `CodeThroughALink: ${outside('CodeUri linked-out/')}.`],
          ['template.yaml', 32, `CodeAbove: ${outside('CodeUri ../sentinel')}.`],
          ['template.yaml', 52, 'ImageCopyingOut: PackageType Image needs a container runtime: image/Dockerfile:2 "COPY app.js ../../../sentinel/" copies to /sentinel, ' +
            'outside the function\'s folder /var/task. Without one, the Local Lambda runs an image function only when its Dockerfile starts FROM ' +
            'public.ecr.aws/lambda/nodejs:<version> or public.ecr.aws/lambda/python:<version> and uses only COPY, ADD (local files), RUN npm install / ' +
            'npm ci / pip install, ENV, WORKDIR and CMD.'],
          ['laughs/template.yaml', undefined, 'Excessive alias count indicates a resource exhaustion attack'],
        ]);
        // Layers are reported on the function that uses them, which runs without them.
        assert.deepEqual(shown(local.templates.warnings).filter(([, , m]) => String(m).includes('layer')), [
          ['template.yaml', 45, `UsesLayers: layer LayerAbove: ${outside('ContentUri ../sentinel')}; the function runs without it`],
          ['template.yaml', 45, `UsesLayers: layer LayerThroughALink: ${outside('ContentUri linked-out')}; the function runs without it`],
        ]);
      } finally {
        await local.close();
      }
      assert.deepEqual(snapshot(top, dataDir), before);
      // Nothing in the data folder is a link leading out of it, and nothing there came from the sentinel.
      const data = snapshot(dataDir, '');
      assert.ok(Object.keys(data).length > 0);
      for (const [rel, entry] of Object.entries(data)) {
        assert.notEqual(entry.hash, createHash('sha256').update('do not touch\n').digest('hex'), rel);
        if (entry.link) assert.ok(!path.resolve(path.dirname(path.join(dataDir, rel)), entry.link).startsWith(sentinel), rel);
      }
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
