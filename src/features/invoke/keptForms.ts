import type { InvokeParams } from './protocol';

/** At most this many forms, and this many characters of events in all, are kept per window. */
const MAX_FORMS = 20;
const MAX_TOTAL_CHARS = 24 * 1024 * 1024;

const size = (form: InvokeParams) => form.payload.length + form.clientContext.length;

/**
 * Invoke forms (event text, qualifier, type, client context) of panels that were closed, kept in
 * memory for the window and given back when the function's panel opens again. Nothing is
 * written to disk; the oldest go first when the bounds are reached.
 */
export class KeptForms {
  private readonly forms = new Map<string, InvokeParams>();
  private chars = 0;

  keep(key: string, form: InvokeParams): void {
    this.take(key);
    if (size(form) > MAX_TOTAL_CHARS) return;
    this.forms.set(key, { ...form });
    this.chars += size(form);
    while (this.forms.size > MAX_FORMS || this.chars > MAX_TOTAL_CHARS) {
      this.take(this.forms.keys().next().value as string);
    }
  }

  /** The kept form of `key`, removed from the store (it is the caller's now). */
  take(key: string): InvokeParams | undefined {
    const form = this.forms.get(key);
    if (form) {
      this.forms.delete(key);
      this.chars -= size(form);
    }
    return form;
  }

  get count(): number {
    return this.forms.size;
  }
}

const perWindow = new WeakMap<object, KeptForms>();

/** The kept Invoke forms of one window (keyed by its Workbench). */
export function keptForms(window: object): KeptForms {
  let forms = perWindow.get(window);
  if (!forms) perWindow.set(window, (forms = new KeptForms()));
  return forms;
}
