// The Configuration tab: environment variables with a live 4 KB meter, settings with their
// limits, the pending change, and a read-only overview. The extension owns the draft: every
// edit is an `op` request answered with the whole state, which this view renders in place
// (fields being typed in are left alone).
import './configuration.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  type ConfigurationProtocol,
  type ConfigurationOp,
  type ConfigurationState,
  type EnvRowView,
  type OverviewItem,
  type SettingView,
} from '../protocol';
import { h, icon } from '../../../webview/dom';
import type { TabApi, TabView } from '../../../webview/tab';
import { errorMessage } from '../../../shared/errors';

function iconButton(name: string, label: string, onClick: () => void, extraClass = ''): HTMLButtonElement {
  const button = h('button', { class: `configuration-icon-button ${extraClass}`.trim(), type: 'button', title: label, 'aria-label': label }, icon(name));
  button.addEventListener('click', onClick);
  return button;
}

const number = (n: number) => n.toLocaleString('en-US');

/** The elements of one environment row, kept between renders so typing is never interrupted. */
interface RowElements {
  root: HTMLElement;
  key: HTMLElementTagNameMap['vscode-textfield'];
  valueCell: HTMLElement;
  value?: HTMLElementTagNameMap['vscode-textfield'];
  masked: HTMLButtonElement;
  reveal: HTMLButtonElement;
  up: HTMLButtonElement;
  down: HTMLButtonElement;
  remove: HTMLButtonElement;
  status: HTMLElement;
  problem: HTMLElement;
  conflict: HTMLElement;
}

interface SettingElements {
  root: HTMLElement;
  input: HTMLElementTagNameMap['vscode-textfield'] | HTMLElementTagNameMap['vscode-textarea'];
  hint: HTMLElement;
  problem: HTMLElement;
}

const STATUS_LABELS: Record<EnvRowView['status'], string> = { unchanged: '', added: 'new', changed: 'changed', renamed: 'renamed' };

export class ConfigurationView implements TabView<ConfigurationProtocol> {
  private api!: TabApi<ConfigurationProtocol>;
  private state?: ConfigurationState;
  private readonly rows = new Map<number, RowElements>();
  private readonly settings = new Map<string, SettingElements>();
  /** Edits sent per field ("key:3", "value:3", "setting:timeout") whose answer has not arrived yet. */
  private readonly inFlight = new Map<string, number>();
  private discardArmedUntil = 0;

  private root!: HTMLElement;
  private loading!: HTMLElement;
  private body!: HTMLElement;
  private banner!: HTMLElement;
  private readOnlyBox!: HTMLElement;
  private conflictBox!: HTMLElement;
  private mergeBox!: HTMLElement;
  private shows!: HTMLElement;
  private meterFill!: HTMLElement;
  private meterText!: HTMLElement;
  private meterNote!: HTMLElement;
  private meter!: HTMLElement;
  private table!: HTMLElement;
  private emptyTable!: HTMLElement;
  private pasteBox!: HTMLElement;
  private pasteArea!: HTMLElementTagNameMap['vscode-textarea'];
  private diffList!: HTMLElement;
  private blockersList!: HTMLElement;
  private saveButton!: HTMLElementTagNameMap['vscode-button'];
  private discardButton!: HTMLElementTagNameMap['vscode-button'];
  private savingRing!: HTMLElement;
  private changeCount!: HTMLElement;
  private overviewList!: HTMLElement;
  private editButtons: HTMLElement[] = [];

  mount(root: HTMLElement, api: TabApi<ConfigurationProtocol>): void {
    this.api = api;
    this.root = root;
    this.loading = h('p', { class: 'configuration-loading' }, 'Reading the configuration…');
    this.body = h('div', { class: 'configuration-body' });
    this.body.hidden = true;
    root.append(this.loading, this.body);
    this.buildBody();
  }

  readonly notifications = {
    state: (state: ConfigurationState) => this.render(state),
  };

  // --- talking to the extension -----------------------------------------------------------------

  /** Sends one edit; `field` names the input it came from, so older answers leave that input alone. */
  private async send(op: ConfigurationOp, field?: string): Promise<void> {
    if (field) this.inFlight.set(field, (this.inFlight.get(field) ?? 0) + 1);
    let state: ConfigurationState;
    try {
      state = await this.api.request('op', op);
    } catch (error) {
      this.showBanner('error', errorMessage(error));
      return;
    } finally {
      if (field) {
        const left = (this.inFlight.get(field) ?? 1) - 1;
        if (left > 0) this.inFlight.set(field, left);
        else this.inFlight.delete(field);
      }
    }
    this.render(state);
  }

