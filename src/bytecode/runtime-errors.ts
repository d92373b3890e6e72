// The runtime error table: every error a running program can die of, on every tier.
// The VM throws by id; native code passes the id to the runtime's single error entry;
// scripts/gen-runtime-inc.ts writes runtime-asm/errors.inc from this table, so the three
// tiers print identical bytes: `error: <text> (at <file>:<line>)`, exit code 1.
// Append new rows at the end: ids are positions and are baked into built executables.

export interface RuntimeErrorDef {
  /** Symbolic name; `ERR_<NAME>` in runtime-asm/errors.inc. */
  readonly name: string;
  /** Message text; `%s` is replaced by the error's string argument (exception message, builtin name). */
  readonly text: string;
}

export const RUNTIME_ERRORS = [
  { name: 'INDEX', text: 'array index out of bounds' },
  { name: 'KEY', text: 'key not found in map' },
  { name: 'DIV_ZERO', text: 'division by zero' },
  { name: 'STACK_OVERFLOW', text: 'stack overflow' },
  { name: 'OUT_OF_MEMORY', text: 'out of memory' },
  { name: 'UNHANDLED', text: 'unhandled exception: %s' },
  { name: 'NULL', text: 'null reference' },
  { name: 'ARRAY_POP_EMPTY', text: 'array_pop on empty array' },
  { name: 'CHR_RANGE', text: 'chr expects 0-127' },
  { name: 'ORD_EMPTY', text: 'ord expects non-empty string' },
  { name: 'STR_REPEAT_COUNT', text: 'str_repeat: count too large (max 1000)' },
  { name: 'HEX_CHAR', text: 'hex_to_int: invalid hex character' },
  { name: 'RANDOM_BYTES_COUNT', text: 'random_bytes: count must be 0-1024' },
  { name: 'ARRAY_REMOVE_INDEX', text: 'array_remove: index out of bounds' },
  { name: 'BYTES_GET_INDEX', text: 'bytes_get: index out of bounds' },
  { name: 'BYTES_SET_INDEX', text: 'bytes_set: index out of bounds' },
  { name: 'BYTES_READ_BOUNDS', text: '%s: out of bounds' },
  { name: 'INT_BYTES_SIZE', text: '%s: size must be 1-8' },
  { name: 'INT_FROM_BYTES_BOUNDS', text: 'int_from_bytes: out of bounds' },
  { name: 'JOIN_NON_STRING', text: '%s: array elements must be strings' },
  { name: 'TUPLE_INDEX', text: 'tuple index out of range' },
  { name: 'UNSUPPORTED', text: '%s is not supported here' },
  { name: 'NO_ENTRY', text: 'no entry function' },
  { name: 'RANGE_STEP', text: 'range() step must not be zero' },
  { name: 'DEADLOCK', text: 'deadlock: %s' },
  { name: 'FFI', text: 'FFI: %s' },
  { name: 'IO', text: '%s' },
  { name: 'WRITE', text: 'cannot write to standard output: %s' },
  // (a value too deep for the stack in a runtime walker: reported at the instruction that walks it)
  { name: 'DEEP_VALUE', text: 'stack overflow' },
] as const satisfies readonly RuntimeErrorDef[];

/**
 * Why a write to standard output failed, by errno, in Node's words (its system error map), so
 * that the runtime (scripts/gen-runtime-inc.ts puts the table in errors.inc) and the VM say the
 * same; EPIPE is not an error (the program ends quietly: limits.ts, BROKEN_PIPE_STATUS).
 */
export const WRITE_ERRNOS: Readonly<Record<number, string>> = {
  1: 'operation not permitted', 5: 'i/o error', 9: 'bad file descriptor', 13: 'permission denied', 14: 'bad address in system call argument',
  22: 'invalid argument', 27: 'file too large', 28: 'no space left on device', 122: 'disk quota exceeded',
};

export function writeErrorText(errno: number): string {
  return WRITE_ERRNOS[errno] ?? 'unknown error';
}

export type RuntimeErrorName = (typeof RUNTIME_ERRORS)[number]['name'];

/** Numeric id of an error: its position in RUNTIME_ERRORS. */
export const ERROR_ID: Readonly<Record<RuntimeErrorName, number>> = Object.fromEntries(
  RUNTIME_ERRORS.map((e, i) => [e.name, i]),
) as Record<RuntimeErrorName, number>;

/** The message of error `name`, with its argument substituted. */
export function errorText(name: RuntimeErrorName, arg = ''): string {
  return RUNTIME_ERRORS[ERROR_ID[name]].text.replace('%s', arg);
}
