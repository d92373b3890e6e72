// bpjit build --emit-obj: the program as a relocatable object for a C program — its `export def`
// functions callable from C (System V: int and bool as int64_t, float as double), with the part
// of the runtime they need inside (one object: gcc main.c prog.o links), and the C API that
// stands in for an executable's _start: bp_init(argc, argv), called once first (the arguments,
// the environment, the stack the program may use, the global initialisers), and bp_flush() (its
// output is buffered apart from C's stdio). An extern function it calls is an undefined symbol
// the C link resolves (link its library: -lm). --emit-header writes the C declarations.
import { calledExterns, type BytecodeModule } from '../bytecode/module.js';
import type { InputSection } from '../elf/index.js';
import { relocatableObject } from '../elf/object.js';
import { externSlot, fnSymbol } from '../native/abi.js';
import { globalsArea, handlerTable, structLayouts, vtables, type Blob } from '../native/program.js';
import { runtimeSections } from '../elf/runtime-object.js';
import { Assembler, edi, qword, rax, rbp, rdx, rip, rsi, rsp, sym } from '../x64/index.js';
import { functionSections, lowerProgram, sectionOfBlob, type NotLowered } from './build.js';
import { lineTableSection } from './linetable.js';

/** The C API an object defines beside the exported functions. */
export const C_API = { init: 'bp_init', flush: 'bp_flush' } as const;
/** How much of the C stack below bp_init's frame BetterPython code may use (the default stack is 8 MiB). */
const STACK_FOR_PROGRAM = 7 << 20;

const C_TYPE: Record<string, string> = { i: 'int64_t', f: 'double', b: 'int64_t', v: 'void' };

export type ObjectResult = { ok: true; bytes: Uint8Array; header: string } | { ok: false; problems: NotLowered[] };

export function buildObject(mod: BytecodeModule, runtime: InputSection[] = runtimeSections()): ObjectResult {
  const exported = mod.functions.map((f, i) => ({ f, i })).filter(({ f, i }) => f.exported && i !== mod.entry);
  const at = (i: number) => ({ op: 'export', line: mod.functions[i].defLine, reason: 'export', file: mod.files[mod.functions[i].file], fn: mod.functions[i].name });
  if (!exported.length) {
    const i = Math.max(0, mod.entry);
    return { ok: false, problems: [{ ...at(i), message: `--emit-obj: the program exports no function for C to call (declare one with 'export def')` }] };
  }
  const problems: NotLowered[] = exported.filter(({ f }) => ![f.ret, ...f.regTypes.slice(0, f.arity)].every((t) => C_TYPE[t]))
    .map(({ i }) => ({ ...at(i), message: `--emit-obj: '${mod.functions[i].name}' takes or returns a type C cannot pass yet (int, float and bool can)` }));
  const lowered = lowerProgram(mod, {}, [mod.init, ...exported.map((e) => e.i)], new Set(exported.map((e) => e.i)));
  problems.push(...lowered.problems);
  if (problems.length) return { ok: false, problems };
  const placed = lowered.functions.map(functionSections);
  const externs = calledExterns(mod).map((i) => sectionOfBlob({
    symbol: externSlot(i), kind: 'rodata', bytes: new Uint8Array(8), size: 8, relocs: [{ offset: 0, type: 'R_X86_64_64', symbol: mod.externs[i].symbol, addend: 0 }],
  }));
  const blobs: Blob[] = [handlerTable(lowered.functions), structLayouts(mod), vtables(mod, new Set(lowered.functions.map((f) => f.symbol))), ...globalsArea(mod), ...cApi(mod)];
  const exports = new Map<string, string>([...exported.map(({ f }): [string, string] => [cName(f.name), fnSymbol(f.name)]), [C_API.init, C_API.init], [C_API.flush, C_API.flush]]);
  const bytes = relocatableObject([...runtime, ...placed.flatMap((p) => (p.rodata ? [p.text, p.rodata] : [p.text])),
    ...blobs.map(sectionOfBlob), lineTableSection(mod, placed), ...externs], [...exports.values()], exports);
  return { ok: true, bytes, header: cHeader(mod, exported.map((e) => e.i)) };
}

/** A function's C name: its name, a module's dots as underscores. */
export const cName = (name: string): string => name.replace(/\./g, '_');

function cApi(mod: BytecodeModule): Blob[] {
  const text = (symbol: string, a: Assembler): Blob => { const mc = a.finish(); return { symbol, kind: 'text', bytes: mc.bytes, size: mc.bytes.length, relocs: mc.relocs }; };
  // bp_init(edi = argc, rsi = argv): main's argv sits above every frame of the program (the
  // collector scans the stack up to there); the environment follows argv's NULL
  const init = new Assembler();
  const noArgs = init.newLabel(), stack = init.newLabel();
  init.push(rbp);
  init.mov(rbp, rsp);
  init.test(rsi, rsi);
  init.jz(noArgs);
  init.movsxd(rdx, edi);
  init.mov(qword(rip(sym('bp_rt_argc'))), rdx);
  init.mov(qword(rip(sym('bp_rt_argv'))), rsi);
  init.lea(rdx, qword(rsi, rdx, 8, 8));
  init.mov(qword(rip(sym('bp_rt_envp'))), rdx);
  init.mov(qword(rip(sym('bp_rt_stack_top'))), rsi);
  init.jmp(stack);
  init.bind(noArgs); // (no arguments: none for argv(), an empty environment, the stack above here)
  init.lea(rax, qword(rip(sym('bp_rt_argc'))));
  init.mov(qword(rip(sym('bp_rt_envp'))), rax);
  init.lea(rax, qword(rbp, 16));
  init.mov(qword(rip(sym('bp_rt_stack_top'))), rax);
  init.bind(stack);
  init.lea(rax, qword(rsp, -STACK_FOR_PROGRAM));
  init.mov(qword(rip(sym('bp_rt_stack_limit'))), rax);
  init.mov(qword(rip(sym('bp_rt_stack_base'))), rax);
  if (mod.init >= 0) init.call(sym(fnSymbol(mod.functions[mod.init].name)));
  init.pop(rbp);
  init.ret();
  const flush = new Assembler();
  flush.jmp(sym('bp_rt_flush'));
  return [text(C_API.init, init), text(C_API.flush, flush)];
}

/** The C declarations of the API and the exported functions. */
function cHeader(mod: BytecodeModule, exported: number[]): string {
  const lines = [
    '/* BetterPython functions compiled by bpjit build --emit-obj: link the object with your program. */',
    '#include <stdint.h>', '',
    '/* Call first, from main, with its arguments: sets up the runtime and runs the global initialisers. */',
    `void ${C_API.init}(int argc, char **argv);`,
    "/* Writes out what BetterPython printed (its output is buffered apart from C's stdio). */",
    `void ${C_API.flush}(void);`, '',
  ];
  for (const i of exported) {
    const f = mod.functions[i];
    const params = f.regTypes.slice(0, f.arity).map((t, k) => `${C_TYPE[t]} ${f.vars?.[k]?.name ?? `p${k}`}`);
    lines.push(`${C_TYPE[f.ret]} ${cName(f.name)}(${params.join(', ') || 'void'});`);
  }
  return lines.join('\n') + '\n';
}
