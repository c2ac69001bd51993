// DOM helpers every webview view uses. Browser code: no Node, no VS Code API.

export type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | undefined;

/** An element with attributes (`class` sets the class name; `true` an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

/** An element with an optional class name and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A codicon, hidden from screen readers (the control around it carries the label). */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
}

export interface SelectOption {
  value: string;
  label: string;
  description?: string;
}

/** Fills a vscode-single-select with slotted options (the element reads them on slot change). */
export function fillSelect(select: HTMLElementTagNameMap['vscode-single-select'], options: SelectOption[], selected: string): void {
  select.replaceChildren(...options.map((o) => h('vscode-option', { value: o.value, description: o.description || undefined, selected: o.value === selected }, o.label)));
  select.value = selected;
}
