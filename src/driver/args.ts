// The command line → an Invocation, by one set of rules for every command (the table is
// commands.ts; yargs splits the words, but is not loaded for a line of operands and flags). Options of bpjit come before the command's operands; for
// a command that runs a program, everything after the program file is the program's. Every
// problem is a UsageError in plain words, with the closest valid spelling when there is one.
import { editDistance } from '../lang/suggest.js';
import { UsageError } from './exit-codes.js';
import { COMMANDS, COMMON_OPTIONS, TOP_OPTIONS, commandNamed, type CommandSpec, type OptionSpec } from './commands.js';

export interface Invocation {
  command: CommandSpec;
  /** Options given, by long name: true/false for flags, the text for values (defaults applied for flags). */
  opts: Record<string, string | boolean>;
  operands: string[];
  /** For commands that run a program: its arguments. */
  programArgs: string[];
}

export type CommandLine =
  | { kind: 'command'; inv: Invocation; color?: string }
  | { kind: 'help'; command?: CommandSpec; color?: string }
  | { kind: 'version' };

/** `alwaysYargs`: no shortcut (see plainWords; for the tests that compare the two). */
export async function parseCommandLine(argv: string[], alwaysYargs = false): Promise<CommandLine> {
  const parseWords = (words: string[], options: OptionSpec[], halt: boolean, command?: string) =>
    (alwaysYargs ? null : plainWords(words, options, halt)) ?? yargsWords(words, options, halt, command);
  const top = await parseWords(argv, [...TOP_OPTIONS, ...COMMON_OPTIONS], true);
  const color = top.opts.color as string | undefined;
  if (top.opts.help) return { kind: 'help', color };
  if (top.opts.version) return { kind: 'version' };
  const [name, ...rest] = top.operands;
  if (name === undefined) throw new UsageError(`no command given (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
  const command = commandNamed(name);
  if (!command) throw new UsageError(`unknown command '${name}'${didYouMean(name, COMMANDS.map((c) => c.name))}`);
  const words = await parseWords(rest, [...command.options, ...COMMON_OPTIONS], command.operands.program ?? false, command.name);
  if (words.opts.help) return { kind: 'help', command, color: (words.opts.color as string | undefined) ?? color };
  const { operands: ops } = command;
  const operands = ops.program ? words.operands.slice(0, 1) : words.operands;
  const programArgs = ops.program ? words.operands.slice(1) : [];
  if (programArgs[0] === '--' && words.operands.length > 1) programArgs.shift();
  if (operands.length < ops.min) throw new UsageError(`${command.name} needs a ${ops.what} (bpjit ${command.name} ${command.usage})`, command.name);
  if (operands.length > ops.max) throw new UsageError(`${command.name} takes one ${ops.what}, not ${operands.length}: ${operands.map((o) => `'${o}'`).join(' ')}`, command.name);
  for (const o of command.options) if (o.default !== undefined && !(o.name in words.opts)) words.opts[o.name] = o.default;
  return { kind: 'command', inv: { command, opts: words.opts, operands, programArgs }, color: (words.opts.color as string | undefined) ?? color };
}

interface Words {
  opts: Record<string, string | boolean>;
  operands: string[];
}

/**
 * What yargs makes of words that are operands, flags written out (`--vm`, `--no-jit`, `-h`) and
 * options followed by a valid value (`-o FILE`, `--jit-threshold 5`), found without it: loading
 * and asking yargs takes 5 ms, a fifth of a start. Null for any other line (`--name=value`, `--`,
 * `-`, a flag followed by true or false, a value that starts with - or is not valid, an option
 * given twice, a misspelling), which yargs then reads, and reports on.
 */
function plainWords(words: readonly string[], options: readonly OptionSpec[], halt: boolean): Words | null {
  const flags = new Map<string, [name: string, on: boolean]>();
  const values = new Map<string, OptionSpec>();
  for (const o of options) {
    if (o.value && !o.repeat) {
      values.set(`--${o.name}`, o);
      if (o.short) values.set(`-${o.short}`, o);
    } else if (!o.value) {
      flags.set(`--${o.name}`, [o.name, true]).set(`--no-${o.name}`, [o.name, false]);
      if (o.short) flags.set(`-${o.short}`, [o.name, true]);
    }
  }
  const opts: Record<string, string | boolean> = {}, operands: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i], next = words[i + 1] ?? '', flag = flags.get(w), option = values.get(w);
    const name = flag?.[0] ?? option?.name;
    if ((name !== undefined && name in opts) || (flag && /^(true|false)$/.test(next))) return null;
    if (flag) opts[flag[0]] = flag[1];
    else if (option) {
      if (next === '' || next.startsWith('-') || /^(true|false)$/.test(next) || (option.accept && !option.accept.test(next))) return null;
      opts[option.name] = next;
      i++;
    } else if (w.startsWith('-')) return null;
    else if (halt) return { opts, operands: words.slice(i) };
    else operands.push(w);
  }
  return opts.help ? { opts: { help: true }, operands } : { opts, operands };
}

/**
 * Splits words into options (checked against `options`) and operands. With `halt`, the first
 * operand ends the options: it and everything after it are operands, whatever they look like.
 */
async function yargsWords(words: string[], options: OptionSpec[], halt: boolean, command?: string): Promise<Words> {
  const { default: yargs } = await import('yargs');
  const y = yargs(words)
    .parserConfiguration({
      'halt-at-non-option': halt, 'populate--': true, 'camel-case-expansion': false, 'dot-notation': false, 'parse-numbers': false,
      'parse-positional-numbers': false, 'duplicate-arguments-array': false, 'greedy-arrays': false, 'strip-aliased': true, 'strip-dashed': false,
    })
    .help(false).version(false).exitProcess(false).locale('en');
  for (const o of options) y.option(o.name, { type: o.value ? 'string' : 'boolean', ...(o.short && { alias: o.short }) });
  const parsed = y.parseSync() as Record<string, unknown>;
  const rest = (parsed['--'] as unknown[] | undefined) ?? [];
  const operands = [...(parsed._ as unknown[]), ...rest].map(String);
  // Asking for help is never a mistake, whatever else is on the line.
  if (parsed.help === true || parsed.h === true) return { opts: { help: true }, operands };
  // The words before the operands: where an option's own spelling is found again.
  const optionWords = words.slice(0, words.length - rest.length);
  const known = new Map<string, OptionSpec>();
  for (const o of options) { known.set(o.name, o); if (o.short) known.set(o.short, o); }
  for (const w of optionWords) {
    // yargs reads --flag=anything as on; only true and false mean something.
    const m = /^(--(?:no-)?([^=]+))=(.*)$/s.exec(w);
    const o = m && known.get(m[2]);
    if (m && o && !o.value && m[3] !== 'true' && m[3] !== 'false') throw new UsageError(`option '${m[1]}' takes no value (not '${m[3]}')`, command);
  }
  const opts: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '_' || key === '--' || key === '$0') continue;
    const o = known.get(key);
    const spelled = spelling(o ? [o.name, o.short ?? ''] : [key], optionWords);
    if (!o) throw new UsageError(`unknown option '${spelled}'${didYouMean(spelled, spellings(options))}`, command);
    opts[o.name] = checkValue(o, spelled, value, command);
  }
  for (const o of options) if (o.repeat && typeof opts[o.name] === 'string') opts[o.name] = occurrences(o, optionWords).join(',');
  return { opts, operands };
}

/** Every value given to a repeatable option (yargs keeps only the last). */
function occurrences(o: OptionSpec, words: string[]): string[] {
  const names = [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])];
  const values: string[] = [];
  words.forEach((w, i) => {
    const [name, ...value] = w.split('=');
    if (names.includes(name)) values.push(value.length ? value.join('=') : words[i + 1] ?? '');
  });
  return values;
}

function checkValue(o: OptionSpec, spelled: string, value: unknown, command?: string): string | boolean {
  if (!o.value) {
    if (typeof value !== 'boolean') throw new UsageError(`option '${spelled}' takes no value`, command);
    return value;
  }
  // A negated value option (--no-output) comes back as a boolean.
  if (typeof value !== 'string') throw new UsageError(`unknown option '${spelled}'${didYouMean(spelled, [`--${o.name}`])}`, command);
  if (value === '') throw new UsageError(`option '${spelled}' needs a value (${spelled} ${o.value})`, command);
  if (o.accept && !o.accept.test(value)) throw new UsageError(`option '${spelled}' takes ${o.accept.what}, not '${value}'`, command);
  return value;
}

/** How the user wrote the option that yargs filed under one of `names`: its last occurrence. */
function spelling(names: string[], words: string[]): string {
  for (const w of [...words].reverse()) {
    const name = w.split('=')[0];
    for (const n of names.filter(Boolean)) {
      if (name === `--${n}` || name === `--no-${n}`) return name;
      if (n.length === 1 && /^-[^-]/.test(name) && name.includes(n)) return `-${n}`;
    }
  }
  return names[0].length === 1 ? `-${names[0]}` : `--${names[0]}`;
}

function spellings(options: OptionSpec[]): string[] {
  return options.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : []), ...(o.value ? [] : [`--no-${o.name}`])]);
}

/** " (did you mean 'X'?)" for the closest candidate, when one is close enough to be a typo. */
export function didYouMean(word: string, candidates: string[]): string {
  let best = '', bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  // One-letter words are too short to have typos.
  const stem = word.replace(/^-+/, '').length;
  return stem > 1 && bestDistance <= Math.max(1, Math.floor(stem / 3)) ? ` (did you mean '${best}'?)` : '';
}

