; Process start: records argc/argv/envp, moves the program onto a large stack of its own (so
; recursion is limited by memory, and a stack overflow is caught by the limit compiled code checks
; in every prologue), installs signal handlers that turn any fault into an error message and
; exit status 1, runs bp_main (the compiled program) and exits with its status.

; STACK_BYTES (reserved, committed as touched; the lowest STACK_GUARD bytes inaccessible, the
; next STACK_MARGIN kept free for the runtime and errors) come from layout.inc: every tier has
; the same stack (src/bytecode/limits.ts).
%define ALTSTACK_SIZE 65536

BSS bp_rt_argc, 8, 8
BSS bp_rt_argv, 8, 8
BSS bp_rt_envp, 8, 8
BSS bp_rt_stack_base, 8, 8
BSS bp_rt_stack_limit, 8, 8
BSS bp_rt_stack_top, 8, 8               ; where the program's stack starts (the collector scans up to it)
BSS bp_rt_altstack, ALTSTACK_SIZE, 16

FUNC _start
    xor ebp, ebp
    mov rdi, [rsp]
    lea rsi, [rsp + 8]
    lea rdx, [rsi + rdi*8 + 8]
    mov [bp_rt_argc], rdi
    mov [bp_rt_argv], rsi
    mov [bp_rt_envp], rdx
    ; mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)
    mov eax, SYS_MMAP
    xor edi, edi
    mov rsi, STACK_BYTES
    mov edx, 3
    mov r10d, 0x4022
    mov r8, -1
    xor r9d, r9d
    syscall
    cmp rax, -4096
    ja .nostack                          ; keep the kernel's stack if the mapping failed
    mov [bp_rt_stack_base], rax
    mov rbx, rax
    ; the lowest page becomes the guard: mprotect(base, 4096, PROT_NONE)
    mov rdi, rax
    mov esi, STACK_GUARD
    xor edx, edx
    mov eax, SYS_MPROTECT
    syscall
    lea rax, [rbx + STACK_GUARD + STACK_MARGIN]
    mov [bp_rt_stack_limit], rax
    lea rsp, [rbx + STACK_BYTES]
    and rsp, -16
    mov [bp_rt_stack_top], rsp
    jmp .stackdone
.nostack:
    lea rax, [rsp - 7 * 1024 * 1024]     ; the kernel's default stack is 8 MiB
    mov [bp_rt_stack_limit], rax
    mov [bp_rt_stack_base], rax
    and rsp, -16
    mov [bp_rt_stack_top], rsp
.stackdone:
    call bp_rt_install_signals
    call bp_rt_heap_config
    call bp_main
    mov edi, eax
    call bp_rt_exit
    hlt
ENDFUNC

; struct sigaction for rt_sigaction: handler, flags, restorer, mask
section .data.bp_rt_sigact progbits alloc noexec write align=8
bp_rt_sigact:
    dq bp_rt_on_signal
    dq 0x0C000004                        ; SA_SIGINFO | SA_ONSTACK | SA_RESTORER
    dq bp_rt_sigreturn
    dq 0
; SIGPIPE is ignored: a write to a pipe whose reader went away fails with EPIPE instead, and the
; program ends quietly with status 141 (bp_rt_output_failed) — as a shell reports a program the
; signal killed, without dying of it.
bp_rt_sigign:
    dq 1                                 ; SIG_IGN
    dq 0x04000000                        ; SA_RESTORER
    dq bp_rt_sigreturn
    dq 0

FUNC bp_rt_install_signals
    push rbx
    ; sigaltstack(&{ss_sp, ss_flags, ss_size}, NULL)
    sub rsp, 32
    lea rax, [bp_rt_altstack]
    mov [rsp], rax
    mov qword [rsp + 8], 0
    mov qword [rsp + 16], ALTSTACK_SIZE
    mov rdi, rsp
    xor esi, esi
    mov eax, SYS_SIGALTSTACK
    syscall
    add rsp, 32
    lea rbx, [.signals]
.next:
    movzx edi, byte [rbx]
    test edi, edi
    jz .done
    lea rsi, [bp_rt_sigact]
    xor edx, edx
    mov r10d, 8
    mov eax, SYS_RT_SIGACTION
    syscall
    inc rbx
    jmp .next
.done:
    mov edi, 13                          ; SIGPIPE
    lea rsi, [bp_rt_sigign]
    xor edx, edx
    mov r10d, 8
    mov eax, SYS_RT_SIGACTION
    syscall
    pop rbx
    ret
ENDFUNC
FUNCDATA
.signals:
    db 11, 7, 8, 4, 0                    ; SIGSEGV, SIGBUS, SIGFPE, SIGILL

FUNC bp_rt_sigreturn
    mov eax, SYS_RT_SIGRETURN
    syscall
ENDFUNC

; on_signal(signo, siginfo, ucontext): never returns
FUNC bp_rt_on_signal
    mov r12d, edi
    mov r13, [rsi + 16]                  ; si_addr
    and rsp, -16
    call bp_rt_flush
    mov rax, [bp_rt_stack_base]
    cmp r12d, 11
    jne .other
    cmp r13, rax
    jb .other
    add rax, STACK_GUARD + STACK_MARGIN
    cmp r13, rax
    jae .other
    lea rsi, [.overflow]
    mov edx, .overflow_end - .overflow
    jmp .write
.other:
    lea rsi, [.internal]
    mov edx, .internal_end - .internal
    mov edi, 2
    mov eax, SYS_WRITE
    syscall
    sub rsp, 32
    mov edi, r12d
    mov rsi, rsp
    call bp_rt_fmt_i64
    mov rdx, rax
    mov byte [rsp + rdx], 10
    inc rdx
    mov rsi, rsp
.write:
    mov edi, 2
    mov eax, SYS_WRITE
    syscall
    mov edi, 1
    mov eax, SYS_EXIT_GROUP
    syscall
ENDFUNC
FUNCDATA
.overflow: db "error: stack overflow", 10
.overflow_end:
.internal: db "error: internal error: signal "
.internal_end:
