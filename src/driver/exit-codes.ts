// Exit codes of bpjit itself (a program's own status passes through unchanged).
export const EXIT = {
  /** Success; for run/profile/built programs, main's return value & 255 instead. */
  OK: 0,
  /** Compile error, runtime error, uncaught exception, bad input file. */
  ERROR: 1,
  /** Bad command line (unknown option, missing argument). */
  USAGE: 2,
  /** A bug in bpjit (reported as "internal error"). */
  INTERNAL: 70,
} as const;
