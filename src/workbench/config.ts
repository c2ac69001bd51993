import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExplorerSettings } from '../features/explorer/model';

export const SECTION = 'lambdaWorkbench';

export interface WorkbenchSettings extends ExplorerSettings {
  /** Absolute folder the Local Lambda serves, or undefined when no folder is open. */
  localFolder: string | undefined;
}

const DEFAULT_PAGE_SIZE = 50;

/** Reads `lambdaWorkbench.*` with types and defaults, tolerating hand-edited bad values. */
export function readSettings(): WorkbenchSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const regions = config.get<unknown>('regions');
  const custom = config.get<unknown>('customEndpoints');
  const pageSize = config.get<unknown>('pageSize');
  return {
    regions: Array.isArray(regions) ? regions.filter((r): r is string => typeof r === 'string' && r.trim() !== '').map((r) => r.trim()) : ['us-east-1'],
    customEndpoints: Array.isArray(custom) ? custom : [],
    localEnabled: config.get<boolean>('local.enabled') !== false,
    pageSize: typeof pageSize === 'number' && Number.isFinite(pageSize) && pageSize >= 1 ? Math.min(Math.floor(pageSize), 1000) : DEFAULT_PAGE_SIZE,
    localFolder: resolveLocalFolder(config.get<string>('local.folder')),
  };
}

/** `local.folder`: empty means the first workspace folder; a relative path is taken from it. */
function resolveLocalFolder(setting: string | undefined): string | undefined {
  const first = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const value = setting?.trim().replace(/^\$\{workspaceFolder\}/, first ?? '');
  if (!value) return first;
  if (path.isAbsolute(value)) return value;
  return first ? path.join(first, value) : undefined;
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  // Write where the value in effect comes from, so the change is not shadowed by a workspace value.
  const inspected = config.inspect(key);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
