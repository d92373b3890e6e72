// BytecodeModule: the compiler's output and the one object the VM, the native lowering and the
// .bpc file share. Plain data: functions with packed register code, their register kinds, line
// and handler tables; the constant pool; globals; struct, class and extern layouts.
import { Kind, O, instrLength } from './opcodes.js';

/**
 * A constant: an int (bigint, any int64), a float (number), a str (byte string), or a type
 * descriptor / format spec (tagged strings, see `tdesc.ts`).
 */
export type Const =
  | { tag: 'int'; value: bigint }
  | { tag: 'float'; value: number }
  | { tag: 'str'; value: string }
  | { tag: 'type'; value: string }
  | { tag: 'spec'; value: string };

export interface Handler {
  /** Protected pc range [start, end). */
  start: number;
  end: number;
  /** Where execution continues; the exception message goes to `reg` (-1: discarded). */
  target: number;
  reg: number;
}

export interface BcFunction {
  /** Unique name (also the native symbol's base): `main`, `geom.area`, `Dog.speak`, `main$lambda1`. */
  name: string;
  /** Parameters including captured values (which come first). */
  arity: number;
  /** Captured values of a lambda (registers 0..ncaps-1). */
  ncaps: number;
  /** Kind of every register (int, float, bool, ref); registers 0..arity-1 are the parameters. */
  regKinds: Uint8Array;
  /** Type descriptor of every register (for printing, disassembly and native layouts). */
  regTypes: string[];
  /** Type descriptor of the result ('v' for void). */
  ret: string;
  code: Int32Array;
  /** Source line of the instruction starting at each pc (0 elsewhere). */
  lines: Int32Array;
  /** Index into BytecodeModule.files. */
  file: number;
  /** Line of the `def` (stack overflow is reported here). */
  defLine: number;
  /** Innermost handlers first. */
  handlers: Handler[];
  /** The named variables (parameters first), for debuggers; absent in a .bpc. */
  vars?: LocalVar[];
  /** Declared `export def` (what an object file lets C call); absent in a .bpc. */
  exported?: boolean;
  /** Copies of other functions' code in this one (bytecode/inline.ts; `bpjit build` only). */
  inlined?: InlineSite[];
  /**
   * The registers the function had before inlining added its callees': a call of it takes the
   * interpreter's frame for that many on every tier (native/frame.ts), so recursion through it
   * goes as deep as on the tiers that do not inline.
   */
  frameRegs?: number;
  /** Levels of its recursion a frame of it does (more than 1 where inlining unrolled a self-call: inline.ts). */
  frameLevels?: number;
  /**
   * Code whose runtime errors are not raised: an instruction in [start, end) that would raise one
   * goes on at `target` instead, every register as it is (bytecode/jam.ts: a jammed loop's copies
   * give way to the loop as written, which raises the error in order; `bpjit build` only).
   */
  bails?: { start: number; end: number; target: number }[];
}

/**
 * A copy of function `callee` at pcs [start, end), made for a call at source line `line` of the
 * code around it: the function's own, or the copy `parent` (an index into the same list; -1: none).
 */
export interface InlineSite {
  start: number;
  end: number;
  callee: number;
  line: number;
  parent: number;
}

/** A variable: its name, its register, and the pcs [start, end) of its scope. */
export interface LocalVar {
  name: string;
  reg: number;
  start: number;
  end: number;
}

export interface StructLayout {
  name: string;
  fields: { name: string; type: string }[];
}

export interface ClassLayout {
  name: string;
  /** Index of the base class, -1 if none. */
  base: number;
  /** All fields, inherited first. */
  fields: { name: string; type: string }[];
  /** Vtable: function index per slot. */
  vtable: number[];
  /** Slot of __init__, -1 if none. */
  initSlot: number;
}

export interface ExternDef {
  name: string;
  lib: string;
  symbol: string;
  params: string[];
  ret: string;
  /** Where it is declared (index into files, line): failures to load it are reported there. */
  file: number;
  line: number;
}

export interface BytecodeModule {
  files: string[];
  consts: Const[];
  functions: BcFunction[];
  globals: { name: string; type: string }[];
  structs: StructLayout[];
  classes: ClassLayout[];
  externs: ExternDef[];
  /** Function that runs the global initialisers (-1: none). */
  init: number;
  /** The entry function (-1: none). */
  entry: number;
}

export function kindOfDesc(d: string): Kind {
  switch (d[0]) {
    case 'i': return Kind.Int;
    case 'f': return Kind.Float;
    case 'b': return Kind.Bool;
    default: return Kind.Ref;
  }
}

/**
 * Native symbol of a BetterPython function: its own name (so gdb, perf and objdump show it),
 * unless that could collide with a runtime or linker symbol. (Here, not in native/, because the
 * verifier checks that no two functions share one.)
 */
export function fnSymbol(name: string): string {
  return name.startsWith('bp_') || name.startsWith('_') || name === '$init' ? `bp.${name}` : name;
}

/**
 * The externs some instruction calls, in index order: what a run opens and resolves before the
 * program starts (an extern declared but never called needs no library).
 */
export function calledExterns(mod: BytecodeModule): number[] {
  const used = new Set<number>();
  for (const fn of mod.functions) {
    for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === O.callx) used.add(fn.code[pc + 2]);
  }
  return [...used].sort((a, b) => a - b);
}

/** "file:line" of extern `index`'s declaration. */
export function externWhere(mod: BytecodeModule, index: number): string {
  const e = mod.externs[index];
  return `${mod.files[e.file] ?? '?'}:${e.line}`;
}

/**
 * The source line of the instruction covering `pc`: the last line given at or before it (the
 * instruction's own, as operand words have none), else the `def` line — as every tier maps it.
 */
export function lineOfPc(fn: { lines: Int32Array; defLine: number }, pc: number): number {
  for (let p = Math.min(pc, fn.lines.length - 1); p >= 0; p--) if (fn.lines[p]) return fn.lines[p];
  return fn.defLine;
}
