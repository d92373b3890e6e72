// The bytecode compiler's base layer: program-wide state (constants, files, descriptors), and
// per function the instruction buffer and the registers. Registers: parameters (captures first)
// take the lowest numbers; every local gets a register for its scope; temporaries come from
// per-type free lists and are released at the end of the statement that made them, so a register
// always holds values of one type — the native lowering relies on that.
import type { Block, Expr } from '../lang/ast.js';
import { lineOf } from '../lang/source.js';
import type { CheckedProgram, ClassInfo, FuncInfo, LocalSym, StructInfo } from '../lang/symbols.js';
import type { Type } from '../lang/types.js';
import type { Const, Handler, LocalVar } from './module.js';
import type { Kind } from './opcodes.js';
import { DescContext, descOf, kindOf } from './tdesc.js';

/** Program-wide state shared by the function compilers. */
export class ModuleBuilder implements DescContext {
  readonly consts: Const[] = [];
  private readonly constIndex = new Map<string, number>();
  readonly files: string[] = [];
  readonly fnIndex = new Map<FuncInfo, number>();
  readonly externIndex = new Map<FuncInfo, number>();
  private readonly structIdx: Map<StructInfo, number>;
  private readonly classIdx: Map<ClassInfo, number>;

  constructor(readonly prog: CheckedProgram) {
    prog.functions.forEach((f, i) => this.fnIndex.set(f, i));
    prog.externs.forEach((f, i) => this.externIndex.set(f, i));
    this.structIdx = new Map(prog.structs.map((s, i) => [s, i]));
    this.classIdx = new Map(prog.classes.map((c, i) => [c, i]));
  }

  structIndex(s: StructInfo): number { return this.structIdx.get(s)!; }
  classIndex(c: ClassInfo): number { return this.classIdx.get(c)!; }
  desc(t: Type): string { return descOf(t, this); }
  signature(text: string): number { return this.constant({ tag: 'type', value: text }); }

  constant(c: Const): number {
    const key = `${c.tag}:${String(c.value)}:${Object.is(c.value, -0) ? '-0' : ''}`;
    let i = this.constIndex.get(key);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(c);
      this.constIndex.set(key, i);
    }
    return i;
  }

  file(path: string): number {
    let i = this.files.indexOf(path);
    if (i < 0) { i = this.files.length; this.files.push(path); }
    return i;
  }
}

export interface LoopCtx {
  breaks: number[];
  continues: number[];
  /** Number of try contexts open when the loop started (break/continue run the inner finallys). */
  tryDepth: number;
}

export interface TryCtx {
  finallyBody: Block | null;
  /** Open ranges: pc where protection (re)started, or -1 while suspended/closed. */
  catchOpen: number;
  finOpen: number;
  catchRanges: [number, number][];
  finRanges: [number, number][];
}

export const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

/**
 * The most parts of one concatenation instruction (concatn): a longer chain is several, and the
 * registers of each one's parts are released before the next, so a chain of any length needs a
 * bounded number of registers.
 */
export const CHAIN_PARTS = 64;

export abstract class CompilerBase {
  protected code: number[] = [];
  protected lines: number[] = [];
  protected line = 0;
  protected regKinds: Kind[] = [];
  protected regTypes: string[] = [];
  /** Free registers by exact type descriptor, so each register keeps one static type. */
  protected free = new Map<string, number[]>();
  protected temps: number[] = [];
  protected vars = new Map<LocalSym, number>();
  /** Every named variable with its register and the pcs of its scope (debug information). */
  protected readonly scopes: LocalVar[] = [];
  protected readonly openScopes = new Map<LocalSym, LocalVar>();
  protected loops: LoopCtx[] = [];
  protected tries: TryCtx[] = [];
  protected handlers: Handler[] = [];

  constructor(protected readonly mb: ModuleBuilder, protected readonly fn: FuncInfo | null) {}

  // --- emission ---------------------------------------------------------------------------

  /** Emits an instruction; an array operand is a register list (not spread: it may be huge). */
  protected emit(op: number, ...operands: (number | readonly number[])[]): number {
    const pc = this.code.length;
    this.code.push(op);
    this.lines.push(this.line);
    for (const o of operands) {
      for (const v of typeof o === 'number' ? [o] : o) { this.code.push(v); this.lines.push(0); }
    }
    return pc;
  }

  /** Emits a jump with an unresolved target; returns the operand position to patch. */
  protected emitJump(op: number, ...regs: number[]): number {
    this.emit(op, ...regs, -1);
    return this.code.length - 1;
  }

  protected patch(at: number, target = this.code.length): void {
    this.code[at] = target;
  }

  protected get pc(): number {
    return this.code.length;
  }

  protected at(e: { span: Expr['span'] }): void {
    this.line = lineOf(e.span);
  }

  // --- registers --------------------------------------------------------------------------

  protected newReg(desc: string): number {
    const r = this.regKinds.length;
    this.regKinds.push(kindOf(desc));
    this.regTypes.push(desc);
    return r;
  }

  /** A temporary of the given type, released by the enclosing statement. */
  protected tmp(t: Type | string): number {
    const desc = typeof t === 'string' ? t : this.mb.desc(t);
    const r = this.freeList(desc).pop() ?? this.newReg(desc);
    this.temps.push(r);
    return r;
  }

  protected freeList(desc: string): number[] {
    let l = this.free.get(desc);
    if (!l) this.free.set(desc, (l = []));
    return l;
  }

  protected mark(): number {
    return this.temps.length;
  }

  protected release(mark: number): void {
    while (this.temps.length > mark) {
      const r = this.temps.pop()!;
      this.freeList(this.regTypes[r]).push(r);
    }
  }

  /** Releases the temporaries made since `mark`, except `keep` (a result still to be used). */
  protected releaseKeeping(mark: number, keep: number): void {
    const i = this.temps.lastIndexOf(keep);
    if (i >= mark) this.temps.splice(i, 1);
    this.release(mark);
    if (i >= mark) this.temps.push(keep);
  }

  /** A register for a local variable, held until its scope ends. */
  protected declare(sym: LocalSym): number {
    const desc = this.mb.desc(sym.type);
    const r = this.freeList(desc).pop() ?? this.newReg(desc);
    this.vars.set(sym, r);
    this.scope(sym, r);
    return r;
  }

  protected scope(sym: LocalSym, reg: number): void {
    const v = { name: sym.name, reg, start: this.pc, end: -1 };
    this.scopes.push(v);
    this.openScopes.set(sym, v);
  }

  protected undeclare(syms: LocalSym[]): void {
    for (const s of syms) {
      const r = this.vars.get(s);
      if (r === undefined) continue;
      this.vars.delete(s);
      this.openScopes.get(s)!.end = this.pc;
      this.freeList(this.regTypes[r]).push(r);
    }
  }

  /** Compiles an expression into a register (`dst` when given); returns the register. */
  protected abstract expr(e: Expr, dst?: number): number;
  protected abstract block(b: Block): void;
}
