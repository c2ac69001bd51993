import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const VARS = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'HOME', 'USERPROFILE'];

/**
 * Points the AWS SDK at config/credentials files in a fresh temp folder (and a temp home, so
 * nothing from the machine's ~/.aws leaks in). Returns a function that restores everything.
 */
export function useTempAwsConfig(files: { config?: string; credentials?: string }): { dir: string; restore: () => void } {
  const saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-aws-'));
  for (const name of VARS) delete process.env[name];
  process.env.HOME = dir;
  process.env.USERPROFILE = dir;
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  if (files.config !== undefined) fs.writeFileSync(process.env.AWS_CONFIG_FILE, files.config);
  if (files.credentials !== undefined) fs.writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, files.credentials);
  return {
    dir,
    restore: () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
