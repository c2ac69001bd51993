import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, webviewHtml } from '../../../src/workbench/panel/html';

describe('webview page and Content Security Policy', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  const page = (nonce?: string) =>
    webviewHtml({ cspSource, resourceUri: (f) => `${cspSource}/ext/dist/webview/${f}`, title: 'a <b> & "c"', script: 'function.js', styles: ['codicon.css', 'function.css'], nonce });

  it('allows nothing by default, scripts only by nonce, styles and fonts only from the webview origin', () => {
    const csp = contentSecurityPolicy(cspSource, 'N0nce');
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'nonce-N0nce'"]);
    assert.deepEqual(directives['style-src'], [cspSource]);
    assert.deepEqual(directives['font-src'], [cspSource]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('loads the app script with the nonce, no inline script or style, and escapes the title', () => {
    const html = page('abc123');
    assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/function\.js"><\/script>/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.doesNotMatch(html, /<style|style=/);
    assert.match(html, /<link rel="stylesheet" nonce="abc123" id="vscode-codicon-stylesheet" href="[^"]+codicon\.css">/);
    assert.match(html, /<title>a &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
  });

  it('uses a fresh 128-bit nonce for every page', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64url').length, 16);
    assert.notEqual(page().match(/nonce="([^"]+)"/)?.[1], page().match(/nonce="([^"]+)"/)?.[1]);
  });
});
