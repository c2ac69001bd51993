import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/**
 * The one HTML page and Content Security Policy every webview of the extension uses. Built
 * webview apps live in dist/webview (`<app>.js`, `<app>.css`, the codicon font); nothing else is
 * readable by a webview.
 */

/** Folder, relative to the extension root, that webviews may load files from. */
export const WEBVIEW_DIR = 'dist/webview';

/** A fresh value for the CSP `nonce-` source: 128 random bits. */
export function createNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * `default-src 'none'`: nothing loads unless listed. Scripts only with the page's nonce; styles,
 * fonts and images only from the webview's own resource origin. No inline code, no eval.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export interface WebviewPage {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Turns a file name inside dist/webview into a URI the webview may load. */
  resourceUri(file: string): string;
  title: string;
  /** The app's script in dist/webview, e.g. "function.js". */
  script: string;
  /** Stylesheets in dist/webview, in order. "codicon.css" gets the id vscode-elements looks for. */
  styles: string[];
  nonce?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function webviewHtml(page: WebviewPage): string {
  const nonce = page.nonce ?? createNonce();
  const link = (file: string) => {
    const id = file === 'codicon.css' ? ' id="vscode-codicon-stylesheet"' : '';
    return `<link rel="stylesheet" nonce="${nonce}"${id} href="${escapeHtml(page.resourceUri(file))}">`;
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
${page.styles.map(link).join('\n')}
</head>
<body>
<div id="app" class="app-loading">Loading…</div>
<script nonce="${nonce}" src="${escapeHtml(page.resourceUri(page.script))}"></script>
</body>
</html>`;
}

/** Options for a panel showing one app from dist/webview: scripts on, no other folder readable. */
export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    retainContextWhenHidden: false,
    localResourceRoots: [extensionUri.with({ path: `${extensionUri.path.replace(/\/$/, '')}/${WEBVIEW_DIR}` })],
  };
}

/** Sets a webview's options and page for one app (e.g. "function" → function.js and function.css). */
export function showWebviewApp(webview: vscode.Webview, extensionUri: vscode.Uri, app: string, title: string): void {
  const root = extensionUri.path.replace(/\/$/, '');
  const { localResourceRoots, enableScripts } = webviewPanelOptions(extensionUri);
  webview.options = { enableScripts, localResourceRoots };
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    resourceUri: (file) => webview.asWebviewUri(extensionUri.with({ path: `${root}/${WEBVIEW_DIR}/${file}` })).toString(),
    title,
    script: `${app}.js`,
    styles: ['codicon.css', `${app}.css`],
  });
}
