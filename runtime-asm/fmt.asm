; Float formatting exactly as glibc's printf("%.*g" / "%.*e" / "%.*f"): the double is expanded
; into all of its decimal digits as a big integer (bignum.asm: mantissa × 2^e, or mantissa × 5^-e
; for negative exponents, taken apart 19 digits at a time), rounded at the cut with ties to even,
; and laid out.
; The same algorithm as src/vm/fmt-float.ts, so the VM and executables print identical bytes.
; Not reentrant (static work buffers); the runtime is single-threaded.

%define MAX_PRECISION 100                ; f-string specs allow up to 100 (at most 309 + 100 digits)
%define FMT_CHUNKS 48                    ; 19-digit chunks of a double's digits (at most 767 digits)

BSS bp_rt_fmt_dig, 800, 16               ; all digits of the value, ASCII
BSS bp_rt_fmt_rnd, 840, 16               ; the rounded digits
BSS bp_rt_fmt_bn, BN_BYTES, 16
BSS bp_rt_fmt_chunks, FMT_CHUNKS * 8, 16

section .rodata.bp_rt_pow5 progbits alloc noexec nowrite align=8
bp_rt_pow5:                              ; 5^0 .. 5^27
%assign i 0
%assign v 1
%rep 28
    dq v
    %assign v v * 5
%endrep

; fmt_f64(xmm0 = value, rdi = out, esi = precision (0..100), edx = 'g' | 'e' | 'f') -> rax = length.
; The output is at most 420 bytes.
FUNC bp_rt_fmt_f64
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    mov r12, rdi                         ; output cursor
    mov r13, rdi                         ; output start
    mov r14d, esi
    cmp r14d, MAX_PRECISION
    jbe .precok
    mov r14d, MAX_PRECISION
.precok:
    mov r15d, edx
    movq rax, xmm0
    btr rax, 63
    jnc .positive
    mov byte [r12], '-'
    inc r12
.positive:
    mov rcx, rax
    shr rcx, 52
    cmp ecx, 0x7ff
    jne .finite
    mov rdx, 0xfffffffffffff
    test rax, rdx
    jz .inf
    mov dword [r12], 'nan'
    add r12, 3
    jmp .done
.inf:
    mov dword [r12], 'inf'
    add r12, 3
    jmp .done
.finite:
    call bp_rt_fmt_digits                ; rbx = digit count, rbp = decimal point
    cmp r15d, 'e'
    je .conv_e
    cmp r15d, 'f'
    je .conv_f
    ; %g: P significant digits; fixed notation when -4 <= X < P, X the exponent after rounding
    mov ecx, r14d
    test ecx, ecx
    jnz .pset
    mov ecx, 1
.pset:
    mov r14d, ecx
    mov rdi, rcx
    call bp_rt_fmt_round                 ; al = carry
    movzx eax, al
    lea rax, [rbp + rax - 1]             ; X
    cmp rax, -4
    jl .g_exp
    cmp rax, r14
    jge .g_exp
    mov rdi, r14
    sub rdi, rax
    dec rdi                              ; P - 1 - X fraction digits
    push r12
    call bp_rt_fmt_emit_f
    pop rdi
    call bp_rt_fmt_strip
    jmp .done
.g_exp:
    lea rdi, [r14 - 1]
    push r12
    call bp_rt_fmt_emit_e
    pop rdi
    call bp_rt_fmt_strip
    jmp .done
.conv_e:
    mov edi, r14d
    call bp_rt_fmt_emit_e
    jmp .done
.conv_f:
    mov edi, r14d
    call bp_rt_fmt_emit_f
.done:
    mov rax, r12
    sub rax, r13
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC

; digits(rax = bits of a finite non-negative double) -> bp_rt_fmt_dig, rbx = count, rbp = point
; (value = 0.D1D2... × 10^point); trailing zeros removed, at least one digit.
FUNC bp_rt_fmt_digits
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    lea r14, [bp_rt_fmt_dig]
    mov rdx, 0xfffffffffffff
    mov r8, rax
    and r8, rdx                          ; mantissa
    shr rax, 52                          ; biased exponent
    test rax, rax
    jnz .normal
    test r8, r8
    jnz .subnormal
    mov byte [r14], '0'
    mov ebx, 1
    mov ebp, 1
    jmp .out
.subnormal:
    mov r15, -1074
    jmp .expand
.normal:
    bts r8, 52
    lea r15, [rax - 1075]                ; e: value = mantissa × 2^e
.expand:
    lea rdi, [bp_rt_fmt_bn]
    mov rsi, r8
    call bp_rt_bn_set
    test r15, r15
    js .negexp
    lea rdi, [bp_rt_fmt_bn]              ; mantissa << e
    mov rsi, r15
    call bp_rt_bn_shl
    jmp .todecimal
