; f-string format specifications (spec §8.2): bp_rt_format applies Python's format mini-language
;   [[fill]align][sign][#][0][width][grouping][.precision][type]
; to a value exactly as src/vm/format.ts (formatValue) does, with the spec parsed as
; src/lang/format-spec.ts parses it. The checker has validated every spec against the value's
; static type (width <= 1000, precision <= 100), so nothing here can fail but the allocation.
; Strings are byte strings: widths, padding and precision count bytes, as in the VM.
;
;   int, type none/b/c/d/o/x/X/n: digits of |v| (grouped by 4 for b/o/x/X, else by 3), '#' adds
;     0b/0o/0x/0X; 'c' is the byte Number(|v|) & 255 and is not numeric (no sign option, no
;     zero padding, left-aligned by default) but keeps a '-' for a negative value.
;   int with a float type, float: printf's %f/%e/%g of |x| (precision 6 by default, %g with 0
;     means 1, no type = %g), '%' is %f of |x| * 100 and a '%', E/F/G upper-case the text; the
;     sign is the sign bit ('-nan', '-0.0'); grouping applies to the leading digits.
;   bool, str, anything else: the printed text (bp_rt_repr_str), cut to the precision.
; Numbers align right by default, everything else left; '0' without an alignment means fill '0'
; with '=' (padding between the sign/prefix and the digits) for numbers only.

; bp_rt_format's frame (offsets from rsp after the prologue)
%define FS_RAW      0                    ; 768 bytes: the converted digits
%define FS_BODY     768                  ; 1024 bytes: the body after grouping
%define FS_FILL     1792                 ; byte
%define FS_ALIGN    1793                 ; byte: '<' '>' '^' '=' or 0
%define FS_SIGN     1794                 ; byte: '+' '-' ' ' or 0
%define FS_ALT      1795                 ; byte: '#' given
%define FS_ZERO     1796                 ; byte: '0' given
%define FS_GROUP    1797                 ; byte: ',' '_' or 0
%define FS_TYPE     1798                 ; byte or 0
%define FS_NUMERIC  1799                 ; byte
%define FS_SIGNCH   1800                 ; byte: the sign written, or 0
%define FS_ISREF    1801                 ; byte: the body is the string object in rbx
%define FS_PREFIX   1802                 ; 2 bytes
%define FS_PREFLEN  1804                 ; dword
%define FS_WIDTH    1808                 ; qword
%define FS_PREC     1816                 ; qword, -1 when none
%define FS_BODYPTR  1824
%define FS_BODYLEN  1832
%define FS_VALUE    1840
%define FS_DESC     1848
%define FS_SIZE     1856                 ; a multiple of 16
%define FS_LIMIT    100000               ; digits of a width/precision saturate here

section .rodata.bp_rt_fmtspec_data progbits alloc noexec nowrite align=16
bp_rt_fmtspec_lower: db "0123456789abcdef"
bp_rt_fmtspec_upper: db "0123456789ABCDEF"
bp_rt_fmtspec_true: db "true"
bp_rt_fmtspec_false: db "false"
align 8
bp_rt_fmtspec_hundred: dq 100.0

; bp_rt_format(rdi = value bits, rsi = spec (C string), rdx = type descriptor (C string),
; rcx = location string) → rax = a new string with the formatted text, or 0 (out of memory).
FUNC bp_rt_format
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, FS_SIZE + 8
    mov [rsp + FS_VALUE], rdi
    mov [rsp + FS_DESC], rdx
    xor ebx, ebx
    ; ---- the spec ----
    mov byte [rsp + FS_FILL], ' '
    xor eax, eax
    mov [rsp + FS_ALIGN], al
    mov [rsp + FS_SIGN], al
    mov [rsp + FS_ALT], al
    mov [rsp + FS_ZERO], al
    mov [rsp + FS_GROUP], al
    mov [rsp + FS_TYPE], al
    mov [rsp + FS_NUMERIC], al
    mov [rsp + FS_SIGNCH], al
    mov [rsp + FS_ISREF], al
    mov dword [rsp + FS_PREFLEN], eax
    mov qword [rsp + FS_WIDTH], rax
    mov qword [rsp + FS_PREC], -1
    movzx eax, byte [rsi]
    test al, al
    jz .parsed
    movzx ecx, byte [rsi + 1]            ; [fill]align: the second byte an alignment
    cmp cl, '<'
    je .fill_align
    cmp cl, '>'
    je .fill_align
    cmp cl, '^'
    je .fill_align
    cmp cl, '='
    je .fill_align
    cmp al, '<'                          ; else the first
    je .align_only
    cmp al, '>'
    je .align_only
    cmp al, '^'
    je .align_only
    cmp al, '='
    je .align_only
    jmp .sign
