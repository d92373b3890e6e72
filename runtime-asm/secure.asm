; The security builtins (spec §5.17): secure_compare in time independent of where the strings
; differ, and random_bytes from the kernel's random source.

section .rodata.bp_rt_secure_texts progbits alloc noexec nowrite align=8
STATIC_STR bp_rt_sys_getrandom, 'random_bytes: the system has no random source'

; bp_rt_secure_compare(rdi = a, rsi = b) → eax = 1 when their bytes are equal. Strings of
; different lengths differ at once; otherwise every byte is examined whatever differs, so the
; time depends on the length alone.
FUNC bp_rt_secure_compare
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    cmp rcx, [rsi + STR_LEN]
    jne .out
    xor edx, edx                         ; the bits that differ, accumulated
    xor r8d, r8d
.byte:
    cmp r8, rcx
    jae .done
    movzx r9d, byte [rdi + r8 + STR_DATA]
    xor r9b, [rsi + r8 + STR_DATA]
    or edx, r9d
    inc r8
    jmp .byte
.done:
    test edx, edx
    sete al
.out:
    ret
ENDFUNC

; bp_rt_random_bytes(rdi = n, rsi = where) → n bytes from the kernel's random source (getrandom),
; hex-encoded: 2n characters; 0 when out of memory. n outside 0-1024: RANDOM_BYTES_COUNT.
FUNC bp_rt_random_bytes
    cmp rdi, 1024
    ja .range                            ; (unsigned: negative counts too)
    push rbx
    push r12
    push r13
    sub rsp, 1024
    mov rbx, rdi
    mov r13, rsi
    xor r12d, r12d                       ; bytes filled
.fill:
    cmp r12, rbx
    jae .encode
    lea rdi, [rsp + r12]
    mov rsi, rbx
    sub rsi, r12
    xor edx, edx
    mov eax, SYS_GETRANDOM
    syscall
    cmp rax, -EINTR
    je .fill
    test rax, rax
    jle .nosource
    add r12, rax
    jmp .fill
.encode:
    lea rdi, [rbx * 2]
    call bp_rt_str_new
    test rax, rax
    jz .out
    lea r8, [bp_rt_sys_hex]
    xor ecx, ecx
.hex:
    cmp rcx, rbx
    jae .out
    movzx edx, byte [rsp + rcx]
    mov r9d, edx
    shr r9d, 4
    mov r9b, [r8 + r9]
    mov [rax + rcx*2 + STR_DATA], r9b
    and edx, 15
    mov dl, [r8 + rdx]
    mov [rax + rcx*2 + STR_DATA + 1], dl
    inc rcx
    jmp .hex
.out:
    add rsp, 1024
    pop r13
    pop r12
    pop rbx
    ret
.nosource:
    mov rsi, r13
    mov edi, ERR_IO
    lea rdx, [bp_rt_sys_getrandom]
    call bp_rt_error
.range:
    mov edi, ERR_RANDOM_BYTES_COUNT
    xor edx, edx
    call bp_rt_error
ENDFUNC
