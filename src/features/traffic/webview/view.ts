// The Aliases & Traffic tab: each alias as a bar (main version vs the version sharing its
// traffic), a slider and number for the weight, Promote and Roll back, alias create/edit/delete,
// publishing, and gradual rollouts. Every change shows its before/after from the extension and
// waits for Confirm; the apply carries the alias RevisionId that preview was made from.
import './traffic.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  type TrafficProtocol,
  type AliasChangeMessage,
  type AliasesState,
  type AliasView,
  type RolloutRequest,
  type RolloutView,
} from '../protocol';
import type { ArgsOf, ParamsOf, RequestName, ResultOf } from '../../../shared/protocol';
import { fillSelect, h, icon } from '../../../webview/dom';
import type { TabApi, TabView } from '../../../webview/tab';
import { errorMessage } from '../../../shared/errors';
import { RolloutChart } from './rolloutChart';

type Button = HTMLElementTagNameMap['vscode-button'];
type TextField = HTMLElementTagNameMap['vscode-textfield'];
type Select = HTMLElementTagNameMap['vscode-single-select'];

function button(label: string, iconName: string, onClick: () => void, options: { secondary?: boolean; className?: string; title?: string } = {}): Button {
  const b = h('vscode-button', { icon: iconName, secondary: options.secondary, class: options.className, title: options.title }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** Rounds to the weight step Lambda keeps (the extension checks again before sending). */
function roundPercent(value: number, step: number): number {
  const factor = Math.round(1 / step);
  return Math.round(Math.min(100, Math.max(0, value)) * factor) / factor;
}

const errorText = (error: unknown) => (errorMessage(error));

/** A confirmation strip: the before/after text, Confirm and Cancel. */
class ConfirmStrip {
  readonly root = h('div', { class: 'aliases-confirm', hidden: true, role: 'alertdialog' });
  private readonly text = h('div', { class: 'aliases-confirm-text' });
  private readonly ok: Button;
  private action?: () => Promise<void>;

  constructor() {
    this.ok = button('Confirm', 'check', () => void this.run());
    this.root.append(icon('question'), this.text, h('div', { class: 'aliases-confirm-buttons' }, this.ok, button('Cancel', 'close', () => this.hide(), { secondary: true })));
  }

  show(lines: string[], confirmLabel: string, action: () => Promise<void>): void {
    this.text.replaceChildren(...lines.map((l, i) => h('div', { class: i === 0 ? 'aliases-confirm-summary' : 'aliases-confirm-detail' }, l)));
    this.ok.textContent = confirmLabel;
    this.action = action;
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
    this.action = undefined;
  }

  private async run(): Promise<void> {
    const action = this.action;
    this.hide();
    await action?.();
  }
}

/** One alias: its bar, weight controls, edit form and rollout. Controls survive state updates. */
class AliasCard {
  readonly root: HTMLElement;
  private alias!: AliasView;
  private readonly title = h('div', { class: 'aliases-card-title' });
  private readonly summary = h('div', { class: 'aliases-summary' });
  private readonly barPrimary = h('div', { class: 'aliases-bar-primary' });
  private readonly barExtra = h('div', { class: 'aliases-bar-extra' });
  private readonly bar = h('div', { class: 'aliases-bar', role: 'img' }, this.barPrimary, this.barExtra);
  private readonly versionSelect = h('vscode-single-select', { class: 'aliases-version', 'aria-label': 'Version sharing the traffic' });
  private readonly slider = h('input', { type: 'range', min: 0, max: 100, step: 0.1, class: 'aliases-slider', 'aria-label': 'Weight of the second version in percent' });
  private readonly number = h('vscode-textfield', { class: 'aliases-weight', type: 'number', min: 0, max: 100, step: 0.1, 'aria-label': 'Weight in percent' });
  private readonly weightNote = h('span', { class: 'aliases-weight-note' });
  private readonly applyButton: Button;
  private readonly promoteButton: Button;
  private readonly rollBackButton: Button;
  private readonly confirm = new ConfirmStrip();
  private readonly editForm = h('div', { class: 'aliases-form', hidden: true });
  private readonly rolloutBox = h('div', { class: 'aliases-rollout' });
  private readonly rolloutForm = h('details', { class: 'aliases-rollout-form' });
  private rolloutFields?: { version: Select; plan: Select; steps: TextField; interval: TextField; threshold: TextField; min: TextField; invoke: HTMLElementTagNameMap['vscode-checkbox'] };
  private shownRollout?: string;
  private chart?: RolloutChart;
  /** The weight the person is setting; undefined follows the alias. */
  private draft?: { version: string; percent: number };

  constructor(
    private readonly view: TrafficView,
    alias: AliasView,
  ) {
    this.applyButton = button('Apply…', 'arrow-swap', () => void this.previewShift(), { className: 'aliases-apply' });
    this.promoteButton = button('Promote…', 'arrow-up', () => void this.previewChange({ kind: 'promote', alias: this.alias.name }, 'Promote'), { secondary: true, className: 'aliases-promote' });
    this.rollBackButton = button('Roll back…', 'discard', () => void this.previewChange({ kind: 'rollBack', alias: this.alias.name }, 'Roll back'), { secondary: true, className: 'aliases-rollback' });
    const edit = button('Edit', 'edit', () => this.toggleEdit(), { secondary: true });
    const remove = button('Delete…', 'trash', () => this.confirmDelete(), { secondary: true });

    this.slider.addEventListener('input', () => this.setDraft(Number(this.slider.value)));
    this.number.addEventListener('input', () => {
      const value = Number(this.number.value);
      if (this.number.value.trim() !== '' && Number.isFinite(value)) this.setDraft(value, false);
    });
    this.versionSelect.addEventListener('change', () => this.setDraft(this.draft?.percent ?? this.alias.routing.extraPercent));

    this.root = h(
      'section',
      { class: 'aliases-card', 'data-alias': alias.name },
      h('div', { class: 'aliases-card-header' }, this.title, h('div', { class: 'aliases-card-actions' }, edit, remove)),
      this.summary,
      this.bar,
      h(
        'div',
        { class: 'aliases-traffic' },
        h('label', { class: 'aliases-label' }, 'Shift to version'),
        this.versionSelect,
        this.slider,
        h('span', { class: 'aliases-weight-box' }, this.number, h('span', {}, '%')),
        this.applyButton,
        this.promoteButton,
        this.rollBackButton,
      ),
      this.weightNote,
      this.confirm.root,
      this.editForm,
      this.rolloutBox,
    );
    this.update(alias);
  }

  get name(): string {
    return this.alias.name;
  }

  update(alias: AliasView): void {
    this.alias = alias;
    const r = alias.routing;
    this.title.replaceChildren(icon('link'), h('span', { class: 'aliases-name' }, alias.name), alias.description ? h('span', { class: 'aliases-description' }, alias.description) : '');
    this.summary.textContent = `→ ${r.summary}`;
    const extra = r.extraVersion ? r.extraPercent : 0;
    this.barPrimary.style.width = `${100 - extra}%`;
    this.barExtra.style.width = `${extra}%`;
    this.barPrimary.textContent = `${r.primary} · ${Math.round((100 - extra) * 10) / 10}%`;
    this.barExtra.textContent = r.extraVersion ? `${r.extraVersion} · ${extra}%` : '';
    this.barExtra.hidden = !r.extraVersion;
    this.bar.setAttribute('aria-label', `${alias.name} routes ${r.summary}`);
    this.bar.title = `${alias.name} routes ${r.summary}`;

    const candidates = this.view.state.versions.filter((v) => v.version !== r.primary);
    const selected = this.draft?.version ?? r.extraVersion ?? candidates[0]?.version ?? '';
    if (document.activeElement !== this.versionSelect) {
      fillSelect(this.versionSelect, candidates.map((v) => ({ value: v.version, label: v.version, description: v.description })), selected);
    }
    const sharable = r.primary !== '$LATEST' && candidates.length > 0;
    for (const el of [this.versionSelect, this.number]) (el as Select | TextField).disabled = !sharable;
    this.slider.disabled = !sharable;
    if (!this.draft) this.showWeight(r.extraVersion === selected ? r.extraPercent : 0);
    this.applyButton.disabled = !sharable;
    this.promoteButton.disabled = !r.extraVersion;
    // Without a split, Roll back undoes the last move (e.g. a Promote) when one is remembered.
    const rollBackTo = r.extraVersion ? r.primary : this.alias.rollBackTo;
    this.rollBackButton.disabled = !rollBackTo;
    this.rollBackButton.textContent = rollBackTo ? `Roll back to ${rollBackTo}…` : 'Roll back…';
    this.weightNote.textContent = r.primary === '$LATEST'
      ? 'Points to $LATEST, which cannot share traffic: edit the alias to point at a published version.'
      : candidates.length === 0 ? 'Publish another version to shift traffic to it.' : '';
    this.renderRollout();
  }

  private setDraft(percent: number, syncNumber = true): void {
    const version = this.versionSelect.value;
    const rounded = roundPercent(percent, this.view.state.percentStep);
    this.draft = { version, percent: rounded };
    this.slider.value = String(rounded);
    if (syncNumber) this.number.value = String(rounded);
    this.weightNote.textContent = rounded !== percent ? `Lambda keeps steps of ${this.view.state.percentStep}%: ${rounded}% will be used.` : '';
  }

  private showWeight(percent: number): void {
    this.slider.value = String(percent);
    if (document.activeElement !== this.number) this.number.value = String(percent);
  }

  private async previewShift(): Promise<void> {
    const version = this.versionSelect.value;
    const percent = this.draft?.percent ?? Number(this.number.value);
    if (!version) return this.view.showMessage('error', 'Choose the version to shift traffic to.');
    await this.previewChange({ kind: 'shift', alias: this.alias.name, version, percent }, 'Shift traffic');
  }

  async previewChange(change: AliasChangeMessage, label: string): Promise<void> {
    const preview = await this.view.request('preview', { change });
    if (!preview) return;
    if (preview.noChange) return this.view.showMessage('info', `Nothing to change: ${preview.summary}`);
    this.confirm.show([preview.summary], label, async () => {
      const state = await this.view.request('apply', { change, revisionId: preview.revisionId });
      if (state) this.draft = undefined;
    });
  }

  private confirmDelete(): void {
    this.confirm.show(
      [`Delete alias ${this.alias.name} (→ ${this.alias.routing.summary})?`, 'Anything that invokes the function through this alias will fail. The versions stay.'],
      'Delete',
      async () => void (await this.view.request('deleteAlias', { alias: this.alias.name, revisionId: this.alias.revisionId })),
    );
  }

  private toggleEdit(): void {
    if (!this.editForm.hidden) {
      this.editForm.hidden = true;
      return;
    }
    const r = this.alias.routing;
    const versions = this.view.state.versions;
    const primary = h('vscode-single-select', { 'aria-label': 'Main version' });
    fillSelect(primary, [...versions.map((v) => ({ value: v.version, label: v.version, description: v.description })), { value: '$LATEST', label: '$LATEST' }], r.primary);
    const extra = h('vscode-single-select', { 'aria-label': 'Second version' });
    fillSelect(extra, [{ value: '', label: 'None' }, ...versions.map((v) => ({ value: v.version, label: v.version, description: v.description }))], r.extraVersion ?? '');
    const weight = h('vscode-textfield', { type: 'number', min: 0, max: 100, step: 0.1, value: String(r.extraPercent || 10), 'aria-label': 'Weight of the second version in percent' });
    const description = h('vscode-textfield', { value: this.alias.description, placeholder: 'Description', 'aria-label': 'Description' });
    const save = button('Review…', 'check', () => {
      const change: AliasChangeMessage = {
        kind: 'edit',
        alias: this.alias.name,
        primary: primary.value,
        extraVersion: extra.value || undefined,
        percent: extra.value ? Number(weight.value) : undefined,
        description: description.value,
      };
      void this.previewChange(change, 'Save').then(() => (this.editForm.hidden = true));
    });
    this.editForm.replaceChildren(
      h('div', { class: 'aliases-form-row' }, h('label', {}, 'Main version'), primary, h('label', {}, 'Second version'), extra, h('label', {}, 'Weight %'), weight),
      h('div', { class: 'aliases-form-row' }, h('label', {}, 'Description'), description, save, button('Cancel', 'close', () => (this.editForm.hidden = true), { secondary: true })),
    );
    this.editForm.hidden = false;
  }

  private renderRollout(): void {
    const rollout = this.alias.rollout;
    if (rollout) {
      // Rebuilt only when it changed, so its buttons are not replaced under the pointer.
      const key = JSON.stringify(rollout);
      if (key !== this.shownRollout) this.rolloutBox.replaceChildren(this.activeRollout(rollout));
      this.shownRollout = key;
      this.rolloutForm.open = false;
      return;
    }
    this.chart?.dispose();
    this.chart = undefined;
    this.shownRollout = undefined;
    if (!this.rolloutFields) this.buildRolloutForm();
    if (this.rolloutForm.parentElement !== this.rolloutBox) this.rolloutBox.replaceChildren(this.rolloutForm);
    if (this.rolloutForm.open) this.fillRolloutChoices();
  }

  /** Selects show their choice only when rendered, so they are filled while the form is open. */
  private fillRolloutChoices(): void {
    const fields = this.rolloutFields;
    if (!fields) return;
    const candidates = this.view.state.versions.filter((v) => v.version !== this.alias.routing.primary);
    if (document.activeElement !== fields.version) {
      const wanted = fields.version.value || this.alias.routing.extraVersion || candidates[0]?.version || '';
      const current = candidates.some((v) => v.version === wanted) ? wanted : candidates[0]?.version ?? '';
      fillSelect(fields.version, candidates.map((v) => ({ value: v.version, label: v.version, description: v.description })), current);
    }
    if (document.activeElement !== fields.plan) {
      const d = this.view.state.defaults;
      fillSelect(fields.plan, [
        { value: 'preset', label: d.percents.map((p) => `${p}%`).join(' → ') },
        { value: 'linear', label: 'Linear steps' },
        { value: 'custom', label: 'Custom steps' },
      ], fields.plan.value || 'preset');
    }
  }

  private activeRollout(r: RolloutView): HTMLElement {
    const box = h('div', { class: `aliases-rollout-active aliases-rollout-${r.status}` });
    const meter = h('div', { class: 'aliases-rollout-meter' }, h('div', { class: 'aliases-rollout-meter-fill' }));
    (meter.firstChild as HTMLElement).style.width = `${r.percent}%`;
    box.append(
      h('div', { class: 'aliases-rollout-title' }, icon(r.status === 'paused' ? 'debug-pause' : 'rocket'), `Gradual rollout ${r.fromVersion} → ${r.toVersion}: ${r.plan}`),
      meter,
      h('div', { class: 'aliases-rollout-progress' }, r.progress),
      h('div', { class: 'aliases-rollout-message' }, r.message),
    );
    if (r.chart && r.chart.at.length > 0) {
      if (this.chart?.rolloutId !== r.id) {
        this.chart?.dispose();
        this.chart = new RolloutChart(r.id, r, r.chart);
      } else {
        this.chart.update(r.chart);
      }
      box.append(this.chart.element);
    }
    if (r.stepsJudged) box.append(h('div', { class: 'aliases-rollout-judged' }, icon(r.judgedBy === 'metrics' ? 'graph-line' : 'output'), `Judged by: ${r.stepsJudged}`));
    if (r.metricsNote) box.append(h('div', { class: 'aliases-rollout-note' }, r.metricsNote));
    const actions = h('div', { class: 'aliases-rollout-actions' });
    if (r.runningHere) {
      if (r.status === 'running') actions.append(button('Pause', 'debug-pause', () => void this.view.request('pauseRollout', { id: r.id }), { secondary: true }));
      else actions.append(button('Resume', 'debug-continue', () => void this.view.request('resumeRollout', { id: r.id }), { secondary: true }));
      actions.append(
        button(`Stop, keep ${r.percent}%`, 'debug-stop', () => void this.view.request('stopRollout', { id: r.id, mode: 'keep' }), { secondary: true }),
        button(`Stop and roll back to ${r.fromVersion}`, 'discard', () => void this.view.request('stopRollout', { id: r.id, mode: 'rollBack' }), { secondary: true }),
      );
    } else if (r.interrupted) {
      actions.append(
        h('span', { class: 'aliases-rollout-note' }, 'Interrupted when VS Code closed.'),
        button('Resume', 'debug-continue', () => void this.view.request('resumeRollout', { id: r.id })),
        button(`Roll back to ${r.fromVersion}`, 'discard', () => void this.view.request('stopRollout', { id: r.id, mode: 'rollBack' }), { secondary: true }),
        button(`Leave at ${r.percent}%`, 'debug-stop', () => void this.view.request('stopRollout', { id: r.id, mode: 'keep' }), { secondary: true }),
      );
    } else {
      actions.append(h('span', { class: 'aliases-rollout-note' }, 'Running in another VS Code window.'));
    }
    box.append(actions);
    return box;
  }

  private buildRolloutForm(): void {
    const d = this.view.state.defaults;
    const version = h('vscode-single-select', { 'aria-label': 'New version' });
    const plan = h('vscode-single-select', { class: 'aliases-rollout-plan', 'aria-label': 'Plan' });
    const steps = h('vscode-textfield', { class: 'aliases-rollout-steps', value: '4', 'aria-label': 'Steps', hidden: true });
    plan.addEventListener('change', () => {
      steps.hidden = plan.value === 'preset';
      steps.value = plan.value === 'linear' ? '4' : '5 20 50 100';
      steps.setAttribute('aria-label', plan.value === 'linear' ? 'Number of equal steps' : 'Percentages');
    });
    const interval = h('vscode-textfield', { class: 'aliases-rollout-interval', type: 'number', min: 0.05, step: 0.05, value: String(d.intervalMinutes), 'aria-label': 'Minutes between steps' });
    const threshold = h('vscode-textfield', { type: 'number', min: 0, max: 99.9, step: 0.1, value: String(d.maxErrorPercent), 'aria-label': 'Error threshold in percent' });
    const min = h('vscode-textfield', { type: 'number', min: 0, value: String(d.minInvocations), 'aria-label': 'Minimum calls before judging' });
    const invoke = h('vscode-checkbox', { class: 'aliases-rollout-invoke', label: 'Also invoke the new version myself (3 calls per check)' });
    this.rolloutFields = { version, plan, steps, interval, threshold, min, invoke };
    this.rolloutForm.addEventListener('toggle', () => {
      if (this.rolloutForm.open) requestAnimationFrame(() => this.fillRolloutChoices());
    });
    const start = button('Review rollout…', 'rocket', () => void this.previewRollout(), { className: 'aliases-rollout-review' });
    this.rolloutForm.replaceChildren(
      h('summary', {}, icon('rocket'), ' Gradual rollout with automatic rollback'),
      h(
        'div',
        { class: 'aliases-form-row' },
        h('label', {}, 'New version'), version,
        h('label', {}, 'Plan'), plan, steps,
        h('label', {}, 'Every (min)'), interval,
      ),
      h(
        'div',
        { class: 'aliases-form-row' },
        h('label', {}, 'Roll back above (% errors)'), threshold,
        h('label', {}, 'Judge from (calls)'), min,
        invoke,
        start,
      ),
    );
  }

  private rolloutRequest(): RolloutRequest {
    const f = this.rolloutFields!;
    const plan = (f.plan.value || 'preset') as RolloutRequest['plan'];
    const request: RolloutRequest = {
      alias: this.alias.name,
      toVersion: f.version.value,
      plan,
      intervalMinutes: Number(f.interval.value),
      maxErrorPercent: Number(f.threshold.value),
      minInvocations: Math.round(Number(f.min.value)),
      testInvocations: f.invoke.checked ? 3 : 0,
    };
    if (plan === 'linear') request.linearSteps = Math.round(Number(f.steps.value));
    if (plan === 'custom') request.percents = f.steps.value.split(/[\s,;]+/).filter(Boolean).map(Number);
    return request;
  }

  private async previewRollout(): Promise<void> {
    const rollout = this.rolloutRequest();
    if (!rollout.toVersion) return this.view.showMessage('error', 'Choose the new version to roll out.');
    const preview = await this.view.request('previewRollout', { rollout });
    if (!preview) return;
    this.confirm.show(preview.lines, 'Start rollout', async () => void (await this.view.request('startRollout', { rollout })));
  }
}

export class TrafficView implements TabView<TrafficProtocol> {
  private api!: TabApi<TrafficProtocol>;
  state!: AliasesState;
  private readonly cards = new Map<string, AliasCard>();
  private root!: HTMLElement;
  private banner!: HTMLElement;
  private status!: HTMLElement;
  private list!: HTMLElement;
  private versions!: HTMLElement;
  private history!: HTMLElement;
  private createForm!: HTMLElement;
  private busy!: HTMLElement;
  private publishDescription!: TextField;

  mount(root: HTMLElement, api: TabApi<TrafficProtocol>): void {
    this.api = api;
    this.root = root;
    this.publishDescription = h('vscode-textfield', { class: 'aliases-publish-description', placeholder: 'Description of the new version (optional)', 'aria-label': 'Description of the new version' });
    const publish = button('Publish version', 'tag', () => void this.request('publish', { description: this.publishDescription.value }).then((s) => s && (this.publishDescription.value = '')), { className: 'aliases-publish' });
    const create = button('New alias…', 'add', () => this.toggleCreate(), { secondary: true, className: 'aliases-new' });
    const refresh = button('Refresh', 'refresh', () => void this.request('refresh'), { secondary: true });
    this.busy = h('vscode-progress-ring', { class: 'aliases-busy', hidden: true });
    this.banner = h('div', { class: 'aliases-banner', hidden: true, role: 'status' });
    this.status = h('div', { class: 'aliases-status' }, 'Loading aliases…');
    this.createForm = h('div', { class: 'aliases-form aliases-create', hidden: true });
    this.list = h('div', { class: 'aliases-list' });
    this.versions = h('div', { class: 'aliases-versions' });
    this.history = h('div', { class: 'aliases-history' });
    root.append(
      h('div', { class: 'aliases-toolbar' }, this.publishDescription, publish, create, refresh, this.busy),
      this.banner,
      this.status,
      this.createForm,
      this.list,
      this.history,
      this.versions,
    );
  }

  readonly notifications = {
    state: (state: AliasesState) => this.render(state),
  };

  /** Sends an action; errors are shown in the banner. Resolves undefined on error. */
  async request<K extends RequestName<TrafficProtocol>>(type: K, ...params: ArgsOf<ParamsOf<TrafficProtocol['requests'][K]>>): Promise<ResultOf<TrafficProtocol['requests'][K]> | undefined> {
    this.busy.hidden = false;
    try {
      return await this.api.request(type, ...params);
    } catch (error) {
      this.showMessage('error', errorText(error));
      return undefined;
    } finally {
      this.busy.hidden = true;
    }
  }

  showMessage(kind: 'info' | 'success' | 'error', text: string): void {
    this.banner.className = `aliases-banner aliases-banner-${kind}`;
    this.banner.replaceChildren(icon(kind === 'error' ? 'error' : kind === 'success' ? 'pass' : 'info'), h('span', {}, text));
    this.banner.hidden = false;
  }

  private render(state: AliasesState): void {
    const previousMessage = this.state?.message;
    this.state = state;
    if (state.message && state.message !== previousMessage && JSON.stringify(state.message) !== JSON.stringify(previousMessage)) {
      this.showMessage(state.message.kind, state.message.text);
    }
    this.status.hidden = state.phase === 'ready';
    this.status.textContent = state.phase === 'failed' ? `Could not read the aliases: ${state.loadError ?? 'unknown error'}` : 'Loading aliases…';
    this.status.classList.toggle('aliases-status-error', state.phase === 'failed');

    const names = new Set(state.aliases.map((a) => a.name));
    for (const [name, card] of this.cards) {
      if (!names.has(name)) {
        card.root.remove();
        this.cards.delete(name);
      }
    }
    const ordered: HTMLElement[] = [];
    for (const alias of state.aliases) {
      let card = this.cards.get(alias.name);
      if (card) card.update(alias);
      else {
        card = new AliasCard(this, alias);
        this.cards.set(alias.name, card);
      }
      ordered.push(card.root);
    }
    if (state.phase === 'ready' && ordered.length === 0) {
      this.list.replaceChildren(h('div', { class: 'aliases-empty' }, 'No aliases yet. An alias is a stable name (e.g. "live") that callers use; it points to a version and can split traffic between two. Publish a version, then create one.'));
    } else {
      this.list.replaceChildren(...ordered);
    }
    this.renderHistory();
    this.renderVersions();
  }

  private renderVersions(): void {
    const rows = this.state.versions.map((v) => h('tr', {}, h('td', { class: 'aliases-version-number' }, v.version), h('td', {}, v.description || '—'), h('td', { class: 'aliases-version-date' }, v.lastModified?.slice(0, 16).replace('T', ' ') ?? '')));
    this.versions.replaceChildren(
      h('h3', {}, 'Published versions'),
      rows.length ? h('table', { class: 'aliases-version-table' }, h('tbody', {}, ...rows)) : h('div', { class: 'aliases-empty' }, 'None yet: only $LATEST exists. Publish a version to freeze the current code and settings.'),
    );
  }

  private renderHistory(): void {
    const recent = this.state.recentRollouts;
    this.history.hidden = recent.length === 0;
    this.history.replaceChildren(
      h('h3', {}, 'Recent rollouts'),
      ...recent.map((r) => h('div', { class: `aliases-history-item aliases-rollout-${r.status}` }, icon(r.status === 'succeeded' ? 'pass' : r.status === 'rolledBack' || r.status === 'failed' ? 'warning' : 'circle-slash'), h('span', {}, `${r.aliasName} ${r.fromVersion} → ${r.toVersion}: ${r.message}${r.stepsJudged ? ` (judged by ${r.stepsJudged})` : ''}`))),
    );
  }

  private toggleCreate(): void {
    if (!this.createForm.hidden) {
      this.createForm.hidden = true;
      return;
    }
    const versions = this.state.versions;
    const name = h('vscode-textfield', { class: 'aliases-create-name', placeholder: 'live', 'aria-label': 'Alias name' });
    const primary = h('vscode-single-select', { class: 'aliases-create-primary', 'aria-label': 'Version' });
    fillSelect(primary, [...versions.map((v) => ({ value: v.version, label: v.version, description: v.description })), { value: '$LATEST', label: '$LATEST' }], versions[0]?.version ?? '$LATEST');
    const extra = h('vscode-single-select', { 'aria-label': 'Second version' });
    fillSelect(extra, [{ value: '', label: 'None' }, ...versions.map((v) => ({ value: v.version, label: v.version, description: v.description }))], '');
    const weight = h('vscode-textfield', { type: 'number', min: 0, max: 100, step: 0.1, value: '10', 'aria-label': 'Weight of the second version in percent' });
    const description = h('vscode-textfield', { placeholder: 'Description (optional)', 'aria-label': 'Description' });
    const create = button('Create alias', 'add', () => {
      const change: AliasChangeMessage = {
        kind: 'create',
        alias: name.value.trim(),
        primary: primary.value,
        extraVersion: extra.value || undefined,
        percent: extra.value ? Number(weight.value) : undefined,
        description: description.value || undefined,
      };
      void this.request('apply', { change }).then((s) => {
        if (s) this.createForm.hidden = true;
      });
    }, { className: 'aliases-create-submit' });
    this.createForm.replaceChildren(
      h('div', { class: 'aliases-form-title' }, icon('add'), 'New alias'),
      h('div', { class: 'aliases-form-row' }, h('label', {}, 'Name'), name, h('label', {}, 'Version'), primary, h('label', {}, 'Second version'), extra, h('label', {}, 'Weight %'), weight),
      h('div', { class: 'aliases-form-row' }, h('label', {}, 'Description'), description, create, button('Cancel', 'close', () => (this.createForm.hidden = true), { secondary: true })),
    );
    this.createForm.hidden = false;
    name.focus();
  }
}
