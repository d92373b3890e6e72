// `bpjit explain [CODE|NAME]`: what a diagnostic means, how to fix it, and a program that shows
// it, from the table in src/lang/messages.ts; without an argument, the list of every code.
import { MESSAGES, MessageRow, exampleFiles, findMessage, isWarning } from '../lang/messages.js';
import { writeAll } from '../vm/output.js';
import type { Invocation } from './args.js';
import { EXIT } from './exit-codes.js';
import { userError } from './load.js';

export function explainText(row: MessageRow): string {
  const indent = (s: string) => s.replace(/^(?=.)/gm, '    ');
  const files = exampleFiles(row);
  const example = files.length === 1 ? files[0].text : files.map((f) => `# ${f.name}\n${f.text}`).join('');
  let out = `${row.code} (${row.name}): ${row.text.replace(/\{\d\}/g, '…')}\n\n${wrap(row.explain)}\n`;
  if (isWarning(row)) out += `\n${wrap(`This is a warning: the program still runs. Silence it with '-A ${row.code}' (or '--allow ${row.name}') on the command line, or in the source with a comment '# bpjit: allow(${row.name})' at the end of the line, on the line before a statement or declaration (covering it and its block), or '# bpjit: allow-file(${row.name})' for the whole file. '-W error' makes warnings errors.`)}\n`;
  return `${out}\nExample:\n\n${indent(example)}`;
}

/** Breaks a paragraph into lines of at most 90 columns. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 90) { lines.push(line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

export default function explain(inv: Invocation): number {
  const key = inv.operands[0];
  if (key === undefined) {
    writeAll(1, Buffer.from(MESSAGES.map((r) => `${r.code}  ${r.name.padEnd(26)} ${r.text.replace(/\{\d\}/g, '…')}\n`).join('')));
    return EXIT.OK;
  }
  const row = findMessage(key);
  if (!row) {
    userError(`no diagnostic '${key}' (codes look like E0139 or W0001; 'bpjit explain' lists them all)`);
    return EXIT.ERROR;
  }
  writeAll(1, Buffer.from(explainText(row)));
  return EXIT.OK;
}
