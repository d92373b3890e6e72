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

%include "start.asm"
%include "io.asm"
%include "fmt.asm"
%include "math.asm"
%include "time.asm"
%include "heap.asm"
%include "heapinit.asm"
%include "str.asm"
%include "strlib.asm"
%include "except.asm"
%include "traceback.asm"
%include "struct.asm"
%include "map.asm"
%include "equal.asm"
%include "arraylib.asm"
%include "iolib.asm"
%include "datalib.asm"
%include "fmtlib.asm"
%include "regexlib.asm"
%include "syslib.asm"

section .note.GNU-stack noalloc noexec nowrite progbits
