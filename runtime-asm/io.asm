; Output: stdout goes through a 64 KiB buffer, flushed at exit, before any error message and when
; full. Printing of ints, bools, strings and floats (one value per call), the exit builtin, and
; the single runtime-error entry. All functions follow System V.

BSS bp_rt_outbuf, OUTBUF_SIZE, 16
BSS bp_rt_outlen, 8, 8

; write_all(edi = fd, rsi = ptr, rdx = len) → rax = 0, or -errno of the write that failed.
; Retries partial writes and EINTR, and waits (poll) while a non-blocking descriptor is full.
FUNC bp_rt_write_all
.again:
    test rdx, rdx
    jz .done
    mov eax, SYS_WRITE
    push rdi
    push rsi
    push rdx
    syscall
    pop rdx
    pop rsi
    pop rdi
    cmp rax, -EINTR
    je .again
    cmp rax, -EAGAIN
    je .wait
    test rax, rax
    jle .failed
    add rsi, rax
    sub rdx, rax
    jmp .again
.wait:                                    ; poll(&{fd, POLLOUT}, 1, -1)
    push rdi
    push rsi
    push rdx
    push rdi
    mov dword [rsp + 4], 4
    mov rdi, rsp
    mov esi, 1
    mov rdx, -1
    mov eax, SYS_POLL
    syscall
    pop rdi
    pop rdx
    pop rsi
    pop rdi
    jmp .again
.failed:
    jnz .out                              ; (0 bytes written: nothing more will go)
.done:
    xor eax, eax
.out:
    ret
ENDFUNC

FUNC bp_rt_flush
    mov rdx, [bp_rt_outlen]
    test rdx, rdx
    jz .done
    mov qword [bp_rt_outlen], 0
    mov edi, 1
    lea rsi, [bp_rt_outbuf]
    call bp_rt_write_all
    test rax, rax
    jnz bp_rt_output_failed
.done:
    ret
ENDFUNC

; A write to stdout failed (rax = -errno): the program ends there, on every tier alike. A reader
; that went away (EPIPE) ends it quietly with status 141, what a shell shows for a program
; SIGPIPE killed; anything else (a full disk, /dev/full) is the runtime error
; "cannot write to standard output: <why>", without a traceback or location (rbp 0: no frames).
FUNC bp_rt_output_failed
    and rsp, -16
    mov qword [bp_rt_outlen], 0           ; what could not be written is dropped
    neg rax
    cmp rax, EPIPE
    jne .error
    mov edi, BROKEN_PIPE_STATUS
    call bp_rt_exit
.error:
    lea rcx, [bp_rt_write_errnos]         ; pairs (errno, text), 0 at the end
.find:
    mov rdx, [rcx]
    test rdx, rdx
    jz .unknown
    cmp rdx, rax
    je .found
    add rcx, 16
    jmp .find
.found:
    mov rdx, [rcx + 8]
    jmp .report
.unknown:
    lea rdx, [bp_rt_write_unknown]
.report:
    mov edi, ERR_WRITE
    xor esi, esi
    xor ebp, ebp
    call bp_rt_error
ENDFUNC

