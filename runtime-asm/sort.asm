; array_sort of executables: V8's TimSort, comparison for comparison (the VM sorts with it), on
; [int], [float] and [str] arrays.

; --- array_sort ---------------------------------------------------------------------------------
;
; The VM sorts with JS Array.prototype.sort and the comparator (x < y ? -1 : x > y ? 1 : 0), i.e.
; V8's TimSort (third_party/v8/builtins/array-sort.tq, as in Node 20). With NaN the comparator is
; inconsistent (NaN is "equal" to everything), so the result depends on the exact sequence of
; comparisons: this is a transcription of that TimSort, comparison for comparison. Every decision
; of it only asks whether compare(x, y) < 0, i.e. whether x < y: ints signed, floats as IEEE (NaN
; and ±0 unordered/equal), strings by bytes (a proper prefix first).
;
; The sort state lives in the entry's frame; rbp points to it throughout.

%define AL_TS_A 0                           ; pointer to the elements
%define AL_TS_TMP 8                         ; pointer to the temporary elements (room for len/2 + 1)
%define AL_TS_LT 16                         ; the less-than function
%define AL_TS_MING 24                       ; minGallop
%define AL_TS_NRUNS 32                      ; pending runs
%define AL_TS_CUR 40                        ; scratch: the current run's length
%define AL_TS_RUNS 48                       ; runs: (base, length) pairs, at most 85
%define AL_TS_SIZE (AL_TS_RUNS + 86 * 16 + 8)  ; ≡ 8 (mod 16): the entry pushes 6 registers
%define AL_TS_MIN_GALLOP 7

; Less-than functions: rdi = x, rsi = y → eax = 1 when x < y; flags from test eax, eax. They
; clobber rax, rcx, rdx, rsi, rdi, r8, xmm0, xmm1 only.
FUNC bp_rt_ts_lt_i
    xor eax, eax
    cmp rdi, rsi
    setl al
    test eax, eax
    ret
ENDFUNC

FUNC bp_rt_ts_lt_f
    movq xmm0, rdi
    movq xmm1, rsi
    xor eax, eax
    ucomisd xmm1, xmm0                   ; y > x, false when unordered
    seta al
    test eax, eax
    ret
ENDFUNC

FUNC bp_rt_ts_lt_s
    mov rcx, [rdi + STR_LEN]
    mov rdx, [rsi + STR_LEN]
    xor eax, eax
    cmp rcx, rdx
    setb al                              ; a common prefix: the shorter is less
    cmova rcx, rdx                       ; bytes to compare
    add rdi, STR_DATA
    add rsi, STR_DATA
.words:
    cmp rcx, 8
    jb .bytes
    mov rdx, [rdi]
    mov r8, [rsi]
    cmp rdx, r8
    jne .word_differs
    add rdi, 8
    add rsi, 8
    sub rcx, 8
    jmp .words
.word_differs:
    bswap rdx
    bswap r8
    cmp rdx, r8
    setb al
    movzx eax, al
    test eax, eax
    ret
.bytes:
    test rcx, rcx
    jz .out
    movzx edx, byte [rdi]
    movzx r8d, byte [rsi]
    cmp edx, r8d
    jne .byte_differs
    inc rdi
    inc rsi
    dec rcx
    jmp .bytes
.byte_differs:
    setb al
    movzx eax, al
.out:
    test eax, eax
    ret
ENDFUNC

; AL_LESS x, y: ZF clear (jnz) when x < y. Neither operand may use rdi or rsi.
%macro AL_LESS 2
    mov rdi, %1
    mov rsi, %2
    call [rbp + AL_TS_LT]
%endmacro

; bp_rt_ts_bis(rdi = low, rsi = start, rdx = high): binary insertion sort of [low, high), whose
; [low, start) is sorted. Preserves rbx, r12-r15.
FUNC bp_rt_ts_bis
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi                         ; low
    mov r13, rsi                         ; start
    mov r14, rdx                         ; high
    cmp r13, r12
    jne .next
    inc r13
.next:
    cmp r13, r14
    jge .done
    mov rax, [rbp + AL_TS_A]
    mov r15, [rax + r13*8]               ; pivot
    mov rbx, r12                         ; left
    mov r9, r13                          ; right
.search:
    cmp rbx, r9
    jge .found
    mov r10, r9
    sub r10, rbx
    sar r10, 1
    add r10, rbx                         ; mid
    mov rax, [rbp + AL_TS_A]
    AL_LESS r15, [rax + r10*8]
    jz .goright
    mov r9, r10
    jmp .search