.fill_align:
    mov [rsp + FS_FILL], al
    mov [rsp + FS_ALIGN], cl
    add rsi, 2
    jmp .sign
.align_only:
    mov [rsp + FS_ALIGN], al
    inc rsi
.sign:
    mov al, [rsi]
    cmp al, '+'
    je .has_sign
    cmp al, '-'
    je .has_sign
    cmp al, ' '
    jne .alt
.has_sign:
    mov [rsp + FS_SIGN], al
    inc rsi
.alt:
    cmp byte [rsi], '#'
    jne .zero
    mov byte [rsp + FS_ALT], 1
    inc rsi
.zero:
    cmp byte [rsi], '0'
    jne .width
    mov byte [rsp + FS_ZERO], 1
    inc rsi
.width:
    call bp_rt_fmtspec_digits
    mov [rsp + FS_WIDTH], rax
    mov al, [rsi]
    cmp al, ','
    je .grouping
    cmp al, '_'
    jne .precision
.grouping:
    mov [rsp + FS_GROUP], al
    inc rsi
.precision:
    cmp byte [rsi], '.'
    jne .type
    inc rsi
    call bp_rt_fmtspec_digits
    mov [rsp + FS_PREC], rax
.type:
    mov al, [rsi]
    mov [rsp + FS_TYPE], al              ; 0 at the end of the spec: no type
.parsed:
    ; ---- the kind of value ----
    mov rdx, [rsp + FS_DESC]
    xor eax, eax
    cmp byte [rdx + 1], 0
    jne .ref
    mov al, [rdx]
    cmp al, 'i'
    je .int
    cmp al, 'f'
    je .float
    cmp al, 'b'
    je .bool
    jmp .ref

    ; ---- int with an int type (or none) ----
.int:
    movzx eax, byte [rsp + FS_TYPE]
    test al, al
    jz .int_ok
    cmp al, 'b'
    je .int_ok
    cmp al, 'c'
    je .int_ok
    cmp al, 'd'
    je .int_ok
    cmp al, 'o'
    je .int_ok
    cmp al, 'x'
    je .int_ok
    cmp al, 'X'
    je .int_ok
    cmp al, 'n'
    jne .float                           ; a float type: formatted as the float of the value
.int_ok:
    mov byte [rsp + FS_NUMERIC], 1
    mov r12, [rsp + FS_VALUE]
    test r12, r12
    jns .int_abs
    mov byte [rsp + FS_SIGNCH], '-'
    neg r12                              ; MIN stays 2^63 as unsigned
.int_abs:
    lea r8, [bp_rt_fmtspec_lower]
    mov ecx, 4                           ; bits per digit (0: decimal)
    mov r9d, 'x'
    cmp al, 'x'
    je .radix
    lea r8, [bp_rt_fmtspec_upper]
    mov r9d, 'X'
    cmp al, 'X'
    je .radix
    lea r8, [bp_rt_fmtspec_lower]
    mov ecx, 3
    mov r9d, 'o'
    cmp al, 'o'
    je .radix
    mov ecx, 1
    mov r9d, 'b'
    cmp al, 'b'
    je .radix
    cmp al, 'c'
    je .char
    ; decimal
    lea rsi, [rsp + FS_RAW + 128]
    mov rdi, rsi
    mov rax, r12
    mov r10d, 10
.dec_digit:
    xor edx, edx
    div r10
    add dl, '0'
    dec rsi
    mov [rsi], dl
    test rax, rax
    jnz .dec_digit
    mov ecx, 3
    jmp .int_body
.radix:
    cmp byte [rsp + FS_ALT], 0
    je .radix_digits
    mov byte [rsp + FS_PREFIX], '0'
    mov [rsp + FS_PREFIX + 1], r9b
    mov dword [rsp + FS_PREFLEN], 2
.radix_digits:
    mov r10d, 1
    shl r10d, cl
    dec r10d                             ; digit mask
    lea rsi, [rsp + FS_RAW + 128]
    mov rdi, rsi
    mov rax, r12
.radix_digit:
    mov edx, eax
    and edx, r10d
    mov dl, [r8 + rdx]
    dec rsi
    mov [rsi], dl
    shr rax, cl
    test rax, rax
    jnz .radix_digit
    mov ecx, 4
    jmp .int_body
.char:
    ; String.fromCharCode(Number(|v|) & 255): the double nearest |v| (2^63 for MIN), mod 2^32
    cvtsi2sd xmm0, r12
    cvttsd2si rax, xmm0                  ; 2^63 gives 0x8000000000000000: low byte 0 as well
    lea rsi, [rsp + FS_RAW]
    mov [rsi], al
    lea rdi, [rsi + 1]
    mov byte [rsp + FS_NUMERIC], 0
    mov ecx, 3
