// THE table of compile-time diagnostics: every message of the lexer, the parser and the checker,
// with a stable code (E0001… errors, W0001… warnings), a kebab-case name (accepted wherever a
// code is: `--allow unused-variable`), its text with {0}, {1}… for arguments, and the
// explanation and example `bpjit explain CODE` prints. Codes are never reused or renumbered; the
// rows live in one file per area (messages-*.ts) to keep each readable.
import { DECL_MESSAGES } from './messages-decl.js';
import { EXPR_MESSAGES } from './messages-expr.js';
import { SYNTAX_MESSAGES } from './messages-syntax.js';
import { WARNING_MESSAGES } from './messages-warn.js';

export interface MessageRow {
  /** E0001… for errors, W0001… for warnings. */
  readonly code: string;
  /** Kebab-case name, unique like the code. */
  readonly name: string;
  /** The message, with {0}, {1}… replaced by the arguments. */
  readonly text: string;
  /** What is wrong and how to fix it (a paragraph). */
  readonly explain: string;
  /** A program showing the diagnostic; a line `# --- NAME.bp` starts a further module. */
  readonly example: string;
}

type Rows = typeof SYNTAX_MESSAGES | typeof DECL_MESSAGES | typeof EXPR_MESSAGES | typeof WARNING_MESSAGES;
export type MessageName = Rows[number]['name'];
/** Arguments are strings, or numbers printed in decimal. */
export type MessageArg = string | number | bigint;

export const MESSAGES: readonly MessageRow[] = [...SYNTAX_MESSAGES, ...DECL_MESSAGES, ...EXPR_MESSAGES, ...WARNING_MESSAGES];

const BY_KEY = new Map<string, MessageRow>();
for (const r of MESSAGES) {
  BY_KEY.set(r.code, r);
  BY_KEY.set(r.name, r);
}

export function messageRow(name: MessageName): MessageRow {
  return BY_KEY.get(name)!;
}

/** A row by code (any case) or name; undefined when there is none. */
export function findMessage(key: string): MessageRow | undefined {
  return BY_KEY.get(/^[ew]\d{4}$/i.test(key) ? key.toUpperCase() : key);
}

export function isWarning(row: MessageRow): boolean {
  return row.code.startsWith('W');
}

export function formatMessage(text: string, args: readonly MessageArg[]): string {
  return text.replace(/\{(\d)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

/** The modules of a row's example: the first is `main.bp`, each `# --- NAME.bp` line starts another. */
export function exampleFiles(row: MessageRow): { name: string; text: string }[] {
  const files = [{ name: 'main.bp', text: '' }];
  for (const line of row.example.split(/(?<=\n)/)) {
    const m = /^# --- (\S+\.bp)\n?$/.exec(line);
    if (m) files.push({ name: m[1], text: '' });
    else files[files.length - 1].text += line;
  }
  return files;
}