.goright:
    lea rbx, [r10 + 1]
    jmp .search
.found:
    mov rax, [rbp + AL_TS_A]
    lea rsi, [rax + rbx*8]
    lea rdi, [rsi + 8]
    mov rdx, r13
    sub rdx, rbx
    call bp_rt_arr_move
    mov rax, [rbp + AL_TS_A]
    mov [rax + rbx*8], r15
    inc r13
    jmp .next
.done:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_run(rdi = low, rsi = high) → rax = length of the run at low (low < high): the longest
; non-descending or strictly descending sequence, the latter reversed in place.
FUNC bp_rt_ts_run
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi                         ; lowArg
    mov r13, rsi                         ; high
    lea r14, [rdi + 1]                   ; low
    mov eax, 1
    cmp r14, r13
    je .out
    mov r15d, 2                          ; run length
    mov rax, [rbp + AL_TS_A]
    AL_LESS [rax + r14*8], [rax + r14*8 - 8]
    setnz bl
    movzx ebx, bl                        ; descending
    lea r9, [r14 + 1]                    ; idx
.scan:
    cmp r9, r13
    jge .made
    mov rax, [rbp + AL_TS_A]
    AL_LESS [rax + r9*8], [rax + r9*8 - 8]
    test ebx, ebx
    jz .ascending
    test eax, eax
    jz .made                             ; descending: ends at order >= 0
    jmp .extend
.ascending:
    test eax, eax
    jnz .made                            ; ascending: ends at order < 0
.extend:
    inc r15
    inc r9
    jmp .scan
.made:
    test ebx, ebx
    jz .length
    mov rax, [rbp + AL_TS_A]
    lea rcx, [rax + r12*8]
    lea rdx, [r12 + r15 - 1]
    lea rdx, [rax + rdx*8]
.reverse:
    cmp rcx, rdx
    jae .length
    mov rsi, [rcx]
    mov rdi, [rdx]
    mov [rcx], rdi
    mov [rdx], rsi
    add rcx, 8
    sub rdx, 8
    jmp .reverse
.length:
    mov rax, r15
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_gallop_left(rdi = p (elements), rsi = key, rdx = length > 0, rcx = hint) → rax = k in
; 0..length with p[k-1] < key <= p[k]. Preserves rbx, r12-r15.
FUNC bp_rt_ts_gallop_left
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi
    mov r13, rsi
    mov r14, rdx
    mov r15, rcx
    xor ebx, ebx                         ; lastOfs
    mov r9d, 1                           ; offset
    AL_LESS [r12 + r15*8], r13
    jz .left
    mov r10, r14
    sub r10, r15                         ; maxOfs = length - hint
.gallop_right:
    cmp r9, r10
    jge .right_done
    lea rax, [r15 + r9]
    AL_LESS [r12 + rax*8], r13
    jz .right_done                       ; p[hint + offset] >= key
    mov rbx, r9
    lea r9, [r9*2 + 1]
    jmp .gallop_right
.right_done:
    cmp r9, r10
    cmovg r9, r10
    add rbx, r15
    add r9, r15
    jmp .binary
.left:
    lea r10, [r15 + 1]                   ; maxOfs = hint + 1
.gallop_left:
    cmp r9, r10
    jge .left_done
    mov rax, r15
    sub rax, r9
    AL_LESS [r12 + rax*8], r13
    jnz .left_done                       ; p[hint - offset] < key
    mov rbx, r9
    lea r9, [r9*2 + 1]
    jmp .gallop_left
.left_done:
    cmp r9, r10
    cmovg r9, r10
    mov rax, rbx
    mov rbx, r15
    sub rbx, r9                          ; lastOfs = hint - offset
    mov r9, r15
    sub r9, rax                          ; offset = hint - old lastOfs
.binary:
    inc rbx
.bisect:
    cmp rbx, r9
    jge .done
    mov r10, r9
    sub r10, rbx
    sar r10, 1
    add r10, rbx                         ; m
    AL_LESS [r12 + r10*8], r13
    jz .upper
    lea rbx, [r10 + 1]                   ; p[m] < key
    jmp .bisect
.upper:
    mov r9, r10                          ; key <= p[m]
    jmp .bisect
