; Threads, mutexes and conditions (spec §5.16) with the VM's single-threaded semantics:
; thread_spawn is a compile-time error, so no thread handle can exist; locking a mutex already
; held, or waiting on a condition, is a deadlock error instead of a hang.

section .rodata.bp_rt_thread_texts progbits alloc noexec nowrite align=8
STATIC_STR bp_rt_sys_not_lock, 'mutex_lock: not a mutex'
STATIC_STR bp_rt_sys_not_trylock, 'mutex_trylock: not a mutex'
STATIC_STR bp_rt_sys_not_unlock, 'mutex_unlock: not a mutex'
STATIC_STR bp_rt_sys_relock, 'mutex_lock on a mutex the only thread already holds'
STATIC_STR bp_rt_sys_wait, 'cond_wait would wait forever (no other thread can signal)'
STATIC_STR bp_rt_sys_join, 'thread_join: not a thread handle'
STATIC_STR bp_rt_sys_detach, 'thread_detach: not a thread handle'

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
