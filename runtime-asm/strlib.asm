; The string library builtins of executables (chr, ord, case, trimming, searching, replacing,
; padding, splitting and joining, hex and decimal parsing, character classes), each with exactly
; the VM's semantics (src/vm/builtins.ts, builtins-ext.ts).
;
; Strings are byte strings. Functions that allocate return 0 when memory is exhausted and keep
; their reference arguments (and the object they are filling) in callee-saved registers across
; every call that can allocate, where the collector finds them. Functions that can fail take
; the "file:line" string of the call as one more argument and pass it to bp_rt_error.

; ---------------------------------------------------------------------------------------------
; Helpers (no allocation; they clobber caller-saved registers only)

; bp_rt_mem_find(rdi = haystack bytes, rsi = haystack length, rdx = needle bytes,
; rcx = needle length, r8 = start) → rax = the first index ≥ start where the needle occurs, or -1.
FUNC bp_rt_mem_find
    push rbx
    mov rax, r8
    sub rsi, rcx                         ; the last position that can match
    jl .none
    test rcx, rcx
    jz .empty
    mov r11, 0x0101010101010101
    movzx r10d, byte [rdx]
    imul r10, r11                        ; the needle's first byte in every byte
    xor ebx, ebx                         ; and its second (0: a one-byte needle)
    cmp rcx, 2
    jb .scan
    movzx ebx, byte [rdx + 1]
    imul rbx, r11
.scan:                                   ; seven candidate positions a step (eight bytes read,
    lea r9, [rax + 7]                    ; all within the haystack): zero bytes where the first
    cmp r9, rsi                          ; byte is, and (for longer needles) the second after it
    jg .bytes
    mov r8, [rdi + rax]
    mov r9, r8
    shr r9, 8
    xor r8, r10
    cmp rcx, 2
    jb .first
    xor r9, rbx
    or r8, r9
.first:
    mov r9, r8
    sub r9, r11
    not r8
    and r9, r8
    mov r8, 0x0080808080808080           ; the first seven bytes' top bits (the eighth
    and r9, r8                           ; waits for the next step): the lowest set bit marks
    jnz .hit                             ; the first zero byte
    add rax, 7
    jmp .scan
.hit:
    bsf r9, r9
    shr r9, 3
    add rax, r9
    jmp .check
.bytes:
    cmp rax, rsi
    jg .none
    cmp [rdi + rax], r10b
    je .check
    inc rax
    jmp .bytes
.check:
    lea r8, [rdi + rax]
    mov r9d, 1
.cmp:
    cmp r9, rcx
    je .out
    movzx r11d, byte [r8 + r9]
    cmp r11b, [rdx + r9]
    jne .next
    inc r9
    jmp .cmp
.next:
    inc rax
    mov r11, 0x0101010101010101
    jmp .scan
.empty:
    cmp rax, rsi
    jle .out
.none:
    mov rax, -1
.out:
    pop rbx
    ret
ENDFUNC

; bp_rt_cstr_len(rdi = s) → rax = the index of the first NUL byte of s, or its length: the
; string as the reference's C-string builtins see it.
FUNC bp_rt_cstr_len
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
.next:
    cmp rax, rcx
    jae .out
    cmp byte [rdi + rax + STR_DATA], 0
    je .out
    inc rax
    jmp .next
.out:
    ret
ENDFUNC

; bp_rt_fill_pattern(rdi = destination, rsi = pattern bytes, rdx = pattern length > 0,
; rcx = count): writes count bytes, the pattern repeated (the last copy cut short). rax is kept.
FUNC bp_rt_fill_pattern
    mov r9, rcx
    mov r10, rsi
.chunk:
    test r9, r9
    jz .out
    mov rcx, rdx
    cmp rcx, r9
    cmova rcx, r9
    sub r9, rcx
    mov rsi, r10
    rep movsb
    jmp .chunk
.out:
    ret
ENDFUNC

section .rodata.bp_rt_str_empty progbits alloc noexec nowrite align=16
STATIC_STR bp_rt_str_empty, ''

