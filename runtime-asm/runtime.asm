; The bpjit runtime for standalone executables: process start, buffered output, printing,
; exact float formatting, math, time, the heap with its garbage collector, and the runtime-error
; entry. Linux system calls only, no
; libc. Assembled into runtime.o by scripts/build-runtime.sh (the object is checked in).
bits 64
default rel

%include "macros.inc"
%include "layout.inc"
%include "errors.inc"

extern bp_main

; the core: what compiled code calls
%include "start.asm"
%include "mem.asm"
%include "io.asm"
%include "bignum.asm"
%include "fmt.asm"
%include "math.asm"
%include "time.asm"
%include "heap.asm"
%include "heapinit.asm"
%include "str.asm"
%include "array.asm"
%include "print.asm"
%include "except.asm"
%include "traceback.asm"
%include "struct.asm"
%include "map.asm"
%include "equal.asm"
; the builtins' library, one subject a file
%include "strlib.asm"
%include "strtod.asm"
%include "arraylib.asm"
%include "sort.asm"
%include "file.asm"
%include "env.asm"
%include "bytes.asm"
%include "hash.asm"
%include "json.asm"
%include "fmtlib.asm"
%include "regexlib.asm"
%include "ffi.asm"
%include "thread.asm"
%include "secure.asm"

section .note.GNU-stack noalloc noexec nowrite progbits
