import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { listProfiles } from '../../src/aws/profiles';
import { useTempAwsConfig } from '../support/awsEnv';

describe('aws/profiles', () => {
  let env: ReturnType<typeof useTempAwsConfig> | undefined;
  afterEach(() => env?.restore());

  it('lists profiles from both files, default first, SSO marked, sso-session sections skipped', async () => {
    env = useTempAwsConfig({
      config: [
        '[profile zeta]', 'region = eu-west-1', '',
        '[profile dev-sso]', 'sso_session = corp', 'sso_account_id = 111111111111', 'sso_role_name = Dev', 'region = us-west-2', '',
        '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', '',
        '[profile legacy-sso]', 'sso_start_url = https://old.awsapps.com/start', '',
        '[default]', 'region = us-east-1', '',
      ].join('\n'),
      credentials: ['[default]', 'aws_access_key_id = AKIAEXAMPLE', 'aws_secret_access_key = secret', '', '[ci]', 'aws_access_key_id = AKIACI', 'aws_secret_access_key = s2', ''].join('\n'),
    });
    const profiles = await listProfiles();
    assert.deepEqual(
      profiles.map((p) => p.name),
      ['default', 'ci', 'dev-sso', 'legacy-sso', 'zeta'],
    );
    const byName = new Map(profiles.map((p) => [p.name, p]));
    assert.equal(byName.get('dev-sso')?.sso, true);
    assert.equal(byName.get('legacy-sso')?.sso, true);
    assert.equal(byName.get('zeta')?.sso, false);
    assert.equal(byName.get('zeta')?.region, 'eu-west-1');
    assert.equal(byName.get('ci')?.region, undefined);
  });

  it('gives no profiles when there are no AWS files', async () => {
    env = useTempAwsConfig({});
    assert.deepEqual(await listProfiles(), []);
  });

  it('sees a profile added after the first listing', async () => {
    env = useTempAwsConfig({ config: '[profile one]\nregion = us-east-1\n' });
    assert.deepEqual((await listProfiles()).map((p) => p.name), ['one']);
    fs.appendFileSync(process.env.AWS_CONFIG_FILE!, '[profile two]\nregion = us-east-1\n');
    assert.deepEqual((await listProfiles()).map((p) => p.name), ['one', 'two']);
  });
});