; ---------------------------------------------------------------------------------------------
; Characters

; bp_rt_chr(rdi = n, rsi = where) → the one-byte string n (0-127), or 0; other n: CHR_RANGE.
FUNC bp_rt_chr
    cmp rdi, 127
    ja .range
    push rbx
    mov rbx, rdi
    mov edi, 1
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov [rax + STR_DATA], bl
.out:
    pop rbx
    ret
.range:
    mov edi, ERR_CHR_RANGE
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_ord(rdi = s, rsi = where) → its first byte (0-255); "": ORD_EMPTY.
FUNC bp_rt_ord
    cmp qword [rdi + STR_LEN], 0
    je .empty
    movzx eax, byte [rdi + STR_DATA]
    ret
.empty:
    mov edi, ERR_ORD_EMPTY
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_str_char_at(rdi = s, rsi = i) → the byte at i as a string; "" when i is out of range.
FUNC bp_rt_str_char_at
    cmp rsi, [rdi + STR_LEN]
    jae .none                            ; negative i too (unsigned)
    lea rsi, [rdi + rsi + STR_DATA]
    mov edx, 1
    jmp bp_rt_str_from_bytes
.none:
    lea rsi, [rdi + STR_DATA]
    xor edx, edx
    jmp bp_rt_str_from_bytes
ENDFUNC

; bp_rt_str_from_chars(rdi = [int]) → the string of the elements' low bytes, or 0.
FUNC bp_rt_str_from_chars
    push rbx
    mov rbx, rdi
    mov rdi, [rbx + ARR_LEN]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rcx, [rbx + ARR_LEN]
    mov rsi, [rbx + ARR_DATA]
    xor edx, edx
.next:
    cmp rdx, rcx
    jae .out
    mov r8, [rsi + rdx*8]
    mov [rax + rdx + STR_DATA], r8b
    inc rdx
    jmp .next
.out:
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Character classes: true when the string is not empty and every byte is in the class.

FUNC bp_rt_is_digit
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    test rcx, rcx
    jz .out
    xor edx, edx
.next:
    movzx r8d, byte [rdi + rdx + STR_DATA]
    sub r8d, '0'
    cmp r8d, 9
    ja .out
    inc rdx
    cmp rdx, rcx
    jb .next
    mov eax, 1
.out:
    ret
ENDFUNC

FUNC bp_rt_is_alpha
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    test rcx, rcx
    jz .out
    xor edx, edx
.next:
    movzx r8d, byte [rdi + rdx + STR_DATA]
    or r8d, 0x20                         ; A-Z → a-z (nothing else lands in a-z)
    sub r8d, 'a'
    cmp r8d, 25
    ja .out
    inc rdx
    cmp rdx, rcx
    jb .next
    mov eax, 1
.out:
    ret
ENDFUNC

FUNC bp_rt_is_alnum
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    test rcx, rcx
    jz .out
    xor edx, edx
.next:
    movzx r8d, byte [rdi + rdx + STR_DATA]
    lea r9d, [r8 - '0']
    cmp r9d, 9
    jbe .ok
    or r8d, 0x20
    sub r8d, 'a'
    cmp r8d, 25
    ja .out
.ok:
    inc rdx
    cmp rdx, rcx
    jb .next
    mov eax, 1
.out:
    ret
ENDFUNC

; white space: ' ', \t, \n, \v, \f, \r
FUNC bp_rt_is_space
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    test rcx, rcx
    jz .out
    xor edx, edx
.next:
    movzx r8d, byte [rdi + rdx + STR_DATA]
    cmp r8d, ' '
    je .ok
    sub r8d, 9
    cmp r8d, 4
    ja .out
.ok:
    inc rdx
    cmp rdx, rcx
    jb .next
    mov eax, 1
.out:
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Case, reversal, trimming

; bp_rt_str_case(rdi = s, esi = first letter of the range that flips case) → the copy, or 0.
FUNC bp_rt_str_case
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12d, esi
    mov rdi, [rbx + STR_LEN]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rcx, [rbx + STR_LEN]
    xor edx, edx
