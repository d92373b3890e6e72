; Arrays on the heap: {header TAG_ARRAY or TAG_ARRAY_REF, length, capacity, pointer to the
; elements}, the elements inline after those four words until the array outgrows them, then in a
; separate TAG_RAW store {header, capacity, elements}. What compiled code and the builtins share:
; making, pushing, filling, moving elements. Functions that allocate return 0 when memory is
; exhausted (the compiled caller reports the error at its line) and keep their reference
; arguments in callee-saved registers across bp_rt_alloc, where the collector finds them.

; bp_rt_array_new(rdi = n, rsi = header tag) → an array of length n with room for n elements
; inline (elements undefined: the caller stores them), or 0.
FUNC bp_rt_array_new
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    lea rdi, [rdi*8 + ARR_INLINE]
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov [rax], r12
    mov [rax + ARR_LEN], rbx
    mov [rax + ARR_CAP], rbx
    lea rcx, [rax + ARR_INLINE]
    mov [rax + ARR_DATA], rcx
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_array_push(rdi = array, rsi = element bits) → eax = 1, or 0 when out of memory. A full
; array moves its elements to a store twice as large.
FUNC bp_rt_array_push
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rax, [rbx + ARR_LEN]
    cmp rax, [rbx + ARR_CAP]
    jb .store
    mov r13, [rbx + ARR_CAP]
    add r13, r13
    mov eax, 4
    cmp r13, rax
    cmovb r13, rax                       ; the new capacity
    lea rdi, [r13*8 + RAW_DATA]
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov qword [rax], TAG_RAW
    mov [rax + 8], r13
    lea rdi, [rax + RAW_DATA]
    mov rsi, [rbx + ARR_DATA]
    mov rcx, [rbx + ARR_LEN]
    mov [rbx + ARR_DATA], rdi
    mov [rbx + ARR_CAP], r13
    rep movsq
    mov rax, [rbx + ARR_LEN]
.store:
    mov rcx, [rbx + ARR_DATA]
    mov [rcx + rax*8], r12
    inc rax
    mov [rbx + ARR_LEN], rax
    mov eax, 1
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_array_append_ref(rdi = array with room, rsi = element): stores it after the others.
FUNC bp_rt_array_append_ref
    mov rcx, [rdi + ARR_LEN]
    mov rdx, [rdi + ARR_DATA]
    mov [rdx + rcx*8], rsi
    inc rcx
    mov [rdi + ARR_LEN], rcx
    ret
ENDFUNC

; bp_rt_arr_move(rdi = destination, rsi = source, rdx = count of 8-byte words): memmove.
; Clobbers rax, rcx, rdx, rsi, rdi only.
FUNC bp_rt_arr_move
    test rdx, rdx
    jle .out
    cmp rdi, rsi
    je .out
    ja .backward
    xor ecx, ecx
.forward:
    mov rax, [rsi + rcx*8]
    mov [rdi + rcx*8], rax
    inc rcx
    cmp rcx, rdx
    jb .forward
    ret
.backward:
    mov rax, [rsi + rdx*8 - 8]
    mov [rdi + rdx*8 - 8], rax
    dec rdx
    jnz .backward
.out:
    ret
ENDFUNC

; bp_rt_array_fill_i(rdi = n, rsi = value) → rax = a new [int] (or [bool]) of n copies, 0 when
; out of memory. A negative n gives an empty array, as in the VM.
FUNC bp_rt_array_fill_i
    mov edx, TAG_ARRAY
    jmp bp_rt_array_fill
ENDFUNC

; bp_rt_array_fill_r(rdi = n, rsi = reference) → a reference array of n copies (the same object).
FUNC bp_rt_array_fill_r
    mov edx, TAG_ARRAY_REF
    jmp bp_rt_array_fill
ENDFUNC

; bp_rt_array_fill(rdi = n, rsi = element bits, rdx = header tag) → the array, or 0.
FUNC bp_rt_array_fill
    push rbx
    push r12
    push r13                             ; (keeps the stack aligned for the call)
    mov r13, rdx
    xor eax, eax
    test rdi, rdi
    cmovs rdi, rax
    mov rbx, rdi
    mov r12, rsi
    mov rax, 1 << 40
    cmp rbx, rax
    ja .oom
    lea rdi, [rbx*8 + ARR_INLINE]
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov [rax], r13
    mov [rax + ARR_LEN], rbx
    mov [rax + ARR_CAP], rbx
    lea rdi, [rax + ARR_INLINE]
    mov [rax + ARR_DATA], rdi
    mov rdx, rax
    mov rcx, rbx
    mov rax, r12
    rep stosq
    mov rax, rdx
    jmp .out
.oom:
    xor eax, eax
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

FUNC bp_rt_array_fill_f
    movq rsi, xmm0
    jmp bp_rt_array_fill_i
ENDFUNC

FUNC bp_rt_array_fill_b
    jmp bp_rt_array_fill_i
ENDFUNC
