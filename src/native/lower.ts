// Lowering: one pass over a function's register bytecode producing x86-64 through the encoder
// (Sparkplug's shape: a pre-pass finds jump targets and checks every instruction is lowerable,
// then each pc binds its label, records its pc-map entry and emits a few instructions). VM
// registers live where frame.ts puts them; rax/rcx/rdx/rsi/rdi/r8–r11 and xmm0–xmm7 are scratch.
// Runtime errors jump to out-of-line stubs that call bp_rt_error with the error id and a
// "file:line" string; constants (floats, masks, static strings) follow the code. The JIT and
// `bpjit build` share all of this — they differ only in how symbols are resolved.
import { Kind, O, OPS, instrLength } from '../bytecode/opcodes.js';
import { splitDescs } from '../bytecode/tdesc.js';
import { kindOfDesc, type BcFunction, type BytecodeModule } from '../bytecode/module.js';
import { BUILTINS } from '../lang/builtins.js';
import {
  Assembler, GP64, Gp64, Label, Mem, XMM, Xmm, al, cl, eax, edi, edx, esi, qword, rax, rbp, rcx, rdi, rdx, rip, rsi, rsp, sym,
  xmm0, xmm1,
} from '../x64/index.js';
import { ARRAY, CLOSURE_CAPS, ERR, MATH1, PTR, RT, STATIC_STR_HEADER, STR_DATA, STRUCT, TAG, VTABLES, externSlot, fnSymbol } from './abi.js';
import { FrameLayout, Home, layoutFrame, slotOffset } from './frame.js';
import { ConcatPart, Rewrites, TailPlan, TailSite, planRewrites } from './rewrite.js';
import { magic } from './magic.js';
import { RUNTIME_BUILTINS } from './runtime-builtins.js';
import type { LowerResult, MachineFunction, Unsupported } from './machine.js';

export interface LowerOptions {
  /** Every call of the function is in the module (not a stub lowered on its own). */
  wholeProgram?: boolean;
  /** Keep an instruction listing (disasm --native). */
  listing?: boolean;
  /** Emit on-stack-replacement entries for these loop-header pcs (in-process tier). */
  osr?: number[];
  /** Emit a second entry in the interpreter's convention (see MachineFunction.interpEntry). */
  interpEntry?: boolean;
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
}

const BUILTIN_BY_ID = new Map([...BUILTINS.values()].map((b) => [b.id, b.name]));

/** Builtins lowered inline or to one runtime call. */
const SCALAR_BUILTINS = new Set([
  'abs', 'min', 'max', 'clamp', 'sign', 'pow', 'sqrt', 'floor', 'ceil', 'round', 'fabs', 'ffloor', 'fceil', 'fsqrt', 'fpow',
  'atan2', 'is_nan', 'is_inf', 'clock_ms', 'sleep', 'exit', ...Object.keys(MATH1),
]);

const INT_ARGS = [rdi, rsi, rdx, rcx, GP64[8], GP64[9]];

/** Builtins on strings and arrays that built executables have (runtime-asm/str.asm). */
const HEAP_BUILTINS = new Set(['typeof', 'array_push', 'array_pop', 'map_len', 'map_has_key', 'map_delete', 'map_keys', 'map_values', ...Object.keys(RUNTIME_BUILTINS)]);

/** Types whose values built executables can hold: scalars, strings, structs, arrays and maps. */
function nativeType(t: string): boolean {
  if (t === 'i' || t === 'f' || t === 'b' || t === 's' || t === 'p' || /^[SCF]\d+;$/.test(t)) return true;
  if (t.startsWith('[') && t.endsWith(']')) return nativeType(t.slice(1, -1));
  if (t.startsWith('(') && t.endsWith(')')) return splitDescs(t.slice(1, -1)).every(nativeType);
  if (t.startsWith('{') && t.endsWith('}')) {
    const [k, v] = mapParts(t);
    return ['i', 'f', 'b', 's'].includes(k) && nativeType(v);
  }
  return false;
}

/** The header word of a new map of type t: its tag and its key and value kinds (map.asm). */
function mapHeader(t: string): bigint {
  const [k, v] = mapParts(t);
  return BigInt(TAG.map) | (BigInt(kindOfDesc(k)) << 16n) | (BigInt(kindOfDesc(v)) << 24n);
}

/** Key and value descriptors of a map descriptor "{K:V}". */
function mapParts(t: string): [string, string] {
  let depth = 0;
  for (let i = 1; i < t.length - 1; i++) {
    const ch = t[i];
    if ('[{('.includes(ch)) depth++;
    else if (']})'.includes(ch)) depth--;
    else if (ch === ':' && depth === 0) return [t.slice(1, i), t.slice(i + 1, -1)];
  }
  return ['', ''];
}

/** Why `fn` cannot be lowered, or null when every instruction can be. */
export function unsupportedIn(mod: BytecodeModule, fn: BcFunction): Unsupported | null {
  const code = fn.code;
  const no = (pc: number, reason: string): Unsupported => ({ op: OPS[code[pc]].name, line: fn.lines[pc] || fn.defLine, reason });
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const op = code[pc];
    switch (op) {
      case O.loadnull: return no(pc, 'null references');
      case O.tostr:
        if (!nativeType(mod.consts[code[pc + 3]].value as string)) return no(pc, `converting values of type ${mod.consts[code[pc + 3]].value} to strings`);
        break;
      case O.fmt:
        if (!nativeType(mod.consts[code[pc + 3]].value as string)) return no(pc, 'f-string format specifications');
        break;
      case O.eq_r: case O.ne_r:
        if (!nativeType(fn.regTypes[code[pc + 2]])) return no(pc, 'container equality');
        break;
      case O.loadg: case O.storeg:
        if (mod.globals[code[pc + 2]] && !nativeType(mod.globals[code[pc + 2]].type)) return no(pc, `globals of type ${mod.globals[code[pc + 2]].type}`);
        break;
      case O.print:
        for (let i = 0; i < code[pc + 1]; i++) {
          const t = mod.consts[code[pc + 3 + 2 * i]].value as string;
          if (!['i', 'f', 'b', 's'].includes(t) && !nativeType(t)) return no(pc, `printing values of type ${t}`);
        }
        break;
      case O.callb: {
        const name = BUILTIN_BY_ID.get(code[pc + 2]) ?? '?';
        if (name === 'array_fill' && nativeType(fn.regTypes[code[pc + 1]])) break;
        if (HEAP_BUILTINS.has(name)) break;
        if (!SCALAR_BUILTINS.has(name)) return no(pc, `builtin ${name}`);
        break;
      }
    }
  }
  for (let r = 0; r < fn.regKinds.length; r++) {
    const t = fn.regTypes[r];
    if (fn.regKinds[r] === Kind.Ref && t !== 'v' && !nativeType(t)) {
      return { op: 'register', line: fn.defLine, reason: `values of type ${t}` };
    }
  }
  return null;
}

export function lowerFunction(mod: BytecodeModule, index: number, opts: LowerOptions): LowerResult {
  const fn = mod.functions[index];
  const why = unsupportedIn(mod, fn);
  if (why) return { ok: false, why };
  return { ok: true, mf: new Lowerer(mod, index, opts).lower() };
}

class Lowerer {
  private readonly a: Assembler;
  private readonly layout: FrameLayout;
  private readonly labels = new Map<number, Label>();
  private readonly epilogue: Label;
  private readonly errors = new Map<string, { label: Label; err: number; line: number }>();
  private readonly strings = new Map<string, Label>();
  private readonly floats = new Map<string, Label>();
  private readonly pcMap: { offset: number; pc: number }[] = [];
  private readonly pcLabels: { label: Label; pc: number }[] = [];
  private readonly lineLabels: { label: Label; line: number }[] = [];
  private readonly osrLabels = new Map<number, Label>();
  private line = 0;
  private readonly fn: BcFunction;
  private readonly rw: Rewrites;
  private readonly tail: TailPlan | null;
  /** Where self-calls in tail position jump to: after the prologue and the parameter moves. */
  private readonly top: Label;

