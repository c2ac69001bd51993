import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalLambdaError } from '../../../src/aws/errors';
import { localDataDir, LocalLambdaProcess } from '../../../src/workbench/localLambda/process';
import { REPO_ROOT } from '../../support/repo';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');

describe('aws/LocalLambdaProcess: a corrupt state file', function () {
  this.timeout(30_000);

  it('fails the start with the Local Lambda\'s own message, naming the file, the record and the field', async () => {
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-corrupt-'));
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-corrupt-folder-'));
    try {
      const dataDir = localDataDir(storage, folder);
      fs.mkdirSync(dataDir, { recursive: true });
      const file = path.join(dataDir, 'lambda-state.json');
      fs.writeFileSync(file, JSON.stringify({ formatVersion: 1, functions: { alpha: 'oops' } }));
      for (let attempt = 0; attempt < 3; attempt++) {
        const proc = new LocalLambdaProcess({ extensionPath: REPO_ROOT, script: CLI, folder, storagePath: storage });
        await assert.rejects(proc.start(), (err: Error) => {
          assert.ok(err instanceof LocalLambdaError);
          assert.equal(err.message, 'Local Lambda did not start: the process exited (code 1)\n' +
            `local-lambda: State file ${file} is corrupt (function "alpha": expected an object, found the string "oops"). Fix or move it away; it was left untouched.`);
          return true;
        });
      }
      assert.equal(fs.readFileSync(file, 'utf8'), JSON.stringify({ formatVersion: 1, functions: { alpha: 'oops' } }));
    } finally {
      fs.rmSync(storage, { recursive: true, force: true });
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
