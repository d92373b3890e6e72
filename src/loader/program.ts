// A program loaded into the in-process tier's address space: the runtime object and the native
// interpreter, then the program's tables — FnInfo records and interpreter code per function,
// the constant table, trampolines, stubs for the instructions the interpreter hands over, the
// globals and the data the runtime reads (handlers, layouts, vtables) — and the state that
// makes the runtime a guest of this process (its stack, argv, environment, and the exit and
// error hooks that bring control back here). Everything runs on one heap: the runtime's.
import path from 'node:path';
import { OPS, instrLength } from '../bytecode/opcodes.js';
import { calledExterns, type BytecodeModule, type BcFunction } from '../bytecode/module.js';
import { Kind } from '../bytecode/opcodes.js';
import { STACK_BYTES, STACK_GUARD, STACK_MARGIN, interpFrameBytes } from '../bytecode/limits.js';
import type { InputSection } from '../elf/index.js';
import { ERR, TAIL_TRIPS, externSlot, fnSymbol } from '../native/abi.js';
import { HEAP_BLOCK_SHIFT, STATIC_STR_HEADER, STR } from '../native/heap.js';
import { CALLBACK, END, FN, FRAME, NEVER, SCALE, SITE, SYM, TRAMP_SIZE, profSymbol } from '../native/interp/layout.js';
import { SAMPLING_STATE_BYTES } from '../native/interp/sampling.js';
import { handlerOf } from '../native/interp/handlers.js';
import { lowerFunction, unsupportedIn } from '../native/lower.js';
import type { MachineFunction, Unsupported } from '../native/machine.js';
import { HANDLER_ROW, globalsArea, mainFunction, structLayouts, vtables, type Blob } from '../native/program.js';
import { extend, planStubs, type StubPlan } from '../native/stubs.js';
import { koffi } from './koffi.js';
import { resolveExterns } from './ffi.js';
import { CODE_BYTES, NativeSpace } from './space.js';
import { nativeProfile, type ProfileSource } from './samples.js';
import type { ProfileData, Tier } from '../profile/data.js';
import { nativeImage, type NativeImage } from './image.js';
import { unmap, type Region } from './memory.js';
import { nativeTraceback, type NativeError, type PlacedCode } from './traceback.js';
import { PerfWriter, perfFromEnv } from './perf.js';


export interface Ending {
  kind: 'returned' | 'exit' | 'error';
  /** Exit status (returned: the entry's result bits; exit: the status). */
  status: bigint;
  /** `location`: where an error found before the program started is (no traceback then). */
  error?: NativeError & { arg: string | null; location?: string | null };
}

/** Why a program cannot run in the in-process tier (it runs on the TypeScript VM instead). */
export class NotNative extends Error {
  constructor(readonly why: Unsupported & { fn: string }) {
    super(`${why.fn}: ${why.reason} (line ${why.line})`);
  }
}

let protos: { callback: unknown; enter: unknown; sampling: unknown } | null = null;

/** Bytes for stack samples: a minute of a deep stack at the sampling interval. */
const SAMPLE_BUFFER = 64 << 20;
/** The sampling interval. */
const SAMPLE_INTERVAL_NS = 1_000_000;

export class NativeProgram {
  readonly space = new NativeSpace();
  private readonly infos: bigint[] = [];
  private readonly codeAt: bigint[] = [];
  private handlerRows = 0;
  private readonly handlerCapacity: number;
  private readonly interp: NativeImage['interp'];
  private stack: Region | null = null;
  private stackTop = 0n;
  /** Where code is named for perf (BPJIT_PERF=1, --perf-map). */
  private readonly perf: PerfWriter | null;
  /** Compiled functions and stubs placed so far, by address (for tracebacks). */
  private readonly placed = new PlacedCodeMap();
  private callbackKeep: unknown = null;
  /** How long the last run took (ms). */
  private runMs = 0;
  /** Where a run's stack samples start (bpjit profile). */
  private samples = 0n;
  /** Function symbol → the symbol of its compiled code. */
  private readonly compiledSymbols = new Map<string, string>();
  /** The stubs' module, the stub of each site, and each stub's site records (see lowerStub). */
  private stubSites: { ext: BytecodeModule; stubOfSite: number[]; sitesOf: bigint[][] } | null = null;