  constructor(private readonly mod: BytecodeModule, index: number, private readonly opts: LowerOptions) {
    this.fn = mod.functions[index];
    this.a = new Assembler({ listing: opts.listing });
    this.rw = planRewrites(mod, index, opts.wholeProgram ?? false, !!opts.counters);
    this.tail = this.rw.tail;
    this.layout = layoutFrame(this.fn, this.rw);
    this.epilogue = this.a.newLabel();
    this.top = this.a.newLabel();
  }

  // --- operands ---------------------------------------------------------------------------

  private home(r: number): Home {
    return this.layout.homes[r];
  }

  private slot(k: number): Mem {
    return qword(rbp, slotOffset(this.layout, k));
  }

  /** r/m64 operand of an int/bool/ref register. */
  private rm(r: number): Gp64 | Mem {
    const h = this.home(r);
    return h.at === 'gpr' ? GP64[h.reg] : this.slot(slotOf(h));
  }

  /** A GPR holding register r: its home, or `scratch` after a load. */
  private gp(r: number, scratch: Gp64 = rax): Gp64 {
    const h = this.home(r);
    if (h.at === 'gpr') return GP64[h.reg];
    this.a.mov(scratch, this.rm(r) as Mem);
    return scratch;
  }

  private setGp(r: number, src: Gp64): void {
    const h = this.home(r);
    if (h.at === 'gpr') { if (GP64[h.reg] !== src) this.a.mov(GP64[h.reg], src); }
    else this.a.mov(this.rm(r) as Mem, src);
  }

  /** xmm/m64 operand of a float register. */
  private xm(r: number): Xmm | Mem {
    const h = this.home(r);
    return h.at === 'xmm' ? XMM[h.reg] : this.slot(slotOf(h));
  }

  private fx(r: number, scratch: Xmm = xmm0): Xmm {
    const h = this.home(r);
    if (h.at === 'xmm') return XMM[h.reg];
    this.a.movsd(scratch, this.slot(slotOf(h)));
    return scratch;
  }

  private setFx(r: number, src: Xmm): void {
    const h = this.home(r);
    if (h.at === 'xmm') { if (XMM[h.reg] !== src) this.a.movapd(XMM[h.reg], src); }
    else this.a.movsd(this.slot(slotOf(h)), src);
  }

  private isFloat(r: number): boolean {
    return this.fn.regKinds[r] === Kind.Float;
  }

  private label(pc: number): Label {
    let l = this.labels.get(pc);
    if (!l) { l = this.a.newLabel(); this.labels.set(pc, l); }
    return l;
  }

  /** Counts at `pc` (see LowerOptions.counters; `slot` 1: the not-taken or loop-exit count). */
  private count(pc: number, slot = 0): void {
    if (this.opts.counters) this.a.inc(qword(rip(sym(this.opts.counters, 8 + 8 * (pc + slot)))));
  }

  /** A conditional branch of the instruction at `pc`: taken and not taken counted when counting. */
  private branch(cc: string, target: Label, pc: number): void {
    const { a } = this;
    if (!this.opts.counters) { a.jcc(cc, target); return; }
    const no = a.newLabel();
    a.jcc(INVERSE[cc], no);
    this.count(pc);
    a.jmp(target);
    a.bind(no);
    this.count(pc, 1);
  }

  /** Out-of-line stub raising runtime error `err` at the current line. */
  private fail(err: number, line = this.line): Label {
    const key = `${err}:${line}`;
    let e = this.errors.get(key);
    if (!e) { e = { label: this.a.newLabel(), err, line }; this.errors.set(key, e); }
    return e.label;
  }

  private strConst(s: string): Label {
    let l = this.strings.get(s);
    if (!l) { l = this.a.newLabel(); this.strings.set(s, l); }
    return l;
  }

  private floatConst(bits: bigint, size = 8): Label {
    const key = `${size}:${bits}`;
    let l = this.floats.get(key);
    if (!l) { l = this.a.newLabel(); this.floats.set(key, l); }
    return l;
  }

