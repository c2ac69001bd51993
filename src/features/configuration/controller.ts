import * as vscode from 'vscode';
import { FunctionUpdateFailedError, RevisionConflictError, type ConfigurationPatch, type FunctionConfiguration } from '../../aws/lambda';
import { parseDotenv, serializeDotenv } from './dotenv';
import { diffEnv, envBudget, mergeEnv, redactEnvValues, sameEnv, type EnvConflict, type EnvMap } from './envVars';
import {
  AWS_MIN_UNRESERVED_CONCURRENCY,
  DESCRIPTION_MAX_LENGTH,
  diffSettings,
  isReadOnlyQualifier,
  maxReservedConcurrency,
  mergeSettings,
  SETTING_FIELDS,
  SETTING_LABELS,
  SETTING_LIMITS,
  toDraft,
  validateSettings,
  type ConcurrencyContext,
  type FunctionSettingsValues,
  type SettingField,
  type SettingsDraft,
} from './settings';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { EnvDraft } from './draft';
import { keptDrafts } from './keptDrafts';
import { functionPanels } from '../../workbench/panel/functionPanels';
import { overviewItems, settle, type Settled } from './overview';
import {
  configurationProtocol,
  MAX_IMPORT_BYTES,
  type ConfigurationProtocol,
  type ConfigurationOp,
  type ConfigurationState,
  type ConflictView,
  type DiffLine,
  type MergeNote,
  type OverviewItem,
  type SettingView,
} from './protocol';
import { errorMessage } from '../../shared/errors';
import type { RequestHandlers } from '../../shared/protocol';
import { targetKey } from '../../shared/target';

/** What the function looked like when read. */
interface Loaded {
  config: FunctionConfiguration;
  env: EnvMap;
  settings: FunctionSettingsValues;
  /** Reserved concurrency could not be read, so it is not offered for editing. */
  concurrencyUnknown: boolean;
}

/** File pickers, replaceable so the tab can be driven without dialogs. */
export interface ConfigurationFiles {
  pickImport(): Promise<vscode.Uri | undefined>;
  pickExport(defaultName: string): Promise<vscode.Uri | undefined>;
}

/** Bound for waiting on LastUpdateStatus after a save. */
const UPDATE_WAIT_MS = 5 * 60_000;

const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri;

const dialogFiles: ConfigurationFiles = {
  async pickImport() {
    const picked = await vscode.window.showOpenDialog({
      title: 'Import environment variables from a .env file',
      openLabel: 'Import',
      canSelectMany: false,
      defaultUri: workspaceFolder(),
      filters: { 'Environment files': ['env'], 'All files': ['*'] },
    });
    return picked?.[0];
  },
  async pickExport(defaultName) {
    const folder = workspaceFolder();
    return vscode.window.showSaveDialog({
      title: 'Export environment variables to a .env file',
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
      filters: { 'Environment files': ['env'], 'All files': ['*'] },
    });
  },
};

// --- wording ----------------------------------------------------------------------------------

function settingHint(field: SettingField, ctx: ConcurrencyContext): string {
  switch (field) {
    case 'memorySize':
    case 'timeout':
    case 'ephemeralStorage': {
      const { min, max, unit } = SETTING_LIMITS[field];
      return `${min.toLocaleString('en-US')}–${max.toLocaleString('en-US')} ${unit}`;
    }
    case 'description':
      return `Up to ${DESCRIPTION_MAX_LENGTH} characters`;
    case 'reservedConcurrency': {
      const max = maxReservedConcurrency(ctx);
      return `Empty: none (shared pool). 0 stops all invocations.${max !== undefined ? ` At most ${max} here.` : ''}`;
    }
  }
}

function describeEnvConflict(c: EnvConflict): string {
  if (c.mine === 'removed') return `${c.key}: you removed it and it was changed remotely. It stays removed.`;
  if (c.theirs === 'removed') return `${c.key}: you changed it and it was removed remotely. Your value is kept.`;
  return `${c.key}: set here and remotely to different values. Your value is kept.`;
}

