// The in-process JIT tier: when the VM reports a hot function (calls) or a hot loop (back-edge
// trips), the function and every function it calls are lowered together, installed in the code
// cache, and from then on the VM calls them natively; a hot loop in a running function enters
// native code through an on-stack-replacement entry. A function that needs something the native
// tier lacks stays in the VM, and the reason is kept for `bpjit profile`.
//
// Values cross the boundary as the native ABI wants them: ints as int64 (koffi gives canonical
// numbers or BigInts back), bools as 0/1, floats as doubles, arrays of numbers as pointers to a
// small descriptor {header, length, capacity, data pointer} over the VM array's own typed
// buffer — no copying. Arrays made by native code (array_fill) are VM arrays created through a
// callback; the ones still referenced when native code returns are found again by address.
import { koffi } from '../loader/koffi.js';
import { O, instrLength } from '../bytecode/opcodes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { CodeCache, EXIT_MARK, External, bitsToFloat } from '../loader/cache.js';
import { BUILTIN_IMPLS } from '../vm/builtins.js';
import { ExitSignal, RtError } from '../vm/errors.js';
import { fmod, type FnRt, type VM } from '../vm/interp.js';
import { formatG } from '../vm/fmt-float.js';
import { RUNTIME_ERRORS } from '../bytecode/runtime-errors.js';
import { BPArray, BoolArray, FloatArray, IntArray } from '../vm/values.js';
import { split } from '../vm/int64.js';
import { BUILTINS } from '../lang/builtins.js';
import { MATH1, RT, fnSymbol } from '../native/abi.js';
import { lowerFunction, unsupportedIn } from '../native/lower.js';
import type { MachineFunction } from '../native/machine.js';