.negexp:
    mov r13, r15
    neg r13                              ; k: multiply by 5^k
.mul27:
    cmp r13, 27
    jb .mulrest
    lea rdi, [bp_rt_fmt_bn]
    mov rsi, [bp_rt_pow5 + 27*8]
    xor edx, edx
    call bp_rt_bn_mul_add
    sub r13, 27
    jmp .mul27
.mulrest:
    test r13, r13
    jz .todecimal
    lea rdi, [bp_rt_fmt_bn]
    lea rax, [bp_rt_pow5]
    mov rsi, [rax + r13*8]
    xor edx, edx
    call bp_rt_bn_mul_add
.todecimal:
    ; repeated division by 10^19 collects 19-digit chunks, least significant first
    xor r12d, r12d                       ; chunk count
.chunk:
    cmp qword [bp_rt_fmt_bn], 0
    je .chunks_done
    lea rdi, [bp_rt_fmt_bn]
    mov rsi, 10000000000000000000
    call bp_rt_bn_divmod
    lea rcx, [bp_rt_fmt_chunks]
    mov [rcx + r12*8], rax
    inc r12
    jmp .chunk
.chunks_done:
    ; digits: the top chunk without leading zeros, the others zero-padded to 19
    lea r10, [bp_rt_fmt_chunks]
    xor ebx, ebx
    mov rcx, r12
    dec rcx
    mov rax, [r10 + rcx*8]
    call .top_chunk
.lower:
    test rcx, rcx
    jz .digits_done
    dec rcx
    mov rax, [r10 + rcx*8]
    call .chunk19
    jmp .lower
.digits_done:
    ; point: all digits are integer digits when e >= 0, else e of them are fraction
    mov rbp, rbx
    test r15, r15
    jns .strip
    add rbp, r15
.strip:
    cmp rbx, 1
    jbe .out
    cmp byte [r14 + rbx - 1], '0'
    jne .out
    dec rbx
    jmp .strip
.out:
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    ret
; appends the decimal digits of rax (no leading zeros) at r14 + rbx
.top_chunk:
    push rcx
    sub rsp, 24
    lea rsi, [rsp + 24]
    mov r8d, 10
.tdigit:
    xor edx, edx
    div r8
    add dl, '0'
    dec rsi
    mov [rsi], dl
    test rax, rax
    jnz .tdigit
    lea rdx, [rsp + 24]
.tcopy:
    mov al, [rsi]
    mov [r14 + rbx], al
    inc rbx
    inc rsi
    cmp rsi, rdx
    jb .tcopy
    add rsp, 24
    pop rcx
    ret
; appends exactly 19 digits of rax
.chunk19:
    push rcx
    mov r8d, 10
    lea rsi, [r14 + rbx + 19]
    mov ecx, 19
.cdigit:
    xor edx, edx
    div r8
    add dl, '0'
    dec rsi
    mov [rsi], dl
    dec ecx
    jnz .cdigit
    add rbx, 19
    pop rcx
    ret
ENDFUNC

; round(rdi = n digits wanted, n >= 0) -> bp_rt_fmt_rnd, al = carry (then n + 1 digits: "10…0").
; Uses the digits in bp_rt_fmt_dig (rbx of them); ties go to even.
FUNC bp_rt_fmt_round
    lea rsi, [bp_rt_fmt_dig]
    lea r8, [bp_rt_fmt_rnd]
    xor ecx, ecx
.copy:                                   ; first n digits, padded with zeros
    cmp rcx, rdi
    jae .copied
    mov al, '0'
    cmp rcx, rbx
    jae .pad
    mov al, [rsi + rcx]
.pad:
    mov [r8 + rcx], al
    inc rcx
    jmp .copy
.copied:
    xor eax, eax
    cmp rdi, rbx
    jae .ret                             ; nothing cut off
    movzx edx, byte [rsi + rdi]          ; the first digit cut off
    cmp dl, '5'
    jb .ret
    ja .up
    lea rcx, [rdi + 1]
    cmp rcx, rbx
    jb .up                               ; a 5 followed by more (nonzero) digits
    test rdi, rdi
    jz .ret                              ; exactly half of the first digit: round to even 0
    movzx edx, byte [rsi + rdi - 1]
    test dl, 1                           ; '0'..'9': odd ASCII digit = odd digit
    jz .ret
.up:
    mov rcx, rdi
.carry:
    test rcx, rcx
    jz .overflow
    dec rcx
    cmp byte [r8 + rcx], '9'
    jne .inc
    mov byte [r8 + rcx], '0'
    jmp .carry
.inc:
    inc byte [r8 + rcx]
    xor eax, eax
    ret
.overflow:                               ; 9…9 rounded up: "1" followed by n zeros
    mov byte [r8], '1'
    mov rcx, 1
