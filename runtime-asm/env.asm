; The program's inputs as the VM sees them (src/vm/builtins-ext.ts, output.ts): standard input
; read by lines, the program's arguments and its environment. Where the VM goes through Node,
; these do what Node does: argv and environment values are decoded as UTF-8 and re-encoded
; (invalid sequences become U+FFFD).

; bp_io_utf8fix(rdi = bytes, rsi = count, rdx = output or 0) → rax = the output length: the
; bytes as a UTF-8 decoder that replaces each maximal invalid subpart by U+FFFD (the WHATWG
; decoder, V8's) and re-encodes them would give. With rdx = 0 it only counts.
FUNC bp_io_utf8fix
    xor eax, eax                         ; output length
    xor ecx, ecx                         ; input position
.char:
    cmp rcx, rsi
    jae .out
    movzx r8d, byte [rdi + rcx]
    cmp r8d, 0x80
    jb .ascii
    ; r9 = continuation bytes needed, r10/r11 = range of the first one
    mov r10d, 0x80
    mov r11d, 0xBF
    cmp r8d, 0xC2
    jb .bad1
    mov r9d, 1
    cmp r8d, 0xDF
    jbe .seq
    mov r9d, 2
    cmp r8d, 0xE0
    jne .e1
    mov r10d, 0xA0
    jmp .seq
.e1:
    cmp r8d, 0xED
    jne .e2
    mov r11d, 0x9F
    jmp .seq
.e2:
    cmp r8d, 0xEF
    jbe .seq
    mov r9d, 3
    cmp r8d, 0xF0
    jne .f1
    mov r10d, 0x90
    jmp .seq
.f1:
    cmp r8d, 0xF4
    jb .seq
    ja .bad1
    mov r11d, 0x8F
.seq:
    push rbx
    push r12
    lea rbx, [rcx + 1]                   ; next byte to check
.cont:
    cmp rbx, rsi
    jae .badseq                          ; truncated at the end
    movzx r12d, byte [rdi + rbx]
    cmp r12d, r10d
    jb .badseq
    cmp r12d, r11d
    ja .badseq
    mov r10d, 0x80
    mov r11d, 0xBF
    inc rbx
    dec r9d
    jnz .cont
    ; valid: copy [rcx, rbx)
.copy:
    test rdx, rdx
    jz .counted
    mov r12b, [rdi + rcx]
    mov [rdx + rax], r12b
.counted:
    inc rax
    inc rcx
    cmp rcx, rbx
    jb .copy
    pop r12
    pop rbx
    jmp .char
.badseq:                                 ; U+FFFD for [rcx, rbx); the byte at rbx is read again
    mov rcx, rbx
    pop r12
    pop rbx
    jmp .fffd
.bad1:
    inc rcx
.fffd:
    test rdx, rdx
    jz .fffd_counted
    mov byte [rdx + rax], 0xEF
    mov byte [rdx + rax + 1], 0xBF
    mov byte [rdx + rax + 2], 0xBD
.fffd_counted:
    add rax, 3
    jmp .char
.ascii:
    test rdx, rdx
    jz .ascii_counted
    mov [rdx + rax], r8b
.ascii_counted:
    inc rax
    inc rcx
    jmp .char
.out:
    ret
ENDFUNC

; bp_io_utf8_str(rdi = NUL-terminated bytes) → a new string of them as Node decodes and
; re-encodes them (bp_io_utf8fix), or 0 when out of memory.
FUNC bp_io_utf8_str
    push rbx
    push r12
    push r13
    mov rbx, rdi
    xor r12d, r12d
.len:
    cmp byte [rbx + r12], 0
    je .counted
    inc r12
    jmp .len
.counted:
    mov rdi, rbx
    mov rsi, r12
    xor edx, edx
    call bp_io_utf8fix
    mov rdi, rax
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r13, rax
    mov rdi, rbx
    mov rsi, r12
    lea rdx, [r13 + STR_DATA]
    call bp_io_utf8fix
    mov rax, r13
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; read_line: lines of standard input through a buffer of its own (src/vm/output.ts LineReader).
; The line ends at "\n" or at the end of input; trailing "\r" and "\n" are dropped; at the end
; of input every call gives "". Reading stdin does not flush stdout (as in the VM).

BSS bp_io_rl_buf, 8, 8                   ; mapped buffer
BSS bp_io_rl_cap, 8, 8
BSS bp_io_rl_start, 8, 8                 ; first unread byte
BSS bp_io_rl_scan, 8, 8                  ; where the search for "\n" continues
BSS bp_io_rl_end, 8, 8                   ; end of the bytes read
BSS bp_io_rl_eof, 8, 8

; bp_rt_read_line() → the next line as a new string, or 0 when out of memory.
FUNC bp_rt_read_line
    push rbx
    push r12
    push r13
.search:
    mov rbx, [bp_io_rl_buf]
    mov rdi, [bp_io_rl_scan]
    mov rcx, [bp_io_rl_end]
    sub rcx, rdi
    jz .notfound
    add rdi, rbx
    mov al, 10
    repne scasb
    jne .notfound
    lea r12, [rdi - 1]
    sub r12, rbx                         ; the "\n"
    lea rax, [r12 + 1]
    mov r13, [bp_io_rl_start]
    mov [bp_io_rl_start], rax
    mov [bp_io_rl_scan], rax
    jmp .make
.notfound:
    mov rax, [bp_io_rl_end]
    mov [bp_io_rl_scan], rax
    cmp qword [bp_io_rl_eof], 0
    je .fill
    mov r13, [bp_io_rl_start]            ; the end of input: the rest
    mov r12, rax
    mov [bp_io_rl_start], rax
    jmp .make
.fill:
    mov rsi, [bp_io_rl_start]            ; move the unread bytes to the front
    test rsi, rsi
    jz .room
    mov rdi, rbx
    mov rcx, [bp_io_rl_end]
    sub rcx, rsi
    add rsi, rbx
    rep movsb
    mov rax, [bp_io_rl_start]
    sub [bp_io_rl_scan], rax
    sub [bp_io_rl_end], rax
    mov qword [bp_io_rl_start], 0
.room:
    mov rax, [bp_io_rl_cap]
    sub rax, [bp_io_rl_end]
    cmp rax, IO_CHUNK
    jae .read
    mov rdi, [bp_io_rl_buf]
    mov rsi, [bp_io_rl_cap]
    lea rdx, [rsi + rsi]
    mov eax, 2 * IO_CHUNK
    cmp rdx, rax
    cmovb rdx, rax
    mov r12, rdx
    call bp_rt_mem_grow
    test rax, rax
    jz .nomem
    mov [bp_io_rl_buf], rax
    mov [bp_io_rl_cap], r12
.read:
    xor edi, edi
    mov rsi, [bp_io_rl_buf]
    add rsi, [bp_io_rl_end]
    mov edx, IO_CHUNK                    ; 64 KiB at a time, as the VM (what it leaves in a
    xor eax, eax                         ; pipe shows when the program reads stdin otherwise)
    syscall
    cmp rax, -EINTR
    je .read
    cmp rax, -EAGAIN
    je .read
    test rax, rax
    jg .got
    mov qword [bp_io_rl_eof], 1          ; the end, or an error: as the end
    jmp .search
.got:
    add [bp_io_rl_end], rax
    jmp .search
.make:                                   ; the line is [r13, r12) in the buffer
    cmp r12, r13
    jbe .bytes
    movzx eax, byte [rbx + r12 - 1]
    cmp al, 13
    je .strip
    cmp al, 10
    jne .bytes
.strip:
    dec r12
    jmp .make
.bytes:
    lea rsi, [rbx + r13]
    mov rdx, r12
    sub rdx, r13
    call bp_rt_str_from_bytes
    jmp .out
.nomem:
    xor eax, eax
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; argc, argv, getenv

; bp_rt_io_argc() → the number of program arguments (without the program name)
FUNC bp_rt_io_argc
    mov rax, [bp_rt_argc]
    dec rax
    xor ecx, ecx
    test rax, rax
    cmovs rax, rcx
    ret
ENDFUNC

; bp_rt_io_argv() → [str] of the program arguments, or 0 when out of memory
FUNC bp_rt_io_argv
    push rbx
    push r12
    push r13
    call bp_rt_io_argc
    mov r13, rax
    mov rdi, rax
    mov esi, TAG_ARRAY_REF
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rbx, rax
    mov rdi, [rbx + ARR_DATA]            ; nulls until each element is made
    mov rcx, r13
    xor eax, eax
    rep stosq
    xor r12d, r12d
.next:
    cmp r12, r13
    jae .done
    mov rax, [bp_rt_argv]
    mov rdi, [rax + r12*8 + 8]
    call bp_io_utf8_str
    test rax, rax
    jz .out
    mov rcx, [rbx + ARR_DATA]
    mov [rcx + r12*8], rax
    inc r12
    jmp .next
.done:
    mov rax, rbx
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_getenv(rdi = name) → the variable's value, "" when unset, or 0 when out of memory. As
; Node's process.env[name]: the name up to its first NUL, UTF-8 encoded, looked up as glibc's
; getenv does (the first "name=" entry; an empty name is unset).
FUNC bp_rt_getenv
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, [bp_rt_envp]
.entry:
    mov r13, [r12]
    test r13, r13
    jz .none
    lea rsi, [rbx + STR_DATA]
    mov rcx, [rbx + STR_LEN]
    mov rdi, r13
.cmp:
    test rcx, rcx
    jz .name_end
    movzx eax, byte [rsi]
    test eax, eax
    jz .name_end
    cmp eax, 0x80
    jae .two
    cmp al, [rdi]
    jne .skip
    inc rdi
    jmp .step
.two:
    mov edx, eax
    shr edx, 6
    or edx, 0xC0
    cmp dl, [rdi]
    jne .skip
    and eax, 0x3F
    or eax, 0x80
    cmp al, [rdi + 1]
    jne .skip
    add rdi, 2
.step:
    inc rsi
    dec rcx
    jmp .cmp
.name_end:
    cmp rdi, r13
    je .none                             ; an empty name
    cmp byte [rdi], '='
    jne .skip
    inc rdi
    call bp_io_utf8_str
    jmp .out
.skip:
    add r12, 8
    jmp .entry
.none:
    xor edi, edi
    call bp_rt_str_new
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