.done:
    mov rax, r9
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_gallop_right(rdi = p, rsi = key, rdx = length > 0, rcx = hint) → rax = k in 0..length
; with p[k-1] <= key < p[k]. Preserves rbx, r12-r15.
FUNC bp_rt_ts_gallop_right
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi
    mov r13, rsi
    mov r14, rdx
    mov r15, rcx
    xor ebx, ebx                         ; lastOfs
    mov r9d, 1                           ; offset
    AL_LESS r13, [r12 + r15*8]
    jz .right
    lea r10, [r15 + 1]                   ; key < p[hint]: maxOfs = hint + 1
.gallop_left:
    cmp r9, r10
    jge .left_done
    mov rax, r15
    sub rax, r9
    AL_LESS r13, [r12 + rax*8]
    jz .left_done                        ; key >= p[hint - offset]
    mov rbx, r9
    lea r9, [r9*2 + 1]
    jmp .gallop_left
.left_done:
    cmp r9, r10
    cmovg r9, r10
    mov rax, rbx
    mov rbx, r15
    sub rbx, r9                          ; lastOfs = hint - offset
    mov r9, r15
    sub r9, rax                          ; offset = hint - old lastOfs
    jmp .binary
.right:
    mov r10, r14
    sub r10, r15                         ; maxOfs = length - hint
.gallop_right:
    cmp r9, r10
    jge .right_done
    lea rax, [r15 + r9]
    AL_LESS r13, [r12 + rax*8]
    jnz .right_done                      ; key < p[hint + offset]
    mov rbx, r9
    lea r9, [r9*2 + 1]
    jmp .gallop_right
.right_done:
    cmp r9, r10
    cmovg r9, r10
    add rbx, r15
    add r9, r15
.binary:
    inc rbx
.bisect:
    cmp rbx, r9
    jge .done
    mov r10, r9
    sub r10, rbx
    sar r10, 1
    add r10, rbx                         ; m
    AL_LESS r13, [r12 + r10*8]
    jz .lower
    mov r9, r10                          ; key < p[m]
    jmp .bisect
.lower:
    lea rbx, [r10 + 1]                   ; p[m] <= key
    jmp .bisect
.done:
    mov rax, r9
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_merge_low(rdi = baseA, rsi = lengthA, rdx = baseB, rcx = lengthB): merges the adjacent
; runs A and B (lengthA <= lengthB) through the temporary store, A copied there.
%define AL_ML_MING 0
%define AL_ML_WA 8
%define AL_ML_WB 16
FUNC bp_rt_ts_merge_low
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 32
    mov r12, rdi                         ; dest
    mov r15, rsi                         ; lengthA
    mov r14, rdx                         ; cursorB
    mov rbx, rcx                         ; lengthB
    mov rdi, [rbp + AL_TS_TMP]
    mov rsi, [rbp + AL_TS_A]
    lea rsi, [rsi + r12*8]
    mov rdx, r15
    call bp_rt_arr_move
    xor r13d, r13d                       ; cursorTemp
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    inc r12
    inc r14
    dec rbx
    jz .succeed
    cmp r15, 1
    je .copy_b
    mov rax, [rbp + AL_TS_MING]
    mov [rsp + AL_ML_MING], rax
.outer:
    mov qword [rsp + AL_ML_WA], 0
    mov qword [rsp + AL_ML_WB], 0
.inner:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    AL_LESS [rax + r14*8], [rcx + r13*8]
    jz .take_a
    mov rax, [rbp + AL_TS_A]                ; B wins
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    inc r12
    inc r14
    inc qword [rsp + AL_ML_WB]
    mov qword [rsp + AL_ML_WA], 0
    dec rbx
    jz .succeed
    mov rax, [rsp + AL_ML_WB]
    cmp rax, [rsp + AL_ML_MING]
    jge .gallop
    jmp .inner
.take_a:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    mov rdx, [rcx + r13*8]
    mov [rax + r12*8], rdx
    inc r12
    inc r13
    inc qword [rsp + AL_ML_WA]
    mov qword [rsp + AL_ML_WB], 0
    dec r15
    cmp r15, 1
    je .copy_b
    mov rax, [rsp + AL_ML_WA]
    cmp rax, [rsp + AL_ML_MING]
    jge .gallop
    jmp .inner
.gallop:
    inc qword [rsp + AL_ML_MING]