.next:
    cmp rdx, rcx
    jae .out
    movzx r8d, byte [rbx + rdx + STR_DATA]
    mov r9d, r8d
    sub r9d, r12d
    cmp r9d, 25
    ja .keep
    xor r8d, 0x20
.keep:
    mov [rax + rdx + STR_DATA], r8b
    inc rdx
    jmp .next
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_str_upper(rdi = s) → s with a-z upper-cased, or 0.
FUNC bp_rt_str_upper
    mov esi, 'a'
    jmp bp_rt_str_case
ENDFUNC

; bp_rt_str_lower(rdi = s) → s with A-Z lower-cased, or 0.
FUNC bp_rt_str_lower
    mov esi, 'A'
    jmp bp_rt_str_case
ENDFUNC

; bp_rt_str_reverse(rdi = s) → its bytes in reverse order, or 0.
FUNC bp_rt_str_reverse
    push rbx
    mov rbx, rdi
    mov rdi, [rbx + STR_LEN]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rcx, [rbx + STR_LEN]
    lea rdx, [rax + rcx + STR_DATA]      ; the end of the copy
    xor r8d, r8d
.next:
    cmp r8, rcx
    jae .out
    mov r9b, [rbx + r8 + STR_DATA]
    dec rdx
    mov [rdx], r9b
    inc r8
    jmp .next
.out:
    pop rbx
    ret
ENDFUNC

; bp_rt_str_trim(rdi = s) → s without leading and trailing white space, or 0.
FUNC bp_rt_str_trim
    xor r8d, r8d                         ; i
    mov r9, [rdi + STR_LEN]              ; j
.front:
    cmp r8, r9
    jae .copy
    movzx eax, byte [rdi + r8 + STR_DATA]
    cmp eax, ' '
    je .skip_front
    sub eax, 9
    cmp eax, 4
    ja .back
.skip_front:
    inc r8
    jmp .front
.back:
    cmp r9, r8
    jbe .copy
    movzx eax, byte [rdi + r9 + STR_DATA - 1]
    cmp eax, ' '
    je .skip_back
    sub eax, 9
    cmp eax, 4
    ja .copy
.skip_back:
    dec r9
    jmp .back
.copy:
    lea rsi, [rdi + r8 + STR_DATA]
    mov rdx, r9
    sub rdx, r8
    jmp bp_rt_str_from_bytes
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Searching

; bp_rt_starts_with(rdi = s, rsi = prefix) → eax = 1 when s begins with prefix.
FUNC bp_rt_starts_with
    mov rcx, [rsi + STR_LEN]
    xor eax, eax
    cmp rcx, [rdi + STR_LEN]
    ja .out
    lea rdi, [rdi + STR_DATA]
    lea rsi, [rsi + STR_DATA]
    test rcx, rcx                        ; ZF = 1 for an empty prefix (cmpsb then does nothing)
    repe cmpsb
    sete al
.out:
    ret
ENDFUNC

; bp_rt_ends_with(rdi = s, rsi = suffix) → eax = 1 when s ends with suffix.
FUNC bp_rt_ends_with
    mov rcx, [rsi + STR_LEN]
    mov rdx, [rdi + STR_LEN]
    xor eax, eax
    sub rdx, rcx
    jb .out
    lea rdi, [rdi + rdx + STR_DATA]
    lea rsi, [rsi + STR_DATA]
    test rcx, rcx
    repe cmpsb
    sete al
.out:
    ret
ENDFUNC

; bp_rt_str_contains(rdi = s, rsi = sub) → eax = 1 when sub occurs in s ("" always does).
FUNC bp_rt_str_contains
    sub rsp, 8
    call bp_rt_str_find
    add rsp, 8
    not rax
    shr rax, 63                          ; index ≥ 0 → 1, -1 → 0
    ret
ENDFUNC

; bp_rt_str_count(rdi = s, rsi = sub) → the number of non-overlapping occurrences of sub, scanning
; from the left; 0 for "".
FUNC bp_rt_str_count
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    xor r13d, r13d                       ; count
    xor r14d, r14d                       ; position
    mov r15, [r12 + STR_LEN]
    test r15, r15
    jz .out
