// The Invoke tab: an event editor checked as you type, qualifier and invocation type, and the
// result of the last call with its REPORT figures, cost and log tail.
import './invoke.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import {
  INVOCATION_TYPE_LABELS,
  INVOCATION_TYPES,
  type EventLists,
  type EventSource,
  type FunctionUrlView,
  type HistoryEntry,
  type InvocationType,
  type InvocationView,
  type InvokeLimits,
  type InvokeParams,
  type InvokeProtocol,
  type InvokeTabState,
  type QualifierList,
} from '../protocol';
import { fillSelect, h, icon, type SelectOption } from '../../../webview/dom';
import type { TabApi, TabView } from '../../../webview/tab';
import { formatBytes, formatMs, utf8Length } from './format';
import { findJsonProblem as checkJson } from '../../../shared/json';
import { INVOKE_LIMITS } from '../../../shared/lambda/limits';
import { errorMessage } from '../../../shared/errors';
import { editedEventLabel, originOf, type EventOrigin } from './eventLabel';
import { stackLocation } from '../../../shared/stackFrames';
import { keptRequestForm, RequestMode, type RequestForm } from './requestMode';

/** What the progress view shows of a streamed answer while it arrives. */
const STREAM_SHOWN_CHARS = 256 * 1024;

/** Invoke calls the function through the Lambda API; Request sends HTTP to its function URL. */
type TabMode = 'invoke' | 'request';

/** What the tab keeps across hiding and reloads. */
interface SavedState {
  payload: string;
  qualifier: string;
  invocationType: InvocationType;
  clientContext: string;
  eventLabel: string;
  eventSource: EventSource;
  /** The sample or saved event the editor's text started from. */
  origin?: EventOrigin;
  last?: InvocationView;
  mode: TabMode;
  request: RequestForm;
}

const DEFAULT_EVENT = '{\n  "hello": "world"\n}';
/** Results larger than this are not kept in the webview state (the extension still has them). */
const MAX_SAVED_RESULT_CHARS = 256 * 1024;
const DEFAULT_LIMITS: InvokeLimits = INVOKE_LIMITS;

/** The Debug button's tooltip while it can run. */
const DEBUG_TITLE = 'Run this call under the debugger: breakpoints in the handler stop it, and its timeout waits while the debugger is attached';

/**
 * Scrolls the tab, when needed, just far enough that the top `px` pixels of `el` show. The tab's
 * own document scrolls (element.scrollIntoView could also move the workbench around the webview).
 */
function reveal(el: Element, px: number): void {
  const rect = el.getBoundingClientRect();
  const height = window.innerHeight;
  if (height === 0) return;
  const bottom = Math.min(rect.bottom, rect.top + px);
  if (rect.top >= 0 && bottom <= height) return;
  window.scrollBy({ top: rect.top < 0 ? rect.top - 8 : bottom - height + 8 });
}

function badge(iconName: string, label: string, value: string, kind = '', title?: string): HTMLElement {
  return h('span', { class: `invoke-badge ${kind}`.trim(), title: title ?? `${label}: ${value}` }, icon(iconName), h('span', { class: 'invoke-badge-label' }, label), h('span', { class: 'invoke-badge-value' }, value));
}

export class InvokeView implements TabView<InvokeProtocol> {
  private api!: TabApi<InvokeProtocol>;
  private state!: SavedState;
  private limits = DEFAULT_LIMITS;
  private running?: string;
  private shownResult?: string;
  private lists: EventLists = { saved: [], recent: [] };
  private samples: InvokeTabState['samples'] = [];
  private history: HistoryEntry[] = [];
  private validateTimer?: number;
  /** The qualifiers the select offers now. */
  private qualifierValues: string[] = [];
  /** Ctrl+M: Tab moves focus out of the event editor instead of indenting. */
  private tabMovesFocus = false;
  private tabHintLabel!: HTMLElement;
  /** This document started without state of its own (a new panel, not one shown again). */
  private fresh = false;
  private draftTimer?: number;
  private requestMode!: RequestMode;
  /** The Invoke / Request switch, shown while the chosen qualifier has a function URL. */
  private modeSwitch!: HTMLElement;
  private modeButtons!: Record<TabMode, HTMLButtonElement>;
  /** What the Request mode hides. */
  private readonly invokeOnly: HTMLElement[] = [];
  /** The function's URLs by qualifier, as the load listed them. */
  private knownUrls?: Record<string, FunctionUrlView>;
  /** The chosen qualifier's function URL, once asked. */
  private functionUrl?: { qualifier: string; url?: FunctionUrlView };
  /** The Local Lambda's API routes of the function ($LATEST only: the routes run the function itself). */
  private apiRoutes?: FunctionUrlView;

  private qualifierSelect!: HTMLElementTagNameMap['vscode-single-select'];
  private typeSelect!: HTMLElementTagNameMap['vscode-single-select'];
  private eventSelect!: HTMLElementTagNameMap['vscode-single-select'];
  private invokeButton!: HTMLElementTagNameMap['vscode-button'];
  private cancelButton!: HTMLElementTagNameMap['vscode-button'];
  private keyHint!: HTMLElement;
  /** Shown for Local Lambda functions only: runs the form's call under the debugger. */
  private debugButton!: HTMLElementTagNameMap['vscode-button'];
  private editor!: HTMLTextAreaElement;
  private contextEditor!: HTMLTextAreaElement;
  private editorStatus!: HTMLElement;
  private contextStatus!: HTMLElement;
  private qualifierNote!: HTMLElement;
  private resultBox!: HTMLElement;
  private historyBox!: HTMLElement;
  private historyCollapsible!: HTMLElementTagNameMap['vscode-collapsible'];