.gallop_loop:
    mov rax, [rsp + AL_ML_MING]
    dec rax
    mov ecx, 1
    cmp rax, rcx
    cmovl rax, rcx
    mov [rsp + AL_ML_MING], rax
    mov [rbp + AL_TS_MING], rax
    mov rax, [rbp + AL_TS_A]
    mov rsi, [rax + r14*8]
    mov rdi, [rbp + AL_TS_TMP]
    lea rdi, [rdi + r13*8]
    mov rdx, r15
    xor ecx, ecx
    call bp_rt_ts_gallop_right
    mov [rsp + AL_ML_WA], rax
    test rax, rax
    jz .a_none
    mov rdi, [rbp + AL_TS_A]
    lea rdi, [rdi + r12*8]
    mov rsi, [rbp + AL_TS_TMP]
    lea rsi, [rsi + r13*8]
    mov rdx, rax
    call bp_rt_arr_move
    mov rax, [rsp + AL_ML_WA]
    add r12, rax
    add r13, rax
    sub r15, rax
    cmp r15, 1
    je .copy_b
    test r15, r15
    jz .succeed
.a_none:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    inc r12
    inc r14
    dec rbx
    jz .succeed
    mov rdi, [rbp + AL_TS_A]
    lea rdi, [rdi + r14*8]
    mov rsi, [rbp + AL_TS_TMP]
    mov rsi, [rsi + r13*8]
    mov rdx, rbx
    xor ecx, ecx
    call bp_rt_ts_gallop_left
    mov [rsp + AL_ML_WB], rax
    test rax, rax
    jz .b_none
    mov rdi, [rbp + AL_TS_A]
    lea rsi, [rdi + r14*8]
    lea rdi, [rdi + r12*8]
    mov rdx, rax
    call bp_rt_arr_move
    mov rax, [rsp + AL_ML_WB]
    add r12, rax
    add r14, rax
    sub rbx, rax
    jz .succeed
.b_none:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    mov rdx, [rcx + r13*8]
    mov [rax + r12*8], rdx
    inc r12
    inc r13
    dec r15
    cmp r15, 1
    je .copy_b
    cmp qword [rsp + AL_ML_WA], AL_TS_MIN_GALLOP
    jge .gallop_loop
    cmp qword [rsp + AL_ML_WB], AL_TS_MIN_GALLOP
    jge .gallop_loop
    mov rax, [rsp + AL_ML_MING]
    inc rax                              ; penalize leaving galloping mode
    mov [rsp + AL_ML_MING], rax
    mov [rbp + AL_TS_MING], rax
    jmp .outer
.succeed:
    test r15, r15
    jle .done
    mov rdi, [rbp + AL_TS_A]
    lea rdi, [rdi + r12*8]
    mov rsi, [rbp + AL_TS_TMP]
    lea rsi, [rsi + r13*8]
    mov rdx, r15
    call bp_rt_arr_move
    jmp .done
.copy_b:                                 ; A's last element belongs after the rest of B
    mov rdi, [rbp + AL_TS_A]
    lea rsi, [rdi + r14*8]
    lea rdi, [rdi + r12*8]
    mov rdx, rbx
    call bp_rt_arr_move
    mov rax, [rbp + AL_TS_A]
    lea rcx, [r12 + rbx]
    mov rdx, [rbp + AL_TS_TMP]
    mov rdx, [rdx + r13*8]
    mov [rax + rcx*8], rdx
.done:
    add rsp, 32
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_merge_high(rdi = baseA, rsi = lengthA, rdx = baseB, rcx = lengthB): merges the
; adjacent runs A and B (lengthA > lengthB) backwards, B copied to the temporary store.
%define AL_MH_MING 0
%define AL_MH_WA 8
%define AL_MH_WB 16
%define AL_MH_BASEA 24
FUNC bp_rt_ts_merge_high
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 32
    mov [rsp + AL_MH_BASEA], rdi
    mov r15, rsi                         ; lengthA
    mov rbx, rcx                         ; lengthB
    lea r12, [rdx + rcx - 1]             ; dest
    lea r13, [rcx - 1]                   ; cursorTemp
    lea r14, [rdi + rsi - 1]             ; cursorA
    mov rdi, [rbp + AL_TS_TMP]
    mov rsi, [rbp + AL_TS_A]
    lea rsi, [rsi + rdx*8]
    mov rdx, rbx
    call bp_rt_arr_move
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    dec r12
    dec r14
    dec r15
    jz .succeed
    cmp rbx, 1
    je .copy_a
    mov rax, [rbp + AL_TS_MING]
    mov [rsp + AL_MH_MING], rax
