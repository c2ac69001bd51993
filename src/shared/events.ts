import type { IDisposable } from './lifecycle';

/** A minimal typed event emitter for layers that must not depend on VS Code. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): IDisposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
