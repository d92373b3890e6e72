// The code cache of the in-process tier: installs MachineFunctions into W^X memory, resolves
// their relocations, and makes them callable from JavaScript through koffi().
//
// Layout of the region: page 0 holds runtime slots (read-write, never executable); code follows
// on pages filled while writable and then sealed read+execute. Runtime entry points the lowered
// code calls are either JS callbacks (reached through `jmp [rip+slot]` thunks, so every call
// stays a rel32 inside the region) or small native stubs generated here: the error entry,
// which records the error and unwinds straight back to the trampoline that entered native code,
// and per-function entry trampolines that save the JS side's registers and set the stack limit.
import { koffi } from './koffi.js';
import type { MachineFunction } from '../native/machine.js';
import { Assembler, GP64, XMM, eax, qword, r12, r13, r14, r15, rax, rbp, rbx, rdi, rdx, rip, rsi, rsp, sym } from '../x64/index.js';

const INT_ARG = [rdi, rsi, rdx, GP64[1], GP64[8], GP64[9]];
import type { Reloc } from '../x64/index.js';
import { PAGE, Region } from './memory.js';

/** Data slots (8 bytes each) at the start of the region. */
export const SLOT = { entryRsp: 0, stackLimit: 1, errorId: 2, errorLoc: 3, errorArg: 4, exitCode: 5, firstExternal: 8 } as const;
/** errorId value meaning "exit(n) was called". */
export const EXIT_MARK = -2n;

/**
 * A JS function callable from native code. `sig` gives its parameter and result kinds in the
 * native ABI ('i' int64 or pointer, 'f' double, 'd' double handed to JS as its raw bits, 'v' no
 * result), e.g. 'if>f'. Doubles cross the
 * koffi boundary as their bits (a thunk moves them between xmm and integer registers), because
 * converting a double to a JS number and back may lose the sign of a NaN.
 */
export interface External {
  sig: string;
  fn: (...args: never[]) => unknown;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
export const bitsToFloat = (b: number | bigint): number => { u64[0] = BigInt.asUintN(64, BigInt(b)); return f64[0]; };
export const floatToBits = (x: number): bigint => { f64[0] = x; return u64[0]; };

/** An external's signature: parameter and result kinds, and how many go in integer and xmm registers. */
function sigShape(sig: string): { params: string; ret: string; ints: number; floats: number } {
  const [params, ret] = sig.split('>');
  const ints = [...params].filter((k) => k === 'i').length;
  return { params, ret, ints, floats: params.length - ints };
}

/** koffi type names are process-wide, so callback types are made once per signature. */
const callbackTypes = new Map<string, unknown>();
function callbackType(decl: string): unknown {
  let t = callbackTypes.get(decl);
  if (!t) callbackTypes.set(decl, t = koffi().pointer(koffi().proto(decl.replace('%s', `bp_callback_${callbackTypes.size}`))));
  return t;
}

export class CodeCache {
  private readonly region: Region;
  readonly slots: BigInt64Array;
  private readonly symbols = new Map<string, bigint>();
  private readonly dataSymbols = new Map<string, bigint>();
  private next: number;
  private readonly keep: unknown[] = [];
  /** Externals whose JS callback is made when the first code that calls them is installed. */
  private readonly lazy = new Map<string, { ext: External; slot: number }>();

