; ptr values and C strings — what extern calls need (spec §5.16). A ptr value is a struct of two
; plain fields, PTR_KIND and PTR_PAYLOAD: a C pointer an extern function returned (the address),
; a mutex (its locked flag) or a condition variable (thread.asm).

section .rodata.bp_rt_ffi_texts progbits alloc noexec nowrite align=8
bp_rt_sys_hex: db '0123456789abcdef'
bp_rt_sys_ptr_open: db '<ptr 0x'
bp_rt_sys_mutex: db '<mutex>'
bp_rt_sys_cond: db '<cond>'
bp_rt_sys_null: db 'null'

; bp_rt_ptr_new(rdi = kind, rsi = payload) → a ptr value, or 0 when out of memory.
FUNC bp_rt_ptr_new
    push rbx
    push r12
    sub rsp, 8
    mov rbx, rdi
    mov r12, rsi
    mov edi, 2
    xor esi, esi                         ; no reference fields
    call bp_rt_struct_new
    test rax, rax
    jz .out
    mov [rax + PTR_KIND], rbx
    mov [rax + PTR_PAYLOAD], r12
.out:
    add rsp, 8
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ptr_from_c(rdi = address) → the ptr value of a C pointer (an extern's result), or 0.
FUNC bp_rt_ptr_from_c
    mov rsi, rdi
    mov edi, PTR_C
    jmp bp_rt_ptr_new
ENDFUNC

; bp_rt_str_from_cstr(rdi = NUL-terminated bytes, or NULL) → a new string of them ("" for NULL),
; or 0 when out of memory: an extern's str result.
FUNC bp_rt_str_from_cstr
    test rdi, rdi
    jz .empty
    mov rsi, rdi
    xor edx, edx
.len:
    cmp byte [rsi + rdx], 0
    je .copy
    inc rdx
    jmp .len
.copy:
    jmp bp_rt_str_from_bytes
.empty:
    lea rax, [bp_rt_str_empty]
    ret
ENDFUNC

; bp_rt_print_ptr(rdi = ptr value or 0): <ptr 0x…> (the address in hex), <mutex>, <cond>, null.
FUNC bp_rt_print_ptr
    test rdi, rdi
    jz .null
    mov rax, [rdi + PTR_KIND]
    cmp rax, PTR_MUTEX
    je .mutex
    cmp rax, PTR_COND
    je .cond
    push rbx
    sub rsp, 32
    mov rbx, [rdi + PTR_PAYLOAD]
    lea rdi, [bp_rt_sys_ptr_open]
    mov esi, 7
    call bp_rt_write
    lea r8, [bp_rt_sys_hex]
    lea rsi, [rsp + 24]
    mov rax, rbx
.digit:
    dec rsi
    mov ecx, eax
    and ecx, 15
    mov cl, [r8 + rcx]
    mov [rsi], cl
    shr rax, 4
    jnz .digit
    mov byte [rsp + 24], '>'
    mov rdi, rsi
    lea rsi, [rsp + 25]
    sub rsi, rdi
    call bp_rt_write
    add rsp, 32
    pop rbx
    ret
.mutex:
    lea rdi, [bp_rt_sys_mutex]
    mov esi, 7
    jmp bp_rt_write
.cond:
    lea rdi, [bp_rt_sys_cond]
    mov esi, 6
    jmp bp_rt_write
.null:
    lea rdi, [bp_rt_sys_null]
    mov esi, 4
    jmp bp_rt_write
ENDFUNC