; A value too deep for the stack (STACK_CHECK): the stack overflow error, located at the call
; that handed the value to the runtime — the return address into the program nearest below its
; frame (rbp), raised as if from there (its frames are those of the walk, the runtime's own).
FUNC bp_rt_deep_value
    and rsp, -16
    lea rbx, [rbp - 8]
.scan:
    cmp rbx, rsp
    jb .raise
    mov rdi, [rbx]
    dec rdi
    call bp_rt_traceback.frame_of
    test rax, rax
    jnz .found
    sub rbx, 8
    jmp .scan
.found:
    lea rsp, [rbx + 8]
    and rsp, -16
    push qword [rbx]
.raise:
    mov edi, ERR_DEEP_VALUE
    xor esi, esi
    xor edx, edx
    jmp bp_rt_error
ENDFUNC

section .rodata.bp_rt_write_errnos progbits alloc noexec nowrite align=8
WRITE_ERRNO_TEXTS
align 8
bp_rt_write_errnos:
WRITE_ERRNO_TABLE

; write(rdi = ptr, rsi = len): appends to the stdout buffer.
FUNC bp_rt_write
    mov rax, [bp_rt_outlen]
    lea rcx, [rax + rsi]
    cmp rcx, OUTBUF_SIZE
    jbe .copy
    push rdi
    push rsi
    sub rsp, 8
    call bp_rt_flush
    add rsp, 8
    pop rsi
    pop rdi
    cmp rsi, OUTBUF_SIZE
    jb .copy0
    mov rdx, rsi                          ; too big for the buffer: write it through
    mov rsi, rdi
    mov edi, 1
    call bp_rt_write_all
    test rax, rax
    jnz bp_rt_output_failed
    ret
.copy0:
    xor eax, eax
.copy:
    lea rcx, [bp_rt_outbuf]
    add rcx, rax
    add rax, rsi
    mov [bp_rt_outlen], rax
    xchg rdi, rcx                         ; rdi = destination, rcx = source
    xchg rsi, rcx                         ; rsi = source, rcx = count
    rep movsb
    ret
ENDFUNC

; Where a process that embeds the runtime (bpjit's in-process tier) takes over the end of the
; program: when set, bp_rt_exit and bp_rt_error jump there with their arguments and the caller's
; stack untouched, instead of printing and ending the process.
BSS bp_rt_on_exit, 8, 8
BSS bp_rt_on_error, 8, 8

FUNC bp_rt_exit
    mov rax, [bp_rt_on_exit]
    test rax, rax
    jz .own
    jmp rax
.own:
    push rdi
    call bp_rt_flush
    pop rdi
    movzx edi, dil
    mov eax, SYS_EXIT_GROUP
    syscall
    hlt
ENDFUNC

; fmt_i64(rdi = value, rsi = out) -> rax = length (at most 20 bytes)
FUNC bp_rt_fmt_i64
    mov r8, rsi
    mov rax, rdi
    test rax, rax
    jns .positive
    mov byte [r8], '-'
    inc r8
    neg rax                               ; MIN stays MIN: as unsigned it is 2^63
.positive:
    sub rsp, 24
    lea rcx, [rsp + 24]
    mov r9, 0xcccccccccccccccd            ; n / 10 = hi64(n * r9) >> 3 for every unsigned n
.digit:
    mov rdi, rax
    mul r9
    shr rdx, 3
    lea rax, [rdx + rdx*4]
    add rax, rax
    sub rdi, rax                          ; the digit
    add dil, '0'
    dec rcx
    mov [rcx], dil
    mov rax, rdx
    test rax, rax
    jnz .digit
    lea rdx, [rsp + 24]
.copy:
    mov al, [rcx]
    mov [r8], al
    inc r8
    inc rcx
    cmp rcx, rdx
    jb .copy
    add rsp, 24
    mov rax, r8
    sub rax, rsi
    ret
ENDFUNC

FUNC bp_rt_print_i64
    sub rsp, 40
    mov rsi, rsp
    call bp_rt_fmt_i64
    mov rdi, rsp
    mov rsi, rax
    call bp_rt_write
    add rsp, 40
    ret
ENDFUNC

FUNC bp_rt_print_bool
    lea rax, [.true]
    lea rdx, [.false]
    test edi, edi
    cmovz rax, rdx
    mov rdi, rax
    mov esi, 4
    mov edx, 5
    cmovz esi, edx
    jmp bp_rt_write
ENDFUNC
FUNCDATA
.true: db "true"
.false: db "false"

; print_str(rdi = string object): its bytes up to the length or the first NUL.
FUNC bp_rt_print_str
    mov rcx, [rdi + STR_LEN]
    lea rdi, [rdi + STR_DATA]
    mov rdx, rdi
    xor eax, eax
    mov rsi, rcx
    test rcx, rcx
    jz .whole
    repne scasb
    jne .whole
    sub rsi, rcx
    dec rsi                               ; stop before the NUL
.whole:
    mov rdi, rdx
    jmp bp_rt_write
ENDFUNC

FUNC bp_rt_print_space
    lea rdi, [.sp]
    mov esi, 1
    jmp bp_rt_write
ENDFUNC
FUNCDATA
.sp: db " "

FUNC bp_rt_print_newline
    lea rdi, [.nl]
    mov esi, 1
    jmp bp_rt_write
ENDFUNC
FUNCDATA
.nl: db 10

FUNC bp_rt_print_f64
    sub rsp, 520
    mov rdi, rsp
    mov esi, 6
    mov edx, 'g'
    call bp_rt_fmt_f64
    mov rdi, rsp
    mov rsi, rax
    call bp_rt_write
    add rsp, 520
    ret
ENDFUNC

section .rodata.bp_rt_err_texts progbits alloc noexec nowrite align=8
ERROR_TEXTS
align 8
bp_rt_err_table:
ERROR_TABLE

; error(edi = id, rsi = location string object, rdx = argument string object or 0): never returns.
; Prints the traceback and "error: <text with %s replaced> (at <location>)" on stderr after
; flushing stdout. rbp must be the innermost frame of the chain (compiled code's, or a frame
; whose chain leads to it).
FUNC bp_rt_error
    mov rax, [bp_rt_on_error]
    test rax, rax
    jz .own
    jmp rax
.own:
    push rbp                              ; (a frame: debuggers find the caller through it)
    mov rbp, rsp
    mov r12d, edi
    mov r13, rsi
    mov r14, rdx
    and rsp, -16
    call bp_rt_flush
    mov edi, r12d                         ; the call chain first (traceback.asm), which also
    mov rsi, r13                          ; says where a prologue's stack overflow is
    mov rdx, [rbp + 8]                    ; (a return address into the owner of the caller's frame)
    mov rcx, [rbp]
    call bp_rt_traceback
    mov r13, rax
    lea rsi, [.prefix]
    mov edx, 7
    call .err
    lea rax, [bp_rt_err_table]
    mov rbx, [rax + r12*8]
.scan:                                     ; the text, with %s replaced by the argument
    mov rsi, rbx
.find:
    mov al, [rsi]
    test al, al
    jz .tail
    cmp al, '%'
    jne .step
    cmp byte [rsi + 1], 's'
    je .arg
.step:
    inc rsi
    jmp .find
.arg:
    mov rdx, rsi
    sub rdx, rbx
    mov r15, rsi
    mov rsi, rbx
    call .err
    test r14, r14
    jz .noarg
    lea rsi, [r14 + STR_DATA]
    mov rdx, [r14 + STR_LEN]
    call .err
.noarg:
    lea rbx, [r15 + 2]
    jmp .scan
.tail:
    mov rdx, rsi
    sub rdx, rbx
    mov rsi, rbx
    call .err
    test r13, r13
    jz .end_line
    lea rsi, [.at]
    mov edx, 5
    call .err
    lea rsi, [r13 + STR_DATA]
    mov rdx, [r13 + STR_LEN]
    call .err
    lea rsi, [.close]
    mov edx, 1
    call .err
.end_line:
    lea rsi, [.nl]
    mov edx, 1
    call .err
    mov edi, 1
    mov eax, SYS_EXIT_GROUP
    syscall
    hlt
.err:                                      ; write rdx bytes at rsi to stderr
    mov edi, 2
    sub rsp, 8
    call bp_rt_write_all
    add rsp, 8
    ret
ENDFUNC
FUNCDATA
.prefix: db "error: "
.at: db " (at "
.close: db ")"
.nl: db 10
