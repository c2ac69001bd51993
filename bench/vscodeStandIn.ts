/**
 * A minimal stand-in for the `vscode` module, so the extension bundle can be loaded and activated
 * in plain Node. The few classes the extension constructs or extends are real (small) classes;
 * every namespace function (registerCommand, createTreeView, onDidChange…) answers with a
 * disposable stub. Counts what activation registered.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';

export interface StandInOptions {
  /** Folder opened as the only workspace folder. */
  workspaceFolder?: string;
  /** `contributes.configuration` defaults are read from this manifest. */
  manifest?: string;
}

export interface StandIn {
  module: Record<string, unknown>;
  registered: { commands: string[]; other: number };
}

/** Any property is another stub, any call or `new` gives a stub; never thenable. */
function stub(name: string, onCall?: () => void): unknown {
  const props = new Map<PropertyKey, unknown>();
  const target = function standIn() {};
  const proxy: unknown = new Proxy(target, {
    get(t, prop) {
      if (props.has(prop)) return props.get(prop);
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => undefined;
      if (prop === 'prototype') return t.prototype;
      if (prop === Symbol.toPrimitive) return () => `[vscode ${name}]`;
      if (prop === Symbol.iterator) return function* empty() {};
      if (typeof prop === 'symbol') return undefined;
      const child = stub(`${name}.${prop}`, onCall);
      props.set(prop, child);
      return child;
    },
    set(_t, prop, value) {
      props.set(prop, value);
      return true;
    },
    apply() {
      onCall?.();
      return stub(`${name}()`);
    },
    construct(t, _args, newTarget) {
      return newTarget === proxy ? (stub(`new ${name}`) as object) : Object.create(newTarget.prototype);
    },
  });
  return proxy;
}

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): void {
    this.onDispose();
  }
}

class EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event = (listener: (e: T) => unknown) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Uri {
  private constructor(readonly scheme: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.replace(/:$/, ''), u.pathname, u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.posix.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, change.path ?? this.path, this.query, this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class TreeItem {
  constructor(readonly label: unknown, readonly collapsibleState = 0) {}
}

class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(readonly id: string, readonly color?: unknown) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  isTrusted?: boolean;
  supportThemeIcons?: boolean;
  constructor(public value = '', supportThemeIcons = false) {
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

class Position {
  constructor(readonly line: number, readonly character: number) {}
}

class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c ?? 0, d ?? 0) : (b as Position);
  }
}

class CodeLens {
  constructor(readonly range: Range, public command?: unknown) {}
  get isResolved(): boolean {
    return this.command !== undefined;
  }
}

class CancellationError extends Error {}

class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

/** Defaults of `contributes.configuration`, by full key. */
function configurationDefaults(manifest: string | undefined): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  if (!manifest || !fs.existsSync(manifest)) return defaults;
  const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { contributes?: { configuration?: unknown } };
  const sections = ([] as unknown[]).concat(json.contributes?.configuration ?? []) as { properties?: Record<string, { default?: unknown }> }[];
  for (const section of sections) for (const [key, spec] of Object.entries(section.properties ?? {})) defaults.set(key, spec.default);
  return defaults;
}

export function createStandIn(options: StandInOptions = {}): StandIn {
  const registered = { commands: [] as string[], other: 0 };
  const countCall = () => void registered.other++;
  const defaults = configurationDefaults(options.manifest);
  const folder = options.workspaceFolder;

  const getConfiguration = (section?: string) => {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: (key: string, fallback?: unknown) => (defaults.has(full(key)) ? defaults.get(full(key)) : fallback),
      has: (key: string) => defaults.has(full(key)),
      inspect: (key: string) => ({ key: full(key), defaultValue: defaults.get(full(key)) }),
      update: async () => undefined,
    };
  };

  const namespace = (name: string, members: Record<string, unknown>) => {
    const ns = stub(name, countCall) as Record<string, unknown>;
    for (const [key, value] of Object.entries(members)) ns[key] = value;
    return ns;
  };

  const module: Record<string, unknown> = {
    version: '1.90.0',
    Disposable,
    EventEmitter,
    Uri,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    Position,
    Range,
    CodeLens,
    CancellationError,
    CancellationTokenSource,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    commands: namespace('commands', {
      registerCommand: (id: string) => {
        registered.commands.push(id);
        return new Disposable(() => undefined);
      },
      executeCommand: async () => undefined,
    }),
    workspace: namespace('workspace', {
      getConfiguration,
      workspaceFolders: folder ? [{ uri: Uri.file(folder), name: path.basename(folder), index: 0 }] : undefined,
      isTrusted: true,
    }),
    window: namespace('window', {}),
    languages: namespace('languages', {}),
    env: namespace('env', { language: 'en', appName: 'stand-in', uiKind: 1 }),
    extensions: namespace('extensions', {}),
    l10n: namespace('l10n', { t: (message: string) => message }),
  };
  return { module: new Proxy(module, { get: (m, prop) => (prop in m || typeof prop === 'symbol' ? m[prop as string] : stub(String(prop))) }), registered };
}

/** Makes `require('vscode')` return the stand-in; returns a function that undoes it. */
export function installStandIn(standIn: StandIn): () => void {
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function load(request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return standIn.module;
    return original.call(this, request, parent, isMain);
  };
  return () => {
    loader._load = original;
  };
}

/** An ExtensionContext good enough for activate(): real paths, in-memory state. */
export function standInExtensionContext(extensionPath: string, storageDir: string): Record<string, unknown> {
  const memento = () => {
    const values = new Map<string, unknown>();
    return {
      get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, value),
      keys: () => [...values.keys()],
      setKeysForSync: () => undefined,
    };
  };
  const context: Record<string, unknown> = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    globalStorageUri: Uri.file(path.join(storageDir, 'global')),
    storageUri: Uri.file(path.join(storageDir, 'workspace')),
    logUri: Uri.file(path.join(storageDir, 'log')),
    globalStoragePath: path.join(storageDir, 'global'),
    storagePath: path.join(storageDir, 'workspace'),
    logPath: path.join(storageDir, 'log'),
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => new Disposable(() => undefined) },
    asAbsolutePath: (rel: string) => path.join(extensionPath, rel),
  };
  return new Proxy(context, { get: (c, prop) => (prop in c || typeof prop === 'symbol' ? c[prop as string] : stub(`context.${String(prop)}`)) });
}
