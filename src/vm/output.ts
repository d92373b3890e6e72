// Buffered program output on fd 1. Text is in byte-string form (one char per byte) and written
// as raw bytes. Flushed when large, at exit, before runtime errors, and before native code that
// prints through its own path — so VM and native output stay in program order.
import fs from 'node:fs';
import { nodeRequire } from './memory.js';

/** A write to standard output failed (a full disk, /dev/full): reported plainly, exit 1. */
export class OutputError extends Error {
  /** For an errno the native runtime recorded: "cannot write to standard output: no space left on device". */
  static ofErrno(errno: number): OutputError {
    const why = (nodeRequire('node:util') as typeof import('node:util')).getSystemErrorMap().get(-errno)?.[1] ?? `error ${errno}`;
    return new OutputError(`cannot write to standard output: ${why}`);
  }
}

/** Writes all of `buf` to `fd`. A reader that went away (EPIPE) ends the output quietly. */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      // "ENOSPC: no space left on device, write" → "no space left on device"
      const why = /^\w+: (.*), \w+$/.exec((e as Error).message)?.[1] ?? (e as Error).message;
      throw new OutputError(`cannot write to ${fd === 1 ? 'standard output' : `file descriptor ${fd}`}: ${why}`);
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
