// The lowering's macro-assembler (V8 Sparkplug's BaselineAssembler, Winch's MacroAssembler): the
// vocabulary the per-opcode lowerings (lower-*.ts) are written in, over the encoder. It knows
// where each VM register lives (frame.ts), how to call with System V (the xmm homes are
// caller-saved, so calls spill them), the out-of-line error stubs, the constants placed after the
// code, the "file:line" locations of runtime errors and the profile counters. Scratch registers:
// rax, rcx, rdx, rsi, rdi, r8, r9 (r11 in method calls) and xmm0–xmm7; r10/r11 are homes
// (frame.ts), never scratch.
import { Kind, type Rel } from '../bytecode/opcodes.js';
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { callFrameBytes, unrolledBytes } from '../bytecode/limits.js';
import { Assembler, GP64, Gp64, Label, Mem, XMM, Xmm, edi, edx, esi, qword, rax, rbp, rip, rsi, rsp, sym, xmm0 } from '../x64/index.js';
import { ERR, RT, SYSV_INT_ARGS, VTABLES } from './abi.js';
import { ARRAY, HEADER, STATIC_STR_HEADER, STR, STRUCT } from './heap.js';
import { FrameLayout, Home, slotOffset } from './frame.js';
import { FrameMarks } from './frame-debug.js';
import type { Rewrites, TailPlan } from './rewrite.js';
import type { InlineFrame } from './machine.js';

export interface LowerOptions {
  /** Every call of the function is in the module (not a stub lowered on its own). */
  wholeProgram?: boolean;
  /** Keep an instruction listing (disasm --native). */
  listing?: boolean;
  /** Emit on-stack-replacement entries for these loop-header pcs (in-process tier). */
  osr?: number[];
  /**
   * Emit a second entry in the interpreter's convention (see MachineFunction.interpEntry):
   * 'block' when the caller makes the function's whole register block (the interpreter's calls),
   * 'args' when it passes just the arguments (stubs).
   */
  interpEntry?: 'block' | 'args';
  /**
   * Runtime errors carry no location of their own: the in-process tier finds it from the
   * interpreter frame that ran the instruction (stubs of single instructions, shared by sites).
   */
  dynamicLocation?: boolean;
  /**
   * Count calls, branches, loop trips and call sites (bpjit profile) in the 64-bit slots at this
   * symbol: the calls first, then one per code word as the VM's profile counters (interp.ts).
   * Rewrites that change the calls or branches made (tail calls, base cases tested at call
   * sites) are off, so the counts are the program's.
   */
  counters?: string;
  /** Describe the frame for debuggers (MachineFunction.frame). */
  debug?: boolean;
}

/** Where inlined code is (see Masm.inline): `outer` are the frames around `callee`'s, innermost first. */
export interface InlineContext {
  file: string;
  callee: number;
  outer: InlineFrame[];
  key: string;
}

/** A line row at `line` of the current code: inside inlined code, its frames, and the line of the outermost call. */
export function lineRow(line: number, inline: InlineContext | null): { line: number; frames?: InlineFrame[] } {
  if (!inline) return { line };
  return { line: inline.outer[inline.outer.length - 1].line, frames: [{ fn: inline.callee, line }, ...inline.outer] };
}

/** x86 condition codes of the integer relations (signed), and of their negations. */
export const INT_CC: Readonly<Record<Rel, string>> = { lt: 'l', le: 'le', gt: 'g', ge: 'ge', eq: 'e', ne: 'ne' };
export const INVERSE: Readonly<Record<string, string>> = { l: 'ge', le: 'g', g: 'le', ge: 'l', e: 'ne', ne: 'e', z: 'nz', nz: 'z' };

/** What a call goes to: a symbol, a function value in a VM register, or a method's vtable slot. */
export type CallTarget = string | { closure: number } | { slot: number };

export class Masm {
  readonly a: Assembler;
  readonly code: Int32Array;
  /** The source line of the instruction being lowered (runtime errors report it). */
  line: number;
  /** After the body: restores the callee-saved registers and returns. */
  readonly epilogue: Label;
  /** The pc of the instruction being lowered (-1: an entry; see spillXmm). */
  pc = -1;
  /** Whether code jumps to the epilogue (else each return has its own: lower-control.ts). */
  epilogueUsed = false;
  /** Where self-calls in tail position jump to: after the prologue and the parameter moves. */
  readonly top: Label;
  readonly tail: TailPlan | null;
  /** The frame's states and the xmm spills, for debuggers (frame-debug.ts). */
  readonly marks: FrameMarks;
  private readonly labels = new Map<number, Label>();
  private readonly deferred: { emit: () => void; line: number; inline: InlineContext | null; bail: number }[] = [];
  /** Where a runtime error of the instruction being lowered goes instead of being raised (BcFunction.bails; -1: raised). */
  bail = -1;
  /**
   * Inside code inlined from another function: its file, the innermost function, and the frames
   * around it (MachineFunction.lines), which runtime errors' locations and stubs carry.
   */
  inline: InlineContext | null = null;
  private readonly errors = new Map<string, { label: Label; err: number; line: number; inline: InlineContext | null; prepare?: () => void }>();
  private readonly strings = new Map<string, { label: Label; text: string; frames?: InlineFrame[] }>();
  private readonly floats = new Map<string, Label>();

