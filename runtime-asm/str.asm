; Strings on the heap: {header TAG_STR, length, bytes, NUL}, and what compiled code does with
; them — making, concatenating (growing in place for appendn), comparing, converting numbers,
; substrings and searching. Functions that allocate return 0 when memory is exhausted (the compiled
; caller reports the error at its line) and keep their reference arguments in callee-saved
; registers across bp_rt_alloc, where the collector finds them.

; bp_rt_str_new(rdi = length) → a string of that length (bytes undefined, NUL-terminated), or 0.
FUNC bp_rt_str_new
    cmp rdi, STR_MAX
    ja .too_long
    push rbx
    mov rbx, rdi
    lea rdi, [rdi + STR_DATA + 1]
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov qword [rax], TAG_STR
    mov [rax + STR_LEN], rbx
    mov byte [rax + rbx + STR_DATA], 0
.out:
    pop rbx
    ret
.too_long:                               ; longer than any tier holds: out of memory
    xor eax, eax
    ret
ENDFUNC

; bp_rt_str_concat(rdi = a, rsi = b) → a + b, or 0.
FUNC bp_rt_str_concat
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rdi, [rbx + STR_LEN]
    add rdi, [r12 + STR_LEN]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r13, rax
    lea rdi, [rax + STR_DATA]
    lea rsi, [rbx + STR_DATA]
    mov rcx, [rbx + STR_LEN]
    call bp_rt_copy
    lea rsi, [r12 + STR_DATA]
    mov rcx, [r12 + STR_LEN]
    call bp_rt_copy
    mov rax, r13
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_str_concat_n(rdi = count ≥ 1, rsi = that many (kind, value) pairs on the caller's stack,
; kind 0 a string, 1 an int written in decimal; edx = 1 when the first part is a string nothing
; else refers to, which may then grow in place) → them one after another, or 0.
; `s + to_str(i) + " "` allocates once and copies each part once; `doc = doc + x` in a loop
; appends in place while the allocation has room, and grows it by doubling (CPython's trick).
FUNC bp_rt_str_concat_n
    push rbx
    push r12
    push r13
    push r14
    push r15
    push rbp
    mov rbp, rsp
    push rdx                             ; [rbp - 8]: may the first part grow?
    mov rbx, rdi
    mov r12, rsi
    mov rax, rdi
    shl rax, 5
    sub rsp, rax                         ; 32 bytes per part for an int's digits
    and rsp, -16
    mov r15, rsp
    xor r14d, r14d                       ; the total length
    xor r13d, r13d
.measure:
    mov rax, r13
    shl rax, 4
    mov rdi, [r12 + rax + 8]
    cmp qword [r12 + rax], 0
    jne .int
    add r14, [rdi + STR_LEN]
    jmp .measured
.int:
    mov rsi, r13
    shl rsi, 5
    add rsi, r15
    call bp_rt_fmt_i64
    mov rdx, r13
    shl rdx, 4
    mov [r12 + rdx + 8], rax             ; (the int is written: its length takes its place)
    add r14, rax
.measured:
    inc r13
    cmp r13, rbx
    jb .measure
    xor r13d, r13d                       ; the first part to copy
    cmp r14, STR_MAX
    ja .too_long
    mov rax, [rbp - 8]
    mov [rbp - 8], r14                   ; from here: the total length (set when all is copied)
    test rax, rax
    jz .exact
    mov rdi, [r12 + 8]
    call bp_rt_alloc_size
    sub rax, STR_DATA + 1
    jb .grow
    cmp rax, r14
    jb .grow
    mov rax, [r12 + 8]                   ; room enough: append to it
    mov rdi, [rax + STR_LEN]
    lea rdi, [rax + rdi + STR_DATA]
    mov r14, rax
    mov r13d, 1
    jmp .copy
.grow:                                   ; twice the room, for the appends to come
    lea rdi, [r14*2 + STR_DATA + 1]
    call bp_rt_alloc
    test rax, rax
    jz .exact                            ; (no room for that: try the exact size)
    mov qword [rax], TAG_STR
    jmp .fill
.too_long:
    xor eax, eax
    jmp .out
.exact:
    mov rdi, r14
    call bp_rt_str_new
    test rax, rax
    jz .out
.fill:
    mov r14, rax
    lea rdi, [rax + STR_DATA]
.copy:
    cmp r13, rbx
    jae .done
    mov rax, r13
    shl rax, 4
    mov rcx, [r12 + rax + 8]
    cmp qword [r12 + rax], 0
    jne .digits
    lea rsi, [rcx + STR_DATA]
    mov rcx, [rcx + STR_LEN]
    jmp .put
.digits:
    mov rsi, r13
    shl rsi, 5
    add rsi, r15
.put:
    call bp_rt_copy
    inc r13
    jmp .copy
.done:
    mov rcx, [rbp - 8]
    mov [r14 + STR_LEN], rcx
    mov byte [r14 + rcx + STR_DATA], 0
    mov rax, r14
.out:
    mov rsp, rbp
    pop rbp
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_copy(rdi = to, rsi = from, rcx = bytes) → rdi just past the copy (rax, rcx, rdx, rsi,
; xmm0, xmm1 clobbered). Up to 32 bytes move as two overlapping loads and stores: `rep movsb`
; takes tens of cycles to start, and most strings are short.
FUNC bp_rt_copy
    cmp rcx, 16
    ja .long
    cmp rcx, 8
    jb .short
    mov rax, [rsi]
    mov rdx, [rsi + rcx - 8]
    mov [rdi], rax
    mov [rdi + rcx - 8], rdx
    add rdi, rcx
    ret
.short:
    cmp rcx, 4
    jb .tiny
    mov eax, [rsi]
    mov edx, [rsi + rcx - 4]
    mov [rdi], eax
    mov [rdi + rcx - 4], edx
    add rdi, rcx
    ret
.tiny:                                   ; 0 to 3 bytes: first, last and (for 3) middle
    test rcx, rcx
    jz .out
    movzx eax, byte [rsi]
    movzx edx, byte [rsi + rcx - 1]
    mov [rdi], al
    mov [rdi + rcx - 1], dl
    cmp rcx, 3
    jb .last
    movzx eax, byte [rsi + 1]
    mov [rdi + 1], al
.last:
    add rdi, rcx
.out:
    ret
.long:
    cmp rcx, 32
    ja .rep
    movdqu xmm0, [rsi]
    movdqu xmm1, [rsi + rcx - 16]
    movdqu [rdi], xmm0
    movdqu [rdi + rcx - 16], xmm1
    add rdi, rcx
    ret
.rep:
    rep movsb
    ret
ENDFUNC

; bp_rt_str_eq(rdi = a, rsi = b) → eax = 1 when the bytes are equal.
FUNC bp_rt_str_eq
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    cmp rcx, [rsi + STR_LEN]
    jne .out
    cmp rdi, rsi
    je .same
    lea rdi, [rdi + STR_DATA]
    lea rsi, [rsi + STR_DATA]
    cmp rcx, 8
    jb .bytes
    mov rdx, [rdi + rcx - 8]             ; the last eight bytes, then eight at a time from the start
    cmp rdx, [rsi + rcx - 8]             ; (`repe cmpsb` takes tens of cycles to start)
    jne .out
    sub rcx, 8
.words:
    cmp rcx, 8
    jb .same
    mov rdx, [rdi]
    cmp rdx, [rsi]
    jne .out
    add rdi, 8
    add rsi, 8
    sub rcx, 8
    jmp .words
.bytes:
    test rcx, rcx
    jz .same
    mov dl, [rdi]
    cmp dl, [rsi]
    jne .out
    inc rdi
    inc rsi
    dec rcx
    jmp .bytes
.same:
    mov eax, 1
.out:
    ret
ENDFUNC

; A string from the bytes [rsi, rsi + rdx) — a helper with the bytes on the caller's stack.
FUNC bp_rt_str_from_bytes
    push rbx
    push r12
    push r13
    mov r12, rsi
    mov r13, rdx
    mov rdi, rdx
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov rbx, rax
    lea rdi, [rax + STR_DATA]
    mov rsi, r12
    mov rcx, r13
    call bp_rt_copy
    mov rax, rbx
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_str_from_i64(rdi = n) → its decimal text, or 0.
FUNC bp_rt_str_from_i64
    sub rsp, 40
    mov rsi, rsp
    call bp_rt_fmt_i64
    mov rsi, rsp
    mov rdx, rax
    call bp_rt_str_from_bytes
    add rsp, 40
    ret
ENDFUNC

; bp_rt_str_from_f64(xmm0 = x) → x as C's %g, or 0.
FUNC bp_rt_str_from_f64
    sub rsp, 520
    mov rdi, rsp
    mov esi, 6
    mov edx, 'g'
    call bp_rt_fmt_f64
    mov rsi, rsp
    mov rdx, rax
    call bp_rt_str_from_bytes
    add rsp, 520
    ret
ENDFUNC

; bp_rt_str_substr(rdi = s, rsi = start, rdx = count) → the bytes from start (clamped at 0), at
; most count of them; "" when start is past the end. 0 when out of memory.
FUNC bp_rt_str_substr
    xor eax, eax
    test rsi, rsi
    cmovs rsi, rax
    test rdx, rdx
    cmovs rdx, rax
    mov rcx, [rdi + STR_LEN]
    sub rcx, rsi
    jg .some
    xor ecx, ecx
.some:
    cmp rdx, rcx
    cmova rdx, rcx                       ; count = min(count, length - start)
    cmp rsi, [rdi + STR_LEN]
    jb .copy
    xor esi, esi                         ; start past the end: empty
.copy:
    lea rsi, [rdi + rsi + STR_DATA]
    jmp bp_rt_str_from_bytes
ENDFUNC

; bp_rt_str_find(rdi = s, rsi = needle) → rax = index of its first occurrence, or -1.
FUNC bp_rt_str_find
    lea rdx, [rsi + STR_DATA]
    mov rcx, [rsi + STR_LEN]
    mov rsi, [rdi + STR_LEN]
    lea rdi, [rdi + STR_DATA]
    xor r8d, r8d
    jmp bp_rt_mem_find
ENDFUNC