  /**
   * `threshold`: calls before a function is hot (loops: 10x; null: never, the interpreter alone).
   * `hot` is the compiler's entry (see src/jit/tier.ts); it answers a loop with an OSR address.
   * `counting`: count every call, branch, loop trip and call site and sample the stack (profile).
   * `perf`: name the code for perf (perf.ts; also BPJIT_PERF=1).
   */
  constructor(readonly mod: BytecodeModule, readonly threshold: number | null, private readonly hot: (reason: number, index: number, pc: number) => bigint,
    readonly counting = false, perf = perfFromEnv()) {
    const s = this.space;
    this.perf = perf ? new PerfWriter((addr, size) => s.readAny(addr, size)) : null;
    const image = nativeImage();
    this.interp = image.interp;
    s.reserveImage(image);
    const n = mod.functions.length;
    const table = (name: string, bytes: number) => { const a = s.alloc(bytes, 16); s.define(name, a); return a; };
    table(SYM.infos, 8 * n);
    table(SYM.ieTable, 8 * n);
    table(SYM.sysvTable, 8 * n);
    table(SYM.consts, 8 * Math.max(1, mod.consts.length));
    table(SYM.osrRegs, mod.functions.reduce((k, f) => Math.max(k, interpFrameBytes(f.regKinds.length) - 32), 16));
    table(SYM.callback, 8);
    table(SYM.entryRsp, 8);
    table(SYM.end, 8 * END.slots);
    for (const name of [SYM.dispatch, SYM.dispatchCounting]) table(name, 8 * OPS.length);
    for (const name of [SYM.dispatchActive, SYM.enterActive, SYM.samplePos, SYM.sampleEnd, SYM.sampleDropped]) table(name, 8);
    table(SYM.samplingState, SAMPLING_STATE_BYTES);
    // (the runtime's own traceback is not used in-process: tracebacks are walked from here)
    table('bp_line_table', 8);
    for (const i of calledExterns(mod)) table(externSlot(i), 8);
    const plan = planStubs(mod, (op) => handlerOf(op) !== null);
    table(SYM.sites, 8 * Math.max(1, plan.sites.reduce((k, m) => k + m.size, 0)));
    this.handlerCapacity = 1 + mod.functions.reduce((k, f) => k + f.handlers.length, 0);
    const handlers = table('bp_handlers_count', 8 + HANDLER_ROW.size * this.handlerCapacity);
    s.define('bp_handlers', handlers + 8n);
    this.placeBlobs(globalsArea(mod));
    this.trampolines();
    this.placeBlobs([...mainFunction(mod, false), structLayouts(mod), vtables(mod, new Set(mod.functions.map((f) => fnSymbol(f.name))))]);
    s.fillImage(image);
    this.perf?.image(image, s.base);
    this.constants();
    const code = s.address('bp_interp_code');
    for (const [name, offsets] of [[SYM.dispatch, this.interp.handlers], [SYM.dispatchCounting, this.interp.countingHandlers]] as const) {
      offsets.forEach((off, op) => s.u64(s.address(name) + BigInt(8 * op), code + BigInt(off)));
    }
    s.u64(s.address(SYM.dispatchActive), s.address(counting ? SYM.dispatchCounting : SYM.dispatch));
    s.u64(s.address(SYM.enterActive), this.interpEntry);
    if (counting) {
      const buf = s.scratch(SAMPLE_BUFFER);
      s.u64(s.address(SYM.samplePos), buf);
      s.u64(s.address(SYM.sampleEnd), buf + BigInt(SAMPLE_BUFFER));
      this.samples = buf;
    }
    // The interpreter's own frames: one row of the handler table (see bp_interp_catch).
    this.addHandlerRow(code + BigInt(this.interp.frames[0]), code + BigInt(this.interp.frames[1]), s.address('bp_interp_catch'), -16);
    const stubs = this.stubs(plan);
    mod.functions.forEach((fn, i) => this.function(fn, i, stubs.get(i)!));
  }