function describeRemote(base: Loaded, theirs: Loaded): string[] {
  const env = diffEnv(base.env, theirs.env).map((c) => `${c.key} ${c.kind} remotely`);
  const settings = diffSettings(base.settings, theirs.settings).map((c) => `${c.label}: ${c.from} → ${c.to}`);
  const all = [...env, ...settings];
  return all.length ? all : ['The variables and these settings are unchanged; something else about the function changed (its code, or another setting).'];
}

const errorText = (error: unknown) => (errorMessage(error));

/**
 * The Configuration tab: environment variables within Lambda's 4 KB, settings with their
 * limits, and a read-only overview. The draft lives here, not in the webview, so values reach
 * the webview only for rows a person revealed or typed, and Save is checked against the same
 * rules the meter shows. Save is one UpdateFunctionConfiguration with the RevisionId read at
 * load; a conflict keeps every edit and offers a three-way merge.
 */
export class ConfigurationController implements TabController<ConfigurationProtocol> {
  readonly protocol = configurationProtocol;
  private readonly draft = new EnvDraft();
  private settingsDraft: SettingsDraft = toDraft({ memorySize: 128, timeout: 3, ephemeralStorage: 512, description: '', reservedConcurrency: undefined });
  private base?: Loaded;
  /** The function as it is now, read after a conflict. */
  private theirs?: Loaded;
  private conflict?: ConflictView;
  private mergeNotes: MergeNote[] = [];
  private overview: OverviewItem[] = [];
  private phase: ConfigurationState['phase'] = 'loading';
  private loadError?: string;
  private message?: ConfigurationState['message'];
  private concurrency: ConcurrencyContext;
  /** Set by "Edit $LATEST" on a panel opened on a version or alias. */
  private latestInstead = false;
  /** Edits run one after another, in the order they arrive. */
  private queue: Promise<unknown> = Promise.resolve();
  private loading?: Promise<void>;
  private disposed = false;

  constructor(
    private readonly host: TabHost<ConfigurationProtocol>,
    private readonly files: ConfigurationFiles = dialogFiles,
  ) {
    this.concurrency = { minUnreserved: host.target.connectionKind === 'local' ? 0 : AWS_MIN_UNRESERVED_CONCURRENCY };
  }

  onReady(): void {
    this.loading ??= this.load();
    this.publish();
  }

  readonly requests: RequestHandlers<ConfigurationProtocol> = { op: (op) => this.edit(op) };