.int_body:                               ; digits [rsi, rdi), ecx = group size
    sub rdi, rsi
    mov [rsp + FS_BODYPTR], rsi
    mov [rsp + FS_BODYLEN], rdi
    movzx r8d, byte [rsp + FS_GROUP]
    test r8d, r8d
    jz .assemble
    mov rdx, rdi
    lea rdi, [rsp + FS_BODY]
    call bp_rt_fmtspec_group
    lea rsi, [rsp + FS_BODY]
    mov [rsp + FS_BODYPTR], rsi
    mov [rsp + FS_BODYLEN], rax
    jmp .assemble

    ; ---- float, or int with a float type ----
.float:
    mov byte [rsp + FS_NUMERIC], 1
    mov rax, [rsp + FS_VALUE]
    mov rdx, [rsp + FS_DESC]
    cmp byte [rdx], 'i'
    jne .float_bits
    cvtsi2sd xmm0, rax                   ; as JavaScript's Number(v): nearest, ties to even
    movq rax, xmm0
.float_bits:
    btr rax, 63
    jnc .float_abs
    mov byte [rsp + FS_SIGNCH], '-'
.float_abs:
    movq xmm0, rax
    mov rsi, [rsp + FS_PREC]
    test rsi, rsi
    jns .float_prec
    mov esi, 6
.float_prec:
    movzx eax, byte [rsp + FS_TYPE]
    mov edx, 'f'
    cmp al, 'f'
    je .float_conv
    cmp al, 'F'
    je .float_conv
    cmp al, '%'
    je .percent
    mov edx, 'e'
    cmp al, 'e'
    je .float_conv
    cmp al, 'E'
    je .float_conv
    mov edx, 'g'                         ; g, G and none (%g with 0 is %g with 1)
    jmp .float_conv
.percent:
    mulsd xmm0, [bp_rt_fmtspec_hundred]
.float_conv:
    lea rdi, [rsp + FS_RAW]
    call bp_rt_fmt_f64
    lea rsi, [rsp + FS_RAW]
    cmp byte [rsi], '-'                  ; (the text of |x| never has one; as the VM, drop it)
    jne .float_text
    inc rsi
    dec rax
.float_text:
    lea rdi, [rsi + rax]                 ; end
    movzx eax, byte [rsp + FS_TYPE]
    cmp al, '%'
    jne .float_upper
    mov byte [rdi], '%'
    inc rdi
.float_upper:
    cmp al, 'E'
    je .upper
    cmp al, 'F'
    je .upper
    cmp al, 'G'
    jne .float_body
.upper:
    mov rcx, rsi
.upper_next:
    cmp rcx, rdi
    jae .float_body
    mov dl, [rcx]
    cmp dl, 'a'
    jb .upper_skip
    cmp dl, 'z'
    ja .upper_skip
    sub dl, 32
    mov [rcx], dl
.upper_skip:
    inc rcx
    jmp .upper_next
.float_body:
    mov [rsp + FS_BODYPTR], rsi
    mov rax, rdi
    sub rax, rsi
    mov [rsp + FS_BODYLEN], rax
    movzx r8d, byte [rsp + FS_GROUP]
    test r8d, r8d
    jz .assemble
    ; group the leading digits (the integer part; none for inf and nan)
    xor edx, edx
.lead_digit:
    cmp rdx, rax
    jae .lead_done
    mov cl, [rsi + rdx]
    cmp cl, '0'
    jb .lead_done
    cmp cl, '9'
    ja .lead_done
    inc rdx
    jmp .lead_digit
.lead_done:
    test rdx, rdx
    jz .assemble
    mov r12, rsi
    mov r13, rdx                         ; digits grouped
    mov r14, rax
    lea rdi, [rsp + FS_BODY]
    mov ecx, 3
    call bp_rt_fmtspec_group
    lea rdi, [rsp + FS_BODY + rax]       ; then the rest of the text
    lea rsi, [r12 + r13]
    mov rcx, r14
    sub rcx, r13
    add rax, rcx
    rep movsb
    lea rsi, [rsp + FS_BODY]
    mov [rsp + FS_BODYPTR], rsi
    mov [rsp + FS_BODYLEN], rax
    jmp .assemble

    ; ---- bool ----
.bool:
    lea rsi, [bp_rt_fmtspec_true]
    mov eax, 4
    cmp dword [rsp + FS_VALUE], 0
    jne .bool_text
    lea rsi, [bp_rt_fmtspec_false]
    mov eax, 5
.bool_text:
    mov [rsp + FS_BODYPTR], rsi
    jmp .cut

    ; ---- str and everything else: the printed text ----
.ref:
    mov rdi, [rsp + FS_VALUE]
    mov rsi, [rsp + FS_DESC]
    call bp_rt_repr_str
    test rax, rax
    jz .out
    mov rbx, rax                         ; kept across the allocation
    mov byte [rsp + FS_ISREF], 1
    mov rax, [rbx + STR_LEN]