  private f64Bits(x: number): bigint {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, x, true);
    return b.getBigUint64(0, true);
  }

  // --- function ---------------------------------------------------------------------------

  lower(): MachineFunction {
    const { a, fn } = this;
    const code = fn.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      const def = OPS[code[pc]];
      const j = def.ops.indexOf('j');
      if (j >= 0) this.label(code[pc + 1 + j]);
    }
    for (const h of fn.handlers) this.label(h.target);
    this.line = fn.defLine;
    this.prologue();
    this.moveParams();
    this.tailInit();
    a.bind(this.top);
    if (this.opts.counters) a.inc(qword(rip(sym(this.opts.counters))));
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      const l = this.labels.get(pc);
      if (l) a.bind(l);
      const m = a.newLabel();
      a.bind(m);
      this.pcLabels.push({ label: m, pc });
      if (fn.lines[pc] && fn.lines[pc] !== this.line) {
        this.line = fn.lines[pc];
        this.lineLabels.push({ label: m, line: this.line });
      }
      if (this.rw.skip.has(pc)) continue;
      if (this.opts.listing) a.comment(`${pc}: ${OPS[code[pc]].name}`);
      this.instr(pc);
    }
    a.bind(this.epilogue);
    this.emitEpilogue();
    for (const pc of this.opts.osr ?? []) this.osrEntry(pc);
    const interpEntry = this.opts.interpEntry ? this.interpEntry() : null;
    const handlerEntries = fn.handlers.map((h) => {
      // Entered by the unwinder with the message in rax and rbp/rsp of this frame restored.
      const entry = a.newLabel();
      a.bind(entry);
      if (h.reg >= 0) this.setGp(h.reg, rax);
      a.jmp(this.label(h.target));
      return entry;
    });
    this.stubs();
    const data = this.constants();
    const mc = a.finish();
    for (const { label, pc } of this.pcLabels) this.pcMap.push({ offset: mc.labelOffset(label), pc });
    const osr = new Map<number, number>();
    for (const [pc, l] of this.osrLabels) osr.set(pc, mc.labelOffset(l));
    const pcOffset = (pc: number) => {
      const e = this.pcMap.find((m) => m.pc >= pc);
      return e ? e.offset : mc.labelOffset(this.epilogue);
    };
    const rspOffset = -(8 * this.layout.saved.length + this.layout.frameBytes);
    const handlers = fn.handlers.map((h, i) => ({ start: pcOffset(h.start), end: pcOffset(h.end), entry: mc.labelOffset(handlerEntries[i]), rspOffset }));
    return {
      handlers,
      name: fn.name, symbol: fnSymbol(fn.name), code: mc.bytes, relocs: mc.relocs, pcMap: this.pcMap,
      lines: [{ offset: 0, line: fn.defLine }, ...this.lineLabels.map(({ label, line }) => ({ offset: mc.labelOffset(label), line }))],
      osr, listing: this.opts.listing ? mc.listing : undefined, comments: mc.comments,
      interpEntry: interpEntry ? mc.labelOffset(interpEntry) : undefined,
      rodata: data ? { start: mc.labelOffset(data), refs: mc.labelRefs.filter((r) => r.target >= mc.labelOffset(data)) } : undefined,
    };
  }

  private prologue(): void {
    const { a, layout } = this;
    a.push(rbp);
    a.mov(rbp, rsp);
    for (const g of layout.saved) a.push(GP64[g]);
    if (layout.frameBytes) a.sub(rsp, layout.frameBytes);
    a.cmp(rsp, qword(rip(sym(RT.stackLimit))));
    // (line 0: no location — the overflow is reported at the caller's call; see stubs())
    a.jb(this.fail(ERR.STACK_OVERFLOW, 0));
  }

  private tailInit(): void {
    const { a, tail } = this;
    if (!tail) return;
    // the stack left below this frame: each trip takes a frame's worth, and a borrow overflows
    a.mov(rax, rsp);
    a.sub(rax, qword(rip(sym(RT.stackLimit))));
    this.setGp(tail.vsp, rax);
    if (tail.acc >= 0) { a.xor(eax, eax); this.setGp(tail.acc, rax); }
  }

  /** A self-call in tail position (see TailPlan): accumulate, check depth, reassign, loop. */
  private tailJump(site: TailSite, args: number[]): void {
    const { a, layout } = this;
    const { acc, vsp } = this.tail!;
    if (site.k !== undefined) a.add(this.rm(acc), site.k);
    else if (site.other !== undefined) {
      const h = this.home(acc);
      if (h.at === 'gpr') a.add(GP64[h.reg], this.rm(site.other));
      else a.add(this.rm(acc) as Mem, this.gp(site.other));
    }
    a.sub(this.rm(vsp), 16 + 8 * layout.saved.length + layout.frameBytes);
    a.jb(this.fail(ERR.STACK_OVERFLOW));
    // An argument that is another parameter's home goes through a scratch register first.
    const moves = args.map((r, param) => [param, r]).filter(([param, r]) => param !== r);
    const homeKey = (r: number) => { const h = this.home(r); return h.at === 'slot' ? `s${h.slot}` : `${h.at}${h.reg}`; };
    const written = new Set(moves.map(([param]) => homeKey(param)));
    // (rax and xmm0 stay free for the direct moves; see TAIL_INT_ARGS in frame.ts)
    const scratchGp = [rcx, rdx, rsi, rdi, GP64[8], GP64[9]];
    const late: (() => void)[] = [];
    let ints = 0, floats = 0;
    for (const [param, r] of moves) {
      if (!written.has(homeKey(r))) continue;
      if (this.isFloat(param)) { const x = XMM[1 + floats++]; a.movsd(x, this.xm(r)); late.push(() => this.setFx(param, x)); }
      else { const g = scratchGp[ints++]; a.mov(g, this.rm(r)); late.push(() => this.setGp(param, g)); }
    }
    for (const [param, r] of moves) {
      if (written.has(homeKey(r))) continue;
      if (this.isFloat(param)) this.setFx(param, this.fx(r));
      else this.setGp(param, this.gp(r));
    }
    for (const w of late) w();
    a.jmp(this.top);
  }

  private emitEpilogue(): void {
    const { a, layout } = this;
    // A float result also comes back as its bits in rax: the interpreter takes every result there.
    if (this.fn.ret === 'f') a.movq(rax, xmm0);
    // rsp is static between instructions, so `add` restores it; `lea rsp, [rbp-…]` would cost
    // a stack-engine sync on every return (fib: 0.07 s against 0.10 s).
    if (layout.frameBytes) a.add(rsp, layout.frameBytes);
    for (const g of [...layout.saved].reverse()) a.pop(GP64[g]);
    a.pop(rbp);
    a.ret();
  }

  /** Parameters arrive per System V; each goes to its register's home. */
  private moveParams(): void {
    let ints = 0, floats = 0, stack = 0;
    // A lambda is called through its closure (in rax, see callv): the captured values come
    // from the closure, the rest are ordinary parameters.
    const caps = this.fn.ncaps;
    for (let r = 0; r < caps; r++) {
      // (xmm0–7 hold float arguments: a float capture goes straight to its home)
      const at = qword(rax, STRUCT.fields + 8 * (CLOSURE_CAPS + r));
      const h = this.home(r);
      if (h.at === 'xmm') this.a.movsd(XMM[h.reg], at);
      else { this.a.mov(rcx, at); if (h.at === 'gpr') this.setGp(r, rcx); else this.a.mov(this.slot(h.slot), rcx); }
    }
    for (let r = caps; r < this.fn.arity; r++) {
      if (this.isFloat(r)) {
        if (floats < 8) this.setFx(r, XMM[floats++]);
        else { this.a.movsd(xmm0, qword(rbp, 16 + 8 * stack++)); this.setFx(r, xmm0); }
      } else if (ints < 6) this.setGp(r, INT_ARGS[ints++]);
      else { this.a.mov(rax, qword(rbp, 16 + 8 * stack++)); this.setGp(r, rax); }
    }
  }

  /**
   * The interpreter's calling convention: every argument (captured values first) in an 8-byte
   * slot above the return address, as an interpreted callee's register block holds them.
   */
  private interpEntry(): Label {
    const { a } = this;
    const l = a.newLabel();
    a.bind(l);
    this.prologue();
    for (let r = 0; r < this.fn.arity; r++) {
      if (this.isFloat(r)) { a.movsd(xmm0, qword(rbp, 16 + 8 * r)); this.setFx(r, xmm0); }
      else { a.mov(rax, qword(rbp, 16 + 8 * r)); this.setGp(r, rax); }
    }
    this.tailInit();
    a.jmp(this.top);
    return l;
  }

  /** OSR entry for loop header `pc`: a second prologue that loads every register from rdi[]. */
  private osrEntry(pc: number): void {
    const { a } = this;
    const l = a.newLabel();
    a.bind(l);
    this.osrLabels.set(pc, l);
    this.prologue();
    this.tailInit();
    for (let r = 0; r < this.fn.regKinds.length; r++) {
      if (!this.layout.liveAt(r, pc)) continue; // its home belongs to another register here
      if (this.isFloat(r)) { a.movsd(xmm0, qword(rdi, 8 * r)); this.setFx(r, xmm0); }
      else { a.mov(rax, qword(rdi, 8 * r)); this.setGp(r, rax); }
    }
    a.jmp(this.label(pc));
  }

  private stubs(): void {
    const { a } = this;
    for (const e of this.errors.values()) {
      a.bind(e.label);
      this.lineLabels.push({ label: e.label, line: e.line || this.fn.defLine });
      a.mov(edi, e.err);
      // A prologue's stack overflow has no location: the runtime reports it at the caller's
      // call, which the frame chain shows (the callee's frame is dropped from the traceback).
      if (e.line === 0) a.xor(esi, esi);
      else this.location(rsi, e.line);
      a.xor(edx, edx);
      a.call(sym(RT.error));
    }
  }

  /** The constants after the code; returns where they start (null: none). */
  private constants(): Label | null {
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
    for (const [s, l] of this.strings) {
      a.align(8);
      a.bind(l);
      a.dq(STATIC_STR_HEADER);
      a.dq(BigInt(s.length));
      a.db([...Buffer.from(s, 'latin1'), 0]);
    }
    return start;
  }

  // --- instructions -----------------------------------------------------------------------

  private instr(pc: number): void {
    const { a, fn } = this;
    const c = fn.code;
    const op = c[pc];
    const d = c[pc + 1], x = c[pc + 2], y = c[pc + 3];
    switch (op) {
      case O.nop: return;
      case O.loadi: case O.loadb:
        if (this.home(d).at === 'gpr') a.mov(GP64[(this.home(d) as { reg: number }).reg], x);
        else a.mov(this.rm(d) as Mem, x);
        return;
      case O.loadk: {
        const k = this.mod.consts[x];
        if (k.tag === 'int') { a.mov(rax, k.value); this.setGp(d, rax); }
        else if (k.tag === 'float') { a.movsd(xmm0, qword(rip(this.floatConst(this.f64Bits(k.value))))); this.setFx(d, xmm0); }
        else if (k.tag === 'str') { a.lea(rax, qword(rip(this.strConst(k.value)))); this.setGp(d, rax); }
        return;
      }
      case O.mov:
        if (this.isFloat(d)) this.setFx(d, this.fx(x));
        else this.setGp(d, this.gp(x));
        return;
      case O.add_i: case O.sub_i: case O.and_i: case O.or_i: case O.xor_i: case O.mul_i: {
        const h = this.home(d);
        // Straight into a register home when the second operand is not that register.
        const t = h.at === 'gpr' && d !== y ? GP64[h.reg] : rax;
        if (t !== this.rm(x)) a.mov(t, this.rm(x));
        const b = this.rm(y);
        if (op === O.add_i) a.add(t, b);
        else if (op === O.sub_i) a.sub(t, b);
        else if (op === O.and_i) a.and(t, b);
        else if (op === O.or_i) a.or(t, b);
        else if (op === O.xor_i) a.xor(t, b);
        else a.imul(t, b);
        if (t === rax) this.setGp(d, rax);
        return;
      }
      case O.addk_i: {
        const h = this.home(d);
        if (d === x && h.at === 'gpr') { a.add(GP64[h.reg], y); return; }
        if (d === x) { a.add(this.rm(d) as Mem, y); return; }
        const src = this.gp(x);
        if (h.at === 'gpr') { a.lea(GP64[h.reg], qword(src, y)); return; }
        a.lea(rax, qword(src, y));
        this.setGp(d, rax);
        return;
      }
      case O.div_i: case O.mod_i: {
        const k = this.rw.divisors.get(pc);
        if (k !== undefined) { this.divideByConstant(op === O.mod_i, d, x, k); return; }
        const neg = a.newLabel(), done = a.newLabel();
        a.mov(rcx, this.rm(y));
        a.test(rcx, rcx);
        a.jz(this.fail(ERR.DIV_ZERO));
        a.mov(rax, this.rm(x));
        a.cmp(rcx, -1);
        a.je(neg);
        a.cqo();
        a.idiv(rcx);
        this.setGp(d, op === O.div_i ? rax : rdx);
        a.jmp(done);
        a.bind(neg); // MIN / -1 wraps to MIN and MIN % -1 is 0 instead of trapping
        if (op === O.div_i) a.neg(rax);
        else a.xor(eax, eax);
        this.setGp(d, rax);
        a.bind(done);
        return;
      }
      case O.neg_i: case O.not_i: case O.not:
        a.mov(rax, this.rm(x));
        if (op === O.neg_i) a.neg(rax);
        else if (op === O.not_i) a.not(rax);
        else a.xor(rax, 1);
        this.setGp(d, rax);
        return;
      case O.shl_i: case O.shr_i:
        a.mov(rcx, this.rm(y));
        a.mov(rax, this.rm(x));
        if (op === O.shl_i) a.shl(rax, cl);
        else a.sar(rax, cl);
        this.setGp(d, rax);
        return;
      case O.add_f: case O.sub_f: case O.mul_f: case O.div_f: {
        a.movsd(xmm0, this.xm(x));
        const b = this.xm(y);
        if (op === O.add_f) a.addsd(xmm0, b);
        else if (op === O.sub_f) a.subsd(xmm0, b);
        else if (op === O.mul_f) a.mulsd(xmm0, b);
        else a.divsd(xmm0, b);
        this.setFx(d, xmm0);
        return;
      }
      case O.mod_f:
        this.callSym(RT.fmod, [x, y], d);
        return;
      case O.neg_f:
        a.movsd(xmm0, this.xm(x));
        a.xorpd(xmm0, qword(rip(this.floatConst(1n << 63n, 16))));
        this.setFx(d, xmm0);
        return;
      case O.eq_i: case O.ne_i: case O.lt_i: case O.le_i: case O.gt_i: case O.ge_i: {
        a.mov(rax, this.rm(x));
        a.cmp(rax, this.rm(y));
        const cc = ({ [O.eq_i]: 'e', [O.ne_i]: 'ne', [O.lt_i]: 'l', [O.le_i]: 'le', [O.gt_i]: 'g', [O.ge_i]: 'ge' } as Record<number, string>)[op];
        a.setcc(cc, al);
        a.movzx(eax, al);
        this.setGp(d, rax);
        return;
      }
      case O.eq_f: case O.ne_f:
        a.movsd(xmm0, this.xm(x));
        a.ucomisd(xmm0, this.xm(y));
        if (op === O.eq_f) { a.sete(al); a.setnp(cl); a.and(al, cl); }
        else { a.setne(al); a.setp(cl); a.or(al, cl); }
        a.movzx(eax, al);
        this.setGp(d, rax);
        return;
      case O.lt_f: case O.le_f: case O.gt_f: case O.ge_f: {
        // a < b is b > a: "above" is false for unordered (NaN) operands, as < must be.
        const [p, q] = op === O.lt_f || op === O.le_f ? [y, x] : [x, y];
        a.movsd(xmm0, this.xm(p));
        a.ucomisd(xmm0, this.xm(q));
        a.setcc(op === O.lt_f || op === O.gt_f ? 'a' : 'ae', al);
        a.movzx(eax, al);
        this.setGp(d, rax);
        return;
      }
      case O.i2f:
        a.xorps(xmm0, xmm0);
        a.cvtsi2sd(xmm0, this.rm(x));
        this.setFx(d, xmm0);
        return;
      case O.f2i:
        a.cvttsd2si(rax, this.xm(x));
        this.setGp(d, rax);
        return;
      case O.jmp:
        a.jmp(this.label(d));
        return;
      case O.loop:
        this.count(pc);
        a.jmp(this.label(d));
        return;
      case O.jt: case O.jf: {
        const v = this.rm(d);
        if (v instanceof Mem) a.cmp(v, 0);
        else a.test(v, v);
        this.branch(op === O.jt ? 'nz' : 'z', this.label(x), pc);
        return;
      }
      case O.jlt_i: case O.jle_i: case O.jgt_i: case O.jge_i: case O.jeq_i: case O.jne_i: {
        a.cmp(this.gp(d), this.rm(x));
        this.branch(JCC[op - O.jlt_i], this.label(y), pc);
        return;
      }
      case O.jlt_ik: case O.jle_ik: case O.jgt_ik: case O.jge_ik: case O.jeq_ik: case O.jne_ik:
        a.cmp(this.rm(d), x);
        this.branch(JCC[op - O.jlt_ik], this.label(y), pc);
        return;
      case O.forlt: case O.forgt: {
        const h = this.home(d);
        const i = h.at === 'gpr' ? GP64[h.reg] : rax;
        if (h.at !== 'gpr') a.mov(rax, this.rm(d));
        a.add(i, y);
        if (h.at !== 'gpr') this.setGp(d, rax);
        a.cmp(i, this.rm(x));
        this.branch(op === O.forlt ? 'l' : 'g', this.label(c[pc + 4]), pc);
        return;
      }
      case O.call: {
        const args = Array.from({ length: y }, (_, i) => c[pc + 4 + i]);
        const site = this.tail?.sites.get(pc);
        if (site) { this.tailJump(site, args); return; }
        this.count(pc);
        const base = this.opts.counters ? null : baseCase(this.mod.functions[x]);
        const done = a.newLabel(), call = a.newLabel();
        if (base) {
          // The callee's base case, tested here: `fib(1)` costs no call.
          a.cmp(this.rm(args[base.param]), base.k);
          a.jcc(JCC[base.cc], call);
          if (typeof base.result === 'bigint') { a.mov(rax, base.result); this.setGp(d, rax); }
          else this.setGp(d, this.gp(args[base.result]));
          a.jmp(done);
          a.bind(call);
        }
        this.callSym(fnSymbol(this.mod.functions[x].name), args, d);
        a.bind(done);
        return;
      }
      case O.ret:
        if (this.isFloat(d)) a.movsd(xmm0, this.xm(d));
        else a.mov(rax, this.rm(d));
        if (this.tail && this.tail.acc >= 0) a.add(rax, this.rm(this.tail.acc));
        a.jmp(this.epilogue);
        return;
      case O.retv:
        a.xor(eax, eax);
        a.jmp(this.epilogue);
        return;
      case O.print: this.print(pc); return;
      case O.callb: this.builtin(pc); return;
      case O.rterr: a.jmp(this.fail(d)); return;
      case O.loadg: case O.storeg: {
        const g = qword(rip(sym('bp_globals', 8 * x)));
        if (op === O.loadg) {
          if (this.isFloat(d)) { a.movsd(xmm0, g); this.setFx(d, xmm0); } else { a.mov(rax, g); this.setGp(d, rax); }
        } else if (this.isFloat(d)) a.movsd(g, this.fx(d));
        else a.mov(g, this.gp(d));
        return;
      }
      case O.alen:
        a.mov(rax, qword(this.gp(x, rcx), ARRAY.len));
        this.setGp(d, rax);
        return;
      case O.aget_i: case O.aget_b: case O.aget_f: case O.aget_r: this.arrayGet(op, d, x, y); return;
      case O.aset_i: case O.aset_b: case O.aset_f: case O.aset_r: this.arraySet(op, d, x, y); return;
      // Strings and arrays (built executables; see unsupportedIn).
      case O.concat: {
        const parts = this.rw.concats.get(pc);
        if (parts) this.concatN(parts, d, this.rw.appends.has(pc));
        else this.callAlloc(RT.strConcat, [x, y], d);
        return;
      }
      case O.eq_s: case O.ne_s:
        this.callSym(RT.strEq, [x, y], -1);
        if (op === O.ne_s) a.xor(eax, 1);
        this.setGp(d, rax);
        return;
      case O.strlen:
        a.mov(rax, qword(this.gp(x, rcx), 8));
        this.setGp(d, rax);
        return;
      case O.tostr: this.toStr(d, x, this.mod.consts[y].value as string); return;
      case O.fmt: {
        // bp_rt_format(value bits, spec, type descriptor): Python's format-spec mini-language.
        const spec = this.mod.consts[c[pc + 4]].value as string;
        this.spillXmm(true);
        if (this.isFloat(x)) { this.loadSpilledX(x, xmm0); a.movq(rdi, xmm0); } else a.mov(rdi, this.rm(x));
        a.lea(rsi, qword(rip(this.strConst(spec), 16)));
        a.lea(rdx, qword(rip(this.strConst(this.mod.consts[y].value as string), 16)));
        this.location(rcx);
        a.call(sym(RT.format));
        this.spillXmm(false);
        a.test(rax, rax);
        a.jz(this.fail(ERR.OUT_OF_MEMORY));
        this.setGp(d, rax);
        return;
      }
      case O.newarr: this.newArray(pc); return;
      case O.newstruct: case O.newtuple: case O.closure: this.newStruct(pc); return;
      case O.funcref: this.newStruct(pc, 0); return;
      case O.callv: {
        const args = Array.from({ length: y }, (_, i) => c[pc + 4 + i]);
        this.count(pc);
        this.callSym({ closure: x }, args, d);
        return;
      }
      case O.tget:
        a.mov(rcx, this.rm(x));
        a.test(rcx, rcx);
        a.jz(this.fail(ERR.NULL));
        if (this.isFloat(d)) { a.movsd(xmm0, qword(rcx, STRUCT.fields + 8 * y)); this.setFx(d, xmm0); }
        else { a.mov(rax, qword(rcx, STRUCT.fields + 8 * y)); this.setGp(d, rax); }
        return;
      case O.newobj: this.newObject(d, x); return;
      case O.eq_r: case O.ne_r:
        this.spillXmm(true);
        a.mov(rdi, this.rm(x));
        a.mov(rsi, this.rm(y));
        a.lea(rdx, qword(rip(this.strConst(this.fn.regTypes[x]), 16)));
        a.call(sym(RT.equals));
        this.spillXmm(false);
        if (op === O.ne_r) a.xor(eax, 1);
        this.setGp(d, rax);
        return;
      case O.callm: {
        const args = Array.from({ length: y }, (_, i) => c[pc + 4 + i]);
        this.count(pc);
        this.callSym({ slot: x }, args, d);
        return;
      }
      case O.newmap: this.newMap(pc); return;
      case O.mget:
        this.callBits(RT.mapGet, [x, y], true);
        if (this.isFloat(d)) { a.movq(xmm0, rax); this.setFx(d, xmm0); } else this.setGp(d, rax);
        return;
      case O.mset:
        this.callBits(RT.mapSet, [d, x, y]);
        a.test(eax, eax);
        a.jz(this.fail(ERR.OUT_OF_MEMORY));
        return;
      case O.getf: {
        a.mov(rcx, this.rm(x));
        a.test(rcx, rcx);
        a.jz(this.fail(ERR.NULL));
        if (this.isFloat(d)) { a.movsd(xmm0, qword(rcx, STRUCT.fields + 8 * y)); this.setFx(d, xmm0); }
        else { a.mov(rax, qword(rcx, STRUCT.fields + 8 * y)); this.setGp(d, rax); }
        return;
      }
      case O.setf: {
        a.mov(rcx, this.rm(d));
        a.test(rcx, rcx);
        a.jz(this.fail(ERR.NULL));
        if (this.isFloat(y)) a.movsd(qword(rcx, STRUCT.fields + 8 * x), this.fx(y));
        else a.mov(qword(rcx, STRUCT.fields + 8 * x), this.gp(y, rax));
        return;
      }
      case O.callx: this.externCall(pc); return;
      case O.throw:
        // The runtime unwinds to the innermost handler through the program's handler table.
        a.mov(rdi, this.rm(d));
        this.location(rsi);
        a.call(sym(RT.throw));
        return;
    }
    throw new Error(`lowering: no case for ${OPS[op].name}`);
  }

  /** Array element address in rdx+rax*8 after bounds checks (negative indices count from the end). */
  private arrayIndex(arr: number, idx: number): void {
    const { a } = this;
    const ok = a.newLabel();
    const base = this.gp(arr, rdx); // the array: its register home, or loaded into rdx
    a.mov(rax, this.rm(idx));
    a.cmp(rax, qword(base, ARRAY.len));
    a.jb(ok); // unsigned: 0 <= i < len
    a.add(rax, qword(base, ARRAY.len));
    a.cmp(rax, qword(base, ARRAY.len));
    a.jae(this.fail(ERR.INDEX));
    a.bind(ok);
    a.mov(rdx, qword(base, ARRAY.data));
  }

  private arrayGet(op: number, d: number, arr: number, idx: number): void {
    const { a } = this;
    this.arrayIndex(arr, idx);
    if (op === O.aget_f) { a.movsd(xmm0, qword(rdx, rax, 8, 0)); this.setFx(d, xmm0); }
    else { a.mov(rax, qword(rdx, rax, 8, 0)); this.setGp(d, rax); }
  }

  private arraySet(op: number, arr: number, idx: number, v: number): void {
    const { a } = this;
    this.arrayIndex(arr, idx);
    if (op === O.aset_f) a.movsd(qword(rdx, rax, 8, 0), this.fx(v, xmm1));
    else a.mov(qword(rdx, rax, 8, 0), this.gp(v, rcx));
  }

  /** Saves xmm homes (caller-saved) around a call. */
  private spillXmm(save: boolean): void {
    for (let r = 0; r < this.layout.homes.length; r++) {
      const h = this.home(r);
      if (h.at !== 'xmm') continue;
      if (save) this.a.movsd(this.slot(h.slot), XMM[h.reg]);
      else this.a.movsd(XMM[h.reg], this.slot(h.slot));
    }
  }

  /** System V call of `target` with VM registers as arguments; result to `dst` (-1: none). */
  private callSym(target: string | { slot: number } | { closure: number }, args: number[], dst: number, resultFloat = dst >= 0 && this.isFloat(dst), located = false): void {
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
    ints.forEach((r, i) => a.mov(INT_ARGS[i], this.rm(r)));
    if (located) this.location(INT_ARGS[ints.length]);
    if (typeof target === 'string') a.call(sym(target));
    else if ('closure' in target) {
      // A function value: its code address is the closure's first field; a lambda finds its
      // captured values through rax.
      a.mov(rax, this.rm(target.closure));
      a.test(rax, rax);
      a.jz(this.fail(ERR.NULL));
      a.call(qword(rax, STRUCT.fields));
    } else {
      // A method: self (rdi) must not be null; its class (header bits 32-63) picks the vtable.
      a.test(rdi, rdi);
      a.jz(this.fail(ERR.NULL));
      a.mov(GP64[11], qword(rdi, 0));
      a.shr(GP64[11], 32);
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

  /**
   * callx d, extern, n, args…: a call of C code through the extern's slot, System V: int and
   * bool in 64-bit registers, float as double, str as the address of its bytes (a NUL follows
   * them), ptr as the C address it holds (NULL for null, mutexes and conditions); past six
   * integer or eight float arguments, on the stack. rsp is 16-byte aligned between instructions
   * (frame.ts), so an odd number of stack words takes one word of padding; rbx and r12–r15 are
   * preserved by C, the xmm homes are spilled, and nothing lives in r10/r11 across a call
   * (callx is a call for frame.ts). al holds the number of vector registers used, for variadic
   * callees. A str result is copied into a new string, a ptr result boxed.
   */
  private externCall(pc: number): void {
    const { a } = this;
    const c = this.fn.code;
    const d = c[pc + 1], index = c[pc + 2], ext = this.mod.externs[index];
    const args = Array.from({ length: c[pc + 3] }, (_, i) => c[pc + 4 + i]);
    this.spillXmm(true);
    const ints: number[] = [], floats: number[] = [], stack: number[] = [];
    args.forEach((r, i) => {
      if (this.isFloat(r)) (floats.length < 8 ? floats : stack).push(i);
      else (ints.length < 6 ? ints : stack).push(i);
    });
    const cValue = (i: number, into: Gp64) => {
      a.mov(into, this.rm(args[i]));
      if (ext.params[i] === 's') a.add(into, STR_DATA);
      else if (ext.params[i] === 'p') {
        const done = a.newLabel();
        a.test(into, into);
        a.jz(done);
        a.cmp(qword(into, STRUCT.fields + PTR.kind), PTR.c);
        a.mov(into, qword(into, STRUCT.fields + PTR.payload));
        a.je(done);
        a.xor(into, into);
        a.bind(done);
      }
    };
    // A str result may point into a str argument: the arguments stay on the stack, where the
    // collector sees them, until the result is copied (an argument in r10/r11 would be lost).
    const keep = ext.ret === 's' ? args.filter((_, i) => ext.params[i] === 's') : [];
    const keepBytes = 8 * keep.length + (keep.length % 2 ? 8 : 0);
    if (keep.length % 2) a.sub(rsp, 8);
    for (const r of keep) a.push(this.rm(r));
    const pad = stack.length % 2 === 1 ? 8 : 0;
    if (pad) a.sub(rsp, 8);
    for (const i of [...stack].reverse()) {
      if (this.isFloat(args[i])) a.push(this.rm(args[i]) as Mem); // (its spill slot)
      else { cValue(i, rax); a.push(rax); }
    }
    floats.forEach((i, k) => this.loadSpilledX(args[i], XMM[k]));
    ints.forEach((i, k) => cValue(i, INT_ARGS[k]));
    a.mov(eax, floats.length);
    a.call(qword(rip(sym(externSlot(index)))));
    if (stack.length || pad) a.add(rsp, 8 * stack.length + pad);
    switch (ext.ret) {
      case 'f': this.spillXmmExcept(d); this.setFx(d, xmm0); return;
      case 'b': a.test(al, al); a.setne(al); a.movzx(eax, al); break;
      case 's':
        a.mov(rdi, rax);
        a.call(sym(RT.strFromCString));
        if (keepBytes) a.add(rsp, keepBytes);
        a.test(rax, rax);
        a.jz(this.fail(ERR.OUT_OF_MEMORY));
        break;
      case 'p': a.mov(rdi, rax); a.call(sym(RT.ptrFromC)); a.test(rax, rax); a.jz(this.fail(ERR.OUT_OF_MEMORY)); break;
    }
    this.spillXmm(false);
    if (ext.ret !== 'v' && d >= 0) this.setGp(d, rax);
  }

  /** After a call: reload xmm homes except `dst`, which receives xmm0. */
  private spillXmmExcept(dst: number): void {
    for (let r = 0; r < this.layout.homes.length; r++) {
      const h = this.home(r);
      if (h.at === 'xmm' && r !== dst) this.a.movsd(XMM[h.reg], this.slot(h.slot));
    }
  }

  /** Loads float register r while xmm homes are spilled (read from its slot). */
  private loadSpilledX(r: number, into: Xmm): void {
    const h = this.home(r);
    this.a.movsd(into, this.slot(slotOf(h)));
  }

  /**
   * `reg` = the "file:line" string of the current instruction (or of `line`), runtime errors'
   * location; 0 with dynamicLocation.
   */
  private location(reg: Gp64, line = this.line): void {
    if (this.opts.dynamicLocation) this.a.xor(reg, reg);
    else this.a.lea(reg, qword(rip(this.strConst(`${this.mod.files[this.fn.file]}:${line}`))));
  }

  /** d = x / k or x % k for a constant k (see magic.ts). */
  private divideByConstant(remainder: boolean, d: number, x: number, k: bigint): void {
    const { a } = this;
    const { m, s, fix } = magic(k);
    a.mov(rcx, this.rm(x));
    a.mov(rax, m);
    a.imul(rcx); // rdx = the high half of x * m
    if (fix === 1) a.add(rdx, rcx);
    if (fix === -1) a.sub(rdx, rcx);
    if (s) a.sar(rdx, s);
    a.mov(rax, rdx);
    a.shr(rax, 63);
    a.add(rdx, rax); // the quotient, truncated toward zero
    if (!remainder) { this.setGp(d, rdx); return; }
    if (k >= -(1n << 31n) && k < 1n << 31n) a.imul(rdx, rdx, Number(k));
    else { a.mov(rax, k); a.imul(rdx, rax); }
    a.sub(rcx, rdx);
    this.setGp(d, rcx);
  }

  /** d = the parts one after another (see Rewrites.concats): (kind, value) pairs on the stack. */
  private concatN(parts: ConcatPart[], d: number, append: boolean): void {
    const { a } = this;
    a.sub(rsp, 16 * parts.length);
    parts.forEach((p, i) => {
      a.mov(qword(rsp, 16 * i), p.int ? 1 : 0);
      a.mov(qword(rsp, 16 * i + 8), this.gp(p.reg));
    });
    a.mov(edi, parts.length);
    a.mov(rsi, rsp);
    a.mov(edx, append ? 1 : 0);
    this.callSym(RT.strConcatN, [], -1);
    a.add(rsp, 16 * parts.length);
    a.test(rax, rax);
    a.jz(this.fail(ERR.OUT_OF_MEMORY));
    this.setGp(d, rax);
  }

  /** A call of a runtime function that allocates: a null result is the out-of-memory error. */
  private callAlloc(target: string, args: number[], dst: number): void {
    this.callSym(target, args, dst);
    this.a.test(rax, rax);
    this.a.jz(this.fail(ERR.OUT_OF_MEMORY));
  }

  private toStr(d: number, x: number, t: string): void {
    const { a } = this;
    if (t === 'i') this.callAlloc(RT.strFromI64, [x], d);
    else if (t === 'f') this.callAlloc(RT.strFromF64, [x], d);
    else if (t === 'b') {
      a.lea(rax, qword(rip(this.strConst('true'))));
      a.lea(rcx, qword(rip(this.strConst('false'))));
      a.cmp(this.rm(x), 0);
      a.cmove(rax, rcx);
      this.setGp(d, rax);
    } else if (t === 's') this.setGp(d, this.gp(x));
    else {
      // Containers, structs, objects: their printed text (runtime-asm: bp_rt_repr_str).
      this.callBits(RT.reprStr, [x], false, t);
      this.a.test(rax, rax);
      this.a.jz(this.fail(ERR.OUT_OF_MEMORY));
      this.setGp(d, rax);
    }
  }

  /** newarr d, kind, n, elements…: allocate, then store the elements (read after the call). */
  private newArray(pc: number): void {
    const { a } = this;
    const c = this.fn.code;
    const d = c[pc + 1], kind = c[pc + 2], n = c[pc + 3];
    this.spillXmm(true);
    a.mov(edi, n);
    a.mov(esi, kind === Kind.Ref ? TAG.arrayRef : TAG.array);
    a.call(sym(RT.arrayNew));
    this.spillXmm(false);
    a.test(rax, rax);
    a.jz(this.fail(ERR.OUT_OF_MEMORY));
    a.mov(rdx, qword(rax, ARRAY.data));
    for (let i = 0; i < n; i++) {
      const r = c[pc + 4 + i];
      if (this.isFloat(r)) a.movsd(qword(rdx, 8 * i), this.fx(r));
      else a.mov(qword(rdx, 8 * i), this.gp(r, rcx));
    }
    this.setGp(d, rax);
  }

  /**
   * A runtime call whose arguments are the bits of VM registers in rdi, rsi, rdx… (floats too),
   * plus the "file:line" string when `located`; result in rax.
   */
  private callBits(target: string, regs: number[], located = false, desc?: string): void {
    const { a } = this;
    this.spillXmm(true);
    regs.forEach((r, i) => {
      if (this.isFloat(r)) { this.loadSpilledX(r, xmm0); a.movq(INT_ARGS[i], xmm0); } else a.mov(INT_ARGS[i], this.rm(r));
    });
    let next = regs.length;
    if (desc !== undefined) a.lea(INT_ARGS[next++], qword(rip(this.strConst(desc), 16)));
    if (located) this.location(INT_ARGS[next]);
    a.call(sym(target));
    this.spillXmm(false);
  }

  /** newmap d, type, n, key/value pairs…: an empty map, then each pair set in order. */
  private newMap(pc: number): void {
    const { a } = this;
    const c = this.fn.code;
    const d = c[pc + 1], n = c[pc + 3];
    this.spillXmm(true);
    a.mov(rdi, mapHeader(this.mod.consts[c[pc + 2]].value as string));
    a.call(sym(RT.mapNew));
    this.spillXmm(false);
    a.test(rax, rax);
    a.jz(this.fail(ERR.OUT_OF_MEMORY));
    this.setGp(d, rax);
    for (let i = 0; i < n; i += 2) {
      this.callBits(RT.mapSet, [d, c[pc + 4 + i], c[pc + 5 + i]]);
      a.test(eax, eax);
      a.jz(this.fail(ERR.OUT_OF_MEMORY));
    }
  }

  /**
   * newobj d, class: a struct-shaped object whose header also holds the class index (for
   * dispatch and printing), fields zeroed as the VM does: 0, 0.0, false, "", empty arrays and
   * maps, null for the rest.
   */
  private newObject(d: number, cls: number): void {
    const { a } = this;
    const fields = this.mod.classes[cls].fields;
    let mask = 0n;
    fields.forEach((f, i) => { if (kindOfDesc(f.type) === Kind.Ref && i < 64) mask |= 1n << BigInt(i); });
    this.spillXmm(true);
    a.mov(edi, fields.length);
    a.mov(rsi, mask);
    a.call(sym(RT.structNew));
    a.test(rax, rax);
    a.jz(this.fail(ERR.OUT_OF_MEMORY));
    a.mov(rcx, BigInt(TAG.struct) | (BigInt(cls) << 32n));
    a.mov(qword(rax, 0), rcx);
    fields.forEach((f, i) => {
      if (f.type === 's') { a.lea(rcx, qword(rip(this.strConst('')))); a.mov(qword(rax, STRUCT.fields + 8 * i), rcx); }
      else a.mov(qword(rax, STRUCT.fields + 8 * i), 0);
    });
    this.setGp(d, rax);
    fields.forEach((f, i) => {
      if (f.type[0] === '[') {
        a.xor(edi, edi);
        a.mov(esi, kindOfDesc(f.type.slice(1, -1)) === Kind.Ref ? TAG.arrayRef : TAG.array);
        a.call(sym(RT.arrayNew));
      } else if (f.type[0] === '{') {
        a.mov(rdi, mapHeader(f.type));
        a.call(sym(RT.mapNew));
      } else return;
      a.test(rax, rax);
      a.jz(this.fail(ERR.OUT_OF_MEMORY));
      a.mov(rcx, this.rm(d));
      a.mov(qword(rcx, STRUCT.fields + 8 * i), rax);
    });
    this.spillXmm(false);
  }

  /** newstruct d, layout, n, fields…: allocate with the layout's reference mask, then store. */
  /**
   * newstruct, newtuple, closure, funcref: one struct-shaped object. Structs by their layout,
   * tuples by their descriptor "(A,B,…)"; a function value holds its code address and name
   * (not references) before the captured values.
   */
  private newStruct(pc: number, count = this.fn.code[pc + 3]): void {
    const { a } = this;
    const c = this.fn.code;
    const op = c[pc], d = c[pc + 1];
    const fnValue = op === O.closure || op === O.funcref;
    const values = Array.from({ length: count }, (_, i) => c[pc + 4 + i]);
    const types = op === O.newtuple ? splitDescs((this.mod.consts[c[pc + 2]].value as string).slice(1, -1))
      : op === O.newstruct ? this.mod.structs[c[pc + 2]].fields.map((f) => f.type)
      : [...Array(CLOSURE_CAPS).fill('i'), ...values.map((r) => this.fn.regTypes[r])];
    let mask = 0n;
    types.forEach((t, i) => { if (kindOfDesc(t) === Kind.Ref && i < 64) mask |= 1n << BigInt(i); });
    this.spillXmm(true);
    a.mov(edi, types.length);
    a.mov(rsi, mask);
    a.call(sym(RT.structNew));
    this.spillXmm(false);
    a.test(rax, rax);
    a.jz(this.fail(ERR.OUT_OF_MEMORY));
    const first = fnValue ? CLOSURE_CAPS : 0;
    if (fnValue) {
      const callee = this.mod.functions[c[pc + 2]];
      a.lea(rcx, qword(rip(sym(fnSymbol(callee.name)))));
      a.mov(qword(rax, STRUCT.fields), rcx);
      a.lea(rcx, qword(rip(this.strConst(op === O.closure ? 'lambda' : callee.name), 16)));
      a.mov(qword(rax, STRUCT.fields + 8), rcx);
    }
    values.forEach((r, i) => {
      const at = qword(rax, STRUCT.fields + 8 * (first + i));
      if (this.isFloat(r)) a.movsd(at, this.fx(r));
      else a.mov(at, this.gp(r, rcx));
    });
    this.setGp(d, rax);
  }

  private print(pc: number): void {
    const c = this.fn.code;
    const n = c[pc + 1];
    for (let i = 0; i < n; i++) {
      const r = c[pc + 2 + 2 * i];
      const t = this.mod.consts[c[pc + 3 + 2 * i]].value as string;
      if (i > 0) this.callSym(RT.printSpace, [], -1);
      if (['i', 'f', 'b', 's'].includes(t)) this.callSym(t === 'i' ? RT.printI64 : t === 'f' ? RT.printF64 : t === 'b' ? RT.printBool : RT.printStr, [r], -1);
      else {
        // Containers: the runtime walks the value by its type descriptor (a C string).
        this.spillXmm(true);
        this.a.mov(rdi, this.rm(r));
        this.a.lea(rsi, qword(rip(this.strConst(t), 16)));
        this.a.call(sym(RT.printValue));
        this.spillXmm(false);
      }
    }
    this.callSym(RT.printNewline, [], -1);
  }

  private builtin(pc: number): void {
    const { a } = this;
    const c = this.fn.code;
    const d = c[pc + 1];
    const name = BUILTIN_BY_ID.get(c[pc + 2])!;
    const args = Array.from({ length: c[pc + 4] }, (_, i) => c[pc + 5 + i]);
    const math = MATH1[name];
    if (math) { this.callSym(math, args, d); return; }
    const rb = RUNTIME_BUILTINS[name];
    if (rb?.typed) {
      // Arguments as bits, then the first argument's type descriptor (then the location).
      this.callBits(rb.symbol, args, rb.located, this.fn.regTypes[args[0]]);
      if (rb.allocates) { a.test(rax, rax); a.jz(this.fail(ERR.OUT_OF_MEMORY)); }
      if (d >= 0 && this.fn.regTypes[d] !== 'v') {
        if (this.isFloat(d)) { a.movq(xmm0, rax); this.setFx(d, xmm0); } else this.setGp(d, rax);
      }
      return;
    }
    if (rb) {
      this.callSym(rb.symbol, args, d, undefined, rb.located);
      if (rb.allocates) { a.test(rax, rax); a.jz(this.fail(ERR.OUT_OF_MEMORY)); }
      return;
    }
    switch (name) {
      case 'abs':
        a.mov(rax, this.rm(args[0]));
        a.mov(rdx, rax);
        a.sar(rdx, 63);
        a.xor(rax, rdx);
        a.sub(rax, rdx);
        this.setGp(d, rax);
        return;
      case 'min': case 'max':
        a.mov(rax, this.rm(args[0]));
        a.mov(rcx, this.rm(args[1]));
        a.cmp(rax, rcx);
        a.cmovcc(name === 'min' ? 'g' : 'l', rax, rcx);
        this.setGp(d, rax);
        return;
      case 'clamp':
        a.mov(rax, this.rm(args[0]));
        a.mov(rcx, this.rm(args[1]));
        a.cmp(rax, rcx);
        a.cmovcc('l', rax, rcx);
        a.mov(rcx, this.rm(args[2]));
        a.cmp(rax, rcx);
        a.cmovcc('g', rax, rcx);
        // clamp(v, lo, hi) is lo when v < lo even if lo > hi (spec §5.4).
        a.mov(rcx, this.rm(args[1]));
        a.cmp(rcx, this.rm(args[0]));
        a.cmovcc('g', rax, rcx);
        this.setGp(d, rax);
        return;
      case 'sign':
        a.xor(eax, eax);
        a.cmp(this.rm(args[0]), 0);
        a.setcc('g', al);
        a.setcc('l', cl);
        a.sub(al, cl);
        a.movsx(rax, al);
        this.setGp(d, rax);
        return;
      case 'floor': case 'ceil': case 'round':
        this.setGp(d, this.gp(args[0]));
        return;
      case 'sqrt':
        a.xorps(xmm0, xmm0);
        a.cvtsi2sd(xmm0, this.rm(args[0]));
        a.sqrtsd(xmm0, xmm0);
        a.cvttsd2si(rax, xmm0);
        this.setGp(d, rax);
        return;
      case 'pow':
        a.xorps(xmm0, xmm0);
        a.cvtsi2sd(xmm0, this.rm(args[0]));
        a.xorps(xmm1, xmm1);
        a.cvtsi2sd(xmm1, this.rm(args[1]));
        this.spillXmm(true);
        a.call(sym(RT.pow));
        this.spillXmm(false);
        a.cvttsd2si(rax, xmm0);
        this.setGp(d, rax);
        return;
      case 'fsqrt':
        a.sqrtsd(xmm0, this.xm(args[0]));
        this.setFx(d, xmm0);
        return;
      case 'fabs':
        a.movsd(xmm0, this.xm(args[0]));
        a.andpd(xmm0, qword(rip(this.floatConst((1n << 63n) - 1n, 16))));
        this.setFx(d, xmm0);
        return;
      case 'ffloor': case 'fceil':
        a.roundsd(xmm0, this.xm(args[0]), name === 'ffloor' ? 9 : 10);
        this.setFx(d, xmm0);
        return;
      case 'fpow': this.callSym(RT.pow, args, d); return;
      case 'atan2': this.callSym(RT.atan2, args, d); return;
      case 'is_nan':
        a.movsd(xmm0, this.xm(args[0]));
        a.ucomisd(xmm0, xmm0);
        a.setp(al);
        a.movzx(eax, al);
        this.setGp(d, rax);
        return;
      case 'is_inf':
        a.movq(rax, this.fx(args[0]));
        a.btr(rax, 63);
        a.mov(rcx, 0x7ff0000000000000n);
        a.cmp(rax, rcx);
        a.sete(al);
        a.movzx(eax, al);
        this.setGp(d, rax);
        return;
      case 'array_push':
        this.spillXmm(true);
        a.mov(rdi, this.rm(args[0]));
        if (this.isFloat(args[1])) { this.loadSpilledX(args[1], xmm0); a.movq(rsi, xmm0); } else a.mov(rsi, this.rm(args[1]));
        a.call(sym(RT.arrayPush));
        this.spillXmm(false);
        a.test(eax, eax);
        a.jz(this.fail(ERR.OUT_OF_MEMORY));
        return;
      case 'typeof': {
        // Static for scalars and strings; containers and objects are null or their kind.
        const t = this.fn.regTypes[args[0]];
        const kind = ({ i: 'int', f: 'float', b: 'bool', s: 'str', '[': 'array', '{': 'map', '(': 'tuple', S: 'struct', C: 'class', F: 'fn' } as Record<string, string>)[t[0]] ?? 'ptr';
        a.lea(rax, qword(rip(this.strConst(kind))));
        if (!'ifbs'.includes(t[0])) {
          a.lea(rcx, qword(rip(this.strConst('null'))));
          a.cmp(this.rm(args[0]), 0);
          a.cmove(rax, rcx);
        }
        this.setGp(d, rax);
        return;
      }
      case 'map_len':
        a.mov(rax, qword(this.gp(args[0], rcx), 8));
        this.setGp(d, rax);
        return;
      case 'map_has_key': case 'map_delete':
        this.callBits(name === 'map_has_key' ? RT.mapHas : RT.mapDelete, args);
        if (d >= 0) this.setGp(d, rax);
        return;
      case 'map_keys': case 'map_values': this.callAlloc(name === 'map_keys' ? RT.mapKeys : RT.mapValues, args, d); return;
      case 'array_pop': {
        a.mov(rcx, this.rm(args[0]));
        a.mov(rax, qword(rcx, ARRAY.len));
        a.sub(rax, 1);
        a.jb(this.fail(ERR.ARRAY_POP_EMPTY));
        a.mov(qword(rcx, ARRAY.len), rax);
        a.mov(rdx, qword(rcx, ARRAY.data));
        if (this.isFloat(d)) { a.movsd(xmm0, qword(rdx, rax, 8, 0)); this.setFx(d, xmm0); }
        else { a.mov(rax, qword(rdx, rax, 8, 0)); this.setGp(d, rax); }
        return;
      }
      case 'array_fill':
        // The runtime returns null when memory is exhausted.
        this.callSym(`bp_rt_array_fill_${'ifb'.includes(this.fn.regTypes[d][1]) ? this.fn.regTypes[d][1] : 'r'}`, args, d);
        a.cmp(this.rm(d), 0);
        a.je(this.fail(ERR.OUT_OF_MEMORY, this.line));
        return;
      case 'clock_ms': this.callSym(RT.clockMs, [], d); return;
      case 'sleep': this.callSym(RT.sleep, args, -1); return;
      case 'exit': this.callSym(RT.exit, args, -1); return;
    }
    throw new Error(`lowering: builtin ${name}`);
  }
}

const JCC = ['l', 'le', 'g', 'ge', 'e', 'ne'];
const INVERSE: Record<string, string> = { l: 'ge', le: 'g', g: 'le', ge: 'l', e: 'ne', ne: 'e', z: 'nz', nz: 'z' };

/**
 * A function whose code starts `if p <cc> k goes on; return q (or a constant)` — the base case
 * of a recursion — as the test a caller can make before calling it.
 */
interface BaseCase { param: number; cc: number; k: number; result: number | bigint }
const baseCases = new WeakMap<BcFunction, BaseCase | null>();

function baseCase(fn: BcFunction): BaseCase | null {
  let b = baseCases.get(fn);
  if (b !== undefined) return b;
  b = null;
  const c = fn.code;
  const intParam = (r: number) => r < fn.arity && fn.regKinds[r] === Kind.Int;
  if (fn.ncaps === 0 && c.length >= 6 && c[0] >= O.jlt_ik && c[0] <= O.jne_ik && intParam(c[1])) {
    const result = c[4] === O.ret && intParam(c[5]) ? c[5]
      : c[4] === O.loadi && c[7] === O.ret && c[8] === c[5] && fn.regKinds[c[5]] === Kind.Int ? BigInt(c[6]) : null;
    if (result !== null) b = { param: c[1], cc: c[0] - O.jlt_ik, k: c[2], result };
  }
  baseCases.set(fn, b);
  return b;
}

/** The frame slot of a register living in memory (or the spill slot of an xmm-homed one). */
function slotOf(h: Home): number {
  if (h.at === 'gpr') throw new Error('register has no slot');
  return h.slot;
}
export { Label, esi };