.next:
    lea rdi, [rbx + STR_DATA]
    mov rsi, [rbx + STR_LEN]
    lea rdx, [r12 + STR_DATA]
    mov rcx, r15
    mov r8, r14
    call bp_rt_mem_find
    test rax, rax
    js .out
    inc r13
    lea r14, [rax + r15]
    jmp .next
.out:
    mov rax, r13
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Building strings

; bp_rt_str_replace(rdi = s, rsi = old, rdx = new) → s with the first occurrence of old replaced
; by new; s itself when old is "" or does not occur. 0 when out of memory.
FUNC bp_rt_str_replace
    mov rax, rdi
    cmp qword [rsi + STR_LEN], 0
    je .ret
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    call bp_rt_str_find
    test rax, rax
    js .same
    mov r14, rax                         ; where old starts
    mov rdi, [rbx + STR_LEN]
    sub rdi, [r12 + STR_LEN]
    add rdi, [r13 + STR_LEN]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r15, rax
    lea rdi, [rax + STR_DATA]
    lea rsi, [rbx + STR_DATA]
    mov rcx, r14
    rep movsb
    lea rsi, [r13 + STR_DATA]
    mov rcx, [r13 + STR_LEN]
    rep movsb
    mov rcx, [r12 + STR_LEN]
    lea rsi, [rbx + r14 + STR_DATA]
    add rsi, rcx
    add rcx, r14
    neg rcx
    add rcx, [rbx + STR_LEN]             ; length - start - old length
    rep movsb
    mov rax, r15
    jmp .out
.same:
    mov rax, rbx
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
.ret:
    ret
ENDFUNC

; bp_rt_str_repeat(rdi = s, rsi = n, rdx = where) → s n times ("" for n ≤ 0), or 0; n > 1000:
; STR_REPEAT_COUNT.
FUNC bp_rt_str_repeat
    cmp rsi, 1000
    jg .count
    test rsi, rsi
    jle .empty
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rdi, [rbx + STR_LEN]
    imul rdi, r12
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rcx, [rax + STR_LEN]
    lea rdi, [rax + STR_DATA]
    lea rsi, [rbx + STR_DATA]
    mov rdx, [rbx + STR_LEN]
    call bp_rt_fill_pattern
.out:
    pop r13
    pop r12
    pop rbx
    ret
.empty:
    xor edi, edi
    jmp bp_rt_str_new
.count:
    mov rsi, rdx
    mov edi, ERR_STR_REPEAT_COUNT
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_str_pad(rdi = s, rsi = width, rdx = pad, ecx = 1 for left, 0 for right) → s padded to
; width bytes with pad repeated (cut short); s itself when width ≤ its length or pad is "".
FUNC bp_rt_str_pad
    mov rax, rdi
    cmp rsi, [rdi + STR_LEN]
    jle .ret                             ; signed: a negative width too
    cmp qword [rdx + STR_LEN], 0
    je .ret
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    mov r14d, ecx
    mov rdi, rsi
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r15, rax
    sub r12, [rbx + STR_LEN]             ; the padding's length
    lea rdi, [rax + STR_DATA]
    test r14d, r14d
    jz .right
    lea rsi, [r13 + STR_DATA]
    mov rdx, [r13 + STR_LEN]
    mov rcx, r12
    call bp_rt_fill_pattern
    lea rsi, [rbx + STR_DATA]
    mov rcx, [rbx + STR_LEN]
    rep movsb
    jmp .done
.right:
    lea rsi, [rbx + STR_DATA]
    mov rcx, [rbx + STR_LEN]
    rep movsb
    lea rsi, [r13 + STR_DATA]
    mov rdx, [r13 + STR_LEN]
    mov rcx, r12
    call bp_rt_fill_pattern
.done:
    mov rax, r15
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
.ret:
    ret
ENDFUNC

; bp_rt_str_pad_left(rdi = s, rsi = width, rdx = pad) → padding + s, or 0.
FUNC bp_rt_str_pad_left
    mov ecx, 1
    jmp bp_rt_str_pad
