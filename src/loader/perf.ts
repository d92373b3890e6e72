// Native code for perf (BPJIT_PERF=1 or bpjit run --perf-map): every function the in-process
// tier places is named in /tmp/perf-PID.map (what `perf report` reads for code it did not load
// from a file) and recorded in /tmp/jit-PID.dump, perf's jitdump format (tools/perf/Documentation/
// jitdump-specification.txt), with its bytes and, for compiled functions, its source lines — so
// `perf record -k mono` then `perf inject --jit` gives perf an ELF file per function and
// `perf report`/`perf annotate` show names and lines. The dump is mapped executable once, the
// sign perf record looks for to find it.
import fs from 'node:fs';
import { OPS } from '../bytecode/opcodes.js';
import type { NativeImage } from './image.js';
import { mapExecutable } from './memory.js';

const JITDUMP_MAGIC = 0x4a695444;
const EM_X86_64 = 62;
const RECORD = { load: 0, debugInfo: 2 } as const;

export interface PerfCode {
  name: string;
  addr: bigint;
  size: number;
  /** Native offset → line rows, and the source file, for compiled functions. */
  lines?: { offset: number; line: number }[];
  file?: string;
}

/** Whether BPJIT_PERF asks for the perf files. */
export const perfFromEnv = (): boolean => !!process.env.BPJIT_PERF && process.env.BPJIT_PERF !== '0';

export class PerfWriter {
  private readonly map: number;
  private readonly dump: number;
  private index = 0;

  /** `read(addr, size)`: the bytes of placed code. */
  constructor(private readonly read: (addr: bigint, size: number) => Uint8Array, readonly pid = process.pid) {
    this.map = fs.openSync(`/tmp/perf-${pid}.map`, 'a');
    this.dump = fs.openSync(`/tmp/jit-${pid}.dump`, 'w+');
    const h = Buffer.alloc(40);
    h.writeUInt32LE(JITDUMP_MAGIC, 0);
    h.writeUInt32LE(1, 4);
    h.writeUInt32LE(40, 8);
    h.writeUInt32LE(EM_X86_64, 12);
    h.writeUInt32LE(pid, 20);
    h.writeBigUInt64LE(now(), 24);
    fs.writeSync(this.dump, h);
    mapExecutable(this.dump, 40);
  }

  code(rows: PerfCode[]): void {
    const live = rows.filter((r) => r.size > 0);
    fs.writeSync(this.map, live.map((r) => `${r.addr.toString(16)} ${r.size.toString(16)} ${r.name}\n`).join(''));
    for (const r of live) {
      if (r.lines?.length && r.file) this.debugInfo(r);
      const name = Buffer.from(r.name + '\0', 'utf8');
      const head = Buffer.alloc(16 + 40);
      record(head, RECORD.load, head.length + name.length + r.size);
      head.writeUInt32LE(this.pid, 16);
      head.writeUInt32LE(this.pid, 20);
      head.writeBigUInt64LE(r.addr, 24);
      head.writeBigUInt64LE(r.addr, 32);
      head.writeBigUInt64LE(BigInt(r.size), 40);
      head.writeBigUInt64LE(BigInt(this.index++), 48);
      fs.writeSync(this.dump, Buffer.concat([head, name, this.read(r.addr, r.size)]));
    }
  }

  /** JIT_CODE_DEBUG_INFO: comes before the code it describes. */
  private debugInfo(r: PerfCode): void {
    const file = Buffer.from(r.file + '\0', 'utf8');
    const entries = r.lines!.filter((l) => l.offset < r.size).map((l) => {
      const e = Buffer.alloc(16);
      e.writeBigUInt64LE(r.addr + BigInt(l.offset), 0);
      e.writeUInt32LE(l.line, 8);
      return Buffer.concat([e, file]);
    });
    const head = Buffer.alloc(16 + 16);
    const body = Buffer.concat(entries);
    record(head, RECORD.debugInfo, head.length + body.length);
    head.writeBigUInt64LE(r.addr, 16);
    head.writeBigUInt64LE(BigInt(entries.length), 24);
    fs.writeSync(this.dump, Buffer.concat([head, body]));
  }

  /**
   * The native image's code: the runtime's functions and the interpreter's routines by their
   * symbols, its instruction handlers as bp_interp.<op> (each runs to the next name).
   */
  image(img: NativeImage, base: bigint): void {
    const interp = img.symbols.bp_interp_code[1];
    const named = [...Object.entries(img.symbols).filter(([name, [area]]) => area === 'code' && name !== 'bp_interp_code').map(([name, [, off]]) => ({ name, off })),
      ...img.interp.handlers.map((off, op) => ({ name: `bp_interp.${OPS[op].name}`, off: interp + off }))]
      .sort((x, y) => x.off - y.off).filter((r, i, all) => i === 0 || r.off !== all[i - 1].off);
    this.code(named.map((r, i) => ({ name: r.name, addr: base + BigInt(r.off), size: (named[i + 1]?.off ?? img.code.length) - r.off })));
  }
}

/** A record header: id, total size, timestamp. */
function record(b: Buffer, id: number, size: number): void {
  b.writeUInt32LE(id, 0);
  b.writeUInt32LE(size, 4);
  b.writeBigUInt64LE(now(), 8);
}

/** CLOCK_MONOTONIC, the clock of `perf record -k mono`. */
const now = (): bigint => process.hrtime.bigint();