  /** `stackBytes`: usable native stack (the trampoline sets the limit that far below its frame). */
  constructor(externals: Record<string, External>, private readonly stackBytes: number, size = 256 << 20) {
    this.region = new Region(size);
    this.region.protect(0, PAGE, 'rw');
    const page0 = this.region.bytes(PAGE);
    this.slots = new BigInt64Array(page0.buffer, page0.byteOffset, PAGE / 8);
    this.next = PAGE;
    this.slots[SLOT.errorId] = -1n;
    this.dataSymbols.set('bp_rt_stack_limit', this.region.base + BigInt(8 * SLOT.stackLimit));
    let slot: number = SLOT.firstExternal;
    const a = new Assembler();
    for (const [name, ext] of Object.entries(externals)) {
      const { ret, ints, floats } = sigShape(ext.sig);
      this.lazy.set(name, { ext, slot });
      this.dataSymbols.set(`$slot${slot}`, this.region.base + BigInt(8 * slot));
      const l = a.newLabel();
      a.bind(l);
      if (floats === 0 && ret !== 'f') a.jmp(qword(rip(sym(`$slot${slot}`))));
      else {
        // Float arguments move to the next integer registers as bits, the result comes back so.
        a.sub(rsp, 8);
        for (let k = 0; k < floats; k++) a.movq(INT_ARG[ints + k], XMM[k]);
        a.call(qword(rip(sym(`$slot${slot}`))));
        if (ret === 'f') a.movq(XMM[0], rax);
        a.add(rsp, 8);
        a.ret();
      }
      this.pending.set(name, l);
      slot++;
    }
    // bp_rt_error(edi = id, rsi = location string, rdx = argument string): record and unwind.
    const error = a.newLabel(), unwind = a.newLabel(), exit = a.newLabel();
    a.bind(error);
    a.mov(qword(rip(sym('$errorId'))), rdi);
    a.mov(qword(rip(sym('$errorLoc'))), rsi);
    a.mov(qword(rip(sym('$errorArg'))), rdx);
    a.bind(unwind);
    a.mov(rsp, qword(rip(sym('$entryRsp'))));
    for (const g of [r15, r14, r13, r12, rbx]) a.pop(g);
    a.pop(rbp);
    a.ret();
    // bp_rt_exit(edi = status): like an error, with the status kept for the VM.
    a.bind(exit);
    a.mov(qword(rip(sym('$exitCode'))), rdi);
    a.mov(rax, EXIT_MARK);
    a.mov(qword(rip(sym('$errorId'))), rax);
    a.jmp(unwind);
    this.pending.set('bp_rt_error', error);
    this.pending.set('bp_rt_exit', exit);
    for (const [n, s] of Object.entries({ $errorId: SLOT.errorId, $errorLoc: SLOT.errorLoc, $errorArg: SLOT.errorArg, $entryRsp: SLOT.entryRsp, $exitCode: SLOT.exitCode })) {
      this.dataSymbols.set(n, this.region.base + BigInt(8 * s));
    }
    const mc = a.finish();
    const at = this.place(mc.bytes, mc.relocs, 'runtime stubs');
    for (const [name, l] of this.pending) this.symbols.set(name, at + BigInt(mc.labelOffset(l)));
    this.pending.clear();
    void eax;
  }

  private readonly pending = new Map<string, ReturnType<Assembler['newLabel']>>();

  /** Address of a symbol known to the cache (installed code, stubs, data slots). */
  address(name: string): bigint | undefined {
    return this.symbols.get(name) ?? this.dataSymbols.get(name);
  }

  has(name: string): boolean {
    return this.symbols.has(name);
  }

  /** Installs functions (which may call each other and anything installed before). */
  install(mfs: MachineFunction[]): void {
    const offsets: number[] = [];
    let size = 0;
    for (const mf of mfs) {
      size = (size + 15) & ~15;
      offsets.push(size);
      size += mf.code.length;
    }
    const buf = new Uint8Array(size);
    const relocs: Reloc[] = [];
    mfs.forEach((mf, i) => {
      buf.set(mf.code, offsets[i]);
      for (const r of mf.relocs) relocs.push({ ...r, offset: r.offset + offsets[i] });
    });
    const base = this.region.base + BigInt(this.next);
    mfs.forEach((mf, i) => this.symbols.set(mf.symbol, base + BigInt(offsets[i])));
    this.place(buf, relocs, mfs.map((m) => m.name).join(', '));
  }

  /**
   * Makes the koffi callback behind an external's thunk and stores it in the thunk's slot.
   * Registering every external up front took 20+ ms, most of the first compile's cost.
   */
  private register(name: string): void {
    const e = this.lazy.get(name);
    if (!e) return;
    this.lazy.delete(name);
    const { params, ret, ints, floats } = sigShape(e.ext.sig);
    // Integer arguments keep their registers; doubles follow them as bits.
    const order = [...params].map((k, i) => ({ k, i })).sort((x, y) => (x.k === y.k ? x.i - y.i : x.k === 'i' ? -1 : 1)).map((x) => x.i);
    const proto = callbackType(`${ret === 'v' ? 'void' : ret === 'f' ? 'uint64_t' : 'int64_t'} %s(${[...Array(ints).fill('int64_t'), ...Array(floats).fill('uint64_t')].join(', ') || 'void'})`);
    const fn = e.ext.fn as (...a: unknown[]) => unknown;
    const wrapped = (...raw: unknown[]) => {
      const args: unknown[] = new Array(params.length);
      order.forEach((declared, k) => {
        const p = params[declared];
        args[declared] = p === 'f' ? bitsToFloat(raw[k] as bigint) : p === 'd' ? BigInt.asUintN(64, BigInt(raw[k] as bigint)) : raw[k];
      });
      const r = fn(...args);
      return ret === 'f' ? floatToBits(r as number) : r;
    };
    const cb = koffi().register(wrapped as never, proto as never);
    this.keep.push(cb);
    this.slots[e.slot] = BigInt(koffi().address(cb));
  }

