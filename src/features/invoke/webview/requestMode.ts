// The Invoke tab's Request mode: an HTTP request to the function URL of the chosen qualifier
// (method, path, query, header rows, body), sent by the extension, and the answer it got.
import { MAX_URL_HEADERS, URL_METHODS, type FunctionUrlView, type InvokeProtocol, type UrlHeader, type UrlMethod, type UrlRequestParams, type UrlResponseView } from '../protocol';
import { fillSelect, h, icon } from '../../../webview/dom';
import type { TabApi } from '../../../webview/tab';
import { errorMessage } from '../../../shared/errors';
import { formatBytes, formatMs } from './format';

/** The form as kept across hiding and reloads. */
export interface RequestForm {
  method: UrlMethod;
  path: string;
  query: string;
  headers: UrlHeader[];
  body: string;
}

export const DEFAULT_REQUEST_FORM: RequestForm = { method: 'GET', path: '/', query: '', headers: [{ name: '', value: '' }], body: '' };

/** A kept form, or the default where it is damaged. */
export function keptRequestForm(value: unknown): RequestForm {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<RequestForm>;
  const headers = Array.isArray(v.headers)
    ? v.headers.filter((row): row is UrlHeader => typeof row?.name === 'string' && typeof row?.value === 'string').slice(0, MAX_URL_HEADERS)
    : [];
  return {
    method: URL_METHODS.includes(v.method as UrlMethod) ? (v.method as UrlMethod) : 'GET',
    path: typeof v.path === 'string' ? v.path : '/',
    query: typeof v.query === 'string' ? v.query : '',
    headers: headers.length ? headers : [{ name: '', value: '' }],
    body: typeof v.body === 'string' ? v.body : '',
  };
}

export class RequestMode {
  readonly element: HTMLElement;
  private readonly urlLine: HTMLElement;
  private readonly methodSelect: HTMLElementTagNameMap['vscode-single-select'];
  private readonly pathInput: HTMLInputElement;
  private readonly queryInput: HTMLInputElement;
  private readonly headerRows: HTMLElement;
  private readonly bodyEditor: HTMLTextAreaElement;
  private readonly sendButton: HTMLElementTagNameMap['vscode-button'];
  private readonly cancelButton: HTMLElementTagNameMap['vscode-button'];
  private readonly resultBox: HTMLElement;
  private url?: FunctionUrlView;
  /** The Local Lambda's API routes of the function, the other place a request can go. */
  private routes?: FunctionUrlView;
  private target: 'url' | 'api' = 'url';
  private sending = false;