.outer:
    mov qword [rsp + AL_MH_WA], 0
    mov qword [rsp + AL_MH_WB], 0
.inner:
    mov rax, [rbp + AL_TS_TMP]
    mov rcx, [rbp + AL_TS_A]
    AL_LESS [rax + r13*8], [rcx + r14*8]
    jz .take_b
    mov rax, [rbp + AL_TS_A]                ; A wins
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    dec r12
    dec r14
    inc qword [rsp + AL_MH_WA]
    mov qword [rsp + AL_MH_WB], 0
    dec r15
    jz .succeed
    mov rax, [rsp + AL_MH_WA]
    cmp rax, [rsp + AL_MH_MING]
    jge .gallop
    jmp .inner
.take_b:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    mov rdx, [rcx + r13*8]
    mov [rax + r12*8], rdx
    dec r12
    dec r13
    inc qword [rsp + AL_MH_WB]
    mov qword [rsp + AL_MH_WA], 0
    dec rbx
    cmp rbx, 1
    je .copy_a
    mov rax, [rsp + AL_MH_WB]
    cmp rax, [rsp + AL_MH_MING]
    jge .gallop
    jmp .inner
.gallop:
    inc qword [rsp + AL_MH_MING]
.gallop_loop:
    mov rax, [rsp + AL_MH_MING]
    dec rax
    mov ecx, 1
    cmp rax, rcx
    cmovl rax, rcx
    mov [rsp + AL_MH_MING], rax
    mov [rbp + AL_TS_MING], rax
    mov rdi, [rbp + AL_TS_A]
    mov rax, [rsp + AL_MH_BASEA]
    lea rdi, [rdi + rax*8]
    mov rsi, [rbp + AL_TS_TMP]
    mov rsi, [rsi + r13*8]
    mov rdx, r15
    lea rcx, [r15 - 1]
    call bp_rt_ts_gallop_right
    mov rcx, r15
    sub rcx, rax                         ; nofWinsA = lengthA - k
    mov [rsp + AL_MH_WA], rcx
    test rcx, rcx
    jz .a_none
    sub r12, rcx
    sub r14, rcx
    mov rdi, [rbp + AL_TS_A]
    lea rsi, [rdi + r14*8 + 8]
    lea rdi, [rdi + r12*8 + 8]
    mov rdx, rcx
    call bp_rt_arr_move
    sub r15, [rsp + AL_MH_WA]
    jz .succeed
.a_none:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    mov rdx, [rcx + r13*8]
    mov [rax + r12*8], rdx
    dec r12
    dec r13
    dec rbx
    cmp rbx, 1
    je .copy_a
    mov rdi, [rbp + AL_TS_TMP]
    mov rsi, [rbp + AL_TS_A]
    mov rsi, [rsi + r14*8]
    mov rdx, rbx
    lea rcx, [rbx - 1]
    call bp_rt_ts_gallop_left
    mov rcx, rbx
    sub rcx, rax                         ; nofWinsB = lengthB - k
    mov [rsp + AL_MH_WB], rcx
    test rcx, rcx
    jz .b_none
    sub r12, rcx
    sub r13, rcx
    mov rdi, [rbp + AL_TS_A]
    lea rdi, [rdi + r12*8 + 8]
    mov rsi, [rbp + AL_TS_TMP]
    lea rsi, [rsi + r13*8 + 8]
    mov rdx, rcx
    call bp_rt_arr_move
    sub rbx, [rsp + AL_MH_WB]
    cmp rbx, 1
    je .copy_a
    test rbx, rbx
    jz .succeed
.b_none:
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rax + r14*8]
    mov [rax + r12*8], rcx
    dec r12
    dec r14
    dec r15
    jz .succeed
    cmp qword [rsp + AL_MH_WA], AL_TS_MIN_GALLOP
    jge .gallop_loop
    cmp qword [rsp + AL_MH_WB], AL_TS_MIN_GALLOP
    jge .gallop_loop
    mov rax, [rsp + AL_MH_MING]
    inc rax
    mov [rsp + AL_MH_MING], rax
    mov [rbp + AL_TS_MING], rax
    jmp .outer
