; The heap's limit and its reservation, and the collector's growing mark stack.
;
; Every tier has the same heap limit (src/bytecode/limits.ts): BPJIT_HEAP_LIMIT — a number of
; bytes, or with a K, M, G or T suffix (powers of 1024), at least HEAP_MIN and at most HEAP_MAX —
; or else an eighth of physical memory, at most HEAP_DEFAULT_MAX. The heap reserves exactly that
; much address space, so a program whose live data outgrows it ends with "out of memory" there,
; not when the machine runs out. An executable reads the variable as it starts; bpjit's
; in-process tier, which has checked it already, at the first allocation.

BSS bp_rt_heap_limit, 8, 8               ; bytes (0: not yet configured)

; Sets bp_rt_heap_limit from the environment; a value that is not a size ends the program with
; status 2 (bpjit itself refuses it as a usage error).
FUNC bp_rt_heap_config
    push rbx
    sub rsp, 112                         ; (struct sysinfo, for the default)
    mov rsi, [bp_rt_envp]
    test rsi, rsi
    jz .default
.var:
    mov rdi, [rsi]
    test rdi, rdi
    jz .default
    add rsi, 8
    xor edx, edx
    lea rcx, [.prefix]
.name:
    mov al, [rcx + rdx]
    cmp al, [rdi + rdx]
    jne .var
    inc rdx
    cmp rdx, .prefix_end - .prefix
    jb .name
    add rdi, rdx                         ; the value
    mov rbx, rdi
    xor eax, eax
    xor ecx, ecx                         ; digits seen
    mov r8, HEAP_MAX
.digit:
    movzx edx, byte [rdi]
    sub edx, '0'
    cmp edx, 9
    ja .suffix
    cmp rax, r8                          ; (past the maximum already: stays there)
    jae .skip
    imul rax, rax, 10
    add rax, rdx
.skip:
    inc rdi
    inc ecx
    jmp .digit
.suffix:
    test ecx, ecx
    jz .bad
    movzx edx, byte [rdi]
    xor ecx, ecx                         ; the shift
    test edx, edx
    jz .scale
    or edx, 0x20                         ; (lower case)
    mov ecx, 10
    cmp edx, 'k'
    je .last
    mov ecx, 20
    cmp edx, 'm'
    je .last
    mov ecx, 30
    cmp edx, 'g'
    je .last
    mov ecx, 40
    cmp edx, 't'
    jne .bad
.last:
    cmp byte [rdi + 1], 0
    jne .bad
.scale:
    mov rdx, HEAP_MAX
    shr rdx, cl
    cmp rax, rdx
    ja .max
    shl rax, cl
    jmp .clamp
.max:
    mov rax, HEAP_MAX
    jmp .clamp
.default:                                ; an eighth of physical memory, at most HEAP_DEFAULT_MAX
    mov rdi, rsp
    mov eax, SYS_SYSINFO
    syscall
    mov rdx, HEAP_DEFAULT_MAX
    test rax, rax
    mov rax, rdx
    jnz .clamp
    mov rax, [rsp + 32]                  ; totalram
    mov ecx, [rsp + 104]                 ; mem_unit
    imul rax, rcx
    shr rax, 3
    cmp rax, rdx
    cmova rax, rdx
.clamp:
    mov rdx, HEAP_MIN
    cmp rax, rdx
    cmovb rax, rdx
    mov rdx, HEAP_MAX
    cmp rax, rdx
    cmova rax, rdx
    mov [bp_rt_heap_limit], rax
    add rsp, 112
    pop rbx
    ret
.bad:                                    ; "error: BPJIT_HEAP_LIMIT must be …, not '<value>'"
    and rsp, -16
    mov edi, 2
    lea rsi, [.message]
    mov edx, .message_end - .message
    call bp_rt_write_all
    mov rsi, rbx
    xor edx, edx
.len:
    cmp byte [rsi + rdx], 0
    je .quote
    inc rdx
    jmp .len
.quote:
    mov edi, 2
    call bp_rt_write_all
    mov edi, 2
    lea rsi, [.close]
    mov edx, 2
    call bp_rt_write_all
    mov edi, 2
    mov eax, SYS_EXIT_GROUP
    syscall
    hlt
ENDFUNC
FUNCDATA
.prefix: db HEAP_LIMIT_VAR, '='
.prefix_end:
.message: db 'error: ', HEAP_LIMIT_VAR, " must be a size such as 512M or 4G, not '"
.message_end:
.close: db "'", 10

; Reserves the heap (the limit's worth of address space); eax = 1 on success.
FUNC bp_rt_heap_init
    push rbx
    cmp qword [bp_rt_heap_limit], 0
    jne .configured
    call bp_rt_heap_config
.configured:
    xor edi, edi                         ; the mark stack first: the heap may take what is left
    xor esi, esi
    mov edx, MARK_STACK_ENTRIES * 8
    call bp_rt_mem_grow
    test rax, rax
    jz .fail
    mov [bp_rt_mark_stack], rax
    mov qword [bp_rt_mark_cap], MARK_STACK_ENTRIES
    mov rbx, [bp_rt_heap_limit]
    add rbx, HUGE_PAGE                   ; (room to start on a huge page boundary)
    and rbx, -BLOCK_SIZE
.try:
    cmp rbx, 4 * BLOCK_SIZE
    jb .fail
    mov eax, SYS_MMAP
    xor edi, edi
    mov rsi, rbx
    mov edx, 3
    mov r10d, 0x4022                     ; MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
    mov r8, -1
    xor r9d, r9d
    syscall
    cmp rax, -4096
    jb .got
    mov rax, rbx                         ; refused (an address-space limit, ulimit -v):
    shr rax, 3                           ; an eighth less, so the heap gets close to what
    sub rbx, rax                         ; is left
    and rbx, -BLOCK_SIZE
    jmp .try
.got:
    ; Transparent huge pages where the kernel offers them on request: a fresh page costs a
    ; fault (and on a virtual machine an exit), and large arrays touch thousands of them. The
    ; base is rounded up to 2 MiB so that whole huge pages line up with the blocks.
    lea rcx, [rax + HUGE_PAGE - 1]
    and rcx, -HUGE_PAGE
    sub rbx, rcx
    add rbx, rax
    mov rax, [bp_rt_heap_limit]
    cmp rbx, rax
    cmova rbx, rax                       ; no more than the limit
    and rbx, -BLOCK_SIZE
    mov [bp_rt_heap_base], rcx
    mov rdi, rcx
    mov rsi, rbx
    mov edx, MADV_HUGEPAGE
    mov eax, SYS_MADVISE
    syscall                              ; (refused: ordinary pages)
    shr rbx, BLOCK_SHIFT
    mov [bp_rt_heap_blocks], rbx
    mov qword [bp_rt_gc_trigger], GC_MIN_TRIGGER
    mov eax, 1
    pop rbx
    ret
.fail:
    xor eax, eax
    pop rbx
    ret
ENDFUNC

; The mark stack is full: one twice as large takes its entries (an array of millions of
; objects pushes them all at once); eax = 0 when there is no memory for it.
FUNC bp_rt_mark_grow
    sub rsp, 8
    mov rdi, [bp_rt_mark_stack]
    mov rsi, [bp_rt_mark_cap]
    shl rsi, 3
    lea rdx, [rsi + rsi]
    call bp_rt_mem_grow                      ; (mremap: the entries move with it)
    test rax, rax
    jz .out
    mov [bp_rt_mark_stack], rax
    shl qword [bp_rt_mark_cap], 1
    mov eax, 1
.out:
    add rsp, 8
    ret
ENDFUNC