  constructor(
    private readonly api: TabApi<InvokeProtocol>,
    private form: RequestForm,
    /** The qualifier chosen in the tab's form. */
    private readonly qualifier: () => string,
    /** The form changed: keep it. */
    private readonly onChange: (form: RequestForm) => void,
  ) {
    this.urlLine = h('div', { class: 'request-url' });
    this.methodSelect = h('vscode-single-select', { class: 'request-method', 'aria-label': 'Method' });
    fillSelect(this.methodSelect, URL_METHODS.map((m) => ({ label: m, value: m })), form.method);
    this.methodSelect.addEventListener('change', () => this.update({ method: this.methodSelect.value as UrlMethod }));
    this.pathInput = h('input', { class: 'invoke-input request-path', type: 'text', 'aria-label': 'Path', placeholder: '/', spellcheck: 'false' });
    this.pathInput.value = form.path;
    this.pathInput.addEventListener('input', () => this.update({ path: this.pathInput.value }));
    this.queryInput = h('input', { class: 'invoke-input request-query', type: 'text', 'aria-label': 'Query string', placeholder: 'name=value&other=1', spellcheck: 'false' });
    this.queryInput.value = form.query;
    this.queryInput.addEventListener('input', () => this.update({ query: this.queryInput.value }));

    this.headerRows = h('div', { class: 'request-headers' });
    const addHeader = h('vscode-button', { secondary: true, icon: 'add', title: 'Add a header' }, 'Header');
    addHeader.addEventListener('click', () => {
      if (this.form.headers.length >= MAX_URL_HEADERS) return;
      this.update({ headers: [...this.form.headers, { name: '', value: '' }] });
      this.renderHeaders();
      this.headerRows.querySelector<HTMLInputElement>('.request-header-row:last-child input')?.focus();
    });
    this.renderHeaders();

    this.bodyEditor = h('textarea', { class: 'request-editor request-body', spellcheck: 'false', rows: '8', 'aria-label': 'Request body', placeholder: 'Body (for POST, PUT, PATCH…)' }) as HTMLTextAreaElement;
    this.bodyEditor.value = form.body;
    this.bodyEditor.addEventListener('input', () => this.update({ body: this.bodyEditor.value }));

    this.sendButton = h('vscode-button', { class: 'request-send', icon: 'send', title: 'Send the request (Ctrl+Enter / Cmd+Enter)' }, 'Send');
    this.sendButton.addEventListener('click', () => void this.send());
    this.cancelButton = h('vscode-button', { secondary: true, icon: 'debug-stop', hidden: true }, 'Cancel');
    this.cancelButton.addEventListener('click', () => void this.api.request('cancel').catch(() => undefined));
    this.resultBox = h('section', { class: 'request-result', 'aria-live': 'polite' });

    this.element = h(
      'div',
      { class: 'request-mode', hidden: true },
      this.urlLine,
      h('div', { class: 'request-line' }, this.methodSelect, this.pathInput, h('span', { class: 'request-qmark' }, '?'), this.queryInput, this.sendButton, this.cancelButton),
      h('div', { class: 'invoke-event-bar' }, h('span', { class: 'invoke-section-title' }, 'Headers'), addHeader),
      this.headerRows,
      h('div', { class: 'invoke-event-bar' }, h('span', { class: 'invoke-section-title' }, 'Body')),
      this.bodyEditor,
      this.resultBox,
    );
  }

  /**
   * The qualifier's URL and the function's API routes (either may be missing); the tab offers
   * the mode only while there is one. With both, a choice says where the request goes.
   */
  setUrl(url: FunctionUrlView | undefined, routes?: FunctionUrlView): void {
    this.url = url;
    this.routes = routes;
    if (!url && routes) this.target = 'api';
    if (url && !routes) this.target = 'url';
    this.renderTarget();
  }

  private renderTarget(): void {
    this.urlLine.replaceChildren();
    if (this.url && this.routes) {
      const choice = h('vscode-single-select', { class: 'request-target', 'aria-label': 'Send to' });
      fillSelect(choice, [{ label: 'Function URL', value: 'url' }, { label: 'API routes', value: 'api' }], this.target);
      choice.addEventListener('change', () => {
        this.target = choice.value === 'api' ? 'api' : 'url';
        this.renderTarget();
      });
      this.urlLine.append(choice, ' ');
    }
    const shown = this.shownTarget();
    if (!shown) return;
    if (shown.kind === 'api') {
      this.urlLine.append(icon('globe'), ' ', h('code', {}, shown.url), h('span', { class: 'request-url-auth' },
        ` · the template's API routes on the Local Lambda: ${(shown.routes ?? []).join(', ')}`));
      return;
    }
    this.urlLine.append(icon('globe'), ' ', h('code', {}, shown.url), h('span', { class: 'request-url-auth' },
      shown.authType === 'AWS_IAM' ? ` · AWS_IAM: signed with the connection's credentials · ${shown.invokeMode}` : ` · NONE · ${shown.invokeMode}`));
  }

  private shownTarget(): FunctionUrlView | undefined {
    return this.target === 'api' ? this.routes ?? this.url : this.url ?? this.routes;
  }

  focus(): void {
    this.pathInput.focus();
  }