  constructor(readonly mod: BytecodeModule, readonly fn: BcFunction, readonly layout: FrameLayout, readonly rw: Rewrites, readonly opts: LowerOptions) {
    this.a = new Assembler({ listing: opts.listing });
    this.code = fn.code;
    this.line = fn.defLine;
    this.tail = rw.tail;
    this.epilogue = this.a.newLabel();
    this.top = this.a.newLabel();
    this.marks = new FrameMarks(this.a);
  }

  // --- VM registers in their homes ---------------------------------------------------------

  home(r: number): Home {
    return this.layout.homes[r];
  }

  slot(k: number): Mem {
    return qword(rbp, slotOffset(this.layout, k));
  }

  /** r/m64 operand of an int/bool/ref register. */
  rm(r: number): Gp64 | Mem {
    const h = this.home(r);
    return h.at === 'gpr' ? GP64[h.reg] : this.slot(slotOf(h));
  }

  /** A GPR holding register r: its home, or `scratch` after a load. */
  gp(r: number, scratch: Gp64 = rax): Gp64 {
    const h = this.home(r);
    if (h.at === 'gpr') return GP64[h.reg];
    this.a.mov(scratch, this.rm(r) as Mem);
    return scratch;
  }

  setGp(r: number, src: Gp64): void {
    const h = this.home(r);
    if (h.at === 'gpr') { if (GP64[h.reg] !== src) this.a.mov(GP64[h.reg], src); }
    else this.a.mov(this.rm(r) as Mem, src);
  }

  /** xmm/m64 operand of a float register. */
  xm(r: number): Xmm | Mem {
    const h = this.home(r);
    return h.at === 'xmm' ? XMM[h.reg] : this.slot(slotOf(h));
  }

  fx(r: number, scratch: Xmm = xmm0): Xmm {
    const h = this.home(r);
    if (h.at === 'xmm') return XMM[h.reg];
    this.a.movsd(scratch, this.slot(slotOf(h)));
    return scratch;
  }

  /**
   * `into` = float register r. Between registers with movapd: movsd would keep a false
   * dependence on `into`'s upper half (xmm0 is every float instruction's scratch).
   */
  loadF(into: Xmm, r: number): void {
    const v = this.xm(r);
    if (v instanceof Mem) this.a.movsd(into, v);
    else if (v !== into) this.a.movapd(into, v);
  }

  setFx(r: number, src: Xmm): void {
    const h = this.home(r);
    if (h.at === 'xmm') { if (XMM[h.reg] !== src) this.a.movapd(XMM[h.reg], src); }
    else this.a.movsd(this.slot(slotOf(h)), src);
  }

  /** Register d = rax, or xmm0 for a float register (a value that came back in either). */
  setResult(d: number, fromBits = false): void {
    if (!this.isFloat(d)) { this.setGp(d, rax); return; }
    if (fromBits) this.a.movq(xmm0, rax);
    this.setFx(d, xmm0);
  }

  /** Register d = the 8 bytes at `at` (through xmm0 or rax when d lives in memory). */
  load(d: number, at: Mem): void {
    const h = this.home(d);
    if (h.at === 'xmm') this.a.movsd(XMM[h.reg], at);
    else if (h.at === 'gpr') this.a.mov(GP64[h.reg], at);
    else if (this.isFloat(d)) { this.a.movsd(xmm0, at); this.setFx(d, xmm0); }
    else { this.a.mov(rax, at); this.setGp(d, rax); }
  }

  /** The 8 bytes at `at` = register r (loaded into a scratch register if it lives in memory). */
  store(at: Mem, r: number, scratch: Gp64 = rax, xscratch: Xmm = xmm0): void {
    if (this.isFloat(r)) this.a.movsd(at, this.fx(r, xscratch));
    else this.a.mov(at, this.gp(r, scratch));
  }

  isFloat(r: number): boolean {
    return this.fn.regKinds[r] === Kind.Float;
  }

