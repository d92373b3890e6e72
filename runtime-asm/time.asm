; Time builtins: clock_ms (wall clock, milliseconds since the epoch) and sleep.

FUNC bp_rt_clock_ms
    sub rsp, 24
    xor edi, edi                         ; CLOCK_REALTIME
    mov rsi, rsp
    mov eax, SYS_CLOCK_GETTIME
    syscall
    imul rax, [rsp], 1000
    mov rcx, rax
    mov rax, [rsp + 8]
    xor edx, edx
    mov r8d, 1000000
    div r8
    add rax, rcx
    add rsp, 24
    ret
ENDFUNC

; sleep(rdi = milliseconds): nothing for ms <= 0; resumes after signals.
FUNC bp_rt_sleep
    test rdi, rdi
    jle .done
    sub rsp, 40
    mov rax, rdi
    xor edx, edx
    mov ecx, 1000
    div rcx
    mov [rsp], rax                       ; seconds
    imul rdx, rdx, 1000000
    mov [rsp + 8], rdx                   ; nanoseconds
.again:
    mov rdi, rsp
    lea rsi, [rsp + 16]
    mov eax, SYS_NANOSLEEP
    syscall
    cmp rax, -EINTR
    jne .slept
    movdqu xmm0, [rsp + 16]
    movdqu [rsp], xmm0                   ; sleep the remaining time
    jmp .again
.slept:
    add rsp, 40
.done:
    ret
ENDFUNC