  /** Copies code into fresh pages, applies relocations, seals the pages; returns the address. */
  private place(code: Uint8Array, relocs: Reloc[], what: string): bigint {
    const start = this.next;
    const len = Math.ceil(Math.max(1, code.length) / PAGE) * PAGE;
    if (start + len > this.region.size) throw new Error('code cache full');
    const base = this.region.base + BigInt(start);
    const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
    for (const r of relocs) {
      this.register(r.symbol);
      const s = this.address(r.symbol);
      if (s === undefined) throw new Error(`unresolved symbol '${r.symbol}' in ${what}`);
      const p = base + BigInt(r.offset);
      if (r.type === 'R_X86_64_64') view.setBigInt64(r.offset, s + BigInt(r.addend), true);
      else {
        const v = s + BigInt(r.addend) - p;
        if (v < -(1n << 31n) || v >= 1n << 31n) throw new Error(`relocation out of range for '${r.symbol}'`);
        view.setInt32(r.offset, Number(v), true);
      }
    }
    this.region.protect(start, len, 'rw');
    this.region.bytes(start + len).set(code, start);
    this.region.protect(start, len, 'rx');
    this.next = start + len;
    return base;
  }

  /**
   * Generates and installs an entry trampoline for `target`: it takes one pointer to 8-byte
   * argument slots (`params` gives each one's kind, 'i' or 'f'), loads them into the System V
   * argument registers or the stack, records the stack position the error entry unwinds to and
   * the stack limit, and calls. A double result comes back as its bits in rax. Arguments travel
   * through memory because koffi's conversion of a JS number to a double loses a NaN's sign.
   */
  entry(target: string, params: string, offset = 0, floatResult = false): (args: Uint8Array | BigInt64Array) => unknown {
    const a = new Assembler();
    a.push(rbp);
    a.mov(rbp, rsp);
    for (const g of [rbx, r12, r13, r14, r15]) a.push(g);
    const ints: number[] = [], floats: number[] = [], stack: number[] = [];
    [...params].forEach((k, i) => {
      if (k === 'f') (floats.length < 8 ? floats : stack).push(i);
      else (ints.length < 6 ? ints : stack).push(i);
    });
    // The error entry unwinds to this point: it restores rsp from $entryRsp and pops.
    a.mov(qword(rip(sym('$entryRsp'))), rsp);
    // After the six pushes rsp is 8 mod 16; keep it 16-aligned at the call with the stack arguments.
    if (stack.length % 2 === 0) a.sub(rsp, 8);
    a.mov(GP64[11], rdi);
    for (const i of [...stack].reverse()) a.push(qword(GP64[11], 8 * i));
    a.lea(rax, qword(rsp, -(this.stackBytes - (256 << 10))));
    a.mov(qword(rip(sym('bp_rt_stack_limit'))), rax);
    floats.forEach((i, k) => a.movsd(XMM[k], qword(GP64[11], 8 * i)));
    ints.forEach((i, k) => a.mov(INT_ARG[k], qword(GP64[11], 8 * i)));
    a.call(sym(target, offset));
    if (floatResult) a.movq(rax, XMM[0]);
    a.mov(rsp, qword(rip(sym('$entryRsp'))));
    for (const g of [r15, r14, r13, r12, rbx]) a.pop(g);
    a.pop(rbp);
    a.ret();
    const mc = a.finish();
    const at = this.place(mc.bytes, mc.relocs, `entry of ${target}`);
    const proto = `${floatResult ? 'uint64_t' : 'int64_t'} entry_${at.toString(16)}(void *)`;
    return koffi().decode(this.region.ptr, Number(at - this.region.base), koffi().proto(proto)) as (args: Uint8Array | BigInt64Array) => unknown;
  }

  /** The bytes of a static string object in the cache (error locations, printed constants). */
  stringAt(addr: bigint): string {
    const off = Number(addr - this.region.base);
    const len = Number(new DataView(this.region.bytes(off + 16).buffer).getBigInt64(off + 8, true));
    const b = this.region.bytes(off + 16 + len);
    return Buffer.from(b.buffer, b.byteOffset + off + 16, len).toString('latin1');
  }

  /** Takes (and clears) the pending error: [id, location, argument] or null. */
  takeError(): { id: bigint; loc: bigint; arg: bigint; exit: number } | null {
    const id = this.slots[SLOT.errorId];
    if (id === -1n) return null;
    this.slots[SLOT.errorId] = -1n;
    return { id, loc: this.slots[SLOT.errorLoc], arg: this.slots[SLOT.errorArg], exit: Number(BigInt.asUintN(8, this.slots[SLOT.exitCode])) };
  }

  get used(): number {
    return this.next;
  }
}

export { rdx, rsi };
