import * as assert from 'node:assert/strict';
import { EnvDraft } from '../../../src/features/configuration/draft';
import { configurationProtocol, type ConfigurationOp } from '../../../src/features/configuration/protocol';
import { validate, type Schema } from '../../../src/workbench/panel/validate';

const opSchema = configurationProtocol.requests.op.schema as Schema<ConfigurationOp>;

describe('Configuration tab: environment draft', () => {
  const base = { DB_HOST: 'db.internal', API_TOKEN: 's3cr3t-token', GREETING: 'Hello' };

  it('starts masked: the view carries no values until a row is revealed', () => {
    const draft = new EnvDraft(base);
    const view = draft.view(base);
    assert.deepEqual(view.map((r) => r.key), ['DB_HOST', 'API_TOKEN', 'GREETING']);
    assert.ok(view.every((r) => r.value === undefined && !r.revealed && r.status === 'unchanged'));
    assert.doesNotMatch(JSON.stringify(view), /s3cr3t|db\.internal|Hello/);
    const token = view[1].id;
    draft.reveal(token, true);
    assert.equal(draft.view(base)[1].value, 's3cr3t-token');
    assert.doesNotMatch(JSON.stringify(draft.view(base).filter((r) => r.id !== token)), /db\.internal|Hello/);
    draft.reveal(token, false);
    assert.equal(draft.view(base)[1].value, undefined);
  });

  it('adds, renames, changes, reorders and removes rows, and describes the change without values', () => {
    const draft = new EnvDraft(base);
    const [host, token, greeting] = draft.list().map((r) => r.id);
    draft.setKey(host, 'DATABASE_HOST');
    draft.setValue(token, 'new-secret');
    draft.remove(greeting);
    const added = draft.add();
    draft.setKey(added.id, 'STAGE');
    draft.setValue(added.id, 'dev');
    draft.move(added.id, 0);
    assert.deepEqual(draft.list().map((r) => r.key), ['STAGE', 'DATABASE_HOST', 'API_TOKEN']);
    assert.deepEqual(draft.map(), { STAGE: 'dev', DATABASE_HOST: 'db.internal', API_TOKEN: 'new-secret' });
    assert.deepEqual(draft.view(base).map((r) => r.status), ['added', 'renamed', 'changed']);
    assert.deepEqual(draft.diffLines(base), [
      { kind: 'renamed', text: 'DB_HOST → DATABASE_HOST' },
      { kind: 'changed', text: 'API_TOKEN: value changed' },
      { kind: 'removed', text: 'GREETING removed' },
      { kind: 'added', text: 'STAGE added' },
    ]);
    assert.doesNotMatch(JSON.stringify(draft.diffLines(base)), /new-secret|db\.internal|dev/);
    draft.move(added.id, 99);
    assert.equal(draft.list()[2].key, 'STAGE');
  });

  it('shows key problems inline, ignoring a blank new row', () => {
    const draft = new EnvDraft({ AB: '1' });
    const blank = draft.add();
    assert.equal(draft.problems().size, 0);
    draft.setValue(blank.id, 'x');
    assert.match(draft.problems().get(blank.id) ?? '', /Enter a name/);
    draft.setKey(blank.id, 'AB');
    assert.match(draft.problems().get(blank.id) ?? '', /already used in row 1/);
    draft.setKey(blank.id, 'AWS_REGION');
    assert.match(draft.view({ AB: '1' })[1].keyProblem ?? '', /reserved/);
  });

  it('pastes KEY=value lines onto existing rows or as new masked rows', () => {
    const draft = new EnvDraft({ AB: '1' });
    assert.deepEqual(draft.upsert([{ key: 'AB', value: '2' }, { key: 'CD', value: '3' }, { key: 'CD', value: '4' }]), { added: 1, updated: 2 });
    assert.deepEqual(draft.map(), { AB: '2', CD: '4' });
    assert.equal(draft.view({})[1].revealed, false);
  });

  it('takes a merge result, keeping row identity and reveal state', () => {
    const draft = new EnvDraft({ AB: '1', CD: '2' });
    const [ab] = draft.list();
    draft.reveal(ab.id, true);
    draft.applyMerge({ AB: 'mine', EF: 'theirs' }, { AB: 'theirs', EF: 'theirs' }, new Map([['AB', 'both changed']]));
    const rows = draft.list();
    assert.equal(rows[0].id, ab.id);
    assert.equal(rows[0].revealed, true);
    assert.equal(rows[0].conflict, 'both changed');
    assert.deepEqual(draft.view({ AB: 'theirs', EF: 'theirs' }).map((r) => r.status), ['changed', 'unchanged']);
  });

  it('rejects malformed edits from the webview', () => {
    assert.deepEqual(validate(opSchema, { op: 'setValue', id: 3, value: 'x' }, 'edit'), { op: 'setValue', id: 3, value: 'x' });
    assert.deepEqual(validate(opSchema, { op: 'setSetting', field: 'timeout', value: '30' }, 'edit'), { op: 'setSetting', field: 'timeout', value: '30' });
    assert.throws(() => validate(opSchema, { op: 'setValue', id: '3', value: 'x' }, 'edit'), /Rejected edit/);
    assert.throws(() => validate(opSchema, { op: 'setSetting', field: 'role', value: 'x' }, 'edit'), /Rejected edit/);
    assert.throws(() => validate(opSchema, { op: 'save', extra: 1 }, 'edit'), /Rejected edit/);
    assert.throws(() => validate(opSchema, { op: 'deleteFunction' }, 'edit'), /Rejected edit/);
  });
});