.succeed:
    test rbx, rbx
    jle .done
    mov rdi, [rbp + AL_TS_A]
    mov rax, r12
    sub rax, rbx
    lea rdi, [rdi + rax*8 + 8]           ; dest - (lengthB - 1)
    mov rsi, [rbp + AL_TS_TMP]
    mov rdx, rbx
    call bp_rt_arr_move
    jmp .done
.copy_a:                                 ; B's first element belongs before the rest of A
    sub r12, r15
    sub r14, r15
    mov rdi, [rbp + AL_TS_A]
    lea rsi, [rdi + r14*8 + 8]
    lea rdi, [rdi + r12*8 + 8]
    mov rdx, r15
    call bp_rt_arr_move
    mov rax, [rbp + AL_TS_A]
    mov rcx, [rbp + AL_TS_TMP]
    mov rdx, [rcx + r13*8]
    mov [rax + r12*8], rdx
.done:
    add rsp, 32
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_merge_at(rdi = i): merges pending runs i and i + 1 (i is the second or third last).
FUNC bp_rt_ts_merge_at
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    shl rbx, 4
    lea rbx, [rbp + AL_TS_RUNS + rbx]       ; run i
    mov r12, [rbx]                       ; baseA
    mov r13, [rbx + 8]                   ; lengthA
    mov r14, [rbx + 16]                  ; baseB
    mov r15, [rbx + 24]                  ; lengthB
    lea rax, [r13 + r15]
    mov [rbx + 8], rax
    mov rax, [rbp + AL_TS_NRUNS]
    sub rax, 3
    cmp rax, rdi
    jne .slid
    mov rax, [rbx + 32]                  ; i is the third last: the last run slides down
    mov [rbx + 16], rax
    mov rax, [rbx + 40]
    mov [rbx + 24], rax
.slid:
    dec qword [rbp + AL_TS_NRUNS]
    mov rax, [rbp + AL_TS_A]                ; where does B's first element go in A?
    lea rdi, [rax + r12*8]
    mov rsi, [rax + r14*8]
    mov rdx, r13
    xor ecx, ecx
    call bp_rt_ts_gallop_right
    add r12, rax
    sub r13, rax
    jz .out
    mov rax, [rbp + AL_TS_A]                ; where does A's last element go in B?
    lea rdi, [rax + r14*8]
    lea rsi, [r12 + r13 - 1]
    mov rsi, [rax + rsi*8]
    mov rdx, r15
    lea rcx, [r15 - 1]
    call bp_rt_ts_gallop_left
    mov r15, rax
    test r15, r15
    jz .out
    mov rdi, r12
    mov rsi, r13
    mov rdx, r14
    mov rcx, r15
    cmp r13, r15
    jg .high
    call bp_rt_ts_merge_low
    jmp .out
.high:
    call bp_rt_ts_merge_high
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; The length of pending run %1 (a register), into %2.
%macro AL_RUN_LEN 2
    mov %2, %1
    shl %2, 4
    mov %2, [rbp + AL_TS_RUNS + %2 + 8]
%endmacro

; bp_rt_ts_collapse: merges pending runs until the stack invariants hold again.
FUNC bp_rt_ts_collapse
    push rbx
.loop:
    mov rax, [rbp + AL_TS_NRUNS]
    cmp rax, 1
    jle .out
    lea rbx, [rax - 2]                   ; n
    cmp rbx, 1
    jl .check                            ; n + 1 < 2: both invariants hold
    mov rcx, rbx
    shl rcx, 4
    lea rcx, [rbp + AL_TS_RUNS + rcx + 8]   ; &length(n)
    mov rdx, [rcx]
    add rdx, [rcx + 16]
    cmp [rcx - 16], rdx
    jle .fix                             ; length(n-1) <= length(n) + length(n+1)
    cmp rbx, 2
    jl .check
    mov rdx, [rcx - 16]
    add rdx, [rcx]
    cmp [rcx - 32], rdx
    jle .fix                             ; length(n-2) <= length(n-1) + length(n)
.check:
    mov rcx, rbx
    shl rcx, 4
    lea rcx, [rbp + AL_TS_RUNS + rcx + 8]
    mov rdx, [rcx]
    cmp rdx, [rcx + 16]
    jg .out                              ; length(n) > length(n+1): done
    mov rdi, rbx
    call bp_rt_ts_merge_at
    jmp .loop
.fix:
    mov rdx, [rcx - 16]
    cmp rdx, [rcx + 16]
    jge .merge
    dec rbx                              ; length(n-1) < length(n+1)