.cut:
    mov rdx, [rsp + FS_PREC]
    test rdx, rdx
    js .cut_done
    cmp rax, rdx
    cmovg rax, rdx
.cut_done:
    mov [rsp + FS_BODYLEN], rax

    ; ---- sign, prefix, body, padding ----
.assemble:
    movzx eax, byte [rsp + FS_SIGNCH]
    test eax, eax
    jnz .sign_done
    cmp byte [rsp + FS_NUMERIC], 0
    je .sign_done
    movzx ecx, byte [rsp + FS_SIGN]
    cmp cl, '+'
    je .spec_sign
    cmp cl, ' '
    jne .sign_done
.spec_sign:
    mov [rsp + FS_SIGNCH], cl
.sign_done:
    xor r12d, r12d                       ; content length
    cmp byte [rsp + FS_SIGNCH], 0
    setne r12b
    mov eax, [rsp + FS_PREFLEN]
    add r12, rax
    add r12, [rsp + FS_BODYLEN]
    xor r13d, r13d                       ; padding
    mov rax, [rsp + FS_WIDTH]
    cmp r12, rax
    jae .no_pad
    mov r13, rax
    sub r13, r12
.no_pad:
    ; alignment and fill
    movzx r14d, byte [rsp + FS_ALIGN]
    movzx r15d, byte [rsp + FS_FILL]
    test r14d, r14d
    jnz .aligned
    mov r14d, '<'
    cmp byte [rsp + FS_NUMERIC], 0
    je .aligned
    mov r14d, '>'
    cmp byte [rsp + FS_ZERO], 0
    je .aligned
    mov r14d, '='
    mov r15d, '0'
.aligned:
    lea rdi, [r12 + r13]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rbp, rax                         ; the result
    cmp byte [rsp + FS_ISREF], 0
    je .write
    lea rcx, [rbx + STR_DATA]
    mov [rsp + FS_BODYPTR], rcx
.write:
    lea rdi, [rbp + STR_DATA]
    mov r8, rsp                          ; the frame, for the helpers below
    cld
    cmp r14d, '>'
    je .right
    cmp r14d, '^'
    je .center
    cmp r14d, '='
    je .between
    ; '<': content, then the padding
    call .content
    mov rcx, r13
    mov eax, r15d
    rep stosb
    jmp .done
.right:
    mov rcx, r13
    mov eax, r15d
    rep stosb
    call .content
    jmp .done
.center:
    mov rcx, r13
    shr rcx, 1
    mov eax, r15d
    rep stosb
    call .content
    mov rcx, r13
    inc rcx
    shr rcx, 1
    mov eax, r15d
    rep stosb
    jmp .done
.between:
    call .sign_prefix
    mov rcx, r13
    mov eax, r15d
    rep stosb
    call .body
.done:
    mov rax, rbp
.out:
    add rsp, FS_SIZE + 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
; local helpers writing at rdi (advanced); r8 = the frame
.content:
    call .sign_prefix
    jmp .body
.sign_prefix:
    mov al, [r8 + FS_SIGNCH]
    test al, al
    jz .prefix
    stosb
.prefix:
    lea rsi, [r8 + FS_PREFIX]
    mov ecx, [r8 + FS_PREFLEN]
    rep movsb
    ret
.body:
    mov rsi, [r8 + FS_BODYPTR]
    mov rcx, [r8 + FS_BODYLEN]
    rep movsb
    ret
ENDFUNC

; digits(rsi = text) → rax = the value of the decimal digits there (0 when none, saturating),
; rsi advanced past them.
FUNC bp_rt_fmtspec_digits
    xor eax, eax
.next:
    movzx ecx, byte [rsi]
    sub ecx, '0'
    cmp ecx, 9
    ja .done
    inc rsi
    cmp rax, FS_LIMIT
    jae .next
    imul rax, rax, 10
    add rax, rcx
    jmp .next
.done:
    ret
ENDFUNC

; group(rsi = digits, rdx = count, rdi = out, ecx = group size, r8b = separator) → rax = bytes
; written: a separator before every digit (but the first) with a multiple of the group size of
; digits after it.
FUNC bp_rt_fmtspec_group
    push rbx
    mov r9, rdi
    mov r10, rdx
    mov r11d, ecx
    xor ebx, ebx                         ; i
.next:
    cmp rbx, r10
    jae .done
    test rbx, rbx
    jz .digit
    mov rax, r10
    sub rax, rbx
    xor edx, edx
    div r11
    test rdx, rdx
    jnz .digit
    mov [rdi], r8b
    inc rdi
.digit:
    mov al, [rsi + rbx]
    mov [rdi], al
    inc rdi
    inc rbx
    jmp .next
.done:
    mov rax, rdi
    sub rax, r9
    pop rbx
    ret
ENDFUNC