  /** Loads float register r while xmm homes are spilled (read from its slot). */
  loadSpilledX(r: number, into: Xmm): void {
    this.a.movsd(into, this.slot(slotOf(this.home(r))));
  }

  // --- labels and profile counters -----------------------------------------------------------

  /** The label of bytecode pc (jump targets and handler entries). */
  label(pc: number): Label {
    let l = this.labels.get(pc);
    if (!l) { l = this.a.newLabel(); this.labels.set(pc, l); }
    return l;
  }

  /** The label of bytecode pc if something jumps there. */
  labelAt(pc: number): Label | undefined {
    return this.labels.get(pc);
  }

  /** Counts at `pc` (see LowerOptions.counters; `slot` 1: the not-taken or loop-exit count). */
  count(pc: number, slot = 0): void {
    if (this.opts.counters) this.a.inc(qword(rip(sym(this.opts.counters, 8 + 8 * (pc + slot)))));
  }

  /** Counts a call of the function itself (the first slot). */
  countCall(): void {
    if (this.opts.counters) this.a.inc(qword(rip(sym(this.opts.counters))));
  }

  /** A conditional branch of the instruction at `pc`: taken and not taken counted when counting. */
  branch(cc: string, target: Label, pc: number): void {
    const { a } = this;
    if (!this.opts.counters) { a.jcc(cc, target); return; }
    const no = a.newLabel();
    a.jcc(INVERSE[cc], no);
    this.count(pc);
    a.jmp(target);
    a.bind(no);
    this.count(pc, 1);
  }

  /** Code out of line, after the body (a rare path that jumps back), at the current line. */
  later(emit: () => void): void {
    this.deferred.push({ emit, line: this.line, inline: this.inline, bail: this.bail });
  }

  /** The out-of-line code (see later), at the lines it was asked for; returns its line rows. */
  emitDeferred(): { label: Label; line: number; frames?: InlineFrame[] }[] {
    if (this.deferred.length) this.marks.state('saved');
    const rows = this.deferred.map(({ emit, line, inline, bail }) => {
      const label = this.a.newLabel();
      this.a.bind(label);
      this.line = line;
      this.inline = inline;
      this.bail = bail;
      emit();
      return { label, ...lineRow(line, inline) };
    });
    this.inline = null;
    this.bail = -1;
    return rows;
  }

  /**
   * How much further below rsp the other tiers' stack is at pc: the frames of the calls inlined
   * around it, less what the prologue took at once for an unrolled level of recursion.
   */
  inlineDepth(pc: number): number {
    let bytes = -unrolledBytes(this.fn);
    for (const s of this.fn.inlined ?? []) if (pc >= s.start && pc < s.end) bytes += callFrameBytes(this.mod.functions[s.callee]);
    return bytes;
  }

  // --- runtime errors ----------------------------------------------------------------------

  /** Out-of-line stub raising runtime error `err` at the current line (or `line`). */
  fail(err: number, line = this.line, prepare?: { key: string; emit: () => void }): Label {
    if (this.bail >= 0) return this.label(this.bail);
    const key = `${err}:${line}${this.inline ? `@${this.inline.key}` : ''}${prepare ? `:${prepare.key}` : ''}`;
    let e = this.errors.get(key);
    if (!e) { e = { label: this.a.newLabel(), err, line, inline: this.inline, prepare: prepare?.emit }; this.errors.set(key, e); }
    return e.label;
  }

  /** A null rax is the out-of-memory error (runtime functions that allocate return null). */
  checkAlloc(): void {
    this.a.test(rax, rax);
    this.a.jz(this.fail(ERR.OUT_OF_MEMORY));
  }

  /**
   * `reg` = the "file:line" string of the current instruction (or of `line`), runtime errors'
   * location; 0 with dynamicLocation.
   */
  location(reg: Gp64, line = this.line): void {
    if (this.opts.dynamicLocation) this.a.xor(reg, reg);
    else this.a.lea(reg, qword(rip(this.strConst(`${this.inline?.file ?? this.mod.files[this.fn.file]}:${line}`, this.inline, line))));
  }

  /**
   * The error stubs, after the code: bp_rt_error(id, location, 0). Returns their line rows (a
   * traceback through a stub shows the line of the instruction that failed).
   */
  emitErrorStubs(): { label: Label; line: number; frames?: InlineFrame[] }[] {
    const { a } = this;
    const rows: { label: Label; line: number; frames?: InlineFrame[] }[] = [];
    if (this.errors.size) this.marks.state('saved');
    for (const e of this.errors.values()) {
      a.bind(e.label);
      this.inline = e.inline;
      rows.push({ label: e.label, ...lineRow(e.line || this.fn.defLine, e.inline) });
      e.prepare?.();
      a.mov(edi, e.err);
      // A prologue's stack overflow has no location: the runtime reports it at the caller's
      // call, which the frame chain shows (the callee's frame is dropped from the traceback).
      if (e.line === 0) a.xor(esi, esi);
      else this.location(rsi, e.line);
      a.xor(edx, edx);
      a.call(sym(RT.error));
    }
    this.inline = null;
    return rows;
  }