.merge:
    mov rdi, rbx
    call bp_rt_ts_merge_at
    jmp .loop
.out:
    pop rbx
    ret
ENDFUNC

; bp_rt_ts_force_collapse: merges all pending runs into one.
FUNC bp_rt_ts_force_collapse
    push rbx
.loop:
    mov rax, [rbp + AL_TS_NRUNS]
    cmp rax, 1
    jle .out
    lea rbx, [rax - 2]                   ; n
    test rbx, rbx
    jz .merge
    AL_RUN_LEN rbx, rcx
    lea rdx, [rbx - 1]
    AL_RUN_LEN rdx, rax
    lea rdx, [rbx + 1]
    AL_RUN_LEN rdx, rdx
    cmp rax, rdx
    jge .merge
    dec rbx
.merge:
    mov rdi, rbx
    call bp_rt_ts_merge_at
    jmp .loop
.out:
    pop rbx
    ret
ENDFUNC

; bp_rt_array_sort(rdi = array, rsi = descriptor "[i]", "[f]" or "[s]", rdx = location): sorts
; in place exactly as the VM does. Out of memory for the temporary store is the runtime error.
FUNC bp_rt_array_sort
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, AL_TS_SIZE
    mov rbp, rsp
    mov rbx, rdi                         ; the array
    mov r13, rdx                         ; the location
    mov r14, [rbx + ARR_LEN]             ; remaining
    cmp r14, 2
    jl .out
    lea rax, [bp_rt_ts_lt_i]
    lea rcx, [bp_rt_ts_lt_f]
    lea rdx, [bp_rt_ts_lt_s]
    cmp byte [rsi + 1], 'f'
    cmove rax, rcx
    cmp byte [rsi + 1], 's'
    cmove rax, rdx
    mov [rbp + AL_TS_LT], rax
    mov qword [rbp + AL_TS_TMP], 0
    cmp r14, 64
    jl .ready                            ; one run: no merges, no temporary store
    mov r12, r14
    shr r12, 1
    inc r12                              ; room for the shorter of two runs
    lea rdi, [r12*8 + 16]
    call bp_rt_alloc
    test rax, rax
    jz .oom
    mov qword [rax], TAG_RAW
    mov [rax + 8], r12
    add rax, 16
    mov [rbp + AL_TS_TMP], rax
.ready:
    mov rax, [rbx + ARR_DATA]
    mov [rbp + AL_TS_A], rax
    mov qword [rbp + AL_TS_MING], AL_TS_MIN_GALLOP
    mov qword [rbp + AL_TS_NRUNS], 0
    mov rax, r14                         ; the minimum run length
    xor ecx, ecx
.minrun:
    cmp rax, 64
    jl .minrun_done
    mov rdx, rax
    and edx, 1
    or rcx, rdx
    shr rax, 1
    jmp .minrun
.minrun_done:
    lea r15, [rax + rcx]
    xor r12d, r12d                       ; low
.run:
    test r14, r14
    jz .finish
    mov rdi, r12
    lea rsi, [r12 + r14]
    call bp_rt_ts_run
    cmp rax, r15
    jge .push
    mov rdx, r15                         ; a short run: extended to min(minrun, remaining)
    cmp rdx, r14
    cmovg rdx, r14
    mov [rbp + AL_TS_CUR], rdx
    mov rdi, r12
    lea rsi, [r12 + rax]
    add rdx, r12
    call bp_rt_ts_bis
    mov rax, [rbp + AL_TS_CUR]
.push:
    mov [rbp + AL_TS_CUR], rax
    mov rcx, [rbp + AL_TS_NRUNS]
    shl rcx, 4
    mov [rbp + AL_TS_RUNS + rcx], r12
    mov [rbp + AL_TS_RUNS + rcx + 8], rax
    inc qword [rbp + AL_TS_NRUNS]
    call bp_rt_ts_collapse
    mov rax, [rbp + AL_TS_CUR]
    add r12, rax
    sub r14, rax
    jmp .run
.finish:
    call bp_rt_ts_force_collapse
.out:
    add rsp, AL_TS_SIZE
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
.oom:                                    ; (with the caller's rbp: the error walks its chain)
    mov rbp, [rbp + AL_TS_SIZE + 40]
    mov edi, ERR_OUT_OF_MEMORY
    mov rsi, r13
    xor edx, edx
    call bp_rt_error
ENDFUNC
