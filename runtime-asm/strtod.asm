; ---------------------------------------------------------------------------------------------
; str_to_float: the VM's strtod (src/vm/builtins.ts): leading whitespace, a sign, then "inf",
; "nan", a hexadecimal float (the VM's: the digits rounded to a double, times 2^exponent as a
; double) or a decimal number (rounded correctly, as JavaScript's Number); 0 when none matches.
; The big integers are bignum.asm's.

; bp_io_make_double(rdi = q ≠ 0, rsi = s, edx = sticky) → rax = the bits of the double nearest
; to (q + f) × 2^-s, where 0 < f < 1 when sticky, else f = 0 (ties to even; inf past the range).
FUNC bp_io_make_double
    bsr rcx, rdi
    mov r8d, 63
    sub r8d, ecx
    mov ecx, r8d
    shl rdi, cl                          ; normalised: bit 63 set
    add rsi, r8
    mov rax, 63
    sub rax, rsi                         ; p: the value is in [2^p, 2^(p+1))
    cmp rax, 1024
    jge .inf
    mov r8d, 53                          ; bits kept
    cmp rax, -1022
    jge .have
    lea r8, [rax + 1075]                 ; subnormal
    test r8, r8
    js .zero
    jz .half
.have:
    mov ecx, 64
    sub ecx, r8d                         ; bits dropped: 11..63
    mov r9, rdi
    shr r9, cl                           ; the mantissa
    mov r10, 1
    shl r10, cl
    dec r10
    and r10, rdi                         ; the dropped bits
    dec ecx
    mov r11, 1
    shl r11, cl                          ; half a unit
    cmp r10, r11
    ja .up
    jb .rounded
    test edx, edx
    jnz .up
    test r9, 1
    jz .rounded
.up:
    inc r9
.rounded:
    cmp rax, -1022
    jl .subnormal
    add rax, 1022
    shl rax, 52
    add rax, r9                          ; the hidden bit carries into the exponent
    mov rcx, 0x7FF0000000000000
    cmp rax, rcx
    jb .out
.inf:
    mov rax, 0x7FF0000000000000
    ret
.subnormal:
    mov rax, r9
    ret
.half:                                   ; in [2^-1075, 2^-1074): 2^-1074 unless exactly the tie
    mov eax, 1
    mov rcx, 0x8000000000000000
    cmp rdi, rcx
    jne .out
    test edx, edx
    jnz .out
.zero:
    xor eax, eax
.out:
    ret
ENDFUNC

; bp_io_hexval(edi = byte) → eax = its value as a hexadecimal digit, or -1
FUNC bp_io_hexval
    lea eax, [rdi - '0']
    cmp eax, 9
    jbe .out
    mov eax, edi
    or eax, 0x20
    sub eax, 'a'
    cmp eax, 5
    ja .no
    add eax, 10
    ret
.no:
    mov eax, -1
.out:
    ret
ENDFUNC

; bp_io_exponent(rdi = position, rsi = end, edx = letter, lower case) → rax = the exponent
; "letter[+-]digits" there (its magnitude saturated at 2^40), 0 when there is none.
FUNC bp_io_exponent
    xor eax, eax
    cmp rdi, rsi
    jae .out
    movzx ecx, byte [rdi]
    or ecx, 0x20
    cmp ecx, edx
    jne .out
    inc rdi
    xor r8d, r8d                         ; negative
    cmp rdi, rsi
    jae .out
    movzx ecx, byte [rdi]
    cmp cl, '+'
    je .signed
    cmp cl, '-'
    jne .digits
    mov r8d, 1
.signed:
    inc rdi
.digits:
    cmp rdi, rsi
    jae .out                             ; no digit: no exponent (rax = 0)
    movzx ecx, byte [rdi]
    sub ecx, '0'
    cmp ecx, 9
    ja .out
    mov r9, 1 << 40
.digit:
    cmp rdi, rsi
    jae .finish
    movzx ecx, byte [rdi]
    sub ecx, '0'
    cmp ecx, 9
    ja .finish
    cmp rax, r9
    jae .next
    imul rax, rax, 10
    add rax, rcx
.next:
    inc rdi
    jmp .digit
.finish:
    test r8d, r8d
    jz .out
    neg rax
.out:
    ret
ENDFUNC

%define SF_MAXDIG 780                    ; decimal digits kept (then one for any dropped nonzero)
%define SF_N 0                           ; the numerator (big number)
%define SF_D BN_BYTES                    ; the denominator
%define SF_DIG (2 * BN_BYTES)            ; the digits kept
%define SF_VARS (SF_DIG + 784)
%define SF_FRAME (SF_VARS + 64 + 8)

; bp_rt_str_to_float(rdi = string) → xmm0
FUNC bp_rt_str_to_float
    push rbx                             ; position
    push rbp
    push r12                             ; end
    push r13                             ; negative
    push r14
    push r15
    sub rsp, SF_FRAME
    lea rbx, [rdi + STR_DATA]
    mov r12, [rdi + STR_LEN]
    add r12, rbx
    xor r13d, r13d
.space:
    cmp rbx, r12
    jae .zero
    movzx eax, byte [rbx]
    cmp al, ' '
    je .next_space
    sub eax, 9
    cmp eax, 4
    ja .sign
.next_space:
    inc rbx
    jmp .space
.sign:
    movzx eax, byte [rbx]
    cmp al, '+'
    je .signed
    cmp al, '-'
    jne .body
    mov r13d, 1
.signed:
    inc rbx
.body:
    mov rcx, r12
    sub rcx, rbx
    cmp rcx, 3
    jb .not_word
    movzx eax, byte [rbx]
    or al, 0x20
    movzx edx, byte [rbx + 1]
    or dl, 0x20
    movzx ecx, byte [rbx + 2]
    or cl, 0x20
    cmp al, 'i'
    jne .not_inf
    cmp dl, 'n'
    jne .not_word
    cmp cl, 'f'
    jne .not_word
    mov rax, 0x7FF0000000000000
    jmp .apply_sign
.not_inf:
    cmp al, 'n'
    jne .not_word
    cmp dl, 'a'
    jne .not_word
    cmp cl, 'n'
    jne .not_word
    mov rax, 0x7FF8000000000000
    jmp .apply_sign
.not_word:
    mov rcx, r12
    sub rcx, rbx
    cmp rcx, 2
    jb .decimal
    cmp byte [rbx], '0'
    jne .decimal
    movzx eax, byte [rbx + 1]
    or al, 0x20
    cmp al, 'x'
    jne .decimal
    ; --- hexadecimal: digits [.digits] [p exponent]; value = round(digits) × 2^(exp - 4·fraction digits)
    lea r14, [rbx + 2]                   ; scan
    xor r15d, r15d                       ; mantissa bits (the first 16 significant digits)
    xor ebp, ebp                         ; significant digits seen
    mov qword [rsp + SF_VARS], 0         ; integer digits
    mov qword [rsp + SF_VARS + 8], 0     ; fraction digits
    mov qword [rsp + SF_VARS + 16], 0    ; sticky
.hex_int:
    cmp r14, r12
    jae .hex_point
    movzx edi, byte [r14]
    call bp_io_hexval
    test eax, eax
    js .hex_point
    inc qword [rsp + SF_VARS]
    call .hex_digit
    inc r14
    jmp .hex_int
.hex_point:
    cmp r14, r12
    jae .hex_checked
    cmp byte [r14], '.'
    jne .hex_checked
    lea rcx, [r14 + 1]
.hex_frac:
    cmp rcx, r12
    jae .hex_frac_end
    movzx edi, byte [rcx]
    mov r14, rcx
    call bp_io_hexval
    test eax, eax
    js .hex_frac_end_r14
    inc qword [rsp + SF_VARS + 8]
    call .hex_digit
    lea rcx, [r14 + 1]
    jmp .hex_frac
.hex_frac_end_r14:
    mov rcx, r14
.hex_frac_end:
    mov r14, rcx
.hex_checked:
    mov rax, [rsp + SF_VARS]
    or rax, [rsp + SF_VARS + 8]
    jz .decimal                          ; "0x" without digits: the decimal "0"
    mov rdi, r14
    mov rsi, r12
    mov edx, 'p'
    call bp_io_exponent
    mov rcx, [rsp + SF_VARS + 8]
    shl rcx, 2
    sub rax, rcx                         ; the binary exponent
    ; 2^exponent as a double: inf above 1023, 0 below -1074
    mov rcx, 0x7FF0000000000000
    cmp rax, 1023
    jg .have_scale
    xor ecx, ecx
    cmp rax, -1074
    jl .have_scale
    cmp rax, -1022
    jl .scale_subnormal
    lea rcx, [rax + 1023]
    shl rcx, 52
    jmp .have_scale
.scale_subnormal:
    lea rcx, [rax + 1074]
    mov eax, 1
    shl rax, cl
    mov rcx, rax
.have_scale:
    movq xmm1, rcx
    xor eax, eax                         ; the digits rounded to a double
    test r15, r15
    jz .have_mantissa
    mov rdi, r15
    mov rsi, rbp                         ; digits past the first 16: 4 bits each
    sub rsi, 16
    xor eax, eax
    cmp rsi, 0
    cmovl rsi, rax
    shl rsi, 2
    neg rsi
    mov edx, [rsp + SF_VARS + 16]
    call bp_io_make_double
.have_mantissa:
    movq xmm0, rax
    mulsd xmm0, xmm1
    movq rax, xmm0
    jmp .apply_sign

; (inside the hexadecimal scan) digit eax: into the mantissa while fewer than 16 significant
.hex_digit:
    test rbp, rbp
    jnz .hex_significant
    test eax, eax
    jz .hex_digit_done                   ; a leading zero
.hex_significant:
    inc rbp
    cmp rbp, 16
    ja .hex_dropped
    shl r15, 4
    or r15, rax
    ret
.hex_dropped:
    or [rsp + SF_VARS + 16 + 8], eax     ; (the return address is on the stack)
.hex_digit_done:
    ret

.decimal:
    ; --- decimal: (digits [. digits] | . digits) [e exponent]; value = D × 10^E exactly rounded
    mov r14, rbx                         ; scan
    xor ebp, ebp                         ; digits kept
    xor r15d, r15d                       ; E
    mov qword [rsp + SF_VARS], 0         ; integer digits
    mov qword [rsp + SF_VARS + 8], 0     ; fraction digits
    mov qword [rsp + SF_VARS + 16], 0    ; a dropped digit was nonzero
.dec_int:
    cmp r14, r12
    jae .dec_point
    movzx eax, byte [r14]
    sub eax, '0'
    cmp eax, 9
    ja .dec_point
    inc qword [rsp + SF_VARS]
    inc r14
    test rbp, rbp
    jnz .dec_int_keep
    test eax, eax
    jz .dec_int                          ; a leading zero
.dec_int_keep:
    cmp rbp, SF_MAXDIG
    jae .dec_int_drop
    mov [rsp + SF_DIG + rbp], al
    inc rbp
    jmp .dec_int
.dec_int_drop:
    inc r15
    or [rsp + SF_VARS + 16], eax
    jmp .dec_int
.dec_point:
    cmp r14, r12
    jae .dec_checked
    cmp byte [r14], '.'
    jne .dec_checked
    inc r14
.dec_frac:
    cmp r14, r12
    jae .dec_checked
    movzx eax, byte [r14]
    sub eax, '0'
    cmp eax, 9
    ja .dec_checked
    inc qword [rsp + SF_VARS + 8]
    inc r14
    test rbp, rbp
    jnz .dec_frac_keep
    test eax, eax
    jnz .dec_frac_keep
    dec r15                              ; a leading zero
    jmp .dec_frac
.dec_frac_keep:
    cmp rbp, SF_MAXDIG
    jae .dec_frac_drop
    mov [rsp + SF_DIG + rbp], al
    inc rbp
    dec r15
    jmp .dec_frac
.dec_frac_drop:
    or [rsp + SF_VARS + 16], eax
    jmp .dec_frac
.dec_checked:
    mov rax, [rsp + SF_VARS]
    or rax, [rsp + SF_VARS + 8]
    jz .zero                             ; no number at all: 0 (whatever the sign)
    mov rdi, r14
    mov rsi, r12
    mov edx, 'e'
    call bp_io_exponent
    add r15, rax
    cmp dword [rsp + SF_VARS + 16], 0
    je .trailing
    mov byte [rsp + SF_DIG + rbp], 1     ; the dropped nonzero digits, as one digit 1
    inc rbp
    dec r15
.trailing:
    test rbp, rbp
    jz .signed_zero
    cmp byte [rsp + SF_DIG + rbp - 1], 0
    jne .scaled
    dec rbp
    inc r15
    jmp .trailing
.scaled:
    lea rax, [rbp + r15]                 ; the value is in [10^(rax-1), 10^rax)
    cmp rax, 311
    jge .signed_inf
    cmp rax, -325
    jle .signed_zero
    ; fast path: D < 10^15 and |E| ≤ 22, one correctly rounded operation of exact operands
    cmp rbp, 15
    ja .exact
    cmp r15, 22
    jg .exact
    cmp r15, -22
    jl .exact
    xor eax, eax
    xor ecx, ecx
.fast_digits:
    imul rax, rax, 10
    movzx edx, byte [rsp + SF_DIG + rcx]
    add rax, rdx
    inc rcx
    cmp rcx, rbp
    jb .fast_digits
    cvtsi2sd xmm0, rax
    mov rcx, r15
    test rcx, rcx
    jns .fast_power
    neg rcx
.fast_power:
    mov eax, 1
    cvtsi2sd xmm1, eax
    mov eax, 10
    cvtsi2sd xmm2, eax
.fast_loop:
    test rcx, rcx
    jz .fast_apply
    mulsd xmm1, xmm2
    dec rcx
    jmp .fast_loop
.fast_apply:
    test r15, r15
    js .fast_divide
    mulsd xmm0, xmm1
    jmp .fast_done
.fast_divide:
    divsd xmm0, xmm1
.fast_done:
    movq rax, xmm0
    jmp .apply_sign
.exact:
    ; N = D, in chunks of up to 19 digits
    mov qword [rsp + SF_N], 0
    xor r14d, r14d                       ; digit index
.chunk:
    cmp r14, rbp
    jae .built
    xor eax, eax                         ; chunk value
    mov ecx, 1                           ; 10^(chunk digits)
    xor edx, edx                         ; chunk digits
.chunk_digit:
    cmp r14, rbp
    jae .chunk_add
    cmp edx, 19
    jae .chunk_add
    imul rax, rax, 10
    movzx r8d, byte [rsp + SF_DIG + r14]
    add rax, r8
    imul rcx, rcx, 10
    inc edx
    inc r14
    jmp .chunk_digit
.chunk_add:
    lea rdi, [rsp + SF_N]
    mov rsi, rcx
    mov rdx, rax
    call bp_rt_bn_mul_add
    jmp .chunk
.built:
    mov qword [rsp + SF_D], 1            ; the denominator 1
    mov qword [rsp + SF_D + 8], 1
    test r15, r15
    js .negative_exponent
    lea rdi, [rsp + SF_N]
    mov rsi, r15
    call bp_rt_bn_mul_pow10
    jmp .divide
.negative_exponent:
    lea rdi, [rsp + SF_D]
    mov rsi, r15
    neg rsi
    call bp_rt_bn_mul_pow10
.divide:
    ; s = 63 - (bits(N) - bits(D)), so that q = floor(N·2^s / D) is in [2^62, 2^64)
    lea rdi, [rsp + SF_N]
    call bp_rt_bn_bitlen
    mov r14, rax
    lea rdi, [rsp + SF_D]
    call bp_rt_bn_bitlen
    sub r14, rax
    mov rbp, 63
    sub rbp, r14                         ; s
    js .shift_denominator
    lea rdi, [rsp + SF_N]
    mov rsi, rbp
    call bp_rt_bn_shl
    jmp .shifted
.shift_denominator:
    lea rdi, [rsp + SF_D]
    mov rsi, rbp
    neg rsi
    call bp_rt_bn_shl
.shifted:
    lea rdi, [rsp + SF_D]
    mov esi, 63
    call bp_rt_bn_shl
    xor r15d, r15d                       ; q
    mov r14d, 63                         ; bit
.quotient_bit:
    lea rdi, [rsp + SF_N]
    lea rsi, [rsp + SF_D]
    call bp_rt_bn_cmp
    test eax, eax
    js .below
    lea rdi, [rsp + SF_N]
    lea rsi, [rsp + SF_D]
    call bp_rt_bn_sub
    bts r15, r14
.below:
    lea rdi, [rsp + SF_D]
    call bp_rt_bn_shr1
    dec r14
    jns .quotient_bit
    xor edx, edx
    cmp qword [rsp + SF_N], 0
    setne dl                             ; a remainder
    mov rdi, r15
    mov rsi, rbp
    call bp_io_make_double
    jmp .apply_sign
.signed_inf:
    mov rax, 0x7FF0000000000000
    jmp .apply_sign
.signed_zero:
    xor eax, eax
.apply_sign:
    test r13d, r13d
    jz .result
    btc rax, 63
    jmp .result
.zero:
    xor eax, eax
.result:
    movq xmm0, rax
    add rsp, SF_FRAME
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC
