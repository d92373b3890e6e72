// Exit codes of bpjit itself (a program's own status passes through unchanged).
export const EXIT = {
  /** Success; for run/profile/built programs, main's return value & 255 instead. */
  OK: 0,
  /** Compile error, runtime error, uncaught exception, bad input file, failed write. */
  ERROR: 1,
  /** Bad command line (unknown command or option, bad value, missing operand, output = input). */
  USAGE: 2,
  /** A bug in bpjit (reported as "internal error"). */
  INTERNAL: 70,
} as const;

/** A bad command line: reported in plain words with a pointer to the help, exit 2. */
export class UsageError extends Error {
  /** `command`: the command whose help to point at. */
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}
