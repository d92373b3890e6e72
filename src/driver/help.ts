// Help texts, made from the command table (commands.ts), so they describe the command line the
// parser accepts. Wrapped to the terminal's width (at most 100 columns).
import fs from 'node:fs';
import { COMMANDS, COMMON_OPTIONS, TOP_OPTIONS, type CommandSpec, type OptionSpec } from './commands.js';

/** The terminal's width, 60 to 100 columns (stdout is looked at only when help is shown). */
const width = (): number => Math.min(100, Math.max(60, process.stdout.columns ?? 100));

/** `text` as lines of at most `max` characters (a longer word gets a line of its own). */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > max) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

const paragraph = (text: string): string => wrap(text, width()).join('\n') + '\n';

/** Two columns: a term and its description, wrapped beside it (below it when the term is long). */
function table(rows: [string, string][]): string {
  const col = Math.min(26, Math.max(...rows.map(([t]) => t.length)) + 4);
  return rows.map(([t, d]) => (t.length > col - 4 ? `  ${t}\n${' '.repeat(col)}` : `  ${t.padEnd(col - 2)}`)
    + wrap(d, width() - col).join('\n' + ' '.repeat(col))).join('\n') + '\n';
}

function optionRows(options: OptionSpec[]): [string, string][] {
  return options.map((o) => {
    const long = o.default === true ? `--no-${o.name}` : `--${o.name}`;
    return [`${o.short ? `-${o.short}, ` : '    '}${long}${o.value ? ` ${o.value}` : ''}`, o.describe];
  });
}

export function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function overviewHelp(): string {
  return `bpjit ${packageVersion()}: the BetterPython toolchain (register VM, x86-64 JIT, static executables)\n\n`
    + 'Usage: bpjit [OPTIONS] COMMAND [COMMAND OPTIONS] OPERANDS...\n\n'
    + 'Commands:\n' + table(COMMANDS.map((c) => [c.name, c.summary]))
    + '\nOptions:\n' + table(optionRows([...TOP_OPTIONS, ...COMMON_OPTIONS]))
    + '\n' + paragraph("Run 'bpjit COMMAND --help' for a command's options and exit statuses. A bad command line exits with 2, an internal error of bpjit with 70.");
}

export function commandHelp(c: CommandSpec): string {
  return `Usage: bpjit ${c.name} ${c.usage}\n\n${paragraph(c.about)}\n`
    + 'Options:\n' + table(optionRows([...c.options, ...COMMON_OPTIONS]))
    + '\n' + paragraph(`Exit status: ${c.exits}`);
}
