; Memory from the kernel outside the collected heap: mapped buffers that grow in place or move
; (mremap), for the runtime's own buffers — standard input, file contents, the collector's mark
; stack. Never scanned by the collector, so nothing in them may be the only reference to an
; object.

; bp_rt_mem_grow(rdi = buffer or 0, rsi = its size, rdx = new size) → rax = the buffer, moved and
; grown with its contents kept, or 0. Anonymous mapped memory (free with bp_rt_mem_free),
; reserved as the heap is (MAP_NORESERVE): mapped without it, the mark stack made matmul's
; executable 25% slower (68 → 88 ms), as the collector's memory no longer shared the heap's kind.
FUNC bp_rt_mem_grow
    test rdi, rdi
    jz .new
    mov r10d, 1                          ; MREMAP_MAYMOVE
    mov eax, IO_SYS_MREMAP
    syscall
    jmp .check
.new:
    mov rsi, rdx
    xor edi, edi
    mov edx, 3
    mov r10d, 0x4022                     ; MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
    mov r8, -1
    xor r9d, r9d
    mov eax, SYS_MMAP
    syscall
.check:
    cmp rax, -4096
    jb .out
    xor eax, eax
.out:
    ret
ENDFUNC

; bp_rt_mem_free(rdi = buffer or 0, rsi = its size)
FUNC bp_rt_mem_free
    test rdi, rdi
    jz .out
    mov eax, IO_SYS_MUNMAP
    syscall
.out:
    ret
ENDFUNC
