; The SPECIALIZED builtins (spec §5.16, §5.17) and what extern calls need. ptr values are
; structs of two plain fields, PTR_KIND and PTR_PAYLOAD: a C pointer an extern function returned
; (the address), a mutex (its locked flag) or a condition variable. Threads are the VM's
; single-threaded semantics: thread_spawn is a compile-time error, so no thread handle can exist;
; locking a mutex already held, or waiting on a condition, is a deadlock error instead of a hang.

%define SYS_SCHED_YIELD 24
%define SYS_GETRANDOM 318

section .rodata.bp_rt_sys_texts progbits alloc noexec nowrite align=8
STATIC_STR bp_rt_sys_not_lock, 'mutex_lock: not a mutex'
STATIC_STR bp_rt_sys_not_trylock, 'mutex_trylock: not a mutex'
STATIC_STR bp_rt_sys_not_unlock, 'mutex_unlock: not a mutex'
STATIC_STR bp_rt_sys_relock, 'mutex_lock on a mutex the only thread already holds'
STATIC_STR bp_rt_sys_wait, 'cond_wait would wait forever (no other thread can signal)'
STATIC_STR bp_rt_sys_join, 'thread_join: not a thread handle'
STATIC_STR bp_rt_sys_detach, 'thread_detach: not a thread handle'
STATIC_STR bp_rt_sys_getrandom, 'random_bytes: the system has no random source'
bp_rt_sys_hex: db '0123456789abcdef'
bp_rt_sys_ptr_open: db '<ptr 0x'
bp_rt_sys_mutex: db '<mutex>'
bp_rt_sys_cond: db '<cond>'
bp_rt_sys_null: db 'null'

; bp_rt_ptr_new(rdi = kind, rsi = payload) → a ptr value, or 0 when out of memory.
FUNC bp_rt_ptr_new
    push rbx
    push r12
    sub rsp, 8
    mov rbx, rdi
    mov r12, rsi
    mov edi, 2
    xor esi, esi                         ; no reference fields
    call bp_rt_struct_new
    test rax, rax
    jz .out
    mov [rax + PTR_KIND], rbx
    mov [rax + PTR_PAYLOAD], r12
