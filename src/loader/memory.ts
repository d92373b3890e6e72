// Executable memory for the in-process tier, W^X: one reserved mapping whose first pages are a
// read-write data area (runtime slots the native code reads and writes) and whose code pages are
// made writable only while being filled and read+execute afterwards — never writable and
// executable at once. Every protection change goes through `protect`, which records it, so a
// test can show the discipline.
import { koffi } from './koffi.js';

const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
const MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
export const PAGE = 4096;

interface Libc {
  mmap: (addr: null, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
  mmapAt: (addr: bigint, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
  mprotect: (addr: bigint, len: number, prot: number) => number;
  munmap: (addr: bigint, len: number) => number;
  memcpy: (dst: Uint8Array, src: bigint, len: number) => unknown;
}
let libc: Libc | null = null;

function lib(): Libc {
  if (!libc) {
    const l = koffi().load('libc.so.6');
    libc = {
      mmap: l.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
      mmapAt: l.func('void *mmap(uint64_t addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
      // Addresses are passed as integers: the region's offsets are computed in BigInt.
      mprotect: l.func('int mprotect(uint64_t addr, size_t len, int prot)'),
      munmap: l.func('int munmap(uint64_t addr, size_t len)'),
      memcpy: l.func('void *memcpy(_Out_ uint8_t *dst, uint64_t src, size_t len)'),
    };
  }
  return libc;
}

export type Protection = 'none' | 'r' | 'rw' | 'rx';
const PROT: Record<Protection, number> = { none: PROT_NONE, r: PROT_READ, rw: PROT_READ | PROT_WRITE, rx: PROT_READ | PROT_EXEC };

/** Every protection change made by code caches in this process. */
export const PROTECTION_LOG: { base: bigint; offset: number; length: number; prot: Protection }[] = [];

export class Region {
  readonly base: bigint;
  /** The pointer object of the mapping (for koffi().decode of native entries). */
  readonly ptr: unknown;
  private view = new Uint8Array(0);

  /** Reserves `size` bytes, or maps them afresh at `at` (inside a reservation of ours). */
  constructor(readonly size: number, at?: bigint, prot: Protection = 'none') {
    const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    const ptr = at === undefined ? lib().mmap(null, size, PROT[prot], flags, -1, 0) : lib().mmapAt(at, size, PROT[prot], flags | MAP_FIXED, -1, 0);
    this.ptr = ptr;
    this.base = ptr === null ? -1n : BigInt(koffi().address(ptr));
    if (this.base === -1n || this.base === 0xffffffffffffffffn) throw new Error('cannot reserve memory for the code cache');
  }

  /**
   * Part of this region mapped afresh with `prot`, as a region of its own: its byte views start
   * at its own beginning.
   */
  remap(offset: number, length: number, prot: Protection): Region {
    const r = new Region(length, this.base + BigInt(offset), prot);
    PROTECTION_LOG.push({ base: this.base, offset, length, prot });
    return r;
  }

  /**
   * The region's first `end` bytes (at least) as bytes; only readable pages may be read. The
   * view grows with use: V8 counts a view's whole length as memory the program holds, and one
   * over all 256 MiB set off a full garbage collection in every run that compiled anything.
   */
  bytes(end: number): Uint8Array {
    if (end > this.view.length) {
      if (end > this.size) throw new Error('beyond the region');
      this.view = new Uint8Array(koffi().view(this.ptr, Math.min(this.size, Math.max(end, 2 * this.view.length, 1 << 20))));
    }
    return this.view;
  }

  unmap(): void {
    unmap(this.base, this.size);
  }

  protect(offset: number, length: number, prot: Protection): void {
    if (offset % PAGE !== 0 || length % PAGE !== 0) throw new Error('unaligned protection change');
    if (lib().mprotect(this.base + BigInt(offset), length, PROT[prot]) !== 0) throw new Error(`mprotect failed (errno ${koffi().errno()})`);
    PROTECTION_LOG.push({ base: this.base, offset, length, prot });
  }
}

/**
 * Maps the start of the file `fd` read+execute (perf's jitdump protocol: perf record notes an
 * executable mapping of the dump, which is how perf inject finds it). The mapping is never used.
 */
export function mapExecutable(fd: number, length: number): void {
  lib().mmap(null, length, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
}

export function unmap(addr: bigint, length: number): void {
  lib().munmap(addr, length);
}

/** A copy of `length` bytes at `addr` (which must be readable). */
export function copyFrom(addr: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length > 0) lib().memcpy(out, addr, length);
  return out;
}