// koffi allows at most 16 MiB for the stack it runs native code on.
/** %g text of a double given by its bits (NaN sign taken from the bits themselves). */
function formatBits(bits: bigint): string {
  if ((bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n) return bits >> 63n ? '-nan' : 'nan';
  return formatG(bitsToFloat(bits));
}

/** BPJIT_JIT_LOG=1 reports compilations and on-stack replacements on stderr. */
const LOG = !!process.env.BPJIT_JIT_LOG;

const STACK_BYTES = 16 << 20;
let configured = false;

/** koffi runs native code on its own stack; make it deep enough for deep recursion, once. */
function configureKoffi(): void {
  if (configured) return;
  configured = true;
  try {
    koffi().config({ ...koffi().config(), sync_stack_size: STACK_BYTES });
  } catch {
    // koffi refuses once a library is loaded; the default stack still works, less deep.
  }
}

export interface JitOptions {
  /** Calls before a function is compiled; loops compile after 10x as many trips (1: everything at once). */
  threshold: number;
  /** Measure time spent in native code per function (bpjit profile). */
  timing?: boolean;
}

export interface TierState {
  tier: 'vm' | 'native';
  reason?: string;
  nativeMs?: number;
}

type Osr = (vm: VM, bp: number) => unknown;

export class JitTier {
  private cache: CodeCache | null = null;
  readonly states = new Map<number, TierState>();
  private readonly osrEntries = new Map<string, Osr>();
  private readonly installed = new Map<number, MachineFunction>();
  /** VM arrays native code can see during the current activation (passed in or created), by descriptor address. */
  private readonly nativeArrays = new Map<bigint, BPArray>();
  private readonly descriptors = new WeakMap<BPArray, BigInt64Array>();
  private depth = 0;

  constructor(private readonly vm: VM, private readonly mod: BytecodeModule, private readonly opts: JitOptions) {}

  /** The VM's hot hook: returns an OSR entry to run now, or null to keep interpreting. */
  onHot(fn: FnRt, loopPc: number): Osr | null {
    const st = this.states.get(fn.index);
    if (!st) {
      this.compile(fn.index);
      if (LOG) process.stderr.write(`[jit] ${fn.name}: ${this.states.get(fn.index)!.tier}${this.states.get(fn.index)!.reason ? ' (' + this.states.get(fn.index)!.reason + ')' : ''}\n`);
    }
    if (this.states.get(fn.index)?.tier !== 'native' || loopPc < 0) return null;
    if (LOG) process.stderr.write(`[jit] ${fn.name}: entering native code at the loop at pc ${loopPc}\n`);
    return this.osr(fn.index, loopPc);
  }

  // --- compilation --------------------------------------------------------------------------

  /** Why function `index` cannot go native (following its callees), or null. */
  private blocker(index: number, seen: Set<number>): string | null {
    const st = this.states.get(index);
    if (st) return st.tier === 'native' ? null : `calls ${this.mod.functions[index].name}, which stays in the VM`;
    if (seen.has(index)) return null;
    seen.add(index);
    const fn = this.mod.functions[index];
    const why = unsupportedIn(this.mod, fn, 'jit');
    if (why) return `${why.reason} (line ${why.line})`;
    for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) {
      if (fn.code[pc] !== O.call) continue;
      const callee = fn.code[pc + 2];
      const b = this.blocker(callee, seen);
      if (b) return callee === index ? b : `calls ${this.mod.functions[callee].name} (line ${fn.lines[pc]}), which stays in the VM: ${b}`;
    }
    return null;
  }

  private stayInVm(index: number, reason: string): void {
    this.states.set(index, { tier: 'vm', reason });
    this.vm.fns[index].settled = true;
  }

  private compile(index: number): void {
    const group = new Set<number>();
    const reason = this.blocker(index, group);
    if (reason) {
      this.stayInVm(index, reason);
      return;
    }
    configureKoffi();
    const cache = (this.cache ??= new CodeCache(this.externals(), STACK_BYTES));
    const todo = [...group].filter((i) => !this.installed.has(i));
    const mfs: MachineFunction[] = [];
    for (const i of todo) {
      const fn = this.mod.functions[i];
      const loops: number[] = [];
      for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) {
        const op = fn.code[pc];
        if (op === O.loop) loops.push(fn.code[pc + 1]);
        else if (op === O.forlt || op === O.forgt) loops.push(fn.code[pc + 4]);
      }
      const r = lowerFunction(this.mod, i, { target: 'jit', osr: [...new Set(loops)] });
      if (!r.ok) {
        this.stayInVm(index, `${r.why.reason} (line ${r.why.line})`);
        return;
      }
      mfs.push(r.mf);
    }
    cache.install(mfs);
    mfs.forEach((mf, k) => this.installed.set(todo[k], mf));
    for (const i of todo) {
      this.states.set(i, { tier: 'native' });
      this.vm.fns[i].native = this.wrap(i);
    }
  }

  /** The VM's entry into native function `index`: arguments go through a slot buffer. */
  private wrap(index: number): (args: unknown[]) => unknown {
    const fn = this.mod.functions[index];
    const types = fn.regTypes.slice(0, fn.arity);
    const entry = this.cache!.entry(fnSymbol(fn.name), types.map((t) => (t === 'f' ? 'f' : 'i')).join(''), 0, fn.ret === 'f');
    const slots = new ArrayBuffer(8 * Math.max(1, types.length));
    const i32 = new Int32Array(slots), f64 = new Float64Array(slots);
    const bytes = new Uint8Array(slots);
    const put = types.map((t, k): ((v: unknown) => void) => {
      if (t === 'f') return (v) => { f64[k] = v as number; };
      if (t === 'b') return (v) => { i32[2 * k] = v ? 1 : 0; i32[2 * k + 1] = 0; };
      if (t[0] === '[') return (v) => split(Number(this.nativeArray(v as BPArray)), i32, 2 * k);
      return (v) => split(v as number | bigint, i32, 2 * k);
    });
    const ret = this.result(fn.ret);
    const rt = this.vm.fns[index];
    return (args: unknown[]) => {
      for (let k = 0; k < args.length; k++) put[k](args[k]);
      return this.enter(rt, () => entry(bytes), ret);
    };
  }

  private result(desc: string): (v: unknown) => unknown {
    if (desc === 'b') return (v) => v !== 0;
    if (desc === 'f') return (v) => bitsToFloat(v as bigint);
    if (desc === 'v') return () => null;
    if (desc[0] === '[') return (v) => this.nativeArrays.get(BigInt(v as number | bigint)) ?? null;
    return (v) => v;
  }

  /** Runs native code: converts errors recorded by the native error entry into VM errors. */
  private enter(rt: FnRt, run: () => unknown, ret: (v: unknown) => unknown): unknown {
    this.depth++;
    const t0 = this.opts.timing ? process.hrtime.bigint() : 0n;
    let v: unknown;
    try {
      v = run();
    } finally {
      this.depth--;
      if (this.opts.timing) {
        const st = this.states.get(rt.index)!;
        st.nativeMs = (st.nativeMs ?? 0) + Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }
    const err = this.cache!.takeError();
    if (err) {
      this.nativeArrays.clear();
      if (err.id === EXIT_MARK) throw new ExitSignal(err.exit);
      const def = RUNTIME_ERRORS[Number(err.id)];
      throw new RtError(def.name, err.arg ? this.cache!.stringAt(err.arg) : '', this.cache!.stringAt(err.loc));
    }
    const out = ret(v);
    if (this.depth === 0) this.nativeArrays.clear();
    return out;
  }

  /** OSR entry of function `index` at loop header `pc`: loads the live VM frame into native code. */
  private osr(index: number, pc: number): Osr | null {
    const key = `${index}:${pc}`;
    let e = this.osrEntries.get(key);
    if (e) return e;
    const mf = this.installed.get(index);
    const off = mf?.osr.get(pc);
    if (!mf || off === undefined) return null;
    const fn = this.mod.functions[index];
    const entry = this.cache!.entry(mf.symbol, 'i', off, fn.ret === 'f');
    const ret = this.result(fn.ret);
    const rt = this.vm.fns[index];
    e = (vm: VM, bp: number) => {
      const n = fn.regKinds.length;
      const buf = new BigInt64Array(Math.max(1, n));
      const f64 = new Float64Array(buf.buffer);
      for (let r = 0; r < n; r++) {
        const v = vm.R[bp + r];
        const t = fn.regTypes[r];
        if (t === 'f') f64[r] = (v as number) ?? 0;
        else if (t === 'i') buf[r] = BigInt((v as number | bigint) ?? 0);
        else if (t === 'b') buf[r] = v ? 1n : 0n;
        else if (t[0] === '[' && v) buf[r] = this.nativeArray(v as BPArray);
        else if (t === 's' && typeof v === 'string') return undefined; // strings cannot enter; keep interpreting
      }
      // The entry takes a pointer to the slots; the OSR code reads them from rdi.
      const holder = new BigInt64Array([BigInt(koffi().address(buf))]);
      return this.enter(rt, () => entry(holder), ret);
    };
    this.osrEntries.set(key, e);
    return e;
  }

  // --- arrays -------------------------------------------------------------------------------

  /** The native view of a VM array: a descriptor over its typed buffer, refreshed on every entry. */
  private descriptor(a: BPArray): BigInt64Array {
    let d = this.descriptors.get(a);
    if (!d) {
      d = new BigInt64Array(4);
      this.descriptors.set(a, d);
    }
    const buf = (a as IntArray | FloatArray | BoolArray).buf;
    d[0] = 2n;
    d[1] = BigInt(a.len);
    d[2] = BigInt(a.capacity);
    d[3] = BigInt(koffi().address(buf));
    return d;
  }

  private nativeArray(a: BPArray): bigint {
    const d = this.descriptor(a);
    const addr = BigInt(koffi().address(d));
    this.nativeArrays.set(addr, a);
    return addr;
  }

  // --- runtime entry points as JS callbacks -------------------------------------------------

  private externals(): Record<string, External> {
    const vm = this.vm;
    const out = (s: string) => vm.out.write(s);
    const cache = () => this.cache!;
    const impl = (name: string) => BUILTIN_IMPLS[BUILTINS.get(name)!.id];
    const math = (name: string) => (x: number) => impl(name)(vm, [x], null) as number;
    const ext: Record<string, External> = {
      [RT.printI64]: { sig: 'i>v', fn: ((v: number | bigint) => out(String(v))) as never },
      // Printed from the bits: a NaN's sign must not depend on how V8 passes the number around.
      [RT.printF64]: { sig: 'd>v', fn: ((bits: bigint) => out(formatBits(bits))) as never },
      [RT.printBool]: { sig: 'i>v', fn: ((v: number) => out(v ? 'true' : 'false')) as never },
      [RT.printStr]: { sig: 'i>v', fn: ((p: number | bigint) => { const s = cache().stringAt(BigInt(p)); const z = s.indexOf('\0'); out(z < 0 ? s : s.slice(0, z)); }) as never },
      [RT.printSpace]: { sig: '>v', fn: (() => out(' ')) as never },
      [RT.printNewline]: { sig: '>v', fn: (() => out('\n')) as never },
      [RT.clockMs]: { sig: '>i', fn: (() => Date.now()) as never },
      [RT.sleep]: { sig: 'i>v', fn: ((ms: number) => impl('sleep')(vm, [ms], null)) as never },
      [RT.fmod]: { sig: 'ff>f', fn: fmod as never },
      [RT.pow]: { sig: 'ff>f', fn: ((x: number, y: number) => impl('fpow')(vm, [x, y], null)) as never },
      [RT.atan2]: { sig: 'ff>f', fn: ((y: number, x: number) => Math.atan2(y, x)) as never },
      bp_rt_array_fill_i: { sig: 'ii>i', fn: ((n: number, v: number | bigint) => this.nativeArray(IntArray.filled(Math.max(0, Number(n)), v))) as never },
      bp_rt_array_fill_f: { sig: 'if>i', fn: ((n: number, v: number) => this.nativeArray(FloatArray.filled(Math.max(0, Number(n)), v))) as never },
      bp_rt_array_fill_b: { sig: 'ii>i', fn: ((n: number, v: number) => this.nativeArray(BoolArray.filled(Math.max(0, Number(n)), v !== 0))) as never },
    };
    for (const [name, symbol] of Object.entries(MATH1)) ext[symbol] = { sig: 'f>f', fn: math(name) as never };
    return ext;
  }
}