  // --- set-up -------------------------------------------------------------------------------

  private placeBlobs(blobs: Blob[]): void {
    const sections = blobs.map(sectionOf);
    const at = this.space.place(sections);
    this.perf?.code(sections.filter((s) => s.kind === 'text').map((s) => ({ name: s.symbols[0].name, addr: at.get(s)!, size: s.size })));
  }

  /** Per function: `mov r11d, index; jmp [sysv table + 8*index]` (closures, vtables, calls). */
  private trampolines(): void {
    const n = this.mod.functions.length;
    const bytes = new Uint8Array(TRAMP_SIZE * Math.max(1, n)).fill(0xcc);
    const relocs: InputSection['relocs'] = [];
    const symbols: InputSection['symbols'] = [];
    const v = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      const at = TRAMP_SIZE * i;
      bytes.set([0x41, 0xbb], at);
      v.setInt32(at + 2, i, true);
      bytes.set([0xff, 0x25], at + 6);
      relocs.push({ offset: at + 8, type: 'R_X86_64_PC32', target: { symbol: SYM.sysvTable }, addend: 8 * i - 4 });
      symbols.push({ name: fnSymbol(this.mod.functions[i].name), offset: at, size: TRAMP_SIZE, type: 'func', global: true });
    }
    symbols.push({ name: SYM.tramps, offset: 0, size: 0, type: 'func', global: true });
    const section: InputSection = { name: '.text.tramps', kind: 'text', align: 16, data: bytes, size: bytes.length, relocs, symbols, origin: 'bpjit' };
    const at = this.space.place([section]).get(section)!;
    this.perf?.code(this.mod.functions.map((f, i) => ({ name: `trampoline.${f.name}`, addr: at + BigInt(TRAMP_SIZE * i), size: TRAMP_SIZE })));
  }

  /** The constant table: ints and floats as their bits, strings as static string objects. */
  private constants(): void {
    const s = this.space;
    const table = s.address(SYM.consts);
    this.mod.consts.forEach((c, i) => {
      let v = 0n;
      if (c.tag === 'int') v = c.value;
      else if (c.tag === 'float') { const f = new Float64Array([c.value]); v = new BigUint64Array(f.buffer)[0]; }
      else if (c.tag === 'str') v = this.staticString(c.value);
      s.u64(table + BigInt(8 * i), v);
    });
  }

  staticString(text: string): bigint {
    const bytes = Buffer.from(text, 'latin1');
    const at = this.space.alloc(STR.data + bytes.length + 1, 8);
    this.space.u64(at, STATIC_STR_HEADER);
    this.space.u64(at + BigInt(STR.len), BigInt(bytes.length));
    this.space.write(at + BigInt(STR.data), bytes);
    return at;
  }

  /** Stubs for the instructions without a handler, lowered with the program's own lowering. */
  private stubs(plan: StubPlan): Map<number, Map<number, bigint>> {
    const s = this.space;
    const ext = extend(this.mod, plan);
    // Stubs are lowered when first needed (see lowerStub), but whether they can be is known now:
    // a program the native tier cannot finish does not start in it.
    plan.functions.forEach((fn, k) => {
      const why = unsupportedIn(ext, fn);
      if (why) throw new NotNative({ ...why, fn: this.owner(plan, k) });
    });
    const stubs = { ext, stubOfSite: [] as number[], sitesOf: plan.functions.map((): bigint[] => []) };
    this.stubSites = stubs;
    // Site records, by (function, pc): the address the interpreter code's word 1 indexes.
    const records: bigint[] = [];
    const out = new Map<number, Map<number, bigint>>();
    plan.sites.forEach((sites, i) => {
      const fn = this.mod.functions[i];
      const m = new Map<number, bigint>();
      for (const [pc, site] of sites) {
        const rec = s.alloc(SITE.args + 4 * site.args.length, 8);
        stubs.sitesOf[site.stub].push(rec);
        stubs.stubOfSite.push(site.stub);
        s.i32(rec + BigInt(SITE.dest), site.dest < 0 ? -1 : 8 * site.dest);
        s.i32(rec + BigInt(SITE.nargs), site.args.length);
        s.i32(rec + BigInt(SITE.length), 4 * instrLength(fn.code, pc));
        site.args.forEach((r, k) => s.i32(rec + BigInt(SITE.args + 4 * k), 8 * r));
        m.set(pc, BigInt(records.length));
        records.push(rec);
      }
      out.set(i, m);
    });
    const table = s.address(SYM.sites);
    records.forEach((r, k) => s.u64(table + BigInt(8 * k), r));
    return out;
  }

  /** Lowers the stub of `site` and points all its sites at it (asked at a site's first run). */
  private lowerStub(site: number): bigint {
    const { ext, stubOfSite, sitesOf } = this.stubSites!;
    const s = this.space;
    const k = stubOfSite[site];
    const r = lowerFunction(ext, this.mod.functions.length + k, { interpEntry: 'args', dynamicLocation: true });
    if (!r.ok) throw new Error(`stub ${k}: ${r.why.reason}`);
    const start = s.placeCode(r.mf.symbol, r.mf.code, r.mf.relocs);
    this.placed.add({ kind: 'stub', index: k, at: Number(start), mf: r.mf });
    this.perf?.code([{ name: `stub.${OPS[ext.functions[this.mod.functions.length + k].code[0]].name}`, addr: start, size: r.mf.code.length }]);
    const entry = start + BigInt(r.mf.interpEntry!);
    for (const at of sitesOf[k]) s.u64(at + BigInt(SITE.entry), entry);
    return entry;
  }

  private owner(plan: StubPlan, stub: number): string {
    const i = plan.sites.findIndex((m) => [...m.values()].some((site) => site.stub === stub));
    return this.mod.functions[i]?.name ?? '?';
  }

  /** FnInfo, interpreter code, argument kinds and handler table of function `index`. */
  private function(fn: BcFunction, index: number, sites: Map<number, bigint>): void {
    const s = this.space;
    const code = s.alloc(4 * fn.code.length, 16);
    const words = interpreterCode(fn, sites);
    s.write(code, new Uint8Array(words.buffer));
    const info = s.alloc(FN.size, 64);
    const kinds = s.alloc(Math.max(1, fn.arity), 8);
    for (let r = 0; r < fn.arity; r++) s.write(kinds + BigInt(r), Uint8Array.of(fn.regKinds[r] === Kind.Float ? 1 : 0));
    // calls, then a counter per code word (FN.prof); compiled code counts into them by symbol
    const prof = s.alloc(8 * (1 + fn.code.length), 8);
    s.define(profSymbol(index), prof);
    s.u64(info + BigInt(FN.prof), prof);
    s.u64(info + BigInt(FN.profBias), prof + 8n - 2n * code);
    const handlers = s.alloc(16 * Math.max(1, fn.handlers.length), 8);
    fn.handlers.forEach((h, k) => {
      const at = handlers + BigInt(16 * k);
      s.i32(at, 4 * h.start);
      s.i32(at + 4n, 4 * h.end);
      s.i32(at + 8n, 4 * h.target);
      s.i32(at + 12n, h.reg < 0 ? -1 : 8 * h.reg);
    });
    const hot = this.threshold === null ? NEVER : this.threshold;
    s.u64(info + BigInt(FN.code), code);
    s.i32(info + BigInt(FN.calls), hot);
    s.i32(info + BigInt(FN.loops), this.threshold === null ? NEVER : this.threshold <= 1 ? 1 : 10 * this.threshold);
    s.i32(info + BigInt(FN.index), index);
    s.i32(info + BigInt(FN.nargs), fn.arity);
    s.i32(info + BigInt(FN.ncaps), fn.ncaps);
    s.i32(info + BigInt(FN.frame), interpFrameBytes(fn.regKinds.length) - 32);
    s.u64(info + BigInt(FN.handlers), handlers);
    s.i32(info + BigInt(FN.nhandlers), fn.handlers.length);
    s.u64(info + BigInt(FN.kinds), kinds);
    s.u64(s.address(SYM.infos) + BigInt(8 * index), info);
    s.u64(s.address(SYM.ieTable) + BigInt(8 * index), this.interpEntry);
    s.u64(s.address(SYM.sysvTable) + BigInt(8 * index), s.address('bp_interp_from_sysv'));
    this.infos.push(info);
    this.codeAt.push(code);
  }

  addHandlerRow(start: bigint, end: bigint, entry: bigint, rspOffset: number): void {
    if (this.handlerRows >= this.handlerCapacity) throw new Error('handler table full');
    const s = this.space;
    const row = s.address('bp_handlers') + BigInt(HANDLER_ROW.size * this.handlerRows);
    s.u64(row + BigInt(HANDLER_ROW.start), start);
    s.u64(row + BigInt(HANDLER_ROW.end), end);
    s.u64(row + BigInt(HANDLER_ROW.entry), entry);
    s.u64(row + BigInt(HANDLER_ROW.rspOffset), BigInt(rspOffset));
    s.u64(s.address('bp_handlers_count'), BigInt(++this.handlerRows));
  }

  // --- the compiler's view ------------------------------------------------------------------

  info(index: number): bigint { return this.infos[index]; }

  /** The interpreter's entry: the counting one when profiling. */
  private get interpEntry(): bigint {
    return this.space.address(this.counting ? 'bp_interp_enter_counting' : 'bp_interp_enter');
  }
  code(index: number): bigint { return this.codeAt[index]; }

  /**
   * Installs compiled function `index`: calls in both conventions now reach it. Its calls of
   * itself and of functions already compiled go straight there; the others through their
   * trampolines (and so to whatever runs them when the call happens).
   */
  install(index: number, mf: MachineFunction): bigint {
    const s = this.space;
    const own = `${mf.symbol}$jit`;
    this.compiledSymbols.set(mf.symbol, own);
    // Calls and jumps (rel32 after an E8/E9 opcode) of compiled functions go straight there; any
    // other reference — a closure or function value made here (`lea`) — keeps the trampoline: the
    // interpreter knows a function value by its trampoline's address (a closure of a compiled
    // lambda, returned to an interpreted caller and called there, was a SIGSEGV).
    const direct = (offset: number) => mf.code[offset - 1] === 0xe8 || mf.code[offset - 1] === 0xe9;
    const relocs = mf.relocs.map((r) => ({ ...r, symbol: (direct(r.offset) && this.compiledSymbols.get(r.symbol)) || r.symbol }));
    const at = s.placeCode(own, mf.code, relocs);
    this.placed.add({ kind: 'compiled', index, at: Number(at), mf });
    const fn = this.mod.functions[index];
    this.perf?.code([{ name: fn.name, addr: at, size: mf.code.length, lines: mf.lines, file: path.resolve(this.mod.files[fn.file]) }]);
    for (const h of mf.handlers) this.addHandlerRow(at + BigInt(h.start), at + BigInt(h.end), at + BigInt(h.entry), h.rspOffset);
    s.u64(s.address(SYM.sysvTable) + BigInt(8 * index), at);
    s.u64(s.address(SYM.ieTable) + BigInt(8 * index), at + BigInt(mf.interpEntry!));
    return at;
  }

  setCounters(index: number, calls: number, loops: number): void {
    this.space.i32(this.infos[index] + BigInt(FN.calls), calls);
    this.space.i32(this.infos[index] + BigInt(FN.loops), loops);
  }

  // --- running ------------------------------------------------------------------------------

  /** Runs the program with `args` (argv() sees them); returns how it ended. */
  run(args: string[], programName: string): Ending {
    const s = this.space;
    // The libraries of the extern functions first: a failure ends the run before it starts.
    const externs = resolveExterns(this.mod);
    if ('failure' in externs) {
      const { where, message } = externs.failure;
      return { kind: 'error', status: 1n, error: { id: ERR.FFI, location: where, arg: message, loc: 0n, rbp: 0n, ret: 0n, tailTrips: 0 } };
    }
    for (const [i, addr] of externs.addresses) s.u64(s.address(externSlot(i)), addr);
    this.guestState(args, programName);
    const k = koffi();
    // (koffi's type names are process-wide: the prototypes are made once)
    protos ??= { callback: k.pointer(k.proto('int64_t bp_callback(int64_t, int64_t, int64_t)')), enter: k.proto('int64_t bp_enter(uint64_t, uint64_t)'), sampling: k.proto('int64_t bp_sampling(int64_t)') };
    this.callbackKeep = k.register((reason: number | bigint, index: number | bigint, arg: number | bigint) =>
      (Number(reason) === CALLBACK.stub ? this.lowerStub(Number(arg)) : this.hot(Number(reason), Number(index), Number(arg))), protos.callback as never);
    s.u64(s.address(SYM.callback), BigInt(k.address(this.callbackKeep) as number | bigint));
    const enter = k.decode(s.region.ptr, Number(s.address('bp_native_enter') - s.base), protos.enter as never) as (f: bigint, top: bigint) => number | bigint;
    const sampling = this.counting ? k.decode(s.region.ptr, Number(s.address('bp_native_sampling') - s.base), protos.sampling as never) as (ns: number) => unknown : null;
    // (hrtime: the first performance.now() loads perf_hooks, 2 ms of every run)
    const t0 = process.hrtime.bigint();
    sampling?.(SAMPLE_INTERVAL_NS);
    const rax = BigInt(enter(s.address('bp_main'), this.stackTop));
    sampling?.(0);
    this.runMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const end = (slot: number) => s.readU64(s.address(SYM.end) + BigInt(8 * slot));
    // (the exit and error hooks flush; a return from main leaves the output buffered, and a
    // failed write there ends the program through a hook too)
    if (Number(end(END.kind)) === 0) enter(s.address('bp_rt_flush'), this.stackTop);
    const kind = Number(end(END.kind));
    k.unregister(this.callbackKeep as never);
    if (kind === 0) return { kind: 'returned', status: rax };
    if (kind === 1) return { kind: 'exit', status: end(END.status) };
    const arg = end(END.arg);
    return {
      kind: 'error', status: 1n,
      error: { id: Number(end(END.id)), loc: end(END.loc), arg: arg ? this.stringAt(arg) : null, rbp: end(END.rbp), ret: end(END.ret), tailTrips: this.takeTailTrips() },
    };
  }

  /** What a self-call loop's overflow left for the traceback (and 0 for the next error). */
  private takeTailTrips(): number {
    const at = this.space.address(TAIL_TRIPS), trips = this.space.readU64(at);
    this.space.u64(at, 0n);
    return Number(trips);
  }

  /** The traceback of a native error and its location (see traceback.ts). */
  traceback(e: NativeError): { text: string; location: string | null } {
    const code = Number(this.space.address('bp_interp_code'));
    return nativeTraceback({
      mod: this.mod, stack: this.stack!, interp: [code + this.interp.frames[0], code + this.interp.frames[1]], runtime: [Number(this.space.base), code],
      fnOfInfo: (info) => this.infos.indexOf(BigInt(info)), // (once per distinct frame)
      interpCode: (i) => Number(this.codeAt[i]),
      codeAt: (addr) => this.placed.find(addr),
      stringAt: (addr) => this.stringAt(addr),
    }, e);
  }

  /**
   * The run's profile: counts and samples (`counting` only). `tiers` says where each function
   * ran; `reason` is given to the ones never compiled.
   */
  profile(tiers: Map<number, { tier: Tier; reason?: string }>, program: string, mode: Tier): ProfileData {
    const s = this.space;
    const image = nativeImage();
    const code = s.address('bp_interp_code');
    const frames = [code + BigInt(this.interp.frames[0]), code + BigInt(this.interp.frames[1])];
    // the runtime's functions, by address (each runs to the next symbol)
    const runtime = Object.entries(image.symbols).filter(([, [area]]) => area === 'code').map(([name, [, off]]) => ({ name, at: s.base + BigInt(off) }))
      .sort((x, y) => (x.at < y.at ? -1 : 1));
    const imageEnd = s.base + BigInt(image.code.length);
    const infoIndex = new Map(this.infos.map((info, i) => [info, i]));
    const src: ProfileSource = {
      mod: this.mod,
      counters: () => this.mod.functions.map((fn, i) => {
        const words = new BigUint64Array(s.readAny(s.address(profSymbol(i)), 8 * (1 + fn.code.length)).buffer);
        // (the calls the program makes: bp_main's calls of the initialiser and the entry are not its)
        const outside = i === this.mod.entry || i === this.mod.init ? 1 : 0;
        return { calls: Number(words[0]) - outside, prof: Float64Array.from(words.subarray(1), Number) };
      }),
      sampleWords: () => {
        const end = s.readU64(s.address(SYM.samplePos));
        return new BigUint64Array(s.readAny(this.samples, Number(end - this.samples)).buffer);
      },
      classify: (addr) => {
        if (addr >= frames[0] && addr < frames[1]) return { kind: 'interp' };
        const placed = this.placed.find(Number(addr));
        if (placed) return placed;
        if (addr >= s.base && addr < imageEnd && addr < code) {
          let lo = 0, hi = runtime.length - 1;
          while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (runtime[mid].at <= addr) lo = mid; else hi = mid - 1; }
          return runtime[lo] && runtime[lo].at <= addr ? { kind: 'runtime', name: runtime[lo].name } : { kind: 'glue' };
        }
        return addr >= s.base && addr < s.base + BigInt(CODE_BYTES) ? { kind: 'glue' } : { kind: 'outside' };
      },
      interpAt: (info, pcAddr) => {
        const index = infoIndex.get(info);
        if (index === undefined || pcAddr === 0n) return null;
        const pc = Number(pcAddr - this.codeAt[index]) / 4;
        return pc >= 0 && pc < this.mod.functions[index].code.length ? { index, pc } : null;
      },
    };
    return nativeProfile(src, program, mode, tiers, this.runMs);
  }

  /** A 64-bit counter of the runtime's (its data symbol). */
  runtimeCounter(name: string): bigint {
    return this.space.readU64(this.space.address(name));
  }

  /** Gives back the memory of the program, its stack and the runtime's heap. */
  dispose(): void {
    const s = this.space;
    const heap = s.readU64(s.address('bp_rt_heap_base'));
    if (heap) unmap(heap, Number(s.readU64(s.address('bp_rt_heap_blocks'))) << HEAP_BLOCK_SHIFT);
    s.dispose();
  }

  /** The text of a string object. */
  stringAt(addr: bigint): string {
    const len = Number(new DataView(this.space.readAny(addr + BigInt(STR.len), 8).buffer).getBigUint64(0, true));
    return Buffer.from(this.space.readAny(addr + BigInt(STR.data), len)).toString('latin1');
  }

  private guestState(args: string[], programName: string): void {
    const s = this.space;
    // The stack: a guard page below, the limit above it with room for reporting an overflow.
    this.stack = s.reserveStack(STACK_BYTES, STACK_GUARD);
    const stack = this.stack.base;
    this.stackTop = stack + BigInt(STACK_BYTES);
    s.u64(s.address('bp_rt_stack_limit'), stack + BigInt(STACK_GUARD + STACK_MARGIN));
    s.u64(s.address('bp_rt_stack_top'), this.stackTop);
    s.u64(s.address('bp_rt_stack_base'), stack);
    const cstrings = (list: string[]) => {
      const arr = s.alloc(8 * (list.length + 1), 8);
      list.forEach((t, i) => {
        const b = Buffer.from(t + '\0', 'utf8');
        const p = s.alloc(b.length, 1);
        s.write(p, b);
        s.u64(arr + BigInt(8 * i), p);
      });
      return arr;
    };
    s.u64(s.address('bp_rt_argc'), BigInt(1 + args.length));
    s.u64(s.address('bp_rt_argv'), cstrings([programName, ...args]));
    s.u64(s.address('bp_rt_envp'), cstrings(Object.entries(process.env).map(([k, v]) => `${k}=${v}`)));
    s.u64(s.address('bp_rt_on_error'), s.address('bp_native_on_error'));
    s.u64(s.address('bp_rt_on_exit'), s.address('bp_native_on_exit'));
  }
}

