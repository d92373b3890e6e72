// The interpreter: runs a BytecodeModule. One loop, no JS recursion: calls push records on
// frame arrays and every frame's registers live in one growing register array, so recursion is
// limited by memory (a million frames), not by the JS stack. Exceptions unwind through the
// handler tables without JS exceptions; runtime errors are JS exceptions (RtError) that end the
// program with `error: <what> (at file:line)`.
//
// Profiling is always on and cheap: a per-function call count and per-pc counters for branches
// (taken at pc, not taken at pc+1), loop back-edges (trips at pc, exits at pc+1) and call sites.
// Executed-instruction counts are not counted one by one: vm/profile.ts reconstructs every
// basic block's count from these edge counts after the run.
import { O } from '../bytecode/opcodes.js';
import { calledExterns, lineOfPc, type BytecodeModule, type Const, type Handler } from '../bytecode/module.js';
import { kindOf, tupleDescs } from '../bytecode/tdesc.js';
import * as I from './int64.js';
import { BUILTIN_IMPLS, BuiltinCtx, callDescOf } from './builtins.js';
import { RtError, ExitSignal } from './errors.js';
import { TraceBuilder } from '../bytecode/traceback.js';
import { LineReader, Output, OutputError } from './output.js';
import { charge, flat, FLAT_MIN, startHeap } from './memory.js';
import { formatValue } from './format.js';
import { emptyMap, mapFromPairs } from './maps.js';
import {
  BPArray, BPMap, BoolArray, ClassRt, Closure, FloatArray, IntArray, Layout, Obj, RefArray, Struct, Tuple, arrayOf, display, equals,
  newArray,
} from './values.js';
import { Kind } from '../bytecode/opcodes.js';
import { ENTRY_BYTES, MAX_STRING_BYTES, STACK_BUDGET, interpFrameBytes } from '../bytecode/limits.js';

/** Runtime view of one bytecode function. */
export interface FnRt {
  readonly index: number;
  readonly name: string;
  readonly code: Int32Array;
  readonly nregs: number;
  readonly arity: number;
  readonly ncaps: number;
  readonly lines: Int32Array;
  readonly handlers: Handler[];
  readonly file: string;
  readonly defLine: number;
  readonly regKinds: Uint8Array;
  /** Per-pc profile counters: branch taken/not taken, loop trips, call-site counts. */
  readonly prof: Float64Array;
  calls: number;
  /** Stack bytes a call of it takes: what an interpreter frame takes in native code (limits.ts). */
  readonly frameBytes: number;
}

export interface VmOptions {
  /** Program arguments (argv()). */
  args?: string[];
  /** Where program output goes (default: fd 1). */
  output?: Output;
  /** Stack bytes calls may take (default: what native code has, see limits.ts). */
  stackBytes?: number;
  /** Called at every call and loop back-edge with the function and pc executing (the profiler's clock). */
  onTick?: (fn: FnRt, pc: number) => void;
  /** Standard input (default: fd 0, read as needed). */
  stdin?: Buffer;
  /** Where runtime error messages go (default: fd 2). */
  stderr?: (text: string) => void;
}

const MAX_STRING = MAX_STRING_BYTES;
/** What an object (struct, tuple, closure, map) costs beyond its fields, for the heap limit. */
const OBJECT_BYTES = 32;

/** A part of a concatenation: a string register, or an int register in decimal. */
function partText(fn: FnRt, R: unknown[], bp: number, r: number): string {
  return fn.regKinds[r] === Kind.Int ? String(R[bp + r]) : R[bp + r] as string;
}

export class VM implements BuiltinCtx {
  readonly fns: FnRt[];
  readonly consts: unknown[];
  readonly constDescs: unknown[];
  readonly globals: unknown[];
  readonly structs: Layout[];
  readonly classes: ClassRt[];
  readonly out: Output;
  readonly args: string[];
  R: unknown[] = new Array(1 << 12).fill(null);
  /** Call frames, 4 ints each: caller function, return pc, caller bp, destination register. */
  private frames: Int32Array = new Int32Array(4 * 1024);
  depth = 0;
  /** Stack bytes the frames take, as native frames would (see limits.ts). */
  private used = ENTRY_BYTES;
  private readonly stackBudget: number;
  /** First register above the executing frame (where a re-entrant call's frame starts). */
  private top = 0;
  rand = 1n;
  private readonly input: LineReader;
  private externs: ExternCaller | null = null;

