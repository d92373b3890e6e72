// The two ways a running program stops early: a runtime error (spec §4.19, bpjit's messages in
// runtime-errors.ts) and exit(n).
import { RuntimeErrorName, errorText } from '../bytecode/runtime-errors.js';
import type { TraceBuilder } from '../bytecode/traceback.js';

export class RtError extends Error {
  /** "file:line" of the failing instruction, filled in by the interpreter. */
  where: string | undefined;
  readonly text: string;
  /** The call chain, added to by each activation of the interpreter it passes (innermost first). */
  trace: TraceBuilder | null = null;
  /** The frame depth down to which `trace` holds the chain. */
  traceDepth = -1;
  constructor(readonly id: RuntimeErrorName, readonly arg = '', where?: string) {
    super(errorText(id, arg));
    this.text = errorText(id, arg);
    this.where = where;
  }
}

/** Thrown by exit(n): unwinds everything, flushes output, ends with status n & 255. */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
