; Math builtins for executables, on the x87 unit (extended precision, then rounded to double):
; the trigonometric, exponential and logarithmic functions, pow with the special cases of C99
; Annex F, exact fmod, and C's round. NaN signs follow glibc where the spec records them: an
; invalid operation gives the default (negative) NaN, acos/asin outside [-1, 1] give +nan.
; (The VM uses JavaScript's Math, an fdlibm port; results can differ from these in the last bit.)
; Each function takes and returns doubles in xmm0 (xmm1 for a second argument). Then the int
; builtins: bit operations, and the VM's pseudo-random generator.

; One-argument x87 functions: x moves to st0, the body leaves the result in st0.
%macro X87_IN 0
    sub rsp, 8
    movsd [rsp], xmm0
    fld qword [rsp]
%endmacro
%macro X87_OUT 0
    fstp qword [rsp]
    movsd xmm0, [rsp]
    add rsp, 8
    ret
%endmacro

; sin/cos/tan: the argument is reduced by π/2 in extended precision with a three-part π/2
; (Cody–Waite: k·P1 and k·P2 are exact for |k| < 2^21), so results near multiples of π keep
; their digits; fsin/fcos/fptan then see |r| ≤ π/4. Beyond |x| = 2^20 (and for inf/NaN) the
; reduction falls back to fprem1 by the x87's 66-bit π.
section .rodata.bp_rt_reduce progbits alloc noexec nowrite align=16
bp_rt_pio2_1: db 0x00, 0x00, 0x60, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0xff, 0x3f, 0, 0, 0, 0, 0, 0
bp_rt_pio2_2: db 0x00, 0x00, 0x20, 0x66, 0x4c, 0x4c, 0x23, 0x8c, 0xd3, 0x3f, 0, 0, 0, 0, 0, 0
bp_rt_pio2_3: db 0x4e, 0x02, 0x29, 0xd1, 0x1c, 0xdc, 0x80, 0x8b, 0xa7, 0x3f, 0, 0, 0, 0, 0, 0
bp_rt_2_pi:   db 0x29, 0x15, 0x44, 0x4e, 0x6e, 0x83, 0xf9, 0xa2, 0xfe, 0x3f, 0, 0, 0, 0, 0, 0
bp_rt_two20:  dq 0x4130000000000000

; st0 = x → st0 = r, eax = quadrant (k mod 4) with x = k·π/2 + r.
FUNC bp_rt_x87_reduce
    xor eax, eax
    fld st0
    fabs
    fld qword [rel bp_rt_two20]
    fcomip st1
    fstp st0
    jbe .big                             ; |x| ≥ 2^20, or NaN
    fldz
    fcomip st1
    je .done                             ; ±0 stays itself (keeps the sign of sin(-0))
    fld st0
    fld tword [rel bp_rt_2_pi]
    fmulp st1, st0
    frndint                              ; k, x
    sub rsp, 8
    fld st0
    fistp qword [rsp]                    ; fist has no 64-bit form
    mov rax, [rsp]
    add rsp, 8
    and eax, 3
    fld tword [rel bp_rt_pio2_1]
    fmul st0, st1
    fsubp st2, st0                       ; k, x - k·P1
    fld tword [rel bp_rt_pio2_2]
    fmul st0, st1
    fsubp st2, st0                       ; k, r2
    fld tword [rel bp_rt_pio2_3]
    fmulp st1, st0
    fsubp st1, st0                       ; r
.done:
    ret
.big:
    fxam
    fnstsw ax
    and ah, 0x45
    cmp ah, 0x05                         ; infinity: leave it (the operation gives NaN)
    je .bigdone
    fldpi
    fadd st0, st0
    fxch st1
.rem:
    fprem1
    fnstsw ax
    test ah, 4
    jnz .rem
    fstp st1
.bigdone:
    xor eax, eax
    ret
ENDFUNC

FUNC bp_rt_math_sin
    X87_IN
    call bp_rt_x87_reduce
    test eax, 1
    jnz .cos
    fsin
    jmp .sign
.cos:
    fcos
.sign:
    test eax, 2
    jz .out
    fchs
.out:
    X87_OUT
ENDFUNC

FUNC bp_rt_math_cos
    X87_IN
    call bp_rt_x87_reduce
    test eax, 1
    jnz .sin
    fcos
    jmp .sign
.sin:
    fsin
.sign:
    lea ecx, [rax + 1]                   ; negative in quadrants 1 and 2
    test ecx, 2
    jz .out
    fchs
.out:
    X87_OUT
ENDFUNC

FUNC bp_rt_math_tan
    X87_IN
    call bp_rt_x87_reduce
    fptan
    fstp st0
    test eax, 1
    jz .out
    fld1                                 ; odd quadrants: tan(r + π/2) = -1/tan r
    fdivrp st1, st0
    fchs
.out:
    X87_OUT
ENDFUNC

FUNC bp_rt_math_atan
    X87_IN
    fld1
    fpatan
    X87_OUT
ENDFUNC

FUNC bp_rt_math_log
    X87_IN
    fldln2
    fxch st1
    fyl2x
    X87_OUT
ENDFUNC

FUNC bp_rt_math_log10
    xorpd xmm1, xmm1
    ucomisd xmm0, xmm1
    jp .x87                              ; NaN: its own sign
    jae .x87
    mov rax, 0x7ff8000000000000          ; glibc: log10 of a negative is +nan (log, log2: -nan)
    movq xmm0, rax
    ret
.x87:
    X87_IN
    fldlg2
    fxch st1
    fyl2x
    X87_OUT
ENDFUNC

FUNC bp_rt_math_log2
    X87_IN
    fld1
    fxch st1
    fyl2x
    X87_OUT
ENDFUNC

; 2^st0 for finite st0 (replaces st0): f2xm1 of the fraction, fscale by the integer part.
FUNC bp_rt_x87_exp2
    fld st0
    frndint
    fsub st1, st0
    fxch st1
    f2xm1
    fld1
    faddp st1, st0
    fscale
    fstp st1
    ret
ENDFUNC

FUNC bp_rt_math_exp
    sub rsp, 8
    movsd [rsp], xmm0
    mov rax, [rsp]
    mov rcx, 0x7ff0000000000000
    cmp rax, rcx
    je .done                             ; exp(+inf) = inf
    mov rcx, 0xfff0000000000000
    cmp rax, rcx
    jne .compute
    mov qword [rsp], 0                   ; exp(-inf) = 0
    jmp .done
.compute:
    fld qword [rsp]
    fldl2e
    fmulp st1, st0
    call bp_rt_x87_exp2
    fstp qword [rsp]
.done:
    movsd xmm0, [rsp]
    add rsp, 8
    ret
ENDFUNC

FUNC bp_rt_math_atan2
    sub rsp, 8
    movsd [rsp], xmm0
    fld qword [rsp]                      ; y
    movsd [rsp], xmm1
    fld qword [rsp]                      ; x
    fpatan                               ; atan(y / x) in the right quadrant
    fstp qword [rsp]
    movsd xmm0, [rsp]
    add rsp, 8
    ret
ENDFUNC

; asin(x) = atan2(x, sqrt(1 - x²)), acos(x) = atan2(sqrt(1 - x²), x); |x| > 1 gives +nan.
%macro ARC 2
FUNC %1
    sub rsp, 8
    movsd [rsp], xmm0
    mov rax, [rsp]
    btr rax, 63
    mov rcx, 0x3ff0000000000000
    cmp rax, rcx
    jbe .ok
    mov rcx, 0x7ff0000000000000
    cmp rax, rcx
    ja .ok                               ; a NaN argument stays that NaN
    mov rax, 0x7ff8000000000000
    mov [rsp], rax
    jmp .done
.ok:
    fld qword [rsp]
    fld st0
    fmul st0, st0
    fld1
    fsubrp st1, st0
    fsqrt
    %2
    fpatan
    fstp qword [rsp]
.done:
    movsd xmm0, [rsp]
    add rsp, 8
    ret
ENDFUNC
%endmacro

ARC bp_rt_math_asin, nop
ARC bp_rt_math_acos, fxch st1

; fmod(x, y): exact remainder with the sign of x (fprem until complete).
FUNC bp_rt_math_fmod
    sub rsp, 8
    movsd [rsp], xmm1
    fld qword [rsp]
    movsd [rsp], xmm0
    fld qword [rsp]
.rem:
    fprem
    fnstsw ax
    test ah, 4
    jnz .rem
    fstp st1
    fstp qword [rsp]
    movsd xmm0, [rsp]
    add rsp, 8
    ret
ENDFUNC

; round(x): half away from zero, keeping -0.
FUNC bp_rt_math_round
    roundsd xmm1, xmm0, 11               ; truncate (bit 3: no precision exception)
    movapd xmm2, xmm0
    subsd xmm2, xmm1
    mov rax, 0x7fffffffffffffff
    movq xmm3, rax
    andpd xmm2, xmm3                     ; |x - trunc(x)|
    mov rax, 0x3fe0000000000000
    movq xmm3, rax
    ucomisd xmm2, xmm3
    jb .trunc                            ; also for NaN: keep the truncation (the NaN)
    mov rax, 0x3ff0000000000000
    movq xmm3, rax
    movq rax, xmm0
    test rax, rax
    jns .up
    subsd xmm1, xmm3
    jmp .trunc
.up:
    addsd xmm1, xmm3
.trunc:
    movapd xmm0, xmm1
    ret
ENDFUNC

; pow(x, y) with C99 Annex F's special cases; otherwise 2^(y·log2|x|), negated for x < 0 and odd y.
FUNC bp_rt_math_pow
    sub rsp, 24
    movsd [rsp], xmm0                    ; x
    movsd [rsp + 8], xmm1                ; y
    mov rax, [rsp]
    mov rdx, [rsp + 8]
    mov rcx, rdx
    btr rcx, 63
    test rcx, rcx
    jz .one                              ; y = ±0: 1
    mov r8, 0x3ff0000000000000
    cmp rax, r8
    je .one                              ; x = 1: 1
    mov r9, 0x7ff0000000000000
    mov r10, rax
    btr r10, 63                          ; |x| bits
    cmp r10, r9
    ja .x_nan
    cmp rcx, r9
    ja .y_nan
    ; classify y: r11 = 0 not an integer, 1 even integer, 2 odd integer
    call .parity
    je .y_inf
    test r10, r10
    jz .x_zero
    cmp r10, r9
    je .x_inf
    test rax, rax
    jns .general
    test r11, r11
    jz .invalid                          ; negative base, non-integer exponent
.general:
    fld qword [rsp + 8]
    mov [rsp + 16], r10
    fld qword [rsp + 16]
    fyl2x                                ; y · log2|x|
    fxam
    fnstsw ax
    and ah, 0x45
    cmp ah, 0x05
    je .scaled_inf
    call bp_rt_x87_exp2
    jmp .store
.scaled_inf:                             ; ±inf exponent: inf or 0
    fstp qword [rsp + 16]
    mov rax, [rsp + 16]
    test rax, rax
    js .zero_result
    mov qword [rsp + 16], r9
    jmp .sign
.zero_result:
    mov qword [rsp + 16], 0
    jmp .sign
.store:
    fstp qword [rsp + 16]
.sign:
    mov rax, [rsp]
    test rax, rax
    jns .ret16
    cmp r11, 2
    jne .ret16
    btc qword [rsp + 16], 63             ; negative base, odd exponent
.ret16:
    movsd xmm0, [rsp + 16]
    add rsp, 24
    ret
.one:
    mov rax, 0x3ff0000000000000
    mov [rsp + 16], rax
    jmp .ret16
.x_nan:
    movsd xmm0, [rsp]
    add rsp, 24
    ret
.y_nan:
    movsd xmm0, [rsp + 8]
    add rsp, 24
    ret
.invalid:
    mov rax, 0xfff8000000000000
    mov [rsp + 16], rax
    jmp .ret16
.y_inf:                                  ; |x| = 1: 1; |x| < 1: 0 or inf; |x| > 1: inf or 0
    cmp r10, r8
    je .one
    setb cl                              ; |x| < 1
    test rdx, rdx
    sets ch                              ; y = -inf
    xor cl, ch
    mov qword [rsp + 16], 0
    jnz .ret16
    mov [rsp + 16], r9
    jmp .ret16
.x_zero:                                 ; y < 0: ±inf, y > 0: ±0 (sign kept for odd y)
    test rdx, rdx
    js .zero_neg_y
    mov qword [rsp + 16], 0
    jmp .sign
.zero_neg_y:
    mov [rsp + 16], r9
    jmp .sign
.x_inf:                                  ; y < 0: ±0, y > 0: ±inf
    test rdx, rdx
    js .zero_result
    mov [rsp + 16], r9
    jmp .sign
; parity: r11 = 0 (y not an integer), 1 (even integer), 2 (odd integer) for |y| bits in rcx;
; ZF set when y is infinite. Keeps every other register.
.parity:
    xor r11d, r11d
    cmp rcx, r9
    je .pret
    push rax
    push rcx
    push rdi
    push rsi
    mov rsi, rcx
    shr rsi, 52                          ; biased exponent
    cmp rsi, 1075
    ja .even_int                         ; |y| >= 2^53: the units bit is 0
    je .last_bit                         ; [2^52, 2^53): the mantissa's last bit is the units bit
    cmp rsi, 1023
    jb .done_p                           ; |y| < 1 (and not 0): a fraction
    mov rax, rcx
    mov rdi, 0xfffffffffffff
    and rax, rdi
    bts rax, 52                          ; |y| = m · 2^(e - 1075)
    mov ecx, 1075
    sub ecx, esi                         ; fraction bits
    mov rdi, 1
    shl rdi, cl
    dec rdi
    test rax, rdi
    jnz .done_p
    shr rax, cl
    and eax, 1
    lea r11, [rax + 1]
    jmp .done_p
.last_bit:
    mov r11d, 1
    test cl, 1
    jz .done_p
    mov r11d, 2
    jmp .done_p
.even_int:
    mov r11d, 1
.done_p:
    pop rsi
    pop rdi
    pop rcx
    pop rax
    cmp rcx, r9                          ; clears ZF: finite
.pret:
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Bit operations on 64-bit ints; shift counts are taken modulo 64 (as x86 and the VM do), and
; bit_shr is arithmetic.

FUNC bp_rt_bit_and
    mov rax, rdi
    and rax, rsi
    ret
ENDFUNC

FUNC bp_rt_bit_or
    mov rax, rdi
    or rax, rsi
    ret
ENDFUNC

FUNC bp_rt_bit_xor
    mov rax, rdi
    xor rax, rsi
    ret
ENDFUNC

FUNC bp_rt_bit_not
    mov rax, rdi
    not rax
    ret
ENDFUNC

FUNC bp_rt_bit_shl
    mov rax, rdi
    mov ecx, esi
    shl rax, cl
    ret
ENDFUNC

FUNC bp_rt_bit_shr
    mov rax, rdi
    mov ecx, esi
    sar rax, cl
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Random numbers: the VM's 64-bit LCG, state = state * 1103515245 + 12345 (mod 2^64), each step
; yielding state >> 16. The state starts at 1; the variable holds it XOR 1 so that the zeroed
; BSS means 1.

BSS bp_rt_rand_state, 8, 8

; bp_rt_rand_next() → rax = the next step's state >> 16. Clobbers rdx.
FUNC bp_rt_rand_next
    mov rax, [bp_rt_rand_state]
    xor rax, 1
    imul rax, rax, 1103515245
    add rax, 12345
    mov rdx, rax
    xor rdx, 1
    mov [bp_rt_rand_state], rdx
    shr rax, 16
    ret
ENDFUNC

; bp_rt_rand() → 0..32767.
FUNC bp_rt_rand
    call bp_rt_rand_next                 ; (a leaf: no alignment needed)
    and eax, 32767
    ret
ENDFUNC

; bp_rt_rand_range(rdi = lo, rsi = hi) → lo when lo >= hi, else lo + next % (hi - lo) (one step).
FUNC bp_rt_rand_range
    mov rax, rdi
    cmp rdi, rsi
    jge .out
    mov rcx, rsi
    sub rcx, rdi                         ; the span, as unsigned
    mov r8, rdi
    call bp_rt_rand_next
    xor edx, edx
    div rcx
    lea rax, [r8 + rdx]
.out:
    ret
ENDFUNC

; bp_rt_rand_seed(rdi = n): the state becomes n (as unsigned 64 bits).
FUNC bp_rt_rand_seed
    xor rdi, 1
    mov [bp_rt_rand_state], rdi
    ret
ENDFUNC