  /**
   * Shows `value` in an input unless the person is typing there or a later edit of it is still
   * on its way (an answer to an earlier keystroke must not take back the ones after it).
   */
  private sync(input: HTMLElement & { value: string }, value: string, field: string): void {
    if (document.activeElement === input || this.inFlight.has(field)) return;
    if (input.value !== value) input.value = value;
  }

  /** Focuses `target` after an answer only if the person has not moved on to something else meanwhile. */
  private focusIfStill(before: Element | null, target: HTMLElement | undefined): void {
    const now = document.activeElement;
    if (target && (now === before || now === null || now === document.body)) target.focus();
  }

  // --- building -----------------------------------------------------------------------------------

  private buildBody(): void {
    this.banner = h('div', { class: 'configuration-banner', role: 'status' });
    this.readOnlyBox = h('div', { class: 'configuration-callout configuration-readonly' });
    this.conflictBox = h('div', { class: 'configuration-callout configuration-conflict', role: 'alert' });
    this.mergeBox = h('div', { class: 'configuration-callout configuration-merge' });

    // Action bar: Save, Discard, what is pending.
    this.saveButton = h('vscode-button', { class: 'configuration-save', icon: 'save' }, 'Save');
    this.saveButton.addEventListener('click', () => void this.send({ op: 'save' }));
    this.discardButton = h('vscode-button', { class: 'configuration-discard', secondary: true, icon: 'discard' }, 'Discard changes');
    this.discardButton.addEventListener('click', () => this.discard());
    this.savingRing = h('span', { class: 'configuration-saving' }, h('vscode-progress-ring', {}), 'Saving and waiting for the update to finish…');
    this.savingRing.hidden = true;
    this.changeCount = h('span', { class: 'configuration-change-count' });
    this.shows = h('span', { class: 'configuration-shows' });
    const actions = h('div', { class: 'configuration-actions' }, this.saveButton, this.discardButton, this.savingRing, this.changeCount, this.shows);

    this.body.append(actions, this.banner, this.readOnlyBox, this.conflictBox, this.mergeBox, this.buildEnvironment(), this.buildSettings(), this.buildChanges(), this.buildOverview());
  }

  private buildEnvironment(): HTMLElement {
    this.meterFill = h('div', { class: 'configuration-meter-fill' });
    this.meter = h('div', { class: 'configuration-meter', role: 'meter', 'aria-label': 'Environment size', 'aria-valuemin': '0', 'aria-valuemax': '4096' }, this.meterFill);
    this.meterText = h('span', { class: 'configuration-meter-text' });
    this.meterNote = h('div', { class: 'configuration-meter-note' });
    const meterBox = h('div', { class: 'configuration-meter-box' }, h('div', { class: 'configuration-meter-row' }, this.meter, this.meterText), this.meterNote);

    this.table = h('div', { class: 'configuration-env-table', role: 'table', 'aria-label': 'Environment variables' });
    const head = h(
      'div',
      { class: 'configuration-env-head', role: 'row' },
      h('span', { role: 'columnheader' }, 'Name'),
      h('span', { role: 'columnheader' }, 'Value'),
      h('span', { role: 'columnheader', class: 'configuration-sr' }, 'Actions'),
    );
    this.table.append(head);
    this.emptyTable = h('p', { class: 'configuration-empty' }, 'No environment variables. Add one, paste KEY=value lines or import a .env file.');

    const add = h('vscode-button', { class: 'configuration-add', secondary: true, icon: 'add' }, 'Add variable');
    add.addEventListener('click', () => void this.addRow());
    const paste = h('vscode-button', { secondary: true, icon: 'clippy' }, 'Paste KEY=value lines…');
    paste.addEventListener('click', () => this.togglePaste(true));
    const importButton = h('vscode-button', { secondary: true, icon: 'folder-opened' }, 'Import .env…');
    importButton.addEventListener('click', () => void this.send({ op: 'importFile' }));
    const exportButton = h('vscode-button', { secondary: true, icon: 'export' }, 'Export .env…');
    exportButton.addEventListener('click', () => void this.send({ op: 'exportFile' }));
    this.editButtons.push(add, paste, importButton);
    const toolbar = h('div', { class: 'configuration-toolbar' }, add, paste, importButton, exportButton);

    this.pasteArea = h('vscode-textarea', { class: 'configuration-paste-area', rows: '6', monospace: true, placeholder: 'DB_HOST=db.internal\nexport STAGE=dev\nGREETING="Hello, world"' });
    const addLines = h('vscode-button', { icon: 'check' }, 'Add these lines');
    addLines.addEventListener('click', () => {
      const text = this.pasteArea.value;
      this.pasteArea.value = '';
      this.togglePaste(false);
      void this.send({ op: 'paste', text });
    });
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    cancel.addEventListener('click', () => {
      this.pasteArea.value = '';
      this.togglePaste(false);
    });
    this.pasteBox = h(
      'div',
      { class: 'configuration-paste' },
      h('label', { class: 'configuration-label' }, 'One KEY=value per line; # comments, export and quotes are understood. Existing names get the new value.'),
      this.pasteArea,
      h('div', { class: 'configuration-toolbar' }, addLines, cancel),
    );
    this.pasteBox.hidden = true;

    return h(
      'section',
      { class: 'configuration-section configuration-env' },
      h('h2', {}, icon('symbol-variable'), 'Environment variables'),
      meterBox,
      this.table,
      this.emptyTable,
      toolbar,
      this.pasteBox,
    );
  }

  private buildSettings(): HTMLElement {
    const grid = h('div', { class: 'configuration-settings-grid' });
    for (const field of ['memorySize', 'timeout', 'ephemeralStorage', 'reservedConcurrency', 'description'] as const) {
      const id = `configuration-setting-${field}`;
      const input = field === 'description' ? h('vscode-textarea', { id, rows: '2', resize: 'vertical' }) : h('vscode-textfield', { id });
      input.addEventListener('input', () => void this.send({ op: 'setSetting', field, value: input.value }, `setting:${field}`));
      const hint = h('div', { class: 'configuration-hint' });
      const problem = h('div', { class: 'configuration-problem', role: 'alert' });
      const label = h('label', { for: id, class: 'configuration-label' });
      const root = h('div', { class: `configuration-setting configuration-setting-${field}`, 'data-field': field }, label, input, hint, problem);
      grid.append(root);
      this.settings.set(field, { root, input, hint, problem });
    }
    return h('section', { class: 'configuration-section' }, h('h2', {}, icon('settings-gear'), 'Settings'), grid);
  }

  private buildChanges(): HTMLElement {
    this.diffList = h('ul', { class: 'configuration-diff' });
    this.blockersList = h('ul', { class: 'configuration-blockers' });
    return h('section', { class: 'configuration-section configuration-changes' }, h('h2', {}, icon('diff'), 'Pending changes'), this.diffList, this.blockersList);
  }

  private buildOverview(): HTMLElement {
    this.overviewList = h('dl', { class: 'configuration-overview' });
    return h('section', { class: 'configuration-section' }, h('h2', {}, icon('info'), 'Overview'), this.overviewList);
  }

  // --- actions ------------------------------------------------------------------------------------

  private async addRow(): Promise<void> {
    const before = document.activeElement;
    await this.send({ op: 'addRow' });
    const last = this.state?.rows[this.state.rows.length - 1];
    if (last) this.focusIfStill(before, this.rows.get(last.id)?.key);
  }

  private togglePaste(open: boolean): void {
    this.pasteBox.hidden = !open;
    if (open) this.pasteArea.focus();
  }

  /** Dropping edits takes a second click within a few seconds. */
  private discard(): void {
    if (!this.state?.dirty && !this.state?.conflict) {
      void this.send({ op: 'reload' });
      return;
    }
    if (Date.now() < this.discardArmedUntil) {
      this.discardArmedUntil = 0;
      this.discardButton.textContent = 'Discard changes';
      void this.send({ op: 'reload' });
      return;
    }
    this.discardArmedUntil = Date.now() + 4000;
    this.discardButton.textContent = 'Click again to drop your edits';
    setTimeout(() => {
      if (this.discardArmedUntil !== 0 && Date.now() >= this.discardArmedUntil) this.discardButton.textContent = 'Discard changes';
    }, 4100);
  }

  private showBanner(kind: 'info' | 'success' | 'error', text: string): void {
    const name = kind === 'error' ? 'error' : kind === 'success' ? 'pass' : 'info';
    this.banner.className = `configuration-banner configuration-banner-${kind}`;
    this.banner.replaceChildren(icon(name), h('span', {}, text));
    this.banner.hidden = false;
  }

  // --- rendering ----------------------------------------------------------------------------------

  private render(state: ConfigurationState): void {
    this.state = state;
    if (state.phase === 'loading' && !this.body.hidden && state.rows.length === 0) return;
    if (state.phase === 'failed') {
      this.loading.hidden = false;
      this.body.hidden = true;
      this.loading.className = 'configuration-loading configuration-load-failed';
      const retry = h('vscode-button', { secondary: true, icon: 'refresh' }, 'Try again');
      retry.addEventListener('click', () => void this.send({ op: 'reload' }));
      this.loading.replaceChildren(icon('error'), h('span', {}, `Could not read the configuration: ${state.loadError ?? 'unknown error'}`), retry);
      return;
    }
    if (state.phase === 'loading' && this.body.hidden) return;
    this.loading.hidden = true;
    this.body.hidden = false;
    this.root.classList.toggle('configuration-is-readonly', state.readOnly);
    this.root.classList.toggle('configuration-is-saving', state.phase === 'saving');

    if (state.message) this.showBanner(state.message.kind, state.message.text);
    else this.banner.hidden = true;
    this.renderReadOnly(state);
    this.renderConflict(state);
    this.renderMergeNotes(state);
    this.renderMeter(state);
    this.renderRows(state);
    this.renderSettings(state);
    this.renderChanges(state);
    this.renderOverview(state.overview);

    this.saveButton.disabled = !state.canSave;
    this.saveButton.title = state.canSave ? 'Send these changes in one update' : (state.blockers[0] ?? (state.dirty ? '' : 'No changes to save'));
    this.discardButton.disabled = state.phase === 'saving';
    this.savingRing.hidden = state.phase !== 'saving';
    this.changeCount.textContent = state.diff.length ? `${state.diff.length} pending change${state.diff.length === 1 ? '' : 's'}` : 'No changes';
    this.shows.textContent = `Showing ${state.shows}`;
    for (const button of this.editButtons) (button as HTMLElementTagNameMap['vscode-button']).disabled = state.readOnly || state.phase === 'saving';
  }

  private renderReadOnly(state: ConfigurationState): void {
    this.readOnlyBox.hidden = !state.readOnly;
    if (!state.readOnly) return;
    const edit = h('vscode-button', { secondary: true, icon: 'edit' }, 'Edit $LATEST');
    edit.addEventListener('click', () => void this.send({ op: 'editLatest' }));
    this.readOnlyBox.replaceChildren(icon('lock'), h('span', {}, state.readOnlyNote ?? 'Read-only.'), edit);
  }

  private renderConflict(state: ConfigurationState): void {
    const conflict = state.conflict;
    this.conflictBox.hidden = !conflict;
    if (!conflict) return;
    const merge = h('vscode-button', { icon: 'git-merge' }, 'Merge my edits with these changes');
    merge.addEventListener('click', () => void this.send({ op: 'merge' }));
    const reload = h('vscode-button', { secondary: true, icon: 'refresh' }, 'Reload (drop my edits)');
    reload.addEventListener('click', () => this.discard());
    this.conflictBox.replaceChildren(
      h('div', { class: 'configuration-callout-title' }, icon('warning'), 'Changed elsewhere since you opened it. Your edits are kept; nothing was saved.'),
      h('div', { class: 'configuration-label' }, 'Remote changes:'),
      h('ul', {}, ...conflict.remoteChanges.map((c) => h('li', {}, c))),
      ...(conflict.overlapping.length ? [h('div', { class: 'configuration-label' }, `Also changed by you: ${conflict.overlapping.join(', ')} (your side is kept when merging).`)] : []),
      h('div', { class: 'configuration-toolbar' }, merge, reload),
    );
  }

  private renderMergeNotes(state: ConfigurationState): void {
    this.mergeBox.hidden = state.mergeNotes.length === 0;
    this.mergeBox.replaceChildren(
      h('div', { class: 'configuration-callout-title' }, icon('git-merge'), 'Changed on both sides'),
      ...state.mergeNotes.map((note) => {
        const take = h('vscode-button', { secondary: true }, 'Use the remote side');
        take.addEventListener('click', () => void this.send({ op: 'takeRemote', item: note.item }));
        return h('div', { class: 'configuration-merge-note' }, h('span', {}, note.text), take);
      }),
    );
  }

