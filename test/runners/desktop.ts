// Runs the same extension-host suite in desktop VS Code, downloaded by @vscode/test-electron
// (needs access to VS Code's download servers). Usage: npm run test:desktop
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, repoPaths } from './repo';
import { LOG_FILE_ENV, RESULT_FILE_ENV } from './testResult';

async function main(): Promise<void> {
  const resultFile = path.join(repoPaths.RESULTS_DIR, 'integration-desktop.json');
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [repoPaths.EXAMPLES, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { [RESULT_FILE_ENV]: resultFile, [LOG_FILE_ENV]: `${resultFile}.log` },
    });
    console.log(`integration (desktop VS Code) passed; result in ${resultFile}`);
  } catch (err) {
    console.error(`integration (desktop VS Code) failed: ${(err as Error).message ?? err}`);
    process.exitCode = 1;
  }
}

void main();
