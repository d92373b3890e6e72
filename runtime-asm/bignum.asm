; Big non-negative integers for exact decimal conversions: float formatting (fmt.asm: a double's
; every decimal digit) and parsing (strtod.asm: the double nearest a decimal number). A big number
; is a count of 64-bit limbs, then the limbs, least significant first, room for BN_CAP of them
; (BN_BYTES in all): enough for 10^780 and for 2^1074 times a double's mantissa.

%define BN_CAP 72                        ; 64-bit limbs of a big number (a count, then limbs)
%define BN_BYTES (8 + 8 * BN_CAP)

; bp_rt_bn_mul_add(rdi = big number, rsi = multiplier, rdx = addend): n = n × multiplier + addend
FUNC bp_rt_bn_mul_add
    mov r8, rdx                          ; carry
    mov r9, [rdi]
    xor ecx, ecx
.limb:
    cmp rcx, r9
    jae .tail
    mov rax, [rdi + rcx*8 + 8]
    mul rsi
    add rax, r8
    adc rdx, 0
    mov [rdi + rcx*8 + 8], rax
    mov r8, rdx
    inc rcx
    jmp .limb
.tail:
    test r8, r8
    jz .out
    mov [rdi + r9*8 + 8], r8
    inc r9
    mov [rdi], r9
.out:
    ret
ENDFUNC

; bp_rt_bn_mul_pow10(rdi = big number, rsi = k): n = n × 10^k
FUNC bp_rt_bn_mul_pow10
    push rbx
    push r12
    sub rsp, 8
    mov rbx, rdi
    mov r12, rsi
.big:
    cmp r12, 19
    jb .rest
    mov rdi, rbx
    mov rsi, 0x8AC7230489E80000          ; 10^19
    xor edx, edx
    call bp_rt_bn_mul_add
    sub r12, 19
    jmp .big
.rest:
    test r12, r12
    jz .out
    mov eax, 1
.power:
    imul rax, rax, 10
    dec r12
    jnz .power
    mov rdi, rbx
    mov rsi, rax
    xor edx, edx
    call bp_rt_bn_mul_add
.out:
    add rsp, 8
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_bn_shl(rdi = big number, rsi = bits): n = n << bits
FUNC bp_rt_bn_shl
    mov r8, [rdi]
    test r8, r8
    jz .out
    mov r9, rsi
    shr r9, 6                            ; whole limbs
    mov ecx, esi
    and ecx, 63
    mov r10, r8                          ; source index of the high part, r8 down to 0
.limb:
    xor eax, eax
    cmp r10, r8
    jae .high0
    mov rax, [rdi + r10*8 + 8]
.high0:
    xor edx, edx
    test r10, r10
    jz .low0
    mov rdx, [rdi + r10*8]
.low0:
    shld rax, rdx, cl
    lea r11, [r10 + r9]
    mov [rdi + r11*8 + 8], rax
    dec r10
    jns .limb
    xor ecx, ecx
.zero:
    cmp rcx, r9
    jae .trim
    mov qword [rdi + rcx*8 + 8], 0
    inc rcx
    jmp .zero
.trim:
    lea rax, [r8 + r9 + 1]
.top:
    cmp qword [rdi + rax*8], 0
    jne .set
    dec rax
    jnz .top
.set:
    mov [rdi], rax
.out:
    ret
ENDFUNC

; bp_rt_bn_shr1(rdi = big number): n = n >> 1
FUNC bp_rt_bn_shr1
    mov rcx, [rdi]
    test rcx, rcx
    jz .out
    xor edx, edx
.limb:
    mov rax, [rdi + rdx*8 + 8]
    lea r8, [rdx + 1]
    xor r9d, r9d
    cmp r8, rcx
    jae .top
    mov r9, [rdi + r8*8 + 8]
.top:
    shrd rax, r9, 1
    mov [rdi + rdx*8 + 8], rax
    inc rdx
    cmp rdx, rcx
    jb .limb
    cmp qword [rdi + rcx*8], 0
    jne .out
    dec rcx
    mov [rdi], rcx
.out:
    ret
ENDFUNC

; bp_rt_bn_cmp(rdi = a, rsi = b) → eax = -1, 0 or 1
FUNC bp_rt_bn_cmp
    mov rcx, [rdi]
    cmp rcx, [rsi]
    jne .differ
.limb:
    test rcx, rcx
    jz .equal
    mov rax, [rdi + rcx*8]
    cmp rax, [rsi + rcx*8]
    jne .differ
    dec rcx
    jmp .limb
.differ:
    mov eax, 1
    mov edx, -1
    cmovb eax, edx
    ret
.equal:
    xor eax, eax
    ret
ENDFUNC

; bp_rt_bn_sub(rdi = a, rsi = b): a = a - b (a ≥ b)
FUNC bp_rt_bn_sub
    mov r8, [rdi]
    mov r9, [rsi]
    xor ecx, ecx
    xor r10d, r10d                       ; borrow
.limb:
    cmp rcx, r8
    jae .trim
    mov rax, [rdi + rcx*8 + 8]
    xor edx, edx
    cmp rcx, r9
    jae .have
    mov rdx, [rsi + rcx*8 + 8]
.have:
    bt r10d, 0
    sbb rax, rdx
    setc r10b
    mov [rdi + rcx*8 + 8], rax
    inc rcx
    jmp .limb
.trim:
    mov rax, r8
.top:
    test rax, rax
    jz .set
    cmp qword [rdi + rax*8], 0
    jne .set
    dec rax
    jmp .top
.set:
    mov [rdi], rax
    ret
ENDFUNC

; bp_rt_bn_bitlen(rdi = big number) → rax = its length in bits
FUNC bp_rt_bn_bitlen
    mov rcx, [rdi]
    xor eax, eax
    test rcx, rcx
    jz .out
    bsr rax, [rdi + rcx*8]
    shl rcx, 6
    lea rax, [rax + rcx - 63]
.out:
    ret
ENDFUNC

; bp_rt_bn_set(rdi = big number, rsi = value): n = value
FUNC bp_rt_bn_set
    mov [rdi + 8], rsi
    xor eax, eax
    test rsi, rsi
    setnz al
    mov [rdi], rax
    ret
ENDFUNC

; bp_rt_bn_divmod(rdi = big number, rsi = divisor ≠ 0) → rax = the remainder, n = n / divisor.
; Clobbers rcx, rdx.
FUNC bp_rt_bn_divmod
    mov rcx, [rdi]
    xor edx, edx
.limb:
    test rcx, rcx
    jz .quotient
    mov rax, [rdi + rcx*8]
    div rsi
    mov [rdi + rcx*8], rax
    dec rcx
    jmp .limb
.quotient:
    mov rax, rdx
    mov rcx, [rdi]
.top:
    test rcx, rcx
    jz .set
    cmp qword [rdi + rcx*8], 0
    jne .set
    dec rcx
    jmp .top
.set:
    mov [rdi], rcx
    ret
ENDFUNC
