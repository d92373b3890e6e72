// Tracebacks: the call chain a runtime error or an uncaught exception prints before its
// `error:` line, the same text on every tier (the VM and the in-process tier build it here; the
// runtime of built executables, runtime-asm/traceback.asm, implements the same rules):
//
//   traceback (most recent call last):
//     prog.bp:12 in main
//     prog.bp:7 in walk
//     [the line above repeated 449 more times]
//     prog.bp:3 in check
//   error: division by zero (at prog.bp:3)
//
// Frames are added innermost first. Runs of identical frames (function and line) print once,
// with a count; of more than TRACE_GROUPS runs only the outermost and innermost TRACE_EDGE are
// printed, with the number of frames left out between them. A chain of one frame prints nothing
// (the error line names its place).

export const TRACE_GROUPS = 40;
export const TRACE_EDGE = 20;

/** The fixed texts (runtime-asm/errors.inc is generated with them). */
export const TRACE_TEXT = {
  header: 'traceback (most recent call last):\n',
  indent: '  ',
  in: ' in ',
  repeated: '  [the line above repeated ',
  repeatedEnd: ' more times]\n',
  omitted: '  [... ',
  omittedEnd: ' more frames ...]\n',
} as const;

interface Group { fn: number; line: number; count: number }

/** Collects frames (innermost first) by function id and line, keeping only what is printed. */
export class TraceBuilder {
  /** The innermost TRACE_EDGE runs, innermost first. */
  private readonly inner: Group[] = [];
  /** The outermost runs seen so far (the last TRACE_EDGE), in the order seen. */
  private outer: Group[] = [];
  private groups = 0;
  private frames = 0;
  private omitted = 0;
  private last: Group | null = null;

  /** `describe(fn)`: the function's name and its file. */
  constructor(private readonly describe: (fn: number) => { name: string; file: string }) {}

  add(fn: number, line: number, times = 1): void {
    this.frames += times;
    const l = this.last;
    if (l && l.fn === fn && l.line === line) { l.count += times; return; }
    const g = { fn, line, count: times };
    this.groups++;
    if (this.inner.length < TRACE_EDGE) this.inner.push(g);
    else {
      this.outer.push(g);
      // the run pushed out of the outer window is left out (its count is final by now)
      if (this.outer.length > TRACE_EDGE) this.omitted += this.outer.shift()!.count;
    }
    this.last = g;
  }

  get size(): number { return this.frames; }

  /** The traceback's text, outermost frame first ('' for fewer than two frames). */
  text(): string {
    if (this.frames < 2) return '';
    const T = TRACE_TEXT;
    const out: string[] = [T.header];
    const put = (g: Group) => {
      const { name, file } = this.describe(g.fn);
      out.push(`${T.indent}${file}:${g.line}${T.in}${name}\n`);
      if (g.count > 1) out.push(`${T.repeated}${g.count - 1}${T.repeatedEnd}`);
    };
    // With few runs the two windows hold them all; the left-out ones are those pushed out.
    [...this.outer].reverse().forEach(put);
    if (this.groups > TRACE_GROUPS) out.push(`${T.omitted}${this.omitted}${T.omittedEnd}`);
    [...this.inner].reverse().forEach(put);
    return out.join('');
  }
}
