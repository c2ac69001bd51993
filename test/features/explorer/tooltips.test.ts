import * as assert from 'node:assert/strict';
import { AliasesNode, AliasNode, ConnectionNode, ErrorNode, FunctionNode, RegionNode } from '../../../src/features/explorer/nodes';
import { escapeMarkdown, functionTooltip } from '../../../src/features/explorer/tooltips';

// A CommonMark renderer with everything on that a hover could honour (HTML, bare links): escaped text must still come out as text.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const renderer = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  '[click](command:workbench.action.terminal.new)',
  '<img src=x onerror=alert(1)>',
  '**bold** _it_ `code`',
  '# heading',
  '$(zap) ![image](https://example.com/x.png) &amp; <https://example.com>',
  '1. a list\n- another\n===',
];

/** The HTML the renderer makes, and its text with the paragraph and break tags taken out. */
function render(markdown: string): { html: string; text: string } {
  const html = renderer.render(markdown);
  const text = html.replace(/^<p>|<\/p>\n$/g, '').replace(/<br>\n/g, '\n')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return { html, text };
}

function assertLiteral(markdown: string, expected: string): void {
  const { html, text } = render(markdown);
  assert.ok(!/<(a|img|strong|em|code|h\d|ol|ul|li|script)\b/.test(html), `markup formed: ${html}`);
  assert.equal(text, expected);
}

describe('explorer tooltips: endpoint and user text shows literally', () => {
  for (const text of HOSTILE) {
    it(`escapes ${JSON.stringify(text)}`, () => {
      assertLiteral(escapeMarkdown(text), text);
    });
  }

  it('keeps the alias description as text, with the name in bold', () => {
    const connection = new ConnectionNode('custom:emu', 'custom', 'emu', false, false);
    const fn = new FunctionNode(new RegionNode(connection, 'us-east-1'), { FunctionName: 'orders' });
    const description = '[click](command:workbench.action.terminal.new) <img src=x> **bold**';
    const node = new AliasNode(new AliasesNode(fn), { Name: 'live', FunctionVersion: '3', Description: description, AliasArn: 'arn:aws:lambda:us-east-1:1:function:orders:live`x' });
    const { html } = render(node.tooltip ?? '');
    assert.match(html, /^<p><strong>live<\/strong>/);
    assert.ok(html.includes('[click](command:workbench.action.terminal.new) &lt;img src=x&gt; **bold**'), html);
    assert.ok(!/<a |<img/.test(html), html);
    assert.ok(html.includes("<code>arn:aws:lambda:us-east-1:1:function:orders:live'x</code>"), 'the ARN stays one code span');
  });

  it('keeps endpoint error text and function descriptions as text', () => {
    const error = new ErrorNode(undefined, 'ListFunctions failed', '<html><body><a href="command:x">500</a></body></html>');
    assertLiteral(error.tooltip ?? '', '<html><body><a href="command:x">500</a></body></html>');
    const { html } = render(functionTooltip({ FunctionName: 'f', Description: '[x](command:y) <b>z</b>', StateReason: '**warn**' }));
    assert.ok(html.includes('[x](command:y) &lt;b&gt;z&lt;/b&gt;') && html.includes('**warn**') && !/<a |<b>/.test(html), html);
  });
});
