// Assembly listings of compiled functions (`bpjit build -S`, `bpjit disasm --native`): each
// function's machine code as nasm source, with the .bp line above the instructions it became and
// the bytecode instruction each group came from — text that nasm assembles back to the same
// bytes (`nasm -f elf64`; fields the linker fills are relocations there). Labels are local to
// their function (.L<n>), symbols are written $name (nasm's escape, so no name can be taken for
// a register or a keyword; see nasmSymbol), a jump says whether it is short or near, alignment padding and
// constants are bytes, and each function's constants go to .rodata as `bpjit build` places them.
import type { MachineFunction } from './machine.js';

export interface ListedFunction {
  mf: MachineFunction;
  file: string;
  /** The text of a source line (for the comments). */
  source: (line: number) => string;
}

const ID = /^[A-Za-z_.?][\w$#@~.?]*$/;

export function nasmListing(functions: ListedFunction[], title: string): string {
  const defined = new Set(functions.map((f) => f.mf.symbol));
  const externs = new Set<string>();
  for (const f of functions) for (const r of f.mf.relocs) if (!defined.has(r.symbol)) externs.add(r.symbol);
  const out = [
    `; ${title}: machine code of bpjit build, in nasm syntax (nasm -f elf64 assembles it to the same bytes)`,
    'bits 64', 'default rel', '',
    ...[...externs].sort().map((s) => `extern ${sym(s)}`), '',
  ];
  // (one line at a time: a spread of a 40,000-line function's lines overflows V8's stack)
  for (const f of functions) for (const line of listFunction(f)) out.push(line);
  return out.join('\n') + '\n';
}

/**
 * A symbol as nasm source: $name; a character nasm does not take in a name (`<globals>$lambda1`)
 * becomes ?XX, its code in hex.
 */
export function nasmSymbol(name: string): string {
  const safe = ID.test(name) ? name : name.replace(/[^\w$#@~.?]/g, (c) => `?${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `$${safe}`;
}
const sym = nasmSymbol;

function listFunction({ mf, file, source }: ListedFunction): string[] {
  const listing = mf.listing ?? [];
  const dataStart = mf.rodata?.start ?? mf.code.length;
  const labels = new Map<number, number[]>();
  const used = new Set<number>();
  for (const l of listing) for (const m of l.text.matchAll(/\bL(\d+)\b/g)) used.add(Number(m[1]));
  for (const l of mf.labels ?? []) if (used.has(l.id)) labels.set(l.offset, [...(labels.get(l.offset) ?? []), l.id]);
  const lines = new Map(mf.lines.map((r) => [r.offset, r.line]));
  const comments = new Map<number, string[]>();
  for (const c of mf.comments ?? []) comments.set(c.offset, [...(comments.get(c.offset) ?? []), c.text]);
  // Symbols appear as rip-relative operands and as the target of a call or jump.
  const names = new Set(mf.relocs.map((r) => r.symbol));
  const text = (t: string, length: number) => t
    .replace(/\[rel ([^\]]+?)([+-]\d+)?\]/, (all, n: string, d = '') => (names.has(n) ? `[rel ${sym(n)}${d}]` : all))
    .replace(/^(call|jmp|j\w+) (\S+)$/, (all, j: string, n: string) => (names.has(n) ? `${j} ${sym(n)}` : all))
    .replace(/(?<![\w$.?])L(\d+)\b/g, '.L$1')
    // a jump to a label: its form as the assembler chose it
    .replace(/^(j\w+) (\.L\d+)$/, (_, j: string, l: string) => `${j} ${length === 2 ? 'short' : 'near'} ${l}`);
  const out = ['', 'section .text', 'align 16', `global ${sym(mf.symbol)}:function`, `${sym(mf.symbol)}:`];
  let at = 0;
  const bytes = (end: number) => {
    if (end > at) out.push(`        db ${[...mf.code.subarray(at, end)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}`);
  };
  for (const l of listing) {
    if (l.offset < at) continue;
    if (l.offset >= dataStart && at <= dataStart) {
      bytes(dataStart);
      out.push('section .rodata', 'align 16');
      at = dataStart;
    }
    bytes(l.offset);
    for (const id of labels.get(l.offset) ?? []) out.push(`.L${id}:`);
    const line = lines.get(l.offset);
    if (line !== undefined && l.offset < dataStart) out.push(`        ; ${file}:${line}  ${source(line).trim()}`);
    for (const c of comments.get(l.offset) ?? []) out.push(`        ; ${c}`);
    out.push(`        ${text(l.text, l.length)}`);
    at = l.offset + l.length;
  }
  bytes(mf.code.length);
  return out;
}