.out:
    add rsp, 8
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_ptr_from_c(rdi = address) → the ptr value of a C pointer (an extern's result), or 0.
FUNC bp_rt_ptr_from_c
    mov rsi, rdi
    mov edi, PTR_C
    jmp bp_rt_ptr_new
ENDFUNC

; bp_rt_str_from_cstr(rdi = NUL-terminated bytes, or NULL) → a new string of them ("" for NULL),
; or 0 when out of memory: an extern's str result.
FUNC bp_rt_str_from_cstr
    test rdi, rdi
    jz .empty
    mov rsi, rdi
    xor edx, edx
.len:
    cmp byte [rsi + rdx], 0
    je .copy
    inc rdx
    jmp .len
.copy:
    jmp bp_rt_str_from_bytes
.empty:
    lea rax, [bp_rt_str_empty]
    ret
ENDFUNC

; bp_rt_print_ptr(rdi = ptr value or 0): <ptr 0x…> (the address in hex), <mutex>, <cond>, null.
FUNC bp_rt_print_ptr
    test rdi, rdi
    jz .null
    mov rax, [rdi + PTR_KIND]
    cmp rax, PTR_MUTEX
    je .mutex
    cmp rax, PTR_COND
    je .cond
    push rbx
    sub rsp, 32
    mov rbx, [rdi + PTR_PAYLOAD]
    lea rdi, [bp_rt_sys_ptr_open]
    mov esi, 7
    call bp_rt_write
    lea r8, [bp_rt_sys_hex]
    lea rsi, [rsp + 24]
    mov rax, rbx
.digit:
    dec rsi
    mov ecx, eax
    and ecx, 15
    mov cl, [r8 + rcx]
    mov [rsi], cl
    shr rax, 4
    jnz .digit
    mov byte [rsp + 24], '>'
    mov rdi, rsi
    lea rsi, [rsp + 25]
    sub rsi, rdi
    call bp_rt_write
    add rsp, 32
    pop rbx
    ret
.mutex:
    lea rdi, [bp_rt_sys_mutex]
    mov esi, 7
    jmp bp_rt_write
.cond:
    lea rdi, [bp_rt_sys_cond]
    mov esi, 6
    jmp bp_rt_write
.null:
    lea rdi, [bp_rt_sys_null]
    mov esi, 4
    jmp bp_rt_write
ENDFUNC

; bp_rt_secure_compare(rdi = a, rsi = b) → eax = 1 when their bytes are equal. Strings of
; different lengths differ at once; otherwise every byte is examined whatever differs, so the
; time depends on the length alone.
FUNC bp_rt_secure_compare
    mov rcx, [rdi + STR_LEN]
    xor eax, eax
    cmp rcx, [rsi + STR_LEN]
    jne .out
    xor edx, edx                         ; the bits that differ, accumulated
    xor r8d, r8d
.byte:
    cmp r8, rcx
    jae .done
    movzx r9d, byte [rdi + r8 + STR_DATA]
    xor r9b, [rsi + r8 + STR_DATA]
    or edx, r9d
    inc r8
    jmp .byte
.done:
    test edx, edx
    sete al
.out:
    ret
ENDFUNC

; bp_rt_random_bytes(rdi = n, rsi = where) → n bytes from the kernel's random source (getrandom),
; hex-encoded: 2n characters; 0 when out of memory. n outside 0-1024: RANDOM_BYTES_COUNT.
FUNC bp_rt_random_bytes
    cmp rdi, 1024
    ja .range                            ; (unsigned: negative counts too)
    push rbx
    push r12
    push r13
    sub rsp, 1024
    mov rbx, rdi
    mov r13, rsi
    xor r12d, r12d                       ; bytes filled
.fill:
    cmp r12, rbx
    jae .encode
    lea rdi, [rsp + r12]
    mov rsi, rbx
    sub rsi, r12
    xor edx, edx
    mov eax, SYS_GETRANDOM
    syscall
    cmp rax, -EINTR
    je .fill
    test rax, rax
    jle .nosource
    add r12, rax
    jmp .fill
.encode:
    lea rdi, [rbx * 2]
    call bp_rt_str_new
    test rax, rax
    jz .out
    lea r8, [bp_rt_sys_hex]
    xor ecx, ecx
.hex:
    cmp rcx, rbx
    jae .out
    movzx edx, byte [rsp + rcx]
    mov r9d, edx
    shr r9d, 4
    mov r9b, [r8 + r9]
    mov [rax + rcx*2 + STR_DATA], r9b
    and edx, 15
    mov dl, [r8 + rdx]
    mov [rax + rcx*2 + STR_DATA + 1], dl
    inc rcx
    jmp .hex
.out:
    add rsp, 1024
    pop r13
    pop r12
    pop rbx
    ret
.nosource:
    mov rsi, r13
    mov edi, ERR_IO
    lea rdx, [bp_rt_sys_getrandom]
    call bp_rt_error
.range:
    mov edi, ERR_RANDOM_BYTES_COUNT
    xor edx, edx
    call bp_rt_error
ENDFUNC

; Threads. thread_current() → 0 (the main thread); thread_yield(); thread_join(handle, where) and
; thread_detach(handle, where) fail: no handle can name a thread.
FUNC bp_rt_thread_current
    xor eax, eax
    ret
ENDFUNC

FUNC bp_rt_thread_yield
    mov eax, SYS_SCHED_YIELD
    syscall
    ret
ENDFUNC

FUNC bp_rt_thread_join
    mov edi, ERR_IO
    lea rdx, [bp_rt_sys_join]
    call bp_rt_error
ENDFUNC

FUNC bp_rt_thread_detach
    mov edi, ERR_IO
    lea rdx, [bp_rt_sys_detach]
    call bp_rt_error
ENDFUNC

; MUTEX_ARG text: rdi (with rsi = where) must be a mutex, else the IO error `text`.
%macro MUTEX_ARG 1
    test rdi, rdi
    jz %%bad
    cmp qword [rdi + PTR_KIND], PTR_MUTEX
    je %%ok
%%bad:
    mov edi, ERR_IO
    lea rdx, [%1]
    call bp_rt_error
%%ok:
%endmacro

; bp_rt_mutex_new() / bp_rt_cond_new() → a new unlocked mutex / condition, or 0.
FUNC bp_rt_mutex_new
    mov edi, PTR_MUTEX
    xor esi, esi
    jmp bp_rt_ptr_new
ENDFUNC

FUNC bp_rt_cond_new
    mov edi, PTR_COND
    xor esi, esi
    jmp bp_rt_ptr_new
ENDFUNC

; bp_rt_mutex_lock(rdi = mutex, rsi = where): locking the mutex the only thread holds deadlocks.
FUNC bp_rt_mutex_lock
    MUTEX_ARG bp_rt_sys_not_lock
    cmp qword [rdi + PTR_PAYLOAD], 0
    jne .deadlock
    mov qword [rdi + PTR_PAYLOAD], 1
    ret
.deadlock:
    mov edi, ERR_DEADLOCK
    lea rdx, [bp_rt_sys_relock]
    call bp_rt_error
ENDFUNC

; bp_rt_mutex_trylock(rdi = mutex, rsi = where) → eax = 1 when it was free (and is now held).
FUNC bp_rt_mutex_trylock
    MUTEX_ARG bp_rt_sys_not_trylock
    xor eax, eax
    cmp qword [rdi + PTR_PAYLOAD], 0
    jne .out
    mov qword [rdi + PTR_PAYLOAD], 1
    mov eax, 1
.out:
    ret
ENDFUNC

; bp_rt_mutex_unlock(rdi = mutex, rsi = where)
FUNC bp_rt_mutex_unlock
    MUTEX_ARG bp_rt_sys_not_unlock
    mov qword [rdi + PTR_PAYLOAD], 0
    ret
ENDFUNC

; bp_rt_cond_wait(rdi = cond, rsi = mutex, rdx = where): no other thread could ever signal.
FUNC bp_rt_cond_wait
    mov rsi, rdx
    mov edi, ERR_DEADLOCK
    lea rdx, [bp_rt_sys_wait]
    call bp_rt_error
ENDFUNC

; cond_signal and cond_broadcast: nothing can be waiting.
FUNC bp_rt_cond_signal
    ret
ENDFUNC
