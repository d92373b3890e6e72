// The command table: every command of the command line, its operands and options. The parser
// (args.ts), the help text (help.ts) and the README's command-line section follow this table, so
// a command is added by one entry here plus the module that runs it (loaded on first use).
import type { Invocation } from './args.js';

/** An option. Flags are on/off (`--name`, `--no-name`); the others take a value (`--name V`, `--name=V`). */
export interface OptionSpec {
  /** Long name, without the dashes. */
  name: string;
  /** One-letter alias. */
  short?: string;
  /** What the value is, as help shows it ('FILE', 'N'); absent for flags. */
  value?: string;
  /** For values: what a valid one looks like, in words, and the test. */
  accept?: { what: string; test: (v: string) => boolean };
  /** A flag's value when not given; a flag that is on by default is shown (and described) as `--no-NAME`. */
  default?: boolean;
  /** A value option that may be given several times: the values are joined with commas. */
  repeat?: boolean;
  describe: string;
}

/** What follows the options: files, or (for commands that run one) a program and its arguments. */
export interface OperandSpec {
  /** What one is, for messages: 'program file'. */
  what: string;
  min: number;
  max: number;
  /** The first operand is a program; everything after it is the program's (never bpjit's). */
  program?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** What follows `bpjit NAME` in the usage line. */
  usage: string;
  /** The help text's paragraph. */
  about: string;
  operands: OperandSpec;
  options: OptionSpec[];
  /** The exit statuses this command gives (help's last paragraph). */
  exits: string;
  load(): Promise<CommandModule>;
}

export interface CommandModule {
  default(inv: Invocation): number | Promise<number>;
}

const positiveInt = { what: 'a whole number of at least 1', test: (v: string) => /^[1-9]\d*$/.test(v) && Number.isSafeInteger(Number(v)) };
const COLOR_CHOICES = ['auto', 'always', 'never'];

/** Options every command takes (before or after its name). */
export const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'color', value: 'WHEN', accept: { what: 'auto, always or never', test: (v) => COLOR_CHOICES.includes(v) },
    describe: 'when to colour diagnostics and reports: auto (on a terminal; the default), always or never. Without it, FORCE_COLOR (colour unless 0 or false), then NO_COLOR (no colour) decide' },
  { name: 'help', short: 'h', describe: 'show this help' },
];
/** Options taken only before a command. */
export const TOP_OPTIONS: OptionSpec[] = [{ name: 'version', short: 'v', describe: 'print the name and version' }];

const NO_JIT: OptionSpec = { name: 'jit', default: true, describe: 'compile no function: the native interpreter runs everything (by default hot functions are compiled to x86-64)' };
const RUN_OPTIONS: OptionSpec[] = [
  NO_JIT,
  { name: 'jit-threshold', value: 'N', accept: positiveInt,
    describe: 'calls that make a function hot; loops: 10×N back-edge trips; 1 compiles every function at its first call (default 100, or BPJIT_JIT_THRESHOLD)' },
  { name: 'vm', describe: 'run on the portable TypeScript VM instead of native code (also BPJIT_VM=1)' },
];
const PERF_MAP: OptionSpec = {
  name: 'perf-map', describe: 'name the native code for perf: /tmp/perf-PID.map, and the jitdump /tmp/jit-PID.dump for perf inject --jit (also BPJIT_PERF=1)',
};
const output = (what: string): OptionSpec => ({ name: 'output', short: 'o', value: 'FILE', describe: what });
/** The diagnostic options of every command that compiles a program (applied in cli.ts). */
const DIAGNOSTICS: OptionSpec[] = [
  { name: 'warnings', short: 'W', value: 'error', accept: { what: "'error'", test: (v) => v === 'error' }, describe: '-W error: warnings are errors (exit 1)' },
  { name: 'allow', short: 'A', value: 'CODE', repeat: true, describe: 'silence a warning: its code (W0001) or name (unused-variable); repeatable, or comma-separated' },
  { name: 'error-format', value: 'FORMAT', accept: { what: 'human or json', test: (v) => v === 'human' || v === 'json' },
    describe: 'human (the default: text with the source line and a caret) or json (one line per file: LSP PublishDiagnosticsParams)' },
];
const file: OperandSpec = { what: 'program file', min: 1, max: 1 };
const program: OperandSpec = { what: 'program file', min: 1, max: 1, program: true };
const STDIN = '`-` as FILE reads the program from standard input';
const PROGRAM_ARGS = 'Options go before FILE: everything after FILE goes to the program (argv()); a -- right after FILE is dropped.';
const EXITS_RUN = "the program's own status (main's return value modulo 256, or exit(n)); 1 for a compile error, a runtime error or an uncaught exception (the message on stderr) or a file that cannot be read; 2 for a bad command line; 70 for an internal error.";
const EXITS_TOOL = '0 when done; 1 for a compile error or a file that cannot be read or written; 2 for a bad command line (also: an output that would replace one of the inputs); 70 for an internal error.';

