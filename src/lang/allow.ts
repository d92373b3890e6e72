// Silencing warnings in the source: a comment `# bpjit: allow(CODE or name, ...)`.
//   - at the end of a line of code, it covers that line;
//   - on a line of its own, it covers the next line of code and every line indented deeper
//     below it (so above a `def`, the whole function);
//   - `# bpjit: allow-file(...)`, anywhere, covers the whole file.
// Comments are found by scanning lines outside string literals (a string cannot span lines).
import { findMessage } from './messages.js';
import { SourceFile, Span, lineCol } from './source.js';

const DIRECTIVE = /#\s*bpjit:\s*allow(-file)?\(([^)]*)\)/;

/** Per file: code → inclusive line ranges where it is allowed. */
const cache = new WeakMap<SourceFile, Map<string, [number, number][]>>();

export function allowedInSource(span: Span, code: string): boolean {
  let table = cache.get(span.file);
  if (!table) cache.set(span.file, (table = scan(span.file)));
  const ranges = table.get(code);
  if (!ranges) return false;
  const { line } = lineCol(span.file, span.start);
  return ranges.some(([a, b]) => line >= a && line <= b);
}

function scan(file: SourceFile): Map<string, [number, number][]> {
  const table = new Map<string, [number, number][]>();
  if (!file.text.includes('bpjit:')) return table;
  const lines = file.text.split('\n');
  lines.forEach((text, i) => {
    const hash = commentStart(text);
    if (hash < 0) return;
    const m = DIRECTIVE.exec(text.slice(hash));
    if (!m) return;
    const range = m[1] ? [1, lines.length] as [number, number] : text.slice(0, hash).trim() ? [i + 1, i + 1] as [number, number] : following(lines, i);
    for (const key of m[2].split(',')) {
      const row = findMessage(key.trim());
      if (!row) continue;
      const list = table.get(row.code) ?? [];
      list.push(range);
      table.set(row.code, list);
    }
  });
  return table;
}

/** Lines covered by an allow comment on line i (0-based): the next code line and its block. */
function following(lines: string[], i: number): [number, number] {
  const isCode = (s: string) => s.trim() !== '' && !s.trim().startsWith('#');
  let j = i + 1;
  while (j < lines.length && !isCode(lines[j])) j++;
  if (j >= lines.length) return [i + 1, i + 1];
  const indent = (s: string) => s.length - s.trimStart().length;
  const base = indent(lines[j]);
  let end = j;
  for (let k = j + 1; k < lines.length; k++) {
    if (!isCode(lines[k])) continue;
    if (indent(lines[k]) <= base) break;
    end = k;
  }
  return [j + 1, end + 1];
}

/** Offset of the `#` starting a comment on this line, or -1. */
function commentStart(line: string): number {
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '#') return i;
  }
  return -1;
}