.zeros:
    cmp rcx, rdi
    ja .carried
    mov byte [r8 + rcx], '0'
    inc rcx
    jmp .zeros
.carried:
    mov eax, 1
.ret:
    ret
ENDFUNC

; emit_e(rdi = p): "%.{p}e" of the digits at r12 (advanced); rbp = point.
FUNC bp_rt_fmt_emit_e
    push rdi
    inc rdi
    call bp_rt_fmt_round
    pop rdi
    movzx eax, al
    lea r9, [rbp + rax - 1]              ; exponent
    lea rsi, [bp_rt_fmt_rnd]
    mov al, [rsi]
    mov [r12], al
    inc r12
    test rdi, rdi
    jz .exp
    mov byte [r12], '.'
    inc r12
    mov ecx, 1
.frac:
    cmp rcx, rdi
    ja .exp
    mov al, [rsi + rcx]
    mov [r12], al
    inc r12
    inc rcx
    jmp .frac
.exp:
    mov byte [r12], 'e'
    mov byte [r12 + 1], '+'
    test r9, r9
    jns .expsign
    mov byte [r12 + 1], '-'
    neg r9
.expsign:
    add r12, 2
    cmp r9, 10
    jae .expdigits
    mov byte [r12], '0'
    inc r12
.expdigits:
    mov rax, r9
    sub rsp, 24
    mov rsi, r12
    mov rdi, rax
    call bp_rt_fmt_i64
    add r12, rax
    add rsp, 24
    ret
ENDFUNC

; emit_f(rdi = p): "%.{p}f" of the digits at r12 (advanced); rbp = point.
FUNC bp_rt_fmt_emit_f
    push rbx
    push r14
    push r15
    mov r14, rdi                         ; p
    lea rdi, [rbp + r14]                 ; digits before the cut
    test rdi, rdi
    jns .round
    mov byte [r12], '0'                  ; below half a unit of the last place: zero
    inc r12
    xor r15d, r15d
    jmp .zero_frac
.round:
    call bp_rt_fmt_round
    movzx eax, al
    lea r15, [rbp + rax]                 ; integer digits
    lea rsi, [bp_rt_fmt_rnd]
    xor ecx, ecx
    test r15, r15
    jg .int
    mov byte [r12], '0'
    inc r12
    test r14, r14
    jz .out
    mov byte [r12], '.'
    inc r12
    mov rdx, r15
    neg rdx                              ; leading zeros of the fraction
.lead:
    test rdx, rdx
    jz .rest
    mov byte [r12], '0'
    inc r12
    dec rdx
    jmp .lead
.rest:                                   ; then the rounded digits: p in all
    mov rdx, r14
    add rdx, r15                         ; p - leading zeros
.restnext:
    cmp rcx, rdx
    jae .out
    mov al, [rsi + rcx]
    mov [r12], al
    inc r12
    inc rcx
    jmp .restnext
.int:
    mov al, [rsi + rcx]
    mov [r12], al
    inc r12
    inc rcx
    cmp rcx, r15
    jb .int
    test r14, r14
    jz .out
    mov byte [r12], '.'
    inc r12
    lea rdx, [r15 + r14]
    jmp .restnext
.zero_frac:
    test r14, r14
    jz .out
    mov byte [r12], '.'
    inc r12
.zf:
    mov byte [r12], '0'
    inc r12
    dec r14
    jnz .zf
.out:
    pop r15
    pop r14
    pop rbx
    ret
ENDFUNC

; strip(rdi = start of a number, r12 = its end): removes trailing zeros of the fraction (and a
; lone point), keeping any exponent; updates r12.
FUNC bp_rt_fmt_strip
    mov rsi, rdi
    xor r8d, r8d                         ; position of '.'
    mov r9, r12                          ; position of 'e' (end of the mantissa)
.scan:
    cmp rsi, r12
    jae .found
    mov al, [rsi]
    cmp al, '.'
    jne .note_e
    mov r8, rsi
.note_e:
    cmp al, 'e'
    jne .next
    mov r9, rsi
    jmp .found
.next:
    inc rsi
    jmp .scan
.found:
    test r8, r8
    jz .ret
    mov rdx, r9                          ; new end of the mantissa
.zeros:
    cmp byte [rdx - 1], '0'
    jne .point
    dec rdx
    jmp .zeros
.point:
    cmp byte [rdx - 1], '.'
    jne .shift
    dec rdx
.shift:                                  ; move the exponent part down
    mov rsi, r9
.copy:
    cmp rsi, r12
    jae .moved
    mov al, [rsi]
    mov [rdx], al
    inc rsi
    inc rdx
    jmp .copy
.moved:
    mov r12, rdx
.ret:
    ret
ENDFUNC