  constructor(readonly mod: BytecodeModule, readonly opts: VmOptions = {}) {
    startHeap();
    this.out = opts.output ?? new Output(1);
    this.input = new LineReader(opts.stdin);
    this.stackBudget = opts.stackBytes ?? STACK_BUDGET;
    this.args = opts.args ?? [];
    this.consts = mod.consts.map(constValue);
    this.constDescs = mod.consts.map((c) => (c.tag === 'type' ? (c.value.includes('->') ? callDescOf(c.value) : c.value) : null));
    this.fns = mod.functions.map((f, index) => ({
      index, name: f.name, code: f.code, nregs: Math.max(1, f.regKinds.length), arity: f.arity, ncaps: f.ncaps, lines: f.lines,
      handlers: f.handlers, file: mod.files[f.file] ?? '?', defLine: f.defLine, regKinds: f.regKinds,
      prof: new Float64Array(f.code.length), calls: 0, frameBytes: interpFrameBytes(f.regKinds.length),
    }));
    this.structs = mod.structs.map((s) => layoutOf(s.name, s.fields));
    this.classes = mod.classes.map((c, index) => ({ ...layoutOf(c.name, c.fields), index, vtable: Int32Array.from(c.vtable) }));
    this.globals = mod.globals.map((g) => this.zeroValue(g.type));
  }

  /** Zero value of a type: 0, 0.0, false, "", empty containers, null for other references. */
  zeroValue(desc: string): unknown {
    switch (desc[0]) {
      case 'i': return 0;
      case 'f': return 0;
      case 'b': return false;
      case 's': return '';
      case '[': return newArray(kindOf(desc.slice(1, -1)));
      case '{': return emptyMap(desc);
      default: return null;
    }
  }

  /** Runs the program: global initialisers, then the entry function. Returns the exit status. */
  run(): number {
    try {
      return this.runProgram();
    } catch (e) {
      // Standard output failed: the program ends there (see OutputError).
      if (!(e instanceof OutputError)) throw e;
      this.out.discard();
      if (e.message) this.report(`error: ${e.message}\n`);
      return e.status;
    }
  }

  private report(msg: string): void {
    if (this.opts.stderr) this.opts.stderr(msg);
    else process.stderr.write(Buffer.from(msg, 'latin1'));
  }

  private runProgram(): number {
    try {
      if (this.mod.entry < 0) throw new RtError('NO_ENTRY');
      if (calledExterns(this.mod).length) this.externs = openExterns(this.mod);
      if (this.mod.init >= 0) this.call(this.mod.init, []);
      const result = this.call(this.mod.entry, []);
      this.out.flush();
      const retDesc = this.mod.functions[this.mod.entry].ret;
      if (retDesc === 'i') return Number(BigInt.asUintN(8, I.big(result as I.Int)));
      if (retDesc === 'b') return result ? 1 : 0;
      return 0;
    } catch (e) {
      if (e instanceof ExitSignal) {
        this.out.flush();
        return e.code;
      }
      if (e instanceof RtError) {
        this.out.flush();
        const where = e.where ? ` (at ${e.where})` : '';
        this.report(`${e.trace?.text() ?? ''}error: ${e.text}${where}\n`);
        return 1;
      }
      this.out.flush();
      throw e;
    }
  }

  /** Calls function `index` with `args` and runs it to completion (re-entrant: used by native callbacks). */
  call(index: number, args: unknown[]): unknown {
    const base = this.depth;
    const fn = this.fns[index];
    const bp = this.top;
    const used = this.used;
    this.used += fn.frameBytes;
    if (this.used > this.stackBudget) throw new RtError('STACK_OVERFLOW', '', `${fn.file}:${fn.defLine}`);
    this.ensureRegs(bp + fn.nregs);
    for (let i = 0; i < args.length; i++) this.R[bp + i] = args[i];
    try {
      return this.execute(fn, bp, base);
    } finally {
      this.used = used;
    }
  }

  private ensureRegs(n: number): void {
    if (n <= this.R.length) return;
    let len = this.R.length;
    while (len < n) len *= 2;
    const old = this.R.length;
    this.R.length = len;
    this.R.fill(null, old);
  }

  private growFrames(): Int32Array {
    const b = new Int32Array(this.frames.length * 2);
    b.set(this.frames);
    return (this.frames = b);
  }

