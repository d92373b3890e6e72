; Array builtins of built executables (src/lang/builtins.ts, `typed`): slice, insert, remove,
; concat, copy, clear, index_of, contains, reverse — with the VM's semantics (src/vm/builtins.ts);
; sort is sort.asm's.
;
; All are `typed`: the arguments arrive as bits in rdi, rsi, …, then the descriptor of the first
; argument (the array's "[T]"; T starts at descriptor + 1), then the location string when
; `located`. Functions that allocate keep the array (and any reference argument) in callee-saved
; registers across the allocation, where the collector finds them. A new array takes the tag of
; its source array's header (TAG_ARRAY or TAG_ARRAY_REF) and keeps its elements inline.

; bp_rt_array_slice(rdi = array, rsi = start, rdx = end, rcx = descriptor) → a new array of the
; elements [max(0, start), min(len, end)) (empty when start >= that end), or 0 when out of memory.
FUNC bp_rt_array_slice
    push rbx
    push r12
    push r13
    mov rbx, rdi
    xor eax, eax
    test rsi, rsi
    cmovs rsi, rax                       ; start = max(0, start)
    mov rax, [rbx + ARR_LEN]
    cmp rdx, rax
    cmovg rdx, rax                       ; end = min(len, end)
    mov r12, rsi
    xor r13d, r13d                       ; count
    cmp rdx, rsi
    jle .alloc
    mov r13, rdx
    sub r13, rsi
.alloc:
    mov rdi, r13
    movzx esi, byte [rbx]                ; the source's tag
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rdi, [rax + ARR_DATA]
    mov rsi, [rbx + ARR_DATA]
    lea rsi, [rsi + r12*8]
    mov rcx, r13
    rep movsq
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_array_copy(rdi = array, rsi = descriptor) → a new array with the same elements, or 0.
FUNC bp_rt_array_copy
    mov rdx, [rdi + ARR_LEN]
    xor esi, esi
    jmp bp_rt_array_slice
ENDFUNC

; bp_rt_array_concat(rdi = a, rsi = b, rdx = descriptor) → a new array: a's elements, then
; b's; 0 when out of memory.
FUNC bp_rt_array_concat
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rdi, [rbx + ARR_LEN]
    add rdi, [r12 + ARR_LEN]
    movzx esi, byte [rbx]
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov r13, rax
    mov rdi, [rax + ARR_DATA]
    mov rsi, [rbx + ARR_DATA]
    mov rcx, [rbx + ARR_LEN]
    rep movsq
    mov rsi, [r12 + ARR_DATA]
    mov rcx, [r12 + ARR_LEN]
    rep movsq
    mov rax, r13
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_array_insert(rdi = array, rsi = index, rdx = value bits, rcx = descriptor, r8 = location):
; inserts at min(len, max(0, index)); out of memory is the runtime error at the location.
FUNC bp_rt_array_insert
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    mov r14, r8
    xor eax, eax
    test r12, r12
    cmovs r12, rax
    mov rax, [rbx + ARR_LEN]
    cmp r12, rax
    cmova r12, rax                       ; the index, clamped
    mov rdi, rbx
    mov rsi, r13
    call bp_rt_array_push
    test eax, eax
    jz .oom
    mov rax, [rbx + ARR_DATA]
    lea rdi, [rax + r12*8 + 8]
    lea rsi, [rax + r12*8]
    mov rdx, [rbx + ARR_LEN]
    sub rdx, r12
    dec rdx                              ; the elements after the index move up one
    call bp_rt_arr_move
    mov rax, [rbx + ARR_DATA]
    mov [rax + r12*8], r13
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
.oom:
    mov edi, ERR_OUT_OF_MEMORY
    mov rsi, r14
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_array_remove(rdi = array, rsi = index, rdx = descriptor, rcx = location) → the element
; removed (bits); an index outside [0, len) is the runtime error ARRAY_REMOVE_INDEX.
FUNC bp_rt_array_remove
    mov r8, [rdi + ARR_LEN]
    cmp rsi, r8
    jae .bad                             ; unsigned: negative indices too
    mov r9, rdi
    mov r10, [rdi + ARR_DATA]
    mov r11, [r10 + rsi*8]
    lea rdi, [r10 + rsi*8]
    lea rdx, [r8 - 1]
    mov [r9 + ARR_LEN], rdx
    sub rdx, rsi                         ; the elements after it move down one
    lea rsi, [rdi + 8]
    call bp_rt_arr_move
    mov rax, r11
    ret
.bad:
    sub rsp, 8
    mov edi, ERR_ARRAY_REMOVE_INDEX
    mov rsi, rcx
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_array_clear(rdi = array, rsi = descriptor): length 0.
FUNC bp_rt_array_clear
    mov qword [rdi + ARR_LEN], 0
    ret
ENDFUNC

; bp_rt_array_reverse(rdi = array, rsi = descriptor): reverses the elements in place.
FUNC bp_rt_array_reverse
    mov rax, [rdi + ARR_DATA]
    mov rcx, [rdi + ARR_LEN]
    lea rdx, [rax + rcx*8 - 8]
.swap:
    cmp rax, rdx
    jae .out
    mov rsi, [rax]
    mov rdi, [rdx]
    mov [rax], rdi
    mov [rdx], rsi
    add rax, 8
    sub rdx, 8
    jmp .swap
.out:
    ret
ENDFUNC

; bp_rt_array_index_of(rdi = array, rsi = value bits, rdx = descriptor) → rax = the index of the
; first element equal to the value (==: NaN equals nothing, -0.0 equals 0.0, structural for
; strings, arrays, maps and structs), or -1.
FUNC bp_rt_array_index_of
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    lea r13, [rdx + 1]                   ; the element descriptor
    xor r14d, r14d
    mov r15, [rbx + ARR_LEN]
    movzx eax, byte [r13]
    cmp al, 'f'
    je .float
    cmp al, 'i'
    je .bits
    cmp al, 'b'
    je .bits
.ref:
    cmp r14, [rbx + ARR_LEN]             ; (reloaded: equality runs no program code, but be safe)
    jae .none
    mov rax, [rbx + ARR_DATA]
    mov rdi, [rax + r14*8]
    mov rsi, r12
    mov rdx, r13
    call bp_rt_equals
    test eax, eax
    jnz .found
    inc r14
    jmp .ref
.bits:
    mov rax, [rbx + ARR_DATA]
.bitsloop:
    cmp r14, r15
    jae .none
    cmp [rax + r14*8], r12
    je .found
    inc r14
    jmp .bitsloop
.float:
    mov rax, [rbx + ARR_DATA]
    movq xmm1, r12
.floatloop:
    cmp r14, r15
    jae .none
    movsd xmm0, [rax + r14*8]
    ucomisd xmm0, xmm1
    jp .floatnext
    je .found
.floatnext:
    inc r14
    jmp .floatloop
.found:
    mov rax, r14
    jmp .out
.none:
    mov rax, -1
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_array_contains(rdi = array, rsi = value bits, rdx = descriptor) → eax = 1 when some
; element equals the value.
FUNC bp_rt_array_contains
    sub rsp, 8
    call bp_rt_array_index_of
    add rsp, 8
    not rax                              ; -1 → 0
    test rax, rax
    setnz al
    movzx eax, al
    ret
ENDFUNC
