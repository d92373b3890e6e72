// Buffered program output on fd 1. Text is in byte-string form (one char per byte) and written
// as raw bytes. Flushed when large, at exit, before runtime errors, and before native code that
// prints through its own path — so VM and native output stay in program order.
import fs from 'node:fs';
import { BROKEN_PIPE_STATUS } from '../bytecode/limits.js';
import { errorText, writeErrorText } from '../bytecode/runtime-errors.js';

/**
 * A write to standard output failed. A reader that went away (EPIPE) ends the program quietly
 * with BROKEN_PIPE_STATUS; anything else (a full disk, /dev/full) is reported — "cannot write to
 * standard output: no space left on device" — with status 1. The runtime does the same
 * (bp_rt_output_failed), so every tier ends alike.
 */
export class OutputError extends Error {
  readonly status: number;
  constructor(readonly errno: number) {
    super(errno === EPIPE ? '' : errorText('WRITE', writeErrorText(errno)));
    this.status = errno === EPIPE ? BROKEN_PIPE_STATUS : 1;
  }
}

const EPIPE = 32;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf` to `fd`; a failure is an OutputError. */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // A non-blocking pipe that is full: wait a little for the reader.
      if (err.code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 1); continue; }
      throw new OutputError(Math.abs(err.errno ?? 5));
    }
  }
}

export class Output {
  private parts: string[] = [];
  private size = 0;
  /** Everything written, when capturing (tests, JIT differential runs). */
  captured: string[] | null = null;

  constructor(private readonly fd: number, capture = false) {
    if (capture) this.captured = [];
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.size === 0 && this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.captured) { this.captured.push(text); return; }
    writeAll(this.fd, Buffer.from(text, 'latin1'));
  }

  /** Drops what is buffered (after a failed write: nothing more goes out). */
  discard(): void {
    this.parts = [];
    this.size = 0;
  }

  text(): string {
    this.flush();
    return (this.captured ?? []).join('');
  }
}

/** Lines of standard input: from a buffer (tests) or read from fd 0 as needed. */
export class LineReader {
  private buf: Buffer;
  private eof: boolean;
  constructor(given?: Buffer) {
    this.buf = given ?? Buffer.alloc(0);
    this.eof = given !== undefined;
  }

  line(): string {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0 || this.eof) {
        const end = nl >= 0 ? nl : this.buf.length;
        let s = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(nl >= 0 ? nl + 1 : end);
        while (s.endsWith('\r') || s.endsWith('\n')) s = s.slice(0, -1);
        return s;
      }
      const chunk = Buffer.alloc(65536);
      let n = 0;
      try {
        n = fs.readSync(0, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        n = 0;
      }
      if (n === 0) this.eof = true;
      else this.buf = Buffer.concat([this.buf, chunk.subarray(0, n)]);
    }
  }
}