  mount(root: HTMLElement, api: TabApi<InvokeProtocol>): void {
    this.api = api;
    const own = api.getState<Partial<SavedState>>();
    this.fresh = own === undefined;
    const saved = own ?? {};
    this.state = {
      payload: typeof saved.payload === 'string' ? saved.payload : DEFAULT_EVENT,
      qualifier: typeof saved.qualifier === 'string' ? saved.qualifier : api.target.qualifier ?? '$LATEST',
      invocationType: INVOCATION_TYPES.includes(saved.invocationType as InvocationType) ? (saved.invocationType as InvocationType) : 'RequestResponse',
      clientContext: typeof saved.clientContext === 'string' ? saved.clientContext : '',
      eventLabel: typeof saved.eventLabel === 'string' ? saved.eventLabel : 'Custom event',
      eventSource: saved.eventSource === 'sample' || saved.eventSource === 'saved' ? saved.eventSource : 'custom',
      last: saved.last,
      origin: saved.origin && typeof saved.origin.label === 'string' && Array.isArray(saved.origin.keys) ? saved.origin : undefined,
      mode: saved.mode === 'request' ? 'request' : 'invoke',
      request: keptRequestForm(saved.request),
    };
    this.requestMode = new RequestMode(api, this.state.request, () => this.state.qualifier, (form) => {
      this.state.request = form;
      this.api.setState(this.state);
    });
    const form = this.renderForm();
    const result = this.renderResultArea();
    const history = this.renderHistory();
    this.invokeOnly.push(result, history);
    root.append(form, result, history);
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (this.shownMode() === 'request') void this.requestMode.send();
        else void this.invoke();
      }
    });
    this.showMode();
    this.validate();
    if (this.state.last) this.showResult(this.state.last);
    void this.load();
  }

  onShown(): void {
    this.editor?.focus();
  }

  readonly notifications = {
    started: (running: InvokeParams & { id: string }) => {
      // Started by a command (Invoke Function…, Invoke Again): the form shows what runs.
      if (this.running !== 'pending') this.applyParams(running);
      this.setRunning(running.id, running);
      reveal(this.resultBox, 80);
    },
    qualifiers: (list: QualifierList) => {
      this.renderQualifiers(list);
      // Aliases changed: their URLs may have too.
      void this.refreshFunctionUrl(true);
    },
    run: (options?: { debug?: boolean }) => void this.invoke(options?.debug === true),
    finished: (view: InvocationView) => this.finish(view),
    chunk: ({ id, text }: { id: string; text: string }) => this.appendChunk(id, text),
    setEvent: ({ payload, label }: { payload: string; label: string }) => {
      this.setEvent(payload, label, 'sample');
      this.api.notify('eventApplied');
    },
    events: (lists: EventLists) => {
      this.lists = lists;
      this.renderEventOptions();
    },
  };

  // ---- form -------------------------------------------------------------------------------

  private renderForm(): HTMLElement {
    this.qualifierSelect = h('vscode-single-select', { class: 'invoke-qualifier', 'aria-label': 'Qualifier' });
    fillSelect(this.qualifierSelect, [{ label: this.state.qualifier, value: this.state.qualifier }], this.state.qualifier);
    this.qualifierSelect.addEventListener('change', () => {
      this.state.qualifier = this.qualifierSelect.value;
      this.save();
      void this.refreshFunctionUrl();
    });
    const modeButton = (mode: TabMode, label: string, title: string) => {
      const button = h('button', { class: 'invoke-mode', type: 'button', 'aria-pressed': 'false', title }, label);
      button.addEventListener('click', () => {
        this.state.mode = mode;
        this.api.setState(this.state);
        this.showMode();
        if (mode === 'request') this.requestMode.focus();
        else this.editor.focus();
      });
      return button;
    };
    this.modeButtons = {
      invoke: modeButton('invoke', 'Invoke', 'Call the function through the Lambda API with an event'),
      request: modeButton('request', 'Request', 'Send an HTTP request to the function URL'),
    };
    this.modeSwitch = h('div', { class: 'invoke-mode-switch', role: 'group', 'aria-label': 'Mode', hidden: true }, this.modeButtons.invoke, this.modeButtons.request);
    this.qualifierNote = h('div', { class: 'invoke-note', hidden: true });

    this.typeSelect = h('vscode-single-select', { class: 'invoke-type', 'aria-label': 'Invocation type' });
    fillSelect(this.typeSelect, INVOCATION_TYPES.map((t) => ({ label: INVOCATION_TYPE_LABELS[t], value: t })), this.state.invocationType);
    this.typeSelect.addEventListener('change', () => {
      this.state.invocationType = this.typeSelect.value as InvocationType;
      this.save();
      this.validate();
    });

    this.invokeButton = h('vscode-button', { class: 'invoke-run', icon: 'play', title: 'Invoke (Ctrl+Enter / Cmd+Enter)' }, 'Invoke');
    this.invokeButton.addEventListener('click', () => void this.invoke());
    this.debugButton = h('vscode-button', {
      class: 'invoke-debug', icon: 'debug-alt', secondary: true, hidden: this.api.target.connectionKind !== 'local',
      title: DEBUG_TITLE,
    }, 'Debug');
    this.debugButton.addEventListener('click', () => void this.invoke(true));
    this.cancelButton = h('vscode-button', { class: 'invoke-cancel', icon: 'debug-stop', secondary: true, hidden: true }, 'Cancel');
    this.cancelButton.addEventListener('click', () => void this.api.request('cancel').catch(() => undefined));
    // Cancel shows in the key hint's place while a call runs, so the row does not reflow.
    this.keyHint = h('span', { class: 'invoke-hint' }, navigator.platform.startsWith('Mac') ? '⌘ Enter' : 'Ctrl+Enter');

    const typeField = h('label', { class: 'invoke-field' }, h('span', { class: 'invoke-field-label' }, 'Invocation type'), this.typeSelect);
    const actions = h('div', { class: 'invoke-actions' }, this.invokeButton, this.debugButton, h('span', { class: 'invoke-hint-slot' }, this.keyHint, this.cancelButton));
    const controls = h(
      'div',
      { class: 'invoke-controls' },
      h('label', { class: 'invoke-field' }, h('span', { class: 'invoke-field-label' }, 'Qualifier'), this.qualifierSelect),
      this.modeSwitch,
      typeField,
      actions,
    );
    this.invokeOnly.push(typeField, actions);

    // Searchable: type a few letters of a sample, a saved or a recent event.
    this.eventSelect = h('vscode-single-select', { class: 'invoke-event-select', 'aria-label': 'Load an event', combobox: true, filter: 'contains' });
    this.renderEventOptions();
    this.eventSelect.addEventListener('change', () => void this.loadChosenEvent());
    const formatButton = h('vscode-button', { secondary: true, icon: 'json', title: 'Pretty-print the event' }, 'Format');
    formatButton.addEventListener('click', () => this.formatEvent());
    const saveButton = h('vscode-button', { secondary: true, icon: 'save', title: 'Save the event in .lambda-workbench/events/ of the workspace' }, 'Save…');
    saveButton.addEventListener('click', () => this.askSaveName(saveHost));
    const saveHost = h('div', { class: 'invoke-save', hidden: true });

    this.editor = h('textarea', { class: 'invoke-editor', spellcheck: 'false', 'aria-label': 'Event JSON', autocomplete: 'off' }) as HTMLTextAreaElement;
    this.editor.value = this.state.payload;
    this.editor.addEventListener('input', () => {
      this.state.payload = this.editor.value;
      this.state.eventSource = 'custom';
      this.save();
      window.clearTimeout(this.validateTimer);
      this.validateTimer = window.setTimeout(() => {
        // Named after what it holds now, not after where it started (parsed here, not per key).
        this.state.eventLabel = editedEventLabel(this.editor.value, this.state.origin);
        this.save();
        this.validate();
      }, 120);
    });
    // Tab indents, as in VS Code's editor; Esc then Tab, or Ctrl+M to switch, moves focus on instead.
    let tabLeavesOnce = false;
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'm' && event.ctrlKey && !event.shiftKey && !event.altKey) {
        event.preventDefault();
        this.tabMovesFocus = !this.tabMovesFocus;
        this.editor.setAttribute('aria-description', this.tabHint());
        this.tabHintLabel.textContent = this.tabMovesFocus ? 'Tab moves focus (Ctrl+M)' : '';
        return;
      }
      if (event.key === 'Escape') {
        tabLeavesOnce = true;
        return;
      }
      const leave = tabLeavesOnce || this.tabMovesFocus;
      tabLeavesOnce = false;
      if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.metaKey && !leave) {
        event.preventDefault();
        this.editor.setRangeText('  ', this.editor.selectionStart, this.editor.selectionEnd, 'end');
        this.editor.dispatchEvent(new Event('input'));
      }
    });
    this.editor.setAttribute('aria-description', this.tabHint());
    this.editorStatus = h('div', { class: 'invoke-status', role: 'status', 'aria-live': 'polite' });
    this.tabHintLabel = h('span', { class: 'invoke-tab-hint', 'aria-live': 'polite' });

    this.contextEditor = h('textarea', { class: 'invoke-editor invoke-context', spellcheck: 'false', rows: '4', placeholder: '{"custom": {"key": "value"}}', 'aria-label': 'Client context JSON' }) as HTMLTextAreaElement;
    this.contextEditor.value = this.state.clientContext;
    this.contextEditor.addEventListener('input', () => {
      this.state.clientContext = this.contextEditor.value;
      this.save();
      this.validate();
    });
    this.contextStatus = h('div', { class: 'invoke-status' });
    const context = h(
      'vscode-collapsible',
      { class: 'invoke-context-section', title: 'Client context (optional)', description: 'sent base64-encoded with synchronous calls' },
      h('div', { class: 'invoke-collapsible-body' }, this.contextEditor, this.contextStatus),
    );
    if (this.state.clientContext) context.open = true;

    const eventBar = h('div', { class: 'invoke-event-bar' }, h('span', { class: 'invoke-section-title' }, 'Event'), this.eventSelect, formatButton, saveButton, this.tabHintLabel);
    this.invokeOnly.push(eventBar, saveHost, this.editor, this.editorStatus, context);
    return h(
      'section',
      { class: 'invoke-form' },
      controls,
      this.qualifierNote,
      eventBar,
      saveHost,
      this.editor,
      this.editorStatus,
      context,
      this.requestMode.element,
    );
  }

  /** The mode shown: Request only while the chosen qualifier has a function URL. */
  private shownMode(): TabMode {
    return this.state.mode === 'request' && this.hasRequestTarget() ? 'request' : 'invoke';
  }

  private routesHere(): FunctionUrlView | undefined {
    return (this.state.qualifier || '$LATEST') === '$LATEST' ? this.apiRoutes : undefined;
  }

  private hasRequestTarget(): boolean {
    return Boolean(this.functionUrl?.url || this.routesHere());
  }

  private showMode(): void {
    const mode = this.shownMode();
    this.modeSwitch.hidden = !this.hasRequestTarget();
    for (const [name, button] of Object.entries(this.modeButtons)) button.setAttribute('aria-pressed', String(name === mode));
    this.requestMode.element.hidden = mode !== 'request';
    // saveHost opens only on Save…; the Request mode hides it, Invoke leaves it as it was.
    for (const el of this.invokeOnly) {
      if (mode === 'request') {
        if (!el.hidden) el.dataset.shownInInvoke = 'true';
        el.hidden = true;
      } else if (el.dataset.shownInInvoke) {
        delete el.dataset.shownInInvoke;
        el.hidden = false;
      }
    }
  }

  /**
   * Offers the Request mode when the chosen qualifier has a function URL: from the URLs the load
   * listed (at once, so the form does not shift after it is shown), or asked (`ask`, or when they
   * could not be listed).
   */
  private async refreshFunctionUrl(ask = false): Promise<void> {
    const qualifier = this.state.qualifier;
    if (this.knownUrls && !ask) {
      this.functionUrl = { qualifier, url: this.knownUrls[qualifier] };
      this.requestMode.setUrl(this.functionUrl.url, this.routesHere());
      this.showMode();
      return;
    }
    let url: FunctionUrlView | undefined;
    try {
      url = (await this.api.request('functionUrl', { qualifier })) ?? undefined;
    } catch {
      url = undefined; // no URL to offer; Invoke works as always
    }
    if (this.knownUrls) {
      if (url) this.knownUrls[qualifier] = url;
      else delete this.knownUrls[qualifier];
    }
    if (qualifier !== this.state.qualifier) return; // another was chosen meanwhile
    this.functionUrl = { qualifier, url };
    this.requestMode.setUrl(url, this.routesHere());
    this.showMode();
  }

  private askSaveName(host: HTMLElement): void {
    host.replaceChildren();
    host.hidden = false;
    const input = h('input', { class: 'invoke-input', type: 'text', placeholder: 'Name, e.g. order-created', 'aria-label': 'Event name' }) as HTMLInputElement;
    input.value = this.state.eventSource === 'saved' ? this.state.eventLabel : '';
    const message = h('span', { class: 'invoke-save-message' });
    const submit = async (overwrite: boolean) => {
      const name = input.value.trim();
      if (!name) {
        message.textContent = 'Give the event a name.';
        return;
      }
      try {
        this.lists = await this.api.request('saveEvent', { name, payload: this.editor.value, overwrite });
        this.renderEventOptions();
        this.state.eventLabel = name;
        this.state.eventSource = 'saved';
        this.save();
        host.hidden = true;
      } catch (error) {
        const text = errorMessage(error);
        message.textContent = text;
        if (/already saved/.test(text)) {
          const replace = h('vscode-button', { secondary: true }, 'Replace');
          replace.addEventListener('click', () => void submit(true));
          message.append(' ', replace);
        }
      }
    };
    const ok = h('vscode-button', {}, 'Save');
    ok.addEventListener('click', () => void submit(false));
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    cancel.addEventListener('click', () => (host.hidden = true));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) void submit(false);
      if (event.key === 'Escape') host.hidden = true;
    });
    host.append(icon('save'), input, ok, cancel, message);
    input.focus();
  }

  private formatEvent(): void {
    try {
      this.editor.value = JSON.stringify(JSON.parse(this.editor.value), null, 2);
      this.editor.dispatchEvent(new Event('input'));
    } catch {
      this.validate();
    }
  }

  /** Puts an invocation's event, qualifier and type in the form (one that ran, or a history row). */
  private applyParams(params: Omit<InvokeParams, 'clientContext'> & { clientContext?: string }): void {
    const qualifier = params.qualifier || '$LATEST';
    this.state.qualifier = qualifier;
    this.state.invocationType = params.invocationType;
    if (this.qualifierValues.includes(qualifier)) {
      this.qualifierSelect.value = qualifier;
      void this.refreshFunctionUrl();
    } else void this.api.request('qualifiers').then((list) => this.renderQualifiers(list)).catch(() => undefined);
    this.typeSelect.value = params.invocationType;
    if (params.clientContext !== undefined) {
      this.contextEditor.value = params.clientContext;
      this.state.clientContext = params.clientContext;
    }
    this.setEvent(params.payload, params.eventLabel, params.eventSource);
  }

  private tabHint(): string {
    return this.tabMovesFocus ? 'Tab moves focus; Ctrl+M to indent with Tab again.' : 'Tab indents; press Escape then Tab, or Ctrl+M, to move focus.';
  }

  private setEvent(payload: string, label: string, source: EventSource): void {
    this.editor.value = payload;
    this.state.payload = payload;
    this.state.eventLabel = source === 'custom' ? editedEventLabel(payload, this.state.origin) : label;
    this.state.eventSource = source;
    if (source !== 'custom') this.state.origin = originOf(label, payload);
    this.save();
    this.validate();
  }

  private async loadChosenEvent(): Promise<void> {
    const value = this.eventSelect.value;
    if (!value) return;
    this.eventSelect.value = '';
    const [kind, ...rest] = value.split(':');
    const key = rest.join(':');
    try {
      if (kind === 'sample') {
        const sample = this.samples.find((s) => s.id === key);
        const { payload } = await this.api.request('sampleEvent', { id: key });
        this.setEvent(payload, sample?.title ?? key, 'sample');
      } else if (kind === 'saved') {
        const { payload } = await this.api.request('savedEvent', { name: key });
        this.setEvent(payload, key, 'saved');
      } else if (kind === 'recent') {
        const recent = this.lists.recent[Number(key)];
        if (recent) this.setEvent(recent.payload, recent.label, recent.source);
      }
    } catch (error) {
      this.editorStatus.className = 'invoke-status invoke-status-error';
      this.editorStatus.replaceChildren(icon('error'), ` ${errorMessage(error)}`);
    }
  }

  private renderEventOptions(): void {
    const options: SelectOption[] = [
      { label: 'Load an event…', value: '', description: 'recent, saved or sample' },
      ...this.lists.recent.map((r, i) => ({ label: r.label, value: `recent:${i}`, description: `recent · ${new Date(r.usedAt).toLocaleString()}` })),
      ...this.lists.saved.map((name) => ({ label: name, value: `saved:${name}`, description: 'saved in the workspace' })),
      ...this.samples.map((s) => ({ label: s.title, value: `sample:${s.id}`, description: `sample · ${s.group}` })),
    ];
    fillSelect(this.eventSelect, options, '');
  }

  private renderQualifiers(list: QualifierList): void {
    const values = list.qualifiers.map((q) => q.value);
    this.qualifierValues = values;
    if (!values.includes(this.state.qualifier)) this.state.qualifier = '$LATEST';
    fillSelect(
      this.qualifierSelect,
      list.qualifiers.map((q) => ({
        label: q.value,
        value: q.value,
        description: q.kind === 'alias' ? `alias ${q.description ?? ''}`.trim() : q.kind === 'version' ? 'version' : q.description,
      })),
      this.state.qualifier,
    );
    this.qualifierNote.hidden = !list.error;
    this.qualifierNote.textContent = list.error ?? '';
    void this.refreshFunctionUrl();
  }

  /** Checks the event as typed: JSON with the error's position, and its size against the limit. */
  private validate(): boolean {
    const text = this.editor.value;
    const limit = this.state.invocationType === 'Event' ? this.limits.asyncPayloadBytes : this.limits.syncPayloadBytes;
    const bytes = utf8Length(text);
    const problem = checkJson(text);
    const status = this.editorStatus;
    status.replaceChildren();
    let ok = true;
    if (problem) {
      ok = false;
      status.className = 'invoke-status invoke-status-error';
      const where = problem.line ? `Line ${problem.line}, column ${problem.column}: ` : '';
      const jump = h('a', { href: '#', class: 'invoke-jump' }, 'Go to error');
      jump.addEventListener('click', (event) => {
        event.preventDefault();
        this.editor.focus();
        this.editor.setSelectionRange(problem.offset, Math.min(text.length, problem.offset + 1));
      });
      status.append(icon('error'), ` ${where}${problem.message} `, problem.line ? jump : '');
    } else if (bytes > limit) {
      ok = false;
      status.className = 'invoke-status invoke-status-error';
      status.append(icon('error'), ` ${formatBytes(bytes)} — over the ${formatBytes(limit)} limit for ${this.state.invocationType === 'Event' ? 'asynchronous' : 'synchronous'} calls`);
    } else {
      status.className = 'invoke-status invoke-status-ok';
      status.append(icon('pass'), ` Valid JSON · ${formatBytes(bytes)} of ${formatBytes(limit)}`, h('span', { class: 'invoke-status-label' }, this.state.eventLabel));
    }

    const contextProblem = this.contextProblem();
    this.contextStatus.className = contextProblem ? 'invoke-status invoke-status-error' : 'invoke-status';
    this.contextStatus.replaceChildren(...(contextProblem ? [icon('error'), ` ${contextProblem}`] : []));
    ok &&= !contextProblem;
    this.invokeButton.disabled = !ok || this.running !== undefined;
    const sync = this.state.invocationType === 'RequestResponse';
    this.debugButton.disabled = !ok || this.running !== undefined || !sync;
    this.debugButton.title = sync
      ? DEBUG_TITLE
      : 'Debug runs synchronous (RequestResponse) calls';
    return ok;
  }

  private contextProblem(): string | undefined {
    const text = this.contextEditor.value;
    if (!text.trim()) return undefined;
    if (this.state.invocationType === 'Event') return 'Only sent with synchronous calls.';
    const problem = checkJson(text);
    if (problem) return `${problem.line ? `Line ${problem.line}, column ${problem.column}: ` : ''}${problem.message}`;
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Must be a JSON object.';
    const encoded = Math.ceil(utf8Length(text) / 3) * 4;
    return encoded > this.limits.clientContextBytes ? `${encoded} bytes base64-encoded; at most ${this.limits.clientContextBytes}.` : undefined;
  }

  // ---- running ----------------------------------------------------------------------------

  private async load(): Promise<void> {
    try {
      const state = await this.api.request('load');
      this.limits = state.limits;
      this.samples = state.samples;
      this.lists = state.events;
      this.history = state.history;
      if (state.initialQualifier && this.fresh) this.state.qualifier = state.initialQualifier;
      this.knownUrls = state.functionUrls;
      this.apiRoutes = state.apiRoutes;
      this.renderQualifiers(state.qualifiers);
      // A new panel of a function whose panel was closed before: its form as it was then.
      if (state.draft && this.fresh) this.applyParams(state.draft);
      this.renderEventOptions();
      this.renderHistory();
      if (state.last && state.last.id !== this.shownResult) {
        this.showResult(state.last);
        // The panel's document is rebuilt when it is shown again: a result that came meanwhile (a
        // debug run continued in the editor) is brought into view, as if it had arrived here.
        if (!this.fresh && !state.running) reveal(this.resultBox, 48);
      }
      if (state.running) {
        this.setRunning(state.running.id, state.running);
        reveal(this.resultBox, 80);
      }
      this.validate();
      if (state.runNow) void this.invoke(state.runNowDebug === true);
    } catch (error) {
      this.qualifierNote.hidden = false;
      this.qualifierNote.textContent = errorMessage(error);
    }
  }

  private async invoke(debug = false): Promise<void> {
    if (this.running || !this.validate()) return;
    const params: InvokeParams = {
      payload: this.editor.value,
      qualifier: this.state.qualifier,
      invocationType: this.state.invocationType,
      clientContext: this.state.invocationType === 'Event' ? '' : this.contextEditor.value,
      eventLabel: this.state.eventLabel,
      eventSource: this.state.eventSource,
      ...(debug ? { debug } : {}),
    };
    this.setRunning('pending', params);
    reveal(this.resultBox, 80);
    try {
      this.finish(await this.api.request('invoke', params));
    } catch (error) {
      this.running = undefined;
      this.setIdle();
      this.resultBox.replaceChildren(
        h('div', { class: 'invoke-result-head' }, h('span', { class: 'invoke-pill invoke-pill-failed' }, icon('circle-slash'), ' Not sent')),
        h('div', { class: 'invoke-error-message' }, errorMessage(error)),
      );
    }
  }

  private setRunning(id: string, params: Pick<InvokeParams, 'qualifier' | 'invocationType' | 'eventLabel' | 'debug'>): void {
    this.running = id;
    // A call started by a command (Invoke Again, a CodeLens) shows its progress and result in Invoke mode.
    if (this.state.mode !== 'invoke') {
      this.state.mode = 'invoke';
      this.api.setState(this.state);
      this.showMode();
    }
    this.invokeButton.disabled = true;
    this.debugButton.disabled = true;
    const busy = params.debug ? this.debugButton : this.invokeButton;
    busy.setAttribute('icon', 'loading');
    busy.setAttribute('icon-spin', '');
    this.cancelButton.hidden = false;
    this.keyHint.hidden = true;
    const what = `${this.api.target.functionName}:${params.qualifier || '$LATEST'}`;
    this.resultBox.replaceChildren(
      h(
        'div',
        { class: 'invoke-running' },
        h('vscode-progress-ring'),
        params.debug
          ? h('span', {}, `Debugging ${what} with ${params.eventLabel}…`,
            h('span', { class: 'invoke-debug-note' }, icon('debug-pause'), ' The function\'s timeout is not enforced while the debugger is attached. Continue in the debugger, or stop its session to end the call.'))
          : h('span', {}, `Invoking ${what} (${params.invocationType}) with ${params.eventLabel}…`),
      ),
    );
  }

  /** A streamed call's text so far, under its progress line (at most STREAM_SHOWN_CHARS; the result has it all). */
  private streamed?: { id: string; pre: HTMLElement; chars: number };

  private appendChunk(id: string, text: string): void {
    if (this.running !== id) return;
    if (this.streamed?.id !== id) {
      const pre = h('pre', { class: 'invoke-stream', 'aria-live': 'polite', 'aria-label': 'Response so far' });
      this.resultBox.append(pre);
      this.streamed = { id, pre, chars: 0 };
    }
    const room = STREAM_SHOWN_CHARS - this.streamed.chars;
    if (room <= 0) return;
    this.streamed.pre.append(document.createTextNode(text.slice(0, room)));
    this.streamed.chars += Math.min(text.length, room);
    if (this.streamed.chars >= STREAM_SHOWN_CHARS) this.streamed.pre.append(h('span', { class: 'invoke-stream-more' }, '\n… more arrives; the result shows it all'));
  }

  private setIdle(): void {
    this.streamed = undefined;
    this.running = undefined;
    this.invokeButton.setAttribute('icon', 'play');
    this.invokeButton.removeAttribute('icon-spin');
    this.debugButton.setAttribute('icon', 'debug-alt');
    this.debugButton.removeAttribute('icon-spin');
    this.cancelButton.hidden = true;
    this.keyHint.hidden = false;
    this.validate();
  }

  private finish(view: InvocationView): void {
    this.setIdle();
    if (view.id !== this.shownResult) {
      this.showResult(view);
      reveal(this.resultBox, 48);
      this.history = [
        { id: view.id, at: view.at, params: { ...view.params, payload: this.editor.value }, outcome: view.outcome, statusText: view.statusText, durationMs: view.report?.durationMs, coldStart: view.report?.coldStart, costText: view.cost?.text },
        ...this.history.filter((e) => e.id !== view.id),
      ].slice(0, 20);
      this.renderHistory();
    }
    this.state.last = JSON.stringify(view).length <= MAX_SAVED_RESULT_CHARS ? view : undefined;
    this.save();
  }

  // ---- result -----------------------------------------------------------------------------

  private renderResultArea(): HTMLElement {
    this.resultBox = h('div', { class: 'invoke-result-body' }, h('p', { class: 'invoke-empty' }, 'Choose an event and press Invoke. The response, logs, duration and cost appear here.'));
    return h('section', { class: 'invoke-result', 'aria-label': 'Result' }, h('h2', { class: 'invoke-heading' }, 'Result'), this.resultBox);
  }

  private showResult(view: InvocationView): void {
    this.shownResult = view.id;
    const box = this.resultBox;
    box.replaceChildren();
    const target = `${this.api.target.functionName}:${view.params.qualifier || '$LATEST'}`;
    const when = new Date(view.at).toLocaleTimeString();
    const pill =
      view.outcome === 'ok'
        ? h('span', { class: 'invoke-pill invoke-pill-ok' }, icon('pass-filled'), ` ${view.statusText ?? 'OK'}`)
        : view.outcome === 'functionError'
          ? h('span', { class: 'invoke-pill invoke-pill-error' }, icon('error'), ` Function error · ${view.functionError?.kind ?? 'Unhandled'}`)
          : view.outcome === 'cancelled'
            ? h('span', { class: 'invoke-pill invoke-pill-failed' }, icon('circle-slash'), ' Cancelled')
            : h('span', { class: 'invoke-pill invoke-pill-error' }, icon('error'), ' Failed');
    const meta = h('span', { class: 'invoke-result-meta' }, `${target} · ${view.params.invocationType} · ${view.params.eventLabel} · ${when}`);
    box.append(h('div', { class: 'invoke-result-head' }, pill, meta));

    if (view.error) box.append(h('div', { class: 'invoke-error-message' }, view.error));

    const badges = h('div', { class: 'invoke-badges' });
    if (view.executedVersion) badges.append(badge('versions', 'Version', view.executedVersion, 'invoke-badge-version', `ExecutedVersion: ${view.executedVersion}`));
    const r = view.report;
    if (r) {
      badges.append(
        badge('watch', 'Duration', formatMs(r.durationMs), 'invoke-badge-duration'),
        badge('credit-card', 'Billed', formatMs(r.billedDurationMs), 'invoke-badge-billed'),
        badge('server', 'Memory', `${r.maxMemoryUsedMb} / ${r.memorySizeMb} MB`, 'invoke-badge-memory', `Max memory used ${r.maxMemoryUsedMb} MB of ${r.memorySizeMb} MB configured`),
        r.coldStart
          ? badge('rocket', 'Cold start', r.initDurationMs !== undefined ? `init ${formatMs(r.initDurationMs)}` : 'yes', 'invoke-badge-cold', 'A new execution environment was started for this call (Init Duration in the REPORT line)')
          : badge('flame', 'Warm', 'reused', 'invoke-badge-warm', 'An existing execution environment served this call'),
      );
    }
    if (view.cost) badges.append(badge('tag', 'Cost', view.cost.text, 'invoke-badge-cost', view.cost.detail));
    if (view.roundTripMs !== undefined) badges.append(badge('clock', 'Round trip', formatMs(view.roundTripMs), 'invoke-badge-roundtrip', 'Time from sending the request to the answer, measured here'));
    if (badges.childElementCount) box.append(badges);

    if (view.functionError) {
      const fe = view.functionError;
      box.append(
        h(
          'div',
          { class: 'invoke-function-error' },
          h('div', { class: 'invoke-function-error-title' }, icon('bug'), ` ${fe.errorType ?? 'Error'}${fe.errorMessage ? `: ${fe.errorMessage}` : ''}`),
          fe.stackTrace.length ? this.stack(fe.stackTrace) : undefined,
        ),
      );
    }

    if (view.payload !== undefined) {
      box.append(this.block('Response', view.payloadIsJson ? 'JSON' : 'text', view.payload, `${formatBytes(view.payloadBytes ?? 0)}`));
    } else if (view.outcome === 'ok') {
      const why = view.params.invocationType === 'Event' ? 'Queued: Lambda runs asynchronous calls later and returns no payload.' : view.params.invocationType === 'DryRun' ? 'Dry run: Lambda checked the request and permissions without running the function.' : 'The function returned no payload.';
      box.append(h('p', { class: 'invoke-empty' }, why));
    }
    if (view.logTail) box.append(this.block('Log output', 'last 4 KB', view.logTail, '', true));
  }

  private block(title: string, kind: string, text: string, size: string, log = false): HTMLElement {
    const pre = h('pre', { class: `invoke-pre${log ? ' invoke-log' : ''}`, tabindex: '0' });
    if (log) {
      for (const line of text.split('\n')) {
        const platform = /^(START|END|REPORT|INIT_START) /.test(line);
        pre.append(h('span', { class: platform ? 'invoke-log-platform' : 'invoke-log-line' }, line), '\n');
      }
    } else {
      pre.textContent = text;
    }
    const copy = h('vscode-button', { secondary: true, icon: 'copy', title: `Copy ${title.toLowerCase()}` }, 'Copy');
    copy.addEventListener('click', () => void navigator.clipboard?.writeText(text).catch(() => undefined));
    return h(
      'div',
      { class: 'invoke-block' },
      h('div', { class: 'invoke-block-head' }, h('span', { class: 'invoke-section-title' }, title), h('span', { class: 'invoke-block-kind' }, [kind, size].filter(Boolean).join(' · ')), copy),
      pre,
    );
  }

  // ---- history ----------------------------------------------------------------------------

  private renderHistory(): HTMLElement {
    if (!this.historyBox) {
      this.historyBox = h('div', { class: 'invoke-history-list' });
      this.historyCollapsible = h('vscode-collapsible', { class: 'invoke-history', title: 'History' }, this.historyBox);
    }
    const box = this.historyBox;
    box.replaceChildren();
    this.historyCollapsible.setAttribute('description', this.history.length ? `${this.history.length} recent` : 'none yet');
    if (this.history.length === 0) {
      box.append(h('p', { class: 'invoke-empty' }, 'Invocations of this function appear here.'));
      return this.historyCollapsible;
    }
    const table = h('table', { class: 'invoke-history-table' });
    table.append(h('tr', {}, ...['Time', 'Qualifier', 'Type', 'Event', 'Status', 'Duration', ''].map((t) => h('th', {}, t))));
    for (const entry of this.history) {
      const status = entry.outcome === 'ok' ? entry.statusText ?? 'OK' : entry.outcome === 'functionError' ? 'Function error' : entry.outcome === 'cancelled' ? 'Cancelled' : 'Failed';
      const rerun = h('vscode-button', { secondary: true, icon: 'edit', title: 'Put this event in the editor' }, 'Use event');
      rerun.disabled = !entry.params.payload;
      rerun.addEventListener('click', () => {
        this.applyParams(entry.params);
        this.editor.focus();
      });
      table.append(
        h(
          'tr',
          { class: `invoke-history-${entry.outcome}` },
          h('td', {}, new Date(entry.at).toLocaleTimeString()),
          h('td', {}, entry.params.qualifier || '$LATEST'),
          h('td', {}, entry.params.invocationType),
          h('td', { class: 'invoke-history-event', title: entry.params.eventLabel }, entry.params.eventLabel),
          h('td', { class: 'invoke-history-status' }, status),
          h('td', {}, entry.durationMs !== undefined ? `${formatMs(entry.durationMs)}${entry.coldStart ? ' · cold' : ''}` : '—'),
          h('td', {}, rerun),
        ),
      );
    }
    const clear = h('vscode-button', { secondary: true, icon: 'clear-all' }, 'Clear history');
    clear.addEventListener('click', () => {
      void this.api.request('clearHistory').then(() => {
        this.history = [];
        this.renderHistory();
      });
    });
    box.append(table, h('div', { class: 'invoke-history-actions' }, clear));
    return this.historyCollapsible;
  }

  /** The stack trace, each frame in a workspace file a link to its line. */
  private stack(lines: string[]): HTMLElement {
    const pre = h('pre', { class: 'invoke-pre invoke-stack' });
    lines.forEach((line, i) => {
      if (i > 0) pre.append('\n');
      const location = stackLocation(line);
      if (!location) {
        pre.append(line);
        return;
      }
      const link = h('a', { href: '#', class: 'invoke-frame', title: `Open ${location.file}:${location.line}` }, line);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        void this.api.request('openLocation', location).catch((error: unknown) => {
          link.title = errorMessage(error);
          link.classList.add('invoke-frame-outside');
        });
      });
      pre.append(link);
    });
    return pre;
  }

  private save(): void {
    this.api.setState(this.state);
    // The extension keeps the form for when the panel closes (the document cannot say so itself).
    window.clearTimeout(this.draftTimer);
    this.draftTimer = window.setTimeout(() => {
      const { payload, qualifier, invocationType, clientContext, eventLabel, eventSource } = this.state;
      this.api.notify('draft', { payload, qualifier, invocationType, clientContext, eventLabel, eventSource });
    }, 150);
  }
}