ENDFUNC

; bp_rt_str_pad_right(rdi = s, rsi = width, rdx = pad) → s + padding, or 0.
FUNC bp_rt_str_pad_right
    xor ecx, ecx
    jmp bp_rt_str_pad
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Splitting and joining

; bp_rt_str_split(rdi = s, rsi = sep) → [str]: the pieces of s between the non-overlapping
; occurrences of sep, or its single bytes when sep is "" (then "" gives []). Both strings end at
; their first NUL byte, as in the reference. 0 when out of memory.
FUNC bp_rt_str_split
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 16                          ; [rsp] = length of s, [rsp + 8] = length of sep
    mov rbx, rdi
    mov r12, rsi
    call bp_rt_cstr_len
    mov [rsp], rax
    mov rdi, r12
    call bp_rt_cstr_len
    mov [rsp + 8], rax
    mov r13, [rsp]                       ; the number of pieces: every byte for sep ""
    test rax, rax
    jz .alloc
    mov r13d, 1                          ; else one more than the occurrences
    xor r14d, r14d
.count:
    lea rdi, [rbx + STR_DATA]
    mov rsi, [rsp]
    lea rdx, [r12 + STR_DATA]
    mov rcx, [rsp + 8]
    mov r8, r14
    call bp_rt_mem_find
    test rax, rax
    js .alloc
    inc r13
    mov r14, rax
    add r14, [rsp + 8]
    jmp .count
.alloc:
    mov rdi, r13
    mov esi, TAG_ARRAY_REF
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov r13, rax
    mov qword [r13 + ARR_LEN], 0         ; counts the pieces stored so far
    xor r14d, r14d                       ; position in s
    cmp qword [rsp + 8], 0
    jne .piece
.byte:
    cmp r14, [rsp]
    jae .done
    lea rsi, [rbx + r14 + STR_DATA]
    mov edx, 1
    call bp_rt_str_from_bytes
    test rax, rax
    jz .out
    mov rdi, r13
    mov rsi, rax
    call bp_rt_array_append_ref
    inc r14
    jmp .byte
.piece:
    lea rdi, [rbx + STR_DATA]
    mov rsi, [rsp]
    lea rdx, [r12 + STR_DATA]
    mov rcx, [rsp + 8]
    mov r8, r14
    call bp_rt_mem_find
    mov r15, rax                         ; the next separator, or -1
    test rax, rax
    jns .cut
    mov rax, [rsp]                       ; none: the last piece runs to the end
.cut:
    lea rsi, [rbx + r14 + STR_DATA]
    mov rdx, rax
    sub rdx, r14
    call bp_rt_str_from_bytes
    test rax, rax
    jz .out
    mov rdi, r13
    mov rsi, rax
    call bp_rt_array_append_ref
    test r15, r15
    js .done
    mov r14, r15
    add r14, [rsp + 8]
    jmp .piece
.done:
    mov rax, r13
.out:
    add rsp, 16
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_str_join(rdi = [str], rsi = sep) → the elements with sep between them, or 0.
FUNC bp_rt_str_join
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rcx, [rbx + ARR_LEN]
    mov rdx, [rbx + ARR_DATA]
    xor edi, edi                         ; the total length
    test rcx, rcx
    jz .alloc
    lea rdi, [rcx - 1]
    imul rdi, [r12 + STR_LEN]
    xor r8d, r8d
.sum:
    mov rax, [rdx + r8*8]
    test rax, rax
    jz .sum_next                         ; a null element joins as ""
    add rdi, [rax + STR_LEN]
.sum_next:
    inc r8
    cmp r8, rcx
    jb .sum
.alloc:
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r13, rax
    lea rdi, [rax + STR_DATA]
    xor r8d, r8d
.elem:
    cmp r8, [rbx + ARR_LEN]
    jae .done
    test r8, r8
    jz .first
    lea rsi, [r12 + STR_DATA]
    mov rcx, [r12 + STR_LEN]
    rep movsb