/** Placed code by address: few entries, appended in address order (the code area only grows). */
class PlacedCodeMap {
  private readonly list: PlacedCode[] = [];
  add(c: PlacedCode): void { this.list.push(c); }
  find(addr: number): PlacedCode | null {
    const l = this.list;
    let lo = 0, hi = l.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid].at > addr) hi = mid - 1;
      else if (addr >= l[mid].at + l[mid].mf.code.length) lo = mid + 1;
      else return l[mid];
    }
    return null;
  }
}

/** Linker input of a blob. */
function sectionOf(b: Blob): InputSection {
  return {
    name: `.${b.kind}.${b.symbol}`, kind: b.kind, align: 16, data: b.bytes, size: b.size, origin: 'program',
    relocs: b.relocs.map((r) => ({ offset: r.offset, type: r.type, target: { symbol: r.symbol }, addend: r.addend })),
    symbols: [{ name: b.symbol, offset: 0, size: b.size, type: b.kind === 'text' ? 'func' : 'object', global: true },
      ...(b.symbols ?? []).filter((x) => x.offset !== 0).map((x) => ({ ...x, type: 'object' as const, global: true }))],
  };
}

/**
 * The interpreter's code of a function: its bytecode with register operands as byte offsets
 * of the register block, constants and globals as byte offsets of their tables, jump targets
 * as displacements from the instruction, and word 1 of a stubbed instruction its site index.
 */
function interpreterCode(fn: BcFunction, sites: Map<number, bigint>): Int32Array {
  const code = fn.code;
  const out = Int32Array.from(code);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const site = sites.get(pc);
    if (site !== undefined) { out[pc + 1] = Number(site); continue; }
    let p = pc + 1;
    for (const letter of OPS[code[pc]].ops) {
      if (letter === '*') {
        const n = code[p++];
        for (let i = 0; i < n; i++, p++) out[p] = 8 * code[p];
      } else if (letter === '%') {
        const n = code[p++];
        for (let i = 0; i < n; i++, p += 2) { out[p] = 8 * code[p]; out[p + 1] = 8 * code[p + 1]; }
      } else {
        if (letter === 'j') out[p] = 4 * (code[p] - pc);
        else if (SCALE[letter]) out[p] = SCALE[letter] * code[p];
        p++;
      }
    }
  }
  return out;
}