export const COMMANDS: CommandSpec[] = [
  {
    name: 'run', summary: 'run a program; hot functions are compiled to x86-64 and run in-process',
    usage: '[OPTIONS] FILE [ARGS...]',
    about: `Runs a program: a .bp source or a .bpc bytecode file (from bpjit compile). ${STDIN}. ${PROGRAM_ARGS}`,
    operands: program, options: [...RUN_OPTIONS, PERF_MAP, ...DIAGNOSTICS], exits: EXITS_RUN,
    load: () => import('./run.js'),
  },
  {
    name: 'profile', summary: 'run a program under the profiler: where time goes, what went native',
    usage: '[OPTIONS] FILE [ARGS...]',
    about: 'Runs a program as bpjit run does (its output unchanged), counting every call, loop trip, branch and call site on every tier and sampling where time goes, and prints a profile to stderr: '
      + 'the functions ranked by time (self: in the function itself; total: with what it calls) with calls, loop trips, executed bytecode instructions and the tier each ran in (with the reason a function stayed interpreted); the hottest lines with how often they ran; and the source of the hottest functions with time and counts per line. '
      + `Writes the profile as JSON to FILE.bpprof in the current directory (or -o) for bpjit build --profile, and on request a flame graph, annotated source, folded stacks and a speedscope file. No output may replace an input. ${STDIN} (then -o is needed). ${PROGRAM_ARGS}`,
    operands: program,
    options: [...RUN_OPTIONS, ...DIAGNOSTICS, output('where to write the profile (JSON; default: FILE without .bp/.bpc, plus .bpprof, in the current directory)'),
      { name: 'svg', value: 'FILE', describe: 'also write a flame graph (a self-contained SVG: time-weighted, coloured by tier, searchable) to FILE' },
      { name: 'html', value: 'FILE', describe: 'also write the annotated source of the hottest functions (a self-contained HTML page) to FILE' },
      { name: 'folded', value: 'FILE', describe: 'also write folded stacks (for flamegraph.pl, inferno or speedscope) to FILE' },
      { name: 'speedscope', value: 'FILE', describe: "also write the samples in speedscope's JSON format (open it at speedscope.app) to FILE" }],
    exits: EXITS_RUN.replace('2 for a bad command line', '2 for a bad command line (also: an output that would replace one of the inputs)'),
    load: () => import('./profile.js'),
  },
  {
    name: 'build', summary: 'compile a program ahead of time to an x86-64 Linux executable',
    usage: '[OPTIONS] FILE',
    about: `Compiles the whole program and links an x86-64 Linux ELF executable: static and libc-free, or, when the program calls extern functions, dynamically linked against their libraries. A library given by a path that does not exist is reported at its extern line and nothing is written. ${STDIN} (then -o is needed). Options may come before or after FILE.`,
    operands: file,
    options: [...DIAGNOSTICS, output('the executable to write (default: FILE without .bp/.bpc)'),
      { name: 'debug', short: 'g', describe: 'add DWARF debugging information: source lines, functions, variables and their types, call frames (gdb, perf, objdump -S)' },
      { name: 'emit-obj', value: 'FILE', describe: "write a relocatable object instead, for a C program to link: its export def functions, bp_init and bp_flush, and the runtime it needs (see the README's Objects section)" },
      { name: 'emit-header', value: 'FILE', describe: 'with --emit-obj: also write the C declarations of what the object defines' },
      { name: 'pie', describe: 'a position-independent executable (ET_DYN), which the kernel loads at a random address' },
      { name: 'asm', short: 'S', describe: 'write the machine code as nasm source with the source lines (to FILE without .bp, plus .asm, or -o FILE; -o - for stdout) instead of an executable' },
      { name: 'profile', value: 'FILE', describe: 'a .bpprof written by bpjit profile of this program: its hot call sites are inlined too (a profile of another program, or of code changed since, is refused)' },
      { name: 'explain-opt', describe: 'print on stderr each optimisation decision: which call sites were inlined and why, which hot ones were not and why' }],
    exits: EXITS_TOOL,
    load: () => import('./build-command.js'),
  },
  {
    name: 'check', summary: 'parse and type-check programs; print their diagnostics',
    usage: '[OPTIONS] FILE|DIR...',
    about: 'Parses and type-checks each FILE as a program, and every .bp file under each DIR (recursively; hidden directories and node_modules are skipped). Prints diagnostics; prints nothing when all is well. `-` reads a program from standard input. Options may come anywhere.',
    operands: { what: 'program file or directory', min: 1, max: Infinity }, options: DIAGNOSTICS,
    exits: '0 when every program checks clean; 1 when one has an error or cannot be read (a directory without .bp files included); 2 for a bad command line; 70 for an internal error.',
    load: () => import('./check.js'),
  },
  {
    name: 'compile', summary: 'compile a program to register bytecode (.bpc)',
    usage: '[OPTIONS] FILE',
    about: `Writes the register bytecode of a program to a versioned .bpc file (run it with bpjit run). ${STDIN} (then -o is needed). Options may come before or after FILE.`,
    operands: file, options: [...DIAGNOSTICS, output('the .bpc file to write (default: FILE without .bp, plus .bpc)')], exits: EXITS_TOOL,
    load: () => import('./compile.js'),
  },
  {
    name: 'disasm', summary: 'print the register bytecode with its source lines',
    usage: '[OPTIONS] FILE',
    about: `Prints the register bytecode of a program (.bp or .bpc) to stdout, with the source lines. ${STDIN}. Options may come before or after FILE.`,
    operands: file, options: [...DIAGNOSTICS, { name: 'fn', value: 'NAME', describe: 'only the function NAME' },
      { name: 'native', describe: 'the machine code bpjit build makes of each function, as nasm source with the source lines, instead of the bytecode' },
      { name: 'opt', describe: 'the bytecode as bpjit build lowers it: small leaf functions inlined (and with --profile, hot call sites inlined and cold blocks out of line), each copy marked with where it came from' },
      { name: 'profile', value: 'FILE', describe: 'with --opt or --native: as bpjit build --profile FILE makes it' }],
    exits: '0 when done; 1 for a compile error, a file that cannot be read, a profile of another program or an unknown function; 2 for a bad command line; 70 for an internal error.',
    load: () => import('./disasm.js'),
  },
  {
    name: 'explain', summary: 'explain a diagnostic code: what it means, how to fix it, an example',
    usage: '[CODE]',
    about: 'Prints the explanation of a diagnostic, by code (E0139, W0001) or name (undefined-variable), with a program that shows it; without CODE, lists every code with its name and message.',
    operands: { what: 'code', min: 0, max: 1 }, options: [], exits: '0; 1 for an unknown code; 2 for a bad command line.',
    load: () => import('./explain.js'),
  },
  {
    name: 'fmt', summary: 'format programs in the canonical layout',
    usage: '[OPTIONS] FILE...',
    about: 'Prints each FILE in the canonical layout (4-space indentation, spacing around operators and after commas, comments and blank lines kept; see the README). A file with syntax errors is reported and left alone. Options may come anywhere.',
    operands: { what: 'file', min: 1, max: Infinity },
    options: [{ name: 'write', short: 'w', describe: 'rewrite the files that change instead of printing them' },
      { name: 'check', describe: 'print the names of the files that would change; exit 1 if there are any' }],
    exits: '0 when done (with --check: when nothing would change); 1 for syntax errors, a file that cannot be read or written, or (with --check) files that would change; 2 for a bad command line.',
    load: () => import('./fmt.js'),
  },
  {
    name: 'lsp', summary: 'run the language server (for editors) on stdin/stdout',
    usage: '[OPTIONS]',
    about: 'Runs the language server on standard input and output until the editor ends it: diagnostics, hover, go to definition, references, completion, symbols, rename, formatting and semantic highlighting. See the README for VS Code and Neovim.',
    operands: { what: 'operand', min: 0, max: 0 }, options: [], exits: "0 when the editor ends the session ('exit' after 'shutdown'); 1 when it ends without 'shutdown'; 2 for a bad command line.",
    load: () => import('./lsp.js'),
  },
  {
    name: 'help', summary: 'show the help of a command (bpjit help run is bpjit run --help)',
    usage: '[COMMAND]',
    about: 'Shows the help of COMMAND (as bpjit COMMAND --help does), or the overview of all commands.',
    operands: { what: 'command', min: 0, max: 1 }, options: [], exits: '0; 2 for a bad command line (an unknown COMMAND, say).',
    load: () => import('./help-command.js'),
  },
];

export const commandNamed = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