  private update(change: Partial<RequestForm>): void {
    this.form = { ...this.form, ...change };
    this.onChange(this.form);
  }

  private renderHeaders(): void {
    this.headerRows.replaceChildren(...this.form.headers.map((row, index) => {
      const name = h('input', { class: 'invoke-input request-header-name', type: 'text', placeholder: 'Name', 'aria-label': `Header ${index + 1} name`, spellcheck: 'false' });
      name.value = row.name;
      const value = h('input', { class: 'invoke-input request-header-value', type: 'text', placeholder: 'Value', 'aria-label': `Header ${index + 1} value`, spellcheck: 'false' });
      value.value = row.value;
      const edit = () => this.update({ headers: this.form.headers.map((r, i) => (i === index ? { name: name.value, value: value.value } : r)) });
      name.addEventListener('input', edit);
      value.addEventListener('input', edit);
      const remove = h('vscode-button', { secondary: true, icon: 'close', title: 'Remove this header', 'aria-label': `Remove header ${index + 1}` });
      remove.addEventListener('click', () => {
        const headers = this.form.headers.filter((_, i) => i !== index);
        this.update({ headers: headers.length ? headers : [{ name: '', value: '' }] });
        this.renderHeaders();
      });
      return h('div', { class: 'request-header-row' }, name, value, remove);
    }));
  }

  async send(): Promise<void> {
    const shown = this.shownTarget();
    if (this.sending || !shown) return;
    const params: UrlRequestParams = { qualifier: this.qualifier(), ...this.form, ...(shown.kind === 'api' ? { target: 'api' as const } : {}) };
    this.sending = true;
    this.sendButton.disabled = true;
    this.cancelButton.hidden = false;
    this.resultBox.replaceChildren(h('div', { class: 'request-running' }, h('vscode-progress-ring'), h('span', {}, `${params.method} ${params.path || '/'}…`)));
    try {
      this.showResponse(await this.api.request('sendRequest', params));
    } catch (error) {
      this.resultBox.replaceChildren(
        h('div', { class: 'request-result-head' }, h('span', { class: 'invoke-pill request-pill-failed' }, icon('circle-slash'), ' Not answered')),
        h('div', { class: 'request-error-message' }, errorMessage(error)),
      );
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
      this.cancelButton.hidden = true;
    }
  }

  private showResponse(view: UrlResponseView): void {
    const ok = view.status >= 200 && view.status < 400;
    const headers = h('dl', { class: 'request-response-headers' });
    for (const { name, value } of view.headers) headers.append(h('dt', {}, name), h('dd', {}, value));
    this.resultBox.replaceChildren(
      h('div', { class: 'request-result-head' },
        h('span', { class: `invoke-pill ${ok ? 'request-pill-ok' : 'request-pill-error'}` }, icon(ok ? 'pass' : 'error'), ` ${view.status} ${view.statusText}`.trimEnd()),
        h('span', { class: 'request-timing', title: 'From sending the request to the end of the answer' }, icon('watch'), ` ${formatMs(view.durationMs)}`),
        h('span', { class: 'request-size' }, `${formatBytes(view.bodyBytes)}${view.truncated ? ' (cut short)' : ''}`),
        view.signed ? h('span', { class: 'request-signed', title: 'SigV4-signed with the connection\'s credentials' }, icon('lock'), ' signed') : undefined,
      ),
      h('div', { class: 'request-response-url' }, h('code', {}, `${view.method} ${view.url}`)),
      h('vscode-collapsible', { class: 'request-headers-section', title: `Headers (${view.headers.length})` }, h('div', { class: 'invoke-collapsible-body' }, headers)),
      view.body ? h('pre', { class: `request-payload${view.bodyIsJson ? ' request-payload-json' : ''}`, tabindex: '0', 'aria-label': 'Response body' }, view.body) : h('p', { class: 'invoke-empty' }, 'No body.'),
    );
  }
}
