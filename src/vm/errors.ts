// The two ways a running program stops early: a runtime error (spec §4.19, bpjit's messages in
// runtime-errors.ts) and exit(n).
import { RuntimeErrorName, errorText } from '../bytecode/runtime-errors.js';

export class RtError extends Error {
  /** "file:line" of the failing instruction, filled in by the interpreter. */
  where: string | undefined;
  readonly text: string;
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
