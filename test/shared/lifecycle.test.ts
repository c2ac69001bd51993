import * as assert from 'node:assert/strict';
import { Disposable, type IDisposable } from '../../src/shared/lifecycle';

class Owner extends Disposable {
  own<T extends IDisposable>(value: T): T {
    return this._register(value);
  }
}

describe('util/lifecycle Disposable', () => {
  it('disposes what it owns, newest first, once', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.own({ dispose: () => order.push('log') });
    owner.own({ dispose: () => order.push('tree') });
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['tree', 'log']);
  });

  it('one failing disposable does not keep the others alive', () => {
    let disposed = false;
    const owner = new Owner();
    owner.own({ dispose: () => (disposed = true) });
    owner.own({
      dispose: () => {
        throw new Error('boom');
      },
    });
    owner.dispose();
    assert.ok(disposed);
  });

  it('something registered after disposal is disposed at once', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.own({ dispose: () => (disposed = true) });
    assert.ok(disposed);
  });
});