  private renderMeter(state: ConfigurationState): void {
    const b = state.budget;
    const ratio = Math.min(1, b.used / b.limit);
    this.meterFill.style.width = `${(ratio * 100).toFixed(1)}%`;
    this.meter.className = `configuration-meter configuration-meter-${b.level}`;
    this.meter.setAttribute('aria-valuenow', String(b.used));
    this.meterText.className = `configuration-meter-text configuration-meter-text-${b.level}`;
    this.meterText.textContent =
      b.left >= 0
        ? `${number(b.used)} of ${number(b.limit)} bytes used · ${number(b.left)} left`
        : `${number(b.used)} of ${number(b.limit)} bytes: ${number(-b.left)} over the limit, Lambda would refuse this`;
    const notes: string[] = [];
    if (b.countedStrictly) {
      notes.push(`Counted strictly: each non-ASCII character as a 6-byte \\uXXXX escape (${number(b.utf8Bytes)} bytes in plain UTF-8). How Lambda counts them is not documented.`);
    }
    if (b.level === 'warning') notes.push('Close to the 4 KB limit.');
    this.meterNote.textContent = notes.join(' ');
    this.meterNote.hidden = notes.length === 0;
  }

  private renderRows(state: ConfigurationState): void {
    const seen = new Set<number>();
    let index = 0;
    for (const row of state.rows) {
      seen.add(row.id);
      let elements = this.rows.get(row.id);
      if (!elements) {
        elements = this.createRow(row.id);
        this.rows.set(row.id, elements);
      }
      this.updateRow(elements, row, index, state);
      // Keep DOM order equal to the table order; move a node only when needed, since moving
      // it takes the focus away from the field being typed in. Child 0 is the header.
      const expected = this.table.children[index + 1];
      if (expected !== elements.root) this.table.insertBefore(elements.root, expected ?? null);
      index++;
    }
    for (const [id, elements] of this.rows) {
      if (seen.has(id)) continue;
      elements.root.remove();
      this.rows.delete(id);
    }
    this.emptyTable.hidden = state.rows.length > 0;
  }

  private createRow(id: number): RowElements {
    const key = h('vscode-textfield', { class: 'configuration-key', placeholder: 'NAME', 'aria-label': 'Name' });
    key.addEventListener('input', () => void this.send({ op: 'setKey', id, key: key.value }, `key:${id}`));
    const valueCell = h('div', { class: 'configuration-value-cell' });
    const masked = h('button', { class: 'configuration-masked', type: 'button', title: 'Hidden. Click to show and edit the value.' });
    masked.addEventListener('click', () => void this.reveal(id, true));
    const reveal = iconButton('eye', 'Show value', () => {
      const row = this.state?.rows.find((r) => r.id === id);
      void this.reveal(id, !row?.revealed);
    });
    const up = iconButton('arrow-up', 'Move up', () => void this.move(id, -1));
    const down = iconButton('arrow-down', 'Move down', () => void this.move(id, 1));
    const remove = iconButton('trash', 'Remove variable', () => void this.send({ op: 'removeRow', id }), 'configuration-remove');
    const status = h('span', { class: 'configuration-status' });
    const problem = h('div', { class: 'configuration-problem', role: 'alert' });
    const conflict = h('div', { class: 'configuration-row-conflict' });
    const root = h(
      'div',
      { class: 'configuration-env-row', role: 'row', 'data-row-id': String(id) },
      h('div', { class: 'configuration-key-cell' }, key, status),
      valueCell,
      h('div', { class: 'configuration-row-actions' }, reveal, up, down, remove),
      problem,
      conflict,
    );
    return { root, key, valueCell, masked, reveal, up, down, remove, status, problem, conflict };
  }

  private async reveal(id: number, revealed: boolean): Promise<void> {
    const before = document.activeElement;
    await this.send({ op: 'reveal', id, revealed });
    if (revealed) this.focusIfStill(before, this.rows.get(id)?.value);
  }

  private async move(id: number, by: number): Promise<void> {
    const index = this.state?.rows.findIndex((r) => r.id === id) ?? -1;
    if (index < 0) return;
    await this.send({ op: 'moveRow', id, to: Math.max(0, index + by) });
    // The row moved in the DOM, which drops the focus; put it back for repeated moves.
    const e = this.rows.get(id);
    const button = by < 0 ? e?.up : e?.down;
    if (button && !button.disabled) button.focus();
  }