.first:
    mov rax, [rbx + ARR_DATA]
    mov rax, [rax + r8*8]
    test rax, rax
    jz .next
    lea rsi, [rax + STR_DATA]
    mov rcx, [rax + STR_LEN]
    rep movsb
.next:
    inc r8
    jmp .elem
.done:
    mov rax, r13
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_str_concat_all(rdi = [str]) → the elements one after another, or 0.
FUNC bp_rt_str_concat_all
    lea rsi, [bp_rt_str_empty]
    jmp bp_rt_str_join
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Numbers as text

; bp_rt_int_to_hex(rdi = n) → n as unsigned 64-bit lower-case hex without leading zeros, or 0.
FUNC bp_rt_int_to_hex
    sub rsp, 24
    lea r8, [.digits]
    lea rsi, [rsp + 16]
.next:
    dec rsi
    mov eax, edi
    and eax, 15
    mov al, [r8 + rax]
    mov [rsi], al
    shr rdi, 4
    jnz .next
    lea rdx, [rsp + 16]
    sub rdx, rsi
    call bp_rt_str_from_bytes
    add rsp, 24
    ret
ENDFUNC
FUNCDATA
.digits: db '0123456789abcdef'

; bp_rt_hex_to_int(rdi = s, rsi = where) → s read as hex, wrapped to 64 bits (0 for ""); any
; byte other than 0-9, a-f, A-F: HEX_CHAR.
FUNC bp_rt_hex_to_int
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    xor edx, edx
.next:
    cmp rdx, rcx
    jae .out
    movzx r8d, byte [rdi + rdx + STR_DATA]
    lea r9d, [r8 - '0']
    cmp r9d, 9
    jbe .digit
    or r8d, 0x20
    lea r9d, [r8 - 'a']
    cmp r9d, 5
    ja .bad
    add r9d, 10
.digit:
    shl rax, 4
    or rax, r9
    inc rdx
    jmp .next
.out:
    ret
.bad:
    mov edi, ERR_HEX_CHAR
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_parse_int(rdi = s) → C's strtoll(s, 10): leading white space, an optional sign, then
; decimal digits, saturating at the int range; 0 when there are no digits.
FUNC bp_rt_parse_int
    mov rcx, [rdi + STR_LEN]
    lea rdi, [rdi + STR_DATA]
    xor edx, edx
.space:
    cmp rdx, rcx
    jae .zero
    movzx eax, byte [rdi + rdx]
    cmp eax, ' '
    je .skip
    sub eax, 9
    cmp eax, 4
    ja .sign
.skip:
    inc rdx
    jmp .space
.sign:
    xor esi, esi                         ; 1 when negative
    movzx eax, byte [rdi + rdx]
    cmp eax, '-'
    jne .plus
    mov esi, 1
    inc rdx
    jmp .first
.plus:
    cmp eax, '+'
    jne .first
    inc rdx
.first:                                  ; at least one digit
    cmp rdx, rcx
    jae .zero
    movzx eax, byte [rdi + rdx]
    sub eax, '0'
    cmp eax, 9
    ja .zero
    xor eax, eax                         ; the magnitude
    mov r11, 0x1999999999999999          ; above this, ×10 overflows
.digit:
    cmp rdx, rcx
    jae .done
    movzx r10d, byte [rdi + rdx]
    sub r10d, '0'
    cmp r10d, 9
    ja .done
    cmp rax, r11
    ja .saturate
    lea rax, [rax + rax*4]
    add rax, rax
    add rax, r10
    jc .saturate
    inc rdx
    jmp .digit
.done:
    test esi, esi
    jnz .negative
    test rax, rax
    js .max
    ret
.negative:
    mov r11, 0x8000000000000000
    cmp rax, r11
    ja .min
    neg rax                              ; 2^63 → MIN
    ret
.saturate:
    test esi, esi
    jnz .min
.max:
    mov rax, 0x7fffffffffffffff
    ret
.min:
    mov rax, 0x8000000000000000
    ret
.zero:
    xor eax, eax
    ret
ENDFUNC
