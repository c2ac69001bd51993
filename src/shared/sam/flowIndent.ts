/**
 * SAM reads templates with PyYAML, which ignores indentation inside flow collections (`[…]`,
 * `{…}`). YAML 1.2, and the yaml package with it, wants every line of a flow collection that is
 * a value in a block to be indented more than that block, so a template SAM deploys can be
 * refused here:
 *
 *     Action: [
 *       "s3:GetObject",
 *     ]                      <- less indented than `Action`
 *
 * `indentFlowContinuations` indents such lines just past the opening bracket. Inside a flow
 * collection leading white space means nothing (line breaks fold, plain and quoted scalars
 * trim it), so the data stays the same; lines keep their numbers. Text only: it does not
 * accept anything that is broken otherwise (an unclosed bracket stays unclosed).
 */

/** Whether position `at` of a block-context line starts a node (after `key: `, `- `, `? ` or at the line start, tags and anchors allowed). */
function atBlockNodeStart(line: string, at: number): boolean {
  return /(^\s*|\S:\s+|(^|\s)[-?]\s+)(?:[!&]\S*\s+)*$/.test(line.slice(0, at));
}

/** Whether a quote at `at` inside a flow collection opens a quoted scalar (rather than sitting in a plain one). */
function atFlowNodeStart(line: string, at: number): boolean {
  return /(^|[\s[{,:])(?:[!&]\S*\s+)*$/.test(line.slice(0, at));
}

/** The end of a quoted scalar that starts (or continues) at `from`, or -1 when it goes on past the line. */
function quoteEnd(line: string, from: number, quote: '"' | "'"): number {
  for (let j = from; j < line.length; j++) {
    if (quote === '"' && line[j] === '\\') {
      j++;
    } else if (line[j] === quote) {
      if (quote === "'" && line[j + 1] === "'") {
        j++;
      } else {
        return j;
      }
    }
  }
  return -1;
}

const leadingSpaces = (line: string) => line.length - line.replace(/^ +/, '').length;

/** The text with under-indented lines of flow collections indented, or undefined when there are none. */
export function indentFlowContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let depth = 0;
  /** The column the continuation lines of the open flow collection are indented to, at least. */
  let minIndent = 0;
  let quote: '"' | "'" | undefined;
  /** While inside a block scalar: the indentation of the line that opened it. */
  let blockScalarParent: number | undefined;
  let changed = false;

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const indent = leadingSpaces(line);
    if (blockScalarParent !== undefined) {
      if (line.trim() === '' || indent > blockScalarParent) continue;
      blockScalarParent = undefined;
    }
    if (depth > 0 && line.trim() !== '' && indent < minIndent) {
      line = ' '.repeat(minIndent - indent) + line;
      lines[i] = line;
      changed = true;
    }
    let j = 0;
    if (quote) {
      const end = quoteEnd(line, 0, quote);
      if (end === -1) continue;
      quote = undefined;
      j = end + 1;
    }
    for (; j < line.length; j++) {
      const ch = line[j];
      if (ch === '#' && (j === 0 || /\s/.test(line[j - 1]))) break;
      if (depth > 0) {
        if (ch === '[' || ch === '{') {
          depth++;
        } else if (ch === ']' || ch === '}') {
          depth--;
        } else if ((ch === '"' || ch === "'") && atFlowNodeStart(line, j)) {
          const end = quoteEnd(line, j + 1, ch);
          if (end === -1) {
            quote = ch;
            break;
          }
          j = end;
        }
        continue;
      }
      if (!atBlockNodeStart(line, j)) continue;
      if (ch === '[' || ch === '{') {
        depth = 1;
        minIndent = j + 1;
      } else if (ch === '"' || ch === "'") {
        const end = quoteEnd(line, j + 1, ch);
        if (end === -1) {
          quote = ch;
          break;
        }
        j = end;
      } else if ((ch === '|' || ch === '>') && /^[|>][-+0-9]*\s*(#.*)?\r?$/.test(line.slice(j))) {
        blockScalarParent = indent;
        break;
      }
    }
  }
  return changed ? lines.join('\n') : undefined;
}
