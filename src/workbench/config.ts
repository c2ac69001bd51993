import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionSettings } from './connections';

/** Every `lambdaWorkbench.*` setting is read here, typed and with its default, and nowhere else. */
export const SECTION = 'lambdaWorkbench';

/** Setting keys below the section, for writes and change events. */
export const SettingKeys = {
  regions: 'regions',
  customEndpoints: 'customEndpoints',
  localEnabled: 'local.enabled',
  localFolder: 'local.folder',
  localParameterOverrides: 'local.parameterOverrides',
  localInterpreters: 'local.interpreters',
  localLayers: 'local.layers',
  pageSize: 'pageSize',
  codeLensEnabled: 'codeLens.enabled',
  logsBufferSize: 'logs.bufferSize',
  healthLineEnabled: 'tree.healthLine.enabled',
  healthLineLargeConnections: 'tree.healthLine.largeConnections',
  healthLineLargeThreshold: 'tree.healthLine.largeConnectionThreshold',
} as const;
export type SettingKey = (typeof SettingKeys)[keyof typeof SettingKeys];

export interface WorkbenchSettings extends ConnectionSettings {
  /** Functions per page in the tree. */
  pageSize: number;
  /** Absolute folder the Local Lambda serves, or undefined when no folder is open. */
  localFolder: string | undefined;
  codeLensEnabled: boolean;
  /** Log events kept per tail. */
  logsBufferSize: number;
  /** What the Local Lambda is started with, besides its folder. */
  localRun: LocalRunSettings;
  /** The tree's health line (error rate and p99 of the last hour on functions and aliases). */
  healthLine: HealthLineSettings;
}

export interface HealthLineSettings {
  enabled: boolean;
  /** Connection ids ("local", "profile:<name>", "custom:<name>") marked large: no health line. */
  largeConnections: string[];
  /** A connection counts as large once one of its regions lists this many functions. */
  largeConnectionThreshold: number;
}

/** Settings the Local Lambda program takes (each a map of strings; bad entries are left out). */
export interface LocalRunSettings {
  parameterOverrides: Record<string, string>;
  interpreters: Record<string, string>;
  layers: Record<string, string>;
}

const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_LOG_BUFFER = 10_000;
const DEFAULT_LARGE_CONNECTION = 500;

/** A whole number in [min, max] (a larger one is capped), or the default for anything else. */
function wholeNumber(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? Math.min(Math.floor(value), max) : fallback;
}

/** Reads `lambdaWorkbench.*` with types and defaults, tolerating hand-edited bad values. */
export function readSettings(): WorkbenchSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const regions = config.get<unknown>(SettingKeys.regions);
  const custom = config.get<unknown>(SettingKeys.customEndpoints);
  return {
    regions: Array.isArray(regions) ? regions.filter((r): r is string => typeof r === 'string' && r.trim() !== '').map((r) => r.trim()) : ['us-east-1'],
    customEndpoints: Array.isArray(custom) ? custom : [],
    localEnabled: config.get<unknown>(SettingKeys.localEnabled) !== false,
    pageSize: wholeNumber(config.get<unknown>(SettingKeys.pageSize), 1, 1000, DEFAULT_PAGE_SIZE),
    localFolder: resolveLocalFolder(config.get<unknown>(SettingKeys.localFolder)),
    codeLensEnabled: config.get<unknown>(SettingKeys.codeLensEnabled) !== false,
    logsBufferSize: wholeNumber(config.get<unknown>(SettingKeys.logsBufferSize), 100, 1_000_000, DEFAULT_LOG_BUFFER),
    healthLine: {
      enabled: config.get<unknown>(SettingKeys.healthLineEnabled) !== false,
      largeConnections: stringList(config.get<unknown>(SettingKeys.healthLineLargeConnections)),
      largeConnectionThreshold: wholeNumber(config.get<unknown>(SettingKeys.healthLineLargeThreshold), 1, 1_000_000, DEFAULT_LARGE_CONNECTION),
    },
    localRun: {
      parameterOverrides: stringMap(config.get<unknown>(SettingKeys.localParameterOverrides)),
      interpreters: stringMap(config.get<unknown>(SettingKeys.localInterpreters)),
      layers: stringMap(config.get<unknown>(SettingKeys.localLayers)),
    },
  };
}

/** The non-empty strings of a list (hand-edited settings may hold anything). */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

/** An object's string-valued entries (hand-edited settings may hold anything). */
function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '__proto__'));
}

/** `local.folder`: empty means the first workspace folder; a relative path is taken from it. */
function resolveLocalFolder(setting: unknown): string | undefined {
  const first = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const value = typeof setting === 'string' ? setting.trim().replace(/^\$\{workspaceFolder\}/, first ?? '') : '';
  if (!value) return first;
  if (path.isAbsolute(value)) return value;
  return first ? path.join(first, value) : undefined;
}

/** Whether a configuration change touches a setting (or, with a prefix such as "local", a group of them). */
export function affects(event: vscode.ConfigurationChangeEvent, key: SettingKey | 'local'): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}

export async function updateSetting(key: SettingKey, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  // Write where the value in effect comes from, so the change is not shadowed by a workspace value.
  const inspected = config.inspect(key);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