  /** Applies edits one at a time, in the order they came. */
  private edit(op: ConfigurationOp): Promise<ConfigurationState> {
    const run = this.queue.then(async () => {
      this.loading ??= this.load();
      await this.loading;
      try {
        await this.apply(op);
      } catch (error) {
        this.message = { kind: 'error', text: this.redact(errorText(error)) };
      }
      const state = this.state();
      if (!this.disposed) this.host.setDirty?.(state.dirty);
      return state;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    // Closing the panel must not lose edits silently: keep them for the next time it opens.
    if (this.base && !this.readOnly && this.state().dirty) {
      keptDrafts(this.host.workbench).keep(this.draftKey, {
        env: this.draft.map(), settings: { ...this.settingsDraft }, revisionId: this.base.config.RevisionId, keptAt: new Date(),
      });
      this.host.log.info(`Configuration of ${this.functionName}: unsaved edits kept for when its panel opens again.`);
      // VS Code cannot ask before a panel closes, so it is said right after, with a way back.
      if (this.host.closedByPerson) void this.offerRestore();
    }
    this.disposed = true;
  }

  /** Tells that a closed panel held unsaved edits: Restore opens it again with them, Discard drops them. */
  private async offerRestore(): Promise<void> {
    const ws = this.host.workbench;
    const key = this.draftKey;
    const target = this.host.target;
    const choice = await vscode.window.showWarningMessage(
      `${this.functionName}: the panel was closed with unsaved configuration edits. They are kept for this window.`,
      'Restore',
      'Discard',
    );
    if (choice === 'Restore') {
      (await functionPanels(ws)).open(target, 'configuration');
    } else if (choice === 'Discard') {
      if (keptDrafts(ws).take(key)) ws.log.info(`Configuration of ${target.functionName}: unsaved edits discarded.`);
    }
  }

  private get draftKey(): string {
    return targetKey({ ...this.host.target, qualifier: this.qualifier });
  }

  /** Puts back edits kept when this function's panel closed unsaved, if the function is still as they found it. */
  private restoreKept(loaded: Loaded): void {
    const kept = keptDrafts(this.host.workbench).take(this.draftKey);
    if (!kept || this.readOnly) return;
    const at = kept.keptAt.toLocaleTimeString();
    if (kept.revisionId && kept.revisionId !== loaded.config.RevisionId) {
      this.message = { kind: 'error', text: `Unsaved edits from ${at} were not restored: ${this.functionName} changed since. Make them again on what it is now.` };
      return;
    }
    this.draft.reset(loaded.env);
    const changes = diffEnv(loaded.env, kept.env);
    for (const { key } of changes.filter((c) => c.kind === 'removed')) {
      const row = this.draft.list().find((r) => r.key === key);
      if (row) this.draft.remove(row.id);
    }
    this.draft.upsert(changes.filter((c) => c.kind !== 'removed').map(({ key }) => ({ key, value: kept.env[key] })));
    this.settingsDraft = { ...kept.settings };
    this.message = { kind: 'info', text: `Your unsaved edits from ${at} are back. Save them, or Discard changes to drop them.` };
  }

  // --- reading ---------------------------------------------------------------------------------

  private get functionName(): string {
    return this.host.target.functionName;
  }

  private get qualifier(): string | undefined {
    return this.latestInstead ? undefined : this.host.target.qualifier;
  }

  private get readOnly(): boolean {
    return isReadOnlyQualifier(this.qualifier);
  }

  private async read(): Promise<Loaded> {
    const api = await this.host.lambda();
    const [config, reserved] = await Promise.all([
      api.getFunctionConfiguration(this.functionName, this.qualifier),
      settle(api.getFunctionConcurrency(this.functionName)),
    ]);
    return {
      config,
      env: { ...(config.Environment?.Variables ?? {}) },
      settings: {
        memorySize: config.MemorySize ?? 128,
        timeout: config.Timeout ?? 3,
        ephemeralStorage: config.EphemeralStorage?.Size ?? 512,
        description: config.Description ?? '',
        reservedConcurrency: reserved.ok ? reserved.value : undefined,
      },
      concurrencyUnknown: !reserved.ok,
    };
  }

  /** Reads the function and replaces the draft (every edit is dropped). */
  private async load(): Promise<void> {
    this.phase = 'loading';
    this.publish();
    try {
      const loaded = await this.read();
      this.base = loaded;
      this.draft.reset(loaded.env);
      this.settingsDraft = toDraft(loaded.settings);
      this.theirs = undefined;
      this.conflict = undefined;
      this.mergeNotes = [];
      this.phase = 'ready';
      this.loadError = undefined;
      this.restoreKept(loaded);
      void this.loadExtras(loaded);
    } catch (error) {
      this.phase = 'failed';
      this.loadError = errorText(error);
    }
    this.publish();
  }

  /** The overview and the account's concurrency figures; each part may fail on its own. */
  private async loadExtras(loaded: Loaded): Promise<void> {
    const api = await this.host.lambda();
    const name = this.functionName;
    const [url, triggers, policy, provisioned, account] = await Promise.all([
      settle(api.getFunctionUrlConfig(name, this.qualifier)),
      settle(api.listEventSourceMappings(this.qualifier ? `${name}:${this.qualifier}` : name)),
      settle(api.getPolicy(name, this.qualifier)),
      settle(api.listProvisionedConcurrency(name)),
      settle(api.getAccountSettings()),
    ]);
    if (this.disposed) return;
    const reservedConcurrency: Settled<number | undefined> = loaded.concurrencyUnknown
      ? { ok: false, error: 'GetFunctionConcurrency failed' }
      : { ok: true, value: loaded.settings.reservedConcurrency };
    this.overview = overviewItems({ config: loaded.config, reservedConcurrency, provisioned, url, triggers, policy });
    if (account.ok) {
      this.concurrency = { ...this.concurrency, unreserved: account.value.AccountLimit?.UnreservedConcurrentExecutions, currentReserved: loaded.settings.reservedConcurrency };
    }
    this.publish();
  }

  // --- editing ---------------------------------------------------------------------------------

  private async apply(op: ConfigurationOp): Promise<void> {
    this.message = undefined;
    if (this.phase === 'failed' && op.op !== 'reload' && op.op !== 'editLatest') throw new Error('The function could not be read; reload to try again.');
    const editing = !['reveal', 'exportFile', 'copy', 'reload', 'editLatest', 'merge', 'save'].includes(op.op);
    if (editing && this.readOnly) throw new Error('This is a published version; it cannot change. Use "Edit $LATEST" to change the function.');
    switch (op.op) {
      case 'addRow':
        this.draft.add();
        return;
      case 'removeRow':
        this.draft.remove(op.id);
        return;
      case 'setKey':
        this.draft.setKey(op.id, op.key.trim());
        return;
      case 'setValue':
        this.draft.setValue(op.id, op.value);
        return;
      case 'moveRow':
        this.draft.move(op.id, op.to);
        return;
      case 'reveal':
        this.draft.reveal(op.id, op.revealed);
        return;
      case 'paste':
        this.addEntries(op.text, 'pasted text');
        return;
      case 'importFile':
        return this.importFile();
      case 'exportFile':
        return this.exportFile();
      case 'setSetting':
        if (op.field === 'reservedConcurrency' && this.base?.concurrencyUnknown) throw new Error('Reserved concurrency could not be read, so it cannot be changed here.');
        this.settingsDraft = { ...this.settingsDraft, [op.field]: op.value };
        return;
      case 'save':
        return this.save();
      case 'merge':
        return this.merge();
      case 'reload':
        await this.load();
        this.message = { kind: 'info', text: 'Reloaded the function; your edits were dropped.' };
        return;
      case 'takeRemote':
        this.takeRemote(op.item);
        return;
      case 'copy':
        return this.copy(op.item);
      case 'editLatest':
        this.latestInstead = true;
        await this.load();
        return;
    }
  }

  private addEntries(text: string, source: string): void {
    const { entries, problems } = parseDotenv(text);
    const { added, updated } = this.draft.upsert(entries);
    const skipped = problems.length ? ` Skipped ${problems.length} line(s): ${problems.slice(0, 3).map((p) => p.message).join(' ')}` : '';
    if (entries.length === 0 && problems.length === 0) {
      this.message = { kind: 'info', text: `No KEY=value lines in the ${source}.` };
      return;
    }
    this.message = { kind: problems.length ? 'error' : 'success', text: `From the ${source}: ${added} added, ${updated} updated.${skipped}` };
  }

  private async importFile(): Promise<void> {
    const uri = await this.files.pickImport();
    if (!uri) return;
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_IMPORT_BYTES) throw new Error(`${uri.path.split('/').pop()} is larger than 1 MB; it does not look like a .env file.`);
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    this.addEntries(text, `file ${uri.path.split('/').pop()}`);
  }

  private async exportFile(): Promise<void> {
    const uri = await this.files.pickExport(`${this.functionName}.env`);
    if (!uri) return;
    const entries = this.draft.entries();
    const header = `Environment variables of ${this.functionName} (${this.host.target.connectionLabel}, ${this.host.target.region})`;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeDotenv(entries, header)));
    this.message = { kind: 'success', text: `Exported ${entries.length} variable(s) to ${uri.fsPath}. The file holds the values in plain text.` };
  }

  private async copy(itemId: string): Promise<void> {
    const item = this.overview.find((i) => i.id === itemId);
    if (!item) throw new Error('Nothing to copy there.');
    await vscode.env.clipboard.writeText(item.value);
    this.message = { kind: 'info', text: `Copied ${item.label}.` };
  }

  private takeRemote(itemId: string): void {
    const base = this.base;
    if (!base) return;
    if (itemId.startsWith('env:')) {
      const key = itemId.slice(4);
      const row = this.draft.list().find((r) => r.key === key);
      if (Object.hasOwn(base.env, key)) {
        if (row) this.draft.setValue(row.id, base.env[key]);
        else this.draft.upsert([{ key, value: base.env[key] }]);
      } else if (row) {
        this.draft.remove(row.id);
      }
    } else if (itemId.startsWith('setting:')) {
      const field = itemId.slice(8) as SettingField;
      if (!SETTING_FIELDS.includes(field)) throw new Error('Unknown setting.');
      this.settingsDraft = { ...this.settingsDraft, [field]: toDraft(base.settings)[field] };
    }
    this.mergeNotes = this.mergeNotes.filter((n) => n.item !== itemId);
  }

  // --- saving ----------------------------------------------------------------------------------

  private async save(): Promise<void> {
    const base = this.base;
    if (!base) return;
    if (this.readOnly) throw new Error('Published versions cannot change. Use "Edit $LATEST" to change the function.');
    if (this.conflict) throw new Error('The function changed since it was loaded. Merge your edits with the remote changes, or reload, before saving.');
    const state = this.state();
    if (!state.dirty) {
      this.message = { kind: 'info', text: 'Nothing to save: no changes.' };
      return;
    }
    const settings = validateSettings(this.settingsDraft, this.concurrency).values;
    if (state.blockers.length || !settings) {
      this.message = { kind: 'error', text: `Nothing was sent. ${state.blockers.join(' ')}` };
      return;
    }
    const env = this.draft.map();
    const patch: ConfigurationPatch = {};
    if (!sameEnv(base.env, env)) patch.Environment = { Variables: env };
    if (settings.memorySize !== base.settings.memorySize) patch.MemorySize = settings.memorySize;
    if (settings.timeout !== base.settings.timeout) patch.Timeout = settings.timeout;
    if (settings.ephemeralStorage !== base.settings.ephemeralStorage) patch.EphemeralStorage = { Size: settings.ephemeralStorage };
    if (settings.description !== base.settings.description) patch.Description = settings.description;
    const concurrencyChanged = settings.reservedConcurrency !== base.settings.reservedConcurrency;
    const summary = state.diff.map((d) => d.text).join('; ');

    const api = await this.host.lambda();
    const name = this.functionName;
    this.phase = 'saving';
    this.publish();
    try {
      if (concurrencyChanged && (await api.getFunctionConcurrency(name)) !== base.settings.reservedConcurrency) {
        // Reserved concurrency has no RevisionId: compare with what was loaded instead.
        throw new RevisionConflictError(name);
      }
      if (Object.keys(patch).length > 0) {
        await api.updateFunctionConfiguration(name, patch, base.config.RevisionId);
        await api.waitForUpdate(name, { timeoutMs: UPDATE_WAIT_MS, intervalMs: this.host.target.connectionKind === 'local' ? 100 : 1000 });
      }
      if (concurrencyChanged) {
        if (settings.reservedConcurrency === undefined) await api.deleteFunctionConcurrency(name);
        else await api.putFunctionConcurrency(name, settings.reservedConcurrency);
      }
      await this.refreshAfterSave();
      this.host.log.info(`Configuration of ${name} saved: ${summary}`);
      this.message = { kind: 'success', text: `Saved: ${summary}.${patch.Environment || Object.keys(patch).length ? ' The update finished (LastUpdateStatus Successful).' : ''}` };
    } catch (error) {
      if (error instanceof RevisionConflictError) await this.enterConflict();
      else if (error instanceof FunctionUpdateFailedError) {
        this.message = { kind: 'error', text: `Lambda could not apply the update: ${this.redact(error.reason ?? 'no reason given')}${error.reasonCode ? ` (${error.reasonCode})` : ''}. Your edits are kept.` };
        this.host.log.error(`Configuration of ${name}: the update failed (${error.reasonCode ?? 'no code'}).`);
        this.base = await this.read().catch(() => base);
      } else {
        const text = this.redact(errorText(error));
        this.host.log.error(`Configuration of ${name}: saving failed: ${text}`);
        this.message = { kind: 'error', text: `Saving failed: ${text} Your edits are kept.` };
      }
    } finally {
      if (this.phase === 'saving') this.phase = 'ready';
    }
  }

  /** After a save: the new revision becomes the base; rows keep their order and reveal state. */
  private async refreshAfterSave(): Promise<void> {
    const fresh = await this.read();
    this.draft.applyMerge(fresh.env, fresh.env, new Map());
    this.base = fresh;
    this.settingsDraft = toDraft(fresh.settings);
    this.mergeNotes = [];
    if (this.concurrency.unreserved !== undefined) void this.loadExtras(fresh);
  }

  private async enterConflict(): Promise<void> {
    const base = this.base!;
    const theirs = await this.read();
    this.theirs = theirs;
    const mine = this.draft.map();
    const envOverlap = mergeEnv(base.env, mine, theirs.env).conflicts.map((c) => c.key);
    const settingsOverlap = mergeSettings(toDraft(base.settings), this.settingsDraft, toDraft(theirs.settings)).conflicts.map((f) => SETTING_LABELS[f]);
    this.conflict = { remoteChanges: describeRemote(base, theirs), overlapping: [...envOverlap, ...settingsOverlap] };
    this.host.log.warn(`Configuration of ${this.functionName}: not saved, the function changed since it was loaded.`);
    this.message = {
      kind: 'error',
      text: `${this.functionName} was changed elsewhere since you opened it. Nothing was saved and your edits are kept: merge them with the remote changes, or reload.`,
    };
  }

  private async merge(): Promise<void> {
    const base = this.base;
    if (!base) return;
    if (this.draft.problems().size) throw new Error('Fix the highlighted variable names first, then merge.');
    const theirs = this.theirs ?? (await this.read());
    const env = mergeEnv(base.env, this.draft.map(), theirs.env);
    const settings = mergeSettings(toDraft(base.settings), this.settingsDraft, toDraft(theirs.settings));
    const notes = new Map(env.conflicts.map((c) => [c.key, describeEnvConflict(c)]));
    this.draft.applyMerge(env.merged, theirs.env, notes);
    this.settingsDraft = settings.merged;
    const theirDraft = toDraft(theirs.settings);
    this.mergeNotes = [
      ...env.conflicts.map((c) => ({ item: `env:${c.key}`, text: describeEnvConflict(c) })),
      ...settings.conflicts.map((f) => ({
        item: `setting:${f}`,
        text: `${SETTING_LABELS[f]}: set here to "${settings.merged[f]}" and remotely to "${theirDraft[f]}". Yours is kept.`,
      })),
    ];
    this.base = theirs;
    this.theirs = undefined;
    this.conflict = undefined;
    const overlaps = env.conflicts.length + settings.conflicts.length;
    this.message = {
      kind: 'info',
      text: `Merged: ${env.takenFromTheirs.length} remote change(s) taken in${overlaps ? `, ${overlaps} overlap(s) keep your side (see below)` : ''}. Review the changes, then Save.`,
    };
  }

  /** Removes every value of the draft and of the loaded function from a message. */
  private redact(text: string): string {
    return redactEnvValues(text, { ...this.base?.env, ...this.theirs?.env, ...this.draft.map() });
  }

  // --- view state ------------------------------------------------------------------------------

  private settingsDiff(validated: FunctionSettingsValues | undefined): DiffLine[] {
    const base = this.base;
    if (!base) return [];
    if (validated) return diffSettings(base.settings, validated).map((c) => ({ kind: 'setting', text: `${c.label}: ${c.from} → ${c.to}` }));
    const original = toDraft(base.settings);
    return SETTING_FIELDS.filter((f) => this.settingsDraft[f].trim() !== original[f].trim()).map((f) => ({
      kind: 'setting',
      text: `${SETTING_LABELS[f]}: ${original[f] || 'none'} → ${this.settingsDraft[f] || 'none'}`,
    }));
  }

  state(): ConfigurationState {
    const base = this.base;
    const envBase = base?.env ?? {};
    const budget = envBudget(this.draft.map());
    const validation = validateSettings(this.settingsDraft, this.concurrency);
    const original = base ? toDraft(base.settings) : this.settingsDraft;
    const settings: SettingView[] = SETTING_FIELDS.map((field) => ({
      field,
      label: SETTING_LABELS[field],
      value: this.settingsDraft[field],
      original: original[field],
      hint: field === 'reservedConcurrency' && base?.concurrencyUnknown ? 'Could not be read; not editable here.' : settingHint(field, this.concurrency),
      ...(validation.problems[field] ? { problem: validation.problems[field] } : {}),
      ...(field === 'description' ? { multiline: true } : {}),
    }));
    const diff = base ? [...this.draft.diffLines(envBase), ...this.settingsDiff(validation.values)] : [];
    const keyProblems = this.draft.problems().size;
    const blockers: string[] = [];
    if (keyProblems) blockers.push(`${keyProblems} variable name(s) need fixing.`);
    if (budget.level === 'error') {
      blockers.push(`The variables take ${budget.used.toLocaleString('en-US')} bytes; Lambda allows ${budget.limit.toLocaleString('en-US')}. Remove ${(-budget.left).toLocaleString('en-US')} bytes.`);
    }
    blockers.push(...Object.values(validation.problems));
    const readOnly = this.readOnly;
    return {
      phase: this.phase,
      ...(this.loadError ? { loadError: this.loadError } : {}),
      readOnly,
      ...(readOnly ? { readOnlyNote: this.readOnlyNote() } : {}),
      shows: this.describeShown(),
      rows: this.draft.view(envBase),
      budget,
      settings,
      diff,
      dirty: diff.length > 0,
      canSave: this.phase === 'ready' && !readOnly && diff.length > 0 && blockers.length === 0 && !this.conflict,
      blockers,
      ...(this.conflict ? { conflict: this.conflict } : {}),
      mergeNotes: this.mergeNotes,
      overview: this.overview,
      ...(this.message ? { message: this.message } : {}),
    };
  }

  private describeShown(): string {
    const q = this.qualifier;
    if (!q || q === '$LATEST') return '$LATEST';
    if (/^\d+$/.test(q)) return `version ${q}`;
    const version = this.base?.config.Version;
    return version ? `alias ${q} → version ${version}` : `alias ${q}`;
  }

  private readOnlyNote(): string {
    const q = this.qualifier ?? '';
    const what = /^\d+$/.test(q) ? `Version ${q} is published` : `Alias ${q} points at a published version`;
    return `${what}, and published versions never change. To change settings or variables, edit $LATEST and publish a new version.`;
  }

  private publish(): void {
    if (this.disposed) return;
    const state = this.state();
    this.host.setDirty?.(state.dirty);
    this.host.notify('state', state);
  }
}

export const createConfigurationTab = (host: TabHost<ConfigurationProtocol>): ConfigurationController => new ConfigurationController(host);
