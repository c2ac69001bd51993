import * as assert from 'node:assert/strict';
import { editedEventLabel, originOf, topLevelKeys } from '../../../src/features/invoke/webview/eventLabel';

describe('invoke/event labels', () => {
  const s3 = originOf('S3 Object Created (Put)', JSON.stringify({ Records: [{ eventSource: 'aws:s3' }] }));

  it('an edited sample keeps the sample\'s name while it keeps its top-level keys', () => {
    assert.equal(editedEventLabel(JSON.stringify({ Records: [] }), s3), 'S3 Object Created (Put) (edited)');
    assert.equal(editedEventLabel(JSON.stringify({ Records: [], extra: 1 }), s3), 'S3 Object Created (Put) (edited)');
  });

  it('an event that no longer looks like its sample is named by its keys', () => {
    assert.equal(editedEventLabel('{"name":"Ada"}', s3), 'Custom event {name}');
    assert.equal(editedEventLabel('{"a":1,"b":2,"c":3,"d":4}'), 'Custom event {a, b, c, …}');
    assert.equal(editedEventLabel('{}'), 'Custom event {}');
    assert.equal(editedEventLabel('[1,2]'), 'Custom event');
    assert.equal(editedEventLabel('{"name": '), 'Custom event', 'text that is not JSON yet');
    assert.equal(editedEventLabel(`{"${'k'.repeat(100)}":1}`), `Custom event {${'k'.repeat(23)}…}`);
  });

  it('an origin taken from an edited label is the label it was edited from', () => {
    assert.deepEqual(originOf('S3 Object Created (Put) (edited)', '{"Records":[]}'), { label: 'S3 Object Created (Put)', keys: ['Records'] });
    assert.deepEqual(topLevelKeys('"text"'), undefined);
  });
});