  private updateRow(e: RowElements, row: EnvRowView, index: number, state: ConfigurationState): void {
    const editable = !state.readOnly && state.phase !== 'saving';
    this.sync(e.key, row.key, `key:${row.id}`);
    e.key.invalid = Boolean(row.keyProblem);
    e.key.readonly = !editable;
    e.root.dataset.key = row.key;
    e.root.classList.toggle('configuration-row-invalid', Boolean(row.keyProblem));
    e.root.dataset.status = row.status;

    if (row.revealed && row.value !== undefined) {
      if (!e.value) {
        const value = h('vscode-textfield', { class: 'configuration-value', 'aria-label': `Value of ${row.key || 'new variable'}` });
        value.addEventListener('input', () => void this.send({ op: 'setValue', id: row.id, value: value.value }, `value:${row.id}`));
        e.value = value;
      }
      this.sync(e.value, row.value, `value:${row.id}`);
      e.value.readonly = !editable;
      if (e.valueCell.firstChild !== e.value) e.valueCell.replaceChildren(e.value);
    } else {
      e.value = undefined;
      e.masked.textContent = row.empty ? '(empty)' : '••••••••';
      if (e.valueCell.firstChild !== e.masked) e.valueCell.replaceChildren(e.masked);
    }
    e.reveal.replaceChildren(icon(row.revealed ? 'eye-closed' : 'eye'));
    const revealLabel = row.revealed ? 'Hide value' : 'Show value';
    e.reveal.title = revealLabel;
    e.reveal.setAttribute('aria-label', revealLabel);
    e.up.disabled = !editable || index === 0;
    e.down.disabled = !editable || index === state.rows.length - 1;
    e.remove.disabled = !editable;

    const statusText = row.status === 'renamed' && row.originalKey ? `renamed from ${row.originalKey}` : STATUS_LABELS[row.status];
    e.status.textContent = statusText;
    e.status.className = `configuration-status configuration-status-${row.status}`;
    e.status.hidden = statusText === '';
    e.problem.textContent = row.keyProblem ?? '';
    e.problem.hidden = !row.keyProblem;
    e.conflict.textContent = row.conflict ?? '';
    e.conflict.hidden = !row.conflict;
  }

  private renderSettings(state: ConfigurationState): void {
    for (const setting of state.settings) {
      const e = this.settings.get(setting.field);
      if (!e) continue;
      this.updateSetting(e, setting, state);
    }
  }

  private updateSetting(e: SettingElements, s: SettingView, state: ConfigurationState): void {
    const label = e.root.querySelector('label');
    if (label) label.textContent = s.label;
    this.sync(e.input, s.value, `setting:${s.field}`);
    e.input.invalid = Boolean(s.problem);
    e.input.readonly = state.readOnly || state.phase === 'saving';
    const changed = s.value.trim() !== s.original.trim();
    e.root.classList.toggle('configuration-setting-changed', changed);
    e.hint.textContent = changed ? `${s.hint} Was: ${s.original || 'none'}.` : s.hint;
    e.problem.textContent = s.problem ?? '';
    e.problem.hidden = !s.problem;
  }

  private renderChanges(state: ConfigurationState): void {
    const glyph: Record<string, string> = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-modified', renamed: 'diff-renamed', setting: 'diff-modified' };
    this.diffList.replaceChildren(
      ...(state.diff.length
        ? state.diff.map((line) => h('li', { class: `configuration-diff-${line.kind}` }, icon(glyph[line.kind] ?? 'circle'), h('span', {}, line.text)))
        : [h('li', { class: 'configuration-diff-none' }, 'No changes yet.')]),
    );
    this.blockersList.replaceChildren(...state.blockers.map((b) => h('li', {}, icon('error'), h('span', {}, b))));
    this.blockersList.hidden = state.blockers.length === 0;
  }

  private renderOverview(items: OverviewItem[]): void {
    if (items.length === 0) {
      this.overviewList.replaceChildren(h('p', { class: 'configuration-hint' }, 'Reading…'));
      return;
    }
    const nodes: Node[] = [];
    for (const item of items) {
      const copy = iconButton('copy', `Copy ${item.label}`, () => void this.send({ op: 'copy', item: item.id }));
      const value = item.block ? h('pre', { class: 'configuration-overview-block' }, item.value) : h('span', {}, item.value);
      nodes.push(
        h('dt', {}, item.label),
        h('dd', { class: item.unavailable ? 'configuration-unavailable' : undefined, 'data-item': item.id }, value, copy),
      );
    }
    this.overviewList.replaceChildren(...nodes);
  }
}
