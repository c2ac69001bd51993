import type * as vscode from 'vscode';

/** The editors the handler lenses show in (read at activation: keep this file a leaf). */
export const CODELENS_LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'python'];
export const CODELENS_SELECTOR: vscode.DocumentSelector = CODELENS_LANGUAGES.map((language) => ({ language, scheme: 'file' }));