  /** The frames below the executing one (the innermost `limit`), outermost first, each with the pc it returns to. */
  frameStack(limit = Infinity): { fn: FnRt; pc: number }[] {
    const out: { fn: FnRt; pc: number }[] = [];
    for (let d = Math.max(0, this.depth - limit); d < this.depth; d++) out.push({ fn: this.fns[this.frames[4 * d]], pc: this.frames[4 * d + 1] });
    return out;
  }

  /** Source location "file:line" of pc in fn. */
  where(fn: FnRt, pc: number): string {
    return `${fn.file}:${fn.lines[pc] || fn.defLine}`;
  }

  private execute(entry: FnRt, entryBp: number, base: number): unknown {
    let fn = entry;
    let code = fn.code;
    let prof = fn.prof;
    let pc = 0;
    let bp = entryBp;
    let R = this.R;
    const fns = this.fns;
    const consts = this.consts;
    const tick = this.opts.onTick;
    const budget = this.stackBudget;
    const usedAtBase = this.used;
    let frames = this.frames;
    try {
      for (;;) {
        switch (code[pc]) {
          case O.nop: pc += 1; break;
          case O.loadi: R[bp + code[pc + 1]] = code[pc + 2]; pc += 3; break;
          case O.loadk: R[bp + code[pc + 1]] = consts[code[pc + 2]]; pc += 3; break;
          case O.loadb: R[bp + code[pc + 1]] = code[pc + 2] !== 0; pc += 3; break;
          case O.loadnull: R[bp + code[pc + 1]] = null; pc += 2; break;
          case O.mov: R[bp + code[pc + 1]] = R[bp + code[pc + 2]]; pc += 3; break;
          case O.add_i: {
            const a = R[bp + code[pc + 2]], b = R[bp + code[pc + 3]];
            let r;
            if (typeof a === 'number' && typeof b === 'number' && (r = a + b) <= 9007199254740991 && r >= -9007199254740991) R[bp + code[pc + 1]] = r;
            else R[bp + code[pc + 1]] = I.add(a as I.Int, b as I.Int);
            pc += 4; break;
          }
          case O.sub_i: {
            const a = R[bp + code[pc + 2]], b = R[bp + code[pc + 3]];
            let r;
            if (typeof a === 'number' && typeof b === 'number' && (r = a - b) <= 9007199254740991 && r >= -9007199254740991) R[bp + code[pc + 1]] = r;
            else R[bp + code[pc + 1]] = I.sub(a as I.Int, b as I.Int);
            pc += 4; break;
          }
          case O.mul_i: {
            const a = R[bp + code[pc + 2]], b = R[bp + code[pc + 3]];
            let r;
            if (typeof a === 'number' && typeof b === 'number' && (r = a * b) <= 9007199254740991 && r >= -9007199254740991) R[bp + code[pc + 1]] = r + 0;
            else R[bp + code[pc + 1]] = I.mul(a as I.Int, b as I.Int);
            pc += 4; break;
          }
          case O.div_i: case O.mod_i: {
            const b = R[bp + code[pc + 3]] as I.Int;
            if (b === 0) throw new RtError('DIV_ZERO');
            const a = R[bp + code[pc + 2]] as I.Int;
            R[bp + code[pc + 1]] = code[pc] === O.div_i ? I.div(a, b) : I.mod(a, b);
            pc += 4; break;
          }
          case O.neg_i: R[bp + code[pc + 1]] = I.neg(R[bp + code[pc + 2]] as I.Int); pc += 3; break;
          case O.addk_i: {
            const a = R[bp + code[pc + 2]];
            let r;
            if (typeof a === 'number' && (r = a + code[pc + 3]) <= 9007199254740991 && r >= -9007199254740991) R[bp + code[pc + 1]] = r;
            else R[bp + code[pc + 1]] = I.add(a as I.Int, code[pc + 3]);
            pc += 4; break;
          }
          case O.and_i: R[bp + code[pc + 1]] = I.and(R[bp + code[pc + 2]] as I.Int, R[bp + code[pc + 3]] as I.Int); pc += 4; break;
          case O.or_i: R[bp + code[pc + 1]] = I.or(R[bp + code[pc + 2]] as I.Int, R[bp + code[pc + 3]] as I.Int); pc += 4; break;
          case O.xor_i: R[bp + code[pc + 1]] = I.xor(R[bp + code[pc + 2]] as I.Int, R[bp + code[pc + 3]] as I.Int); pc += 4; break;
          case O.shl_i: R[bp + code[pc + 1]] = I.shl(R[bp + code[pc + 2]] as I.Int, R[bp + code[pc + 3]] as I.Int); pc += 4; break;
          case O.shr_i: R[bp + code[pc + 1]] = I.shr(R[bp + code[pc + 2]] as I.Int, R[bp + code[pc + 3]] as I.Int); pc += 4; break;
          case O.not_i: R[bp + code[pc + 1]] = I.not(R[bp + code[pc + 2]] as I.Int); pc += 3; break;
          case O.add_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) + (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.sub_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) - (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.mul_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) * (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.div_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) / (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.mod_f: R[bp + code[pc + 1]] = fmod(R[bp + code[pc + 2]] as number, R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.neg_f: R[bp + code[pc + 1]] = -(R[bp + code[pc + 2]] as number); pc += 3; break;
          case O.eq_i: case O.eq_f: R[bp + code[pc + 1]] = R[bp + code[pc + 2]] === R[bp + code[pc + 3]]; pc += 4; break;
          case O.ne_i: case O.ne_f: R[bp + code[pc + 1]] = R[bp + code[pc + 2]] !== R[bp + code[pc + 3]]; pc += 4; break;
          case O.lt_i: case O.lt_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) < (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.le_i: case O.le_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) <= (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.gt_i: case O.gt_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) > (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.ge_i: case O.ge_f: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as number) >= (R[bp + code[pc + 3]] as number); pc += 4; break;
          case O.not: R[bp + code[pc + 1]] = !R[bp + code[pc + 2]]; pc += 3; break;
          case O.concat: {
            const a = R[bp + code[pc + 2]] as string, b = R[bp + code[pc + 3]] as string;
            // V8's longest string: longer is the out-of-memory runtime error, not a RangeError.
            if (a.length + b.length > MAX_STRING) throw new RtError('OUT_OF_MEMORY');
            charge(a.length + b.length);
            R[bp + code[pc + 1]] = flat(a + b);
            pc += 4; break;
          }
          case O.concatn: case O.appendn: {
            // (native code grows appendn's first part in place and copies the others: here a rope
            // of the first part and copies of the others, the memory native code holds — `s = s +
            // s` holds s twice, not a rope of s with itself, which doubled to V8's longest string
            // in a fraction of the heap limit; concatn's string is a copy)
            const n = code[pc + 2], d = code[pc + 1], append = code[pc] === O.appendn;
            let text = '';
            for (let i = 0; i < n; i++) {
              const p = partText(fn, R, bp, code[pc + 3 + i]);
              if (text.length + p.length > MAX_STRING) throw new RtError('OUT_OF_MEMORY');
              text += p;
            }
            const fresh = append ? text.length - (R[bp + d] as string).length : text.length;
            charge(fresh);
            if (!append) text = flat(text);
            else if (fresh >= FLAT_MIN) {
              text = R[bp + d] as string;
              for (let i = 1; i < n; i++) text += flat(partText(fn, R, bp, code[pc + 3 + i]));
            }
            R[bp + d] = text;
            pc += 3 + n; break;
          }
          case O.eq_s: R[bp + code[pc + 1]] = R[bp + code[pc + 2]] === R[bp + code[pc + 3]]; pc += 4; break;
          case O.ne_s: R[bp + code[pc + 1]] = R[bp + code[pc + 2]] !== R[bp + code[pc + 3]]; pc += 4; break;
          case O.eq_r: R[bp + code[pc + 1]] = equals(R[bp + code[pc + 2]], R[bp + code[pc + 3]], Kind.Ref); pc += 4; break;
          case O.ne_r: R[bp + code[pc + 1]] = !equals(R[bp + code[pc + 2]], R[bp + code[pc + 3]], Kind.Ref); pc += 4; break;
          case O.i2f: R[bp + code[pc + 1]] = I.toFloat(R[bp + code[pc + 2]] as I.Int); pc += 3; break;
          case O.f2i: R[bp + code[pc + 1]] = I.fromFloat(R[bp + code[pc + 2]] as number); pc += 3; break;
          case O.jmp: pc = code[pc + 1]; break;
          case O.loop:
            ++prof[pc];
            pc = code[pc + 1];
            if (tick) tick(fn, pc);
            break;
          case O.jt:
            if (R[bp + code[pc + 1]] === true) { prof[pc]++; pc = code[pc + 2]; } else { prof[pc + 1]++; pc += 3; }
            break;
          case O.jf:
            if (R[bp + code[pc + 1]] === false) { prof[pc]++; pc = code[pc + 2]; } else { prof[pc + 1]++; pc += 3; }
            break;
          case O.jlt_i:
            if ((R[bp + code[pc + 1]] as number) < (R[bp + code[pc + 2]] as number)) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jle_i:
            if ((R[bp + code[pc + 1]] as number) <= (R[bp + code[pc + 2]] as number)) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jgt_i:
            if ((R[bp + code[pc + 1]] as number) > (R[bp + code[pc + 2]] as number)) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jge_i:
            if ((R[bp + code[pc + 1]] as number) >= (R[bp + code[pc + 2]] as number)) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jeq_i:
            if (R[bp + code[pc + 1]] === R[bp + code[pc + 2]]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jne_i:
            if (R[bp + code[pc + 1]] !== R[bp + code[pc + 2]]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jlt_ik:
            if ((R[bp + code[pc + 1]] as number) < code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jle_ik:
            if ((R[bp + code[pc + 1]] as number) <= code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jgt_ik:
            if ((R[bp + code[pc + 1]] as number) > code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jge_ik:
            if ((R[bp + code[pc + 1]] as number) >= code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jeq_ik:
            if (R[bp + code[pc + 1]] === code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.jne_ik:
            if (R[bp + code[pc + 1]] !== code[pc + 2]) { prof[pc]++; pc = code[pc + 3]; } else { prof[pc + 1]++; pc += 4; }
            break;
          case O.forlt: case O.forgt: {
            const ri = bp + code[pc + 1];
            const a = R[ri];
            let v;
            if (typeof a !== 'number' || (v = a + code[pc + 3]) > 9007199254740991 || v < -9007199254740991) v = I.add(a as I.Int, code[pc + 3]);
            R[ri] = v;
            const end = R[bp + code[pc + 2]] as number;
            if (code[pc] === O.forlt ? v < end : v > end) {
              ++prof[pc];
              pc = code[pc + 4];
              if (tick) tick(fn, pc);
            } else { prof[pc + 1]++; pc += 5; }
            break;
          }
          case O.call: case O.callv: case O.callm: {
            const op = code[pc];
            const n = code[pc + 3];
            let callee: FnRt;
            let caps: unknown[] | null = null;
            if (op === O.call) callee = fns[code[pc + 2]];
            else if (op === O.callv) {
              const c = R[bp + code[pc + 2]] as Closure | null;
              if (c === null) throw new RtError('NULL');
              callee = fns[c.fn];
              caps = c.caps;
            } else {
              const self = R[bp + code[pc + 4]] as Obj | null;
              if (self === null) throw new RtError('NULL');
              callee = fns[self.c.vtable[code[pc + 2]]];
            }
            prof[pc]++;
            ++callee.calls;
            if (tick) tick(fn, pc);
            if ((this.used += callee.frameBytes) > budget) {
              this.used -= callee.frameBytes;
              throw new RtError('STACK_OVERFLOW'); // (at the call)
            }
            const nbp = bp + fn.nregs;
            if (nbp + callee.nregs > R.length) { this.ensureRegs(nbp + callee.nregs); R = this.R; frames = this.frames; }
            let k = 0;
            if (caps !== null) for (; k < caps.length; k++) R[nbp + k] = caps[k];
            for (let i = 0; i < n; i++) R[nbp + k + i] = R[bp + code[pc + 4 + i]];
            const depth = this.depth;
            const f4 = depth * 4;
            if (f4 >= frames.length) frames = this.growFrames();
            frames[f4] = fn.index;
            frames[f4 + 1] = pc + 4 + n;
            frames[f4 + 2] = bp;
            frames[f4 + 3] = code[pc + 1];
            this.depth = depth + 1;
            fn = callee; code = fn.code; prof = fn.prof; bp = nbp; pc = 0;
            break;
          }
          case O.ret: case O.retv: {
            const v = code[pc] === O.ret ? R[bp + code[pc + 1]] : null;
            if (this.depth === base) return v;
            this.used -= fn.frameBytes;
            const f4 = --this.depth * 4;
            fn = fns[frames[f4]]; code = fn.code; prof = fn.prof;
            pc = frames[f4 + 1]; bp = frames[f4 + 2];
            R[bp + frames[f4 + 3]] = v;
            break;
          }
          case O.callb: {
            const n = code[pc + 4];
            const args = new Array(n);
            for (let i = 0; i < n; i++) args[i] = R[bp + code[pc + 5 + i]];
            const k = code[pc + 3];
            this.top = bp + fn.nregs;
            R[bp + code[pc + 1]] = BUILTIN_IMPLS[code[pc + 2]](this, args, k >= 0 ? this.constDescs[k] as never : null);
            R = this.R; frames = this.frames;
            pc += 5 + n;
            break;
          }
          case O.callx: {
            const n = code[pc + 3];
            const args = new Array(n);
            for (let i = 0; i < n; i++) args[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = this.callExtern(code[pc + 2], args);
            pc += 4 + n;
            break;
          }
          case O.newarr: {
            const n = code[pc + 3];
            const items = new Array(n);
            for (let i = 0; i < n; i++) items[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = arrayOf(code[pc + 2] as Kind, items);
            pc += 4 + n;
            break;
          }
          case O.aget_i: {
            const a = R[bp + code[pc + 2]] as IntArray;
            let i = R[bp + code[pc + 3]] as number;
            if (i >= 0 && i < a.len) {
              const lo = a.buf[2 * i], hi = a.buf[2 * i + 1];
              R[bp + code[pc + 1]] = hi === lo >> 31 ? lo : a.get(i);
            } else {
              i = index(a, i);
              R[bp + code[pc + 1]] = a.get(i);
            }
            pc += 4; break;
          }
          case O.aset_i: {
            const a = R[bp + code[pc + 1]] as IntArray;
            let i = R[bp + code[pc + 2]] as number;
            const v = R[bp + code[pc + 3]];
            if (!(i >= 0 && i < a.len)) i = index(a, i);
            if (typeof v === 'number' && (v | 0) === v) { a.buf[2 * i] = v; a.buf[2 * i + 1] = v >> 31; } else a.set(i, v);
            pc += 4; break;
          }
          case O.aget_f: {
            const a = R[bp + code[pc + 2]] as FloatArray;
            let i = R[bp + code[pc + 3]] as number;
            if (!(i >= 0 && i < a.len)) i = index(a, i);
            R[bp + code[pc + 1]] = a.buf[i];
            pc += 4; break;
          }
          case O.aset_f: {
            const a = R[bp + code[pc + 1]] as FloatArray;
            let i = R[bp + code[pc + 2]] as number;
            if (!(i >= 0 && i < a.len)) i = index(a, i);
            a.buf[i] = R[bp + code[pc + 3]] as number;
            pc += 4; break;
          }
          case O.aget_b: case O.aget_r: {
            const a = R[bp + code[pc + 2]] as BPArray;
            let i = R[bp + code[pc + 3]] as number;
            if (!(i >= 0 && i < a.len)) i = index(a, i);
            R[bp + code[pc + 1]] = a.get(i);
            pc += 4; break;
          }
          case O.aset_b: case O.aset_r: {
            const a = R[bp + code[pc + 1]] as BPArray;
            let i = R[bp + code[pc + 2]] as number;
            if (!(i >= 0 && i < a.len)) i = index(a, i);
            a.set(i, R[bp + code[pc + 3]]);
            pc += 4; break;
          }
          case O.alen: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as BPArray).len; pc += 3; break;
          case O.newmap: {
            const n = code[pc + 3];
            charge(OBJECT_BYTES + 16 * n);
            const regs = new Array(n);
            for (let i = 0; i < n; i++) regs[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = mapFromPairs(consts[code[pc + 2]] as string, regs);
            pc += 4 + n;
            break;
          }
          case O.mget: {
            const m = R[bp + code[pc + 2]] as BPMap;
            const key = R[bp + code[pc + 3]];
            const v = m.m.get(key);
            if (v === undefined) throw new RtError('KEY');
            R[bp + code[pc + 1]] = v;
            pc += 4; break;
          }
          case O.mset: charge(32); (R[bp + code[pc + 1]] as BPMap).m.set(R[bp + code[pc + 2]], R[bp + code[pc + 3]]); pc += 4; break;
          case O.newstruct: {
            const n = code[pc + 3];
            charge(OBJECT_BYTES + 8 * n);
            const f = new Array(n);
            for (let i = 0; i < n; i++) f[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = new Struct(this.structs[code[pc + 2]], f);
            pc += 4 + n;
            break;
          }
          case O.newobj: {
            const c = this.classes[code[pc + 2]];
            charge(OBJECT_BYTES + 8 * c.fieldTypes.length);
            R[bp + code[pc + 1]] = new Obj(c, c.fieldTypes.map((t) => this.zeroValue(t)));
            pc += 3; break;
          }
          case O.getf: {
            const o = R[bp + code[pc + 2]] as Struct | null;
            if (o === null) throw new RtError('NULL');
            R[bp + code[pc + 1]] = o.f[code[pc + 3]];
            pc += 4; break;
          }
          case O.setf: {
            const o = R[bp + code[pc + 1]] as Struct | null;
            if (o === null) throw new RtError('NULL');
            o.f[code[pc + 2]] = R[bp + code[pc + 3]];
            pc += 4; break;
          }
          case O.newtuple: {
            const n = code[pc + 3];
            charge(OBJECT_BYTES + 8 * n);
            const e = new Array(n);
            for (let i = 0; i < n; i++) e[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = new Tuple(e, this.tupleKinds(code[pc + 2]));
            pc += 4 + n;
            break;
          }
          case O.tget: {
            const t = R[bp + code[pc + 2]] as Tuple | null;
            if (t === null) throw new RtError('NULL');
            R[bp + code[pc + 1]] = t.e[code[pc + 3]];
            pc += 4; break;
          }
          case O.closure: {
            const n = code[pc + 3];
            charge(OBJECT_BYTES + 8 * n);
            const caps = new Array(n);
            for (let i = 0; i < n; i++) caps[i] = R[bp + code[pc + 4 + i]];
            R[bp + code[pc + 1]] = new Closure(code[pc + 2], caps, 'lambda');
            pc += 4 + n;
            break;
          }
          case O.funcref: {
            const f = fns[code[pc + 2]];
            R[bp + code[pc + 1]] = new Closure(f.index, [], f.name);
            pc += 3; break;
          }
          case O.loadg: R[bp + code[pc + 1]] = this.globals[code[pc + 2]]; pc += 3; break;
          case O.storeg: this.globals[code[pc + 2]] = R[bp + code[pc + 1]]; pc += 3; break;
          case O.tostr: {
            const v = R[bp + code[pc + 2]];
            R[bp + code[pc + 1]] = typeof v === 'string' ? v : display(v, kindOf(consts[code[pc + 3]] as string));
            pc += 4; break;
          }
          case O.fmt:
            R[bp + code[pc + 1]] = formatValue(R[bp + code[pc + 2]], consts[code[pc + 3]] as string, consts[code[pc + 4]] as string);
            pc += 5; break;
          case O.print: {
            const n = code[pc + 1];
            let line = '';
            for (let i = 0; i < n; i++) {
              const v = R[bp + code[pc + 2 + 2 * i]];
              const s = typeof v === 'string' ? v : display(v, kindOf(consts[code[pc + 3 + 2 * i]] as string));
              const nul = s.indexOf('\0');
              line += (i > 0 ? ' ' : '') + (nul >= 0 ? s.slice(0, nul) : s);
            }
            this.out.write(line + '\n');
            pc += 2 + 2 * n;
            break;
          }
          case O.strlen: R[bp + code[pc + 1]] = (R[bp + code[pc + 2]] as string).length; pc += 3; break;
          case O.rterr: throw new RtError(rtErrorName(code[pc + 1]));
          case O.throw: {
            const msg = R[bp + code[pc + 1]];
            const throwSite = this.where(fn, pc);
            const [throwFn, throwPc, throwDepth] = [fn, pc, this.depth];
            // Find the innermost handler, unwinding frames of this activation.
            let p = pc;
            for (;;) {
              const h = findHandler(fn.handlers, p);
              if (h) {
                pc = h.target;
                if (h.reg >= 0) R[bp + h.reg] = msg;
                break;
              }
              if (this.depth === base) {
                // (the frames unwound are still in the frame array: the chain is the throw's)
                const err = new RtError('UNHANDLED', msg as string, throwSite);
                this.addTrace(err, throwFn, throwPc, base, throwDepth);
                throw err;
              }
              this.used -= fn.frameBytes;
              const f4 = --this.depth * 4;
              fn = fns[frames[f4]]; code = fn.code; prof = fn.prof;
              p = frames[f4 + 1] - 1; bp = frames[f4 + 2];
            }
            break;
          }
          default:
            throw new Error(`bad opcode ${code[pc]} at ${fn.name}:${pc}`);
        }
      }
    } catch (e) {
      const depth = this.depth;
      if (e instanceof RtError) this.addTrace(e, fn, pc, base, depth);
      this.depth = base;
      this.used = usedAtBase;
      if (e instanceof RtError && !e.where) e.where = this.where(fn, pc);
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        const err = new RtError('STACK_OVERFLOW');
        err.where = this.where(fn, pc);
        this.addTrace(err, fn, pc, base, depth);
        throw err;
      }
      // V8 refusing an allocation ("Invalid typed array length", "Array buffer allocation
      // failed", "Invalid string length"…) is the program running out of memory.
      if (e instanceof RangeError && /allocation|invalid (typed )?array length|invalid string length/i.test(e.message)) {
        const err = new RtError('OUT_OF_MEMORY');
        err.where = this.where(fn, pc);
        this.addTrace(err, fn, pc, base, depth);
        throw err;
      }
      throw e;
    }
  }

  /**
   * Adds this activation's part of the chain to e's traceback: the frame executing `pc` of `fn`,
   * then its callers down to `base` (each at its call) — once per activation, innermost first.
   */
  private addTrace(e: RtError, fn: FnRt, pc: number, base: number, depth: number): void {
    if (e.traceDepth === base || (e.trace && e.traceDepth !== depth)) return;
    const trace = (e.trace ??= new TraceBuilder((i) => this.fns[i]));
    trace.add(fn.index, lineOfPc(fn, pc));
    for (let d = depth - 1; d >= base; d--) {
      const caller = this.fns[this.frames[4 * d]];
      trace.add(caller.index, lineOfPc(caller, this.frames[4 * d + 1] - 1));
    }
    e.traceDepth = base;
  }

  private tupleKindCache = new Map<number, Kind[]>();
  private tupleKinds(k: number): Kind[] {
    let ks = this.tupleKindCache.get(k);
    if (!ks) {
      ks = tupleDescs(this.consts[k] as string).map(kindOf);
      this.tupleKindCache.set(k, ks);
    }
    return ks;
  }

  readLine(): string {
    return this.input.line();
  }


  callExtern(index: number, args: unknown[]): unknown {
    return this.externs!(index, args);
  }
}

/** Calls extern `index` with the argument values (VM representations); returns the result's. */
export type ExternCaller = (index: number, args: unknown[]) => unknown;

let openExterns: (mod: BytecodeModule) => ExternCaller = () => {
  throw new RtError('FFI', 'extern functions are not available');
};
/**
 * The FFI module (src/loader/ffi.ts, koffi loaded lazily) installs itself here: the VM cannot
 * import it (imports point down the layers). Opening resolves every extern the program calls,
 * before it starts, or throws the runtime error at the failing declaration.
 */
export function setExternOpener(f: typeof openExterns): void {
  openExterns = f;
}

function layoutOf(name: string, fields: { name: string; type: string }[]): Layout {
  return { name, fieldNames: fields.map((f) => f.name), fieldKinds: fields.map((f) => kindOf(f.type)), fieldTypes: fields.map((f) => f.type) };
}

function constValue(c: Const): unknown {
  switch (c.tag) {
    case 'int': return I.canon(c.value);
    default: return c.value;
  }
}

/** Resolves a possibly negative index; out of range → runtime error. */
function index(a: BPArray, i: number | bigint): number {
  const n = Number(i);
  const k = n < 0 ? n + a.len : n;
  if (!(k >= 0 && k < a.len) || typeof i === 'bigint') throw new RtError('INDEX');
  return k;
}

function findHandler(hs: Handler[], pc: number): Handler | null {
  for (const h of hs) if (pc >= h.start && pc < h.end) return h;
  return null;
}

export function fmod(a: number, b: number): number {
  const r = a % b;
  // JS % is C fmod, except that x86's fmod by zero yields the default NaN (negative sign bit).
  return r === r ? r : negNaN(a, b, r);
}

const NEG_NAN = new Float64Array(new Uint32Array([0, 0xfff80000]).buffer)[0];
function negNaN(a: number, b: number, r: number): number {
  if (a !== a) return a;
  if (b !== b) return b;
  return NEG_NAN;
}

import { RUNTIME_ERRORS, RuntimeErrorName } from '../bytecode/runtime-errors.js';
function rtErrorName(id: number): RuntimeErrorName {
  return RUNTIME_ERRORS[id].name;
}