  // --- constants ---------------------------------------------------------------------------

  /**
   * A static string object (its header; + STR.data for its NUL-terminated bytes). A location
   * inside inlined code (`inline`, at `line`) is a string of its own, which names its frames.
   */
  strConst(s: string, inline: InlineContext | null = null, line = 0): Label {
    const key = inline ? `${s}@${inline.key}` : s;
    let c = this.strings.get(key);
    if (!c) { c = { label: this.a.newLabel(), text: s, frames: inline ? lineRow(line, inline).frames : undefined }; this.strings.set(key, c); }
    return c.label;
  }

  /** The strings that name inlined frames (MachineFunction.locs). */
  inlineLocations(): { label: Label; frames: InlineFrame[] }[] {
    return [...this.strings.values()].flatMap((c) => (c.frames ? [{ label: c.label, frames: c.frames }] : []));
  }

  /** A float constant by its bits; 16 bytes (the value twice) for packed SSE operands. */
  floatConst(bits: bigint, size = 8): Label {
    const key = `${size}:${bits}`;
    let l = this.floats.get(key);
    if (!l) { l = this.a.newLabel(); this.floats.set(key, l); }
    return l;
  }

  /** The constants after the code; returns where they start (null: none). */
  emitConstants(): Label | null {
    const { a } = this;
    if (this.floats.size === 0 && this.strings.size === 0) return null;
    a.align(16);
    const start = a.newLabel();
    a.bind(start);
    // 16-byte constants first: SSE packed operations (xorpd, andpd) need aligned memory.
    const consts = [...this.floats].sort(([x], [y]) => Number(y.split(':')[0]) - Number(x.split(':')[0]));
    for (const [key, l] of consts) {
      const [size, bits] = key.split(':');
      a.bind(l);
      a.dq(BigInt(bits));
      if (size === '16') a.dq(BigInt(bits));
    }
    for (const { text: s, label: l } of this.strings.values()) {
      a.align(8);
      a.bind(l);
      a.dq(STATIC_STR_HEADER);
      a.dq(BigInt(s.length));
      a.db([...Buffer.from(s, 'latin1'), 0]);
    }
    return start;
  }

  // --- calls (System V) --------------------------------------------------------------------

  /** Saves xmm homes (caller-saved) around a call, or restores them: those of registers live here. */
  spillXmm(save: boolean): void {
    if (!save) this.marks.spill(false);
    for (let r = 0; r < this.layout.homes.length; r++) {
      const h = this.home(r);
      if (h.at !== 'xmm' || !this.layout.liveAt(r, this.pc)) continue;
      if (save) this.a.movsd(this.slot(h.slot), XMM[h.reg]);
      else this.a.movsd(XMM[h.reg], this.slot(h.slot));
    }
    if (save) this.marks.spill(true);
  }

  /** After a call: reload xmm homes except `dst`, which receives xmm0. */
  spillXmmExcept(dst: number): void {
    this.marks.spill(false);
    for (let r = 0; r < this.layout.homes.length; r++) {
      const h = this.home(r);
      if (h.at === 'xmm' && r !== dst && this.layout.liveAt(r, this.pc)) this.a.movsd(XMM[h.reg], this.slot(h.slot));
    }
  }

  /**
   * System V call of `target` with VM registers as arguments (past six integer or eight float
   * ones, on the stack); result to `dst` (-1: none). `located`: the "file:line" string follows
   * the integer arguments.
   */
  callSym(target: CallTarget, args: number[], dst: number, resultFloat = dst >= 0 && this.isFloat(dst), located = false): void {
    const { a } = this;
    this.spillXmm(true);
    const ints: number[] = [], floats: number[] = [], stack: number[] = [];
    for (const r of args) {
      if (this.isFloat(r)) (floats.length < 8 ? floats : stack).push(r);
      else (ints.length < 6 ? ints : stack).push(r);
    }
    const pad = stack.length % 2 === 1 ? 8 : 0;
    if (pad) a.sub(rsp, 8);
    for (const r of [...stack].reverse()) {
      if (this.isFloat(r)) { this.loadSpilledX(r, xmm0); a.sub(rsp, 8); a.movsd(qword(rsp, 0), xmm0); }
      else a.push(this.rm(r));
    }
    floats.forEach((r, i) => this.loadSpilledX(r, XMM[i]));
    ints.forEach((r, i) => a.mov(SYSV_INT_ARGS[i], this.rm(r)));
    if (located) this.location(SYSV_INT_ARGS[ints.length]);
    if (typeof target === 'string') a.call(sym(target));
    else if ('closure' in target) {
      // A function value: its code address is the closure's first field; a lambda finds its
      // captured values through rax.
      a.mov(rax, this.rm(target.closure));
      a.test(rax, rax);
      a.jz(this.fail(ERR.NULL));
      a.call(qword(rax, STRUCT.fields));
    } else {
      // A method: self (rdi) must not be null; its class (in its header) picks the vtable.
      const [self] = SYSV_INT_ARGS;
      a.test(self, self);
      a.jz(this.fail(ERR.NULL));
      a.mov(GP64[11], qword(self, 0));
      a.shr(GP64[11], HEADER.classShift);
      a.lea(rax, qword(rip(sym(VTABLES))));
      a.mov(GP64[11], qword(rax, GP64[11], 8, 0));
      a.call(qword(GP64[11], 8 * target.slot));
    }
    if (stack.length || pad) a.add(rsp, 8 * stack.length + pad);
    if (dst >= 0) {
      if (resultFloat) { this.spillXmmExcept(dst); this.setFx(dst, xmm0); return; }
      this.spillXmm(false);
      this.setGp(dst, rax);
      return;
    }
    this.spillXmm(false);
  }

  /** A call of a runtime function that allocates: a null result is the out-of-memory error. */
  callAlloc(target: string, args: number[], dst: number): void {
    this.callSym(target, args, dst);
    this.checkAlloc();
  }

  /**
   * A runtime call whose arguments are the bits of VM registers in rdi, rsi, rdx… (floats too),
   * then the type descriptor `desc` (a C string) when given, then the "file:line" string when
   * `located`; result in rax.
   */
  callBits(target: string, regs: number[], located = false, desc?: string): void {
    const { a } = this;
    this.spillXmm(true);
    regs.forEach((r, i) => {
      if (this.isFloat(r)) { this.loadSpilledX(r, xmm0); a.movq(SYSV_INT_ARGS[i], xmm0); } else a.mov(SYSV_INT_ARGS[i], this.rm(r));
    });
    let next = regs.length;
    if (desc !== undefined) a.lea(SYSV_INT_ARGS[next++], qword(rip(this.strConst(desc), STR.data)));
    if (located) this.location(SYSV_INT_ARGS[next]);
    a.call(sym(target));
    this.spillXmm(false);
  }

  /** A call with its arguments already in place (the xmm homes saved around it). */
  callPlain(target: string): void {
    this.spillXmm(true);
    this.a.call(sym(target));
    this.spillXmm(false);
  }
}

/** The frame slot of a register living in memory (or the spill slot of an xmm-homed one). */
function slotOf(h: Home): number {
  if (h.at === 'gpr') throw new Error('register has no slot');
  return h.slot;
}

/** A lowering: emits the instruction at `pc` (opcode `op`, operands in the words after it). */
export type Lowering = (m: Masm, pc: number, op: number) => void;

/** Lowerings keyed by opcode (one table per family of instructions, see lower.ts). */
export type LowerTable = Readonly<Partial<Record<number, Lowering>>>;

/** The `n` registers of a list operand whose count is word `at` of the instruction at pc. */
export function regList(code: Int32Array, pc: number, at: number): number[] {
  return Array.from({ length: code[pc + at] }, (_, i) => code[pc + at + 1 + i]);
}

/** The same lowering for every opcode keyed in `family`. */
export function rows(family: Readonly<Partial<Record<number, unknown>>>, lowering: Lowering): Record<number, Lowering> {
  return Object.fromEntries(Object.keys(family).map((op) => [op, lowering]));
}

/**
 * rax = an element index into the array in `base`, made absolute (negative counts from the
 * end) and checked against its length (out of range: `fail`); binds `ok` after the check.
 * (Compiled code and the native interpreter's handlers both use it.)
 */
export function boundsCheck(a: Assembler, base: Gp64, ok: Label, fail: Label): void {
  a.cmp(rax, qword(base, ARRAY.len));
  a.jb(ok); // unsigned: 0 <= i < len
  a.add(rax, qword(base, ARRAY.len));
  a.cmp(rax, qword(base, ARRAY.len));
  a.jae(fail);
  a.bind(ok);
}
