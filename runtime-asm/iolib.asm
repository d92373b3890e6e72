; I/O and conversion builtins of built executables, with the VM's semantics (src/vm/builtins.ts,
; builtins-ext.ts, output.ts): bp_rt_repr_str (the printed text of any value, as a string),
; read_line, argc/argv/getenv, the file builtins, str_to_float. Where the VM goes through Node,
; these do what Node does: file paths are the string's bytes (a NUL byte fails the call; the VM
; hands Node the bytes as a Buffer), argv and environment values are decoded as UTF-8 and
; re-encoded (invalid sequences become U+FFFD), readFileSync/copyFileSync read and copy as libuv.
; Buffers of the runtime's own (stdin, file contents) are mapped memory, never the collected heap.

%define IO_SYS_OPEN 2
%define IO_SYS_CLOSE 3
%define IO_SYS_STAT 4
%define IO_SYS_FSTAT 5
%define IO_SYS_LSEEK 8
%define IO_SYS_MUNMAP 11
%define IO_SYS_PREAD 17
%define IO_SYS_ACCESS 21
%define IO_SYS_MREMAP 25
%define IO_SYS_DUP 32
%define IO_SYS_DUP2 33
%define IO_SYS_SENDFILE 40
%define IO_SYS_FTRUNCATE 77
%define IO_SYS_UNLINK 87
%define IO_SYS_FCHMOD 91
%define IO_SYS_MEMFD_CREATE 319
%define IO_SYS_COPY_FILE_RANGE 326
%define IO_O_WRONLY 1
%define IO_O_RDWR 2
%define IO_O_CREAT 0x40
%define IO_O_TRUNC 0x200
%define IO_O_APPEND 0x400
%define IO_O_CLOEXEC 0x80000
%define IO_O_TMPFILE 0x410000
%define IO_EIO 5
%define IO_EACCES 13
%define IO_EXDEV 18
%define IO_EINVAL 22
%define IO_ENOSYS 38
%define IO_ENOTSOCK 88
%define IO_EOPNOTSUPP 95
%define IO_PATH_MAX 4096                ; a path of this many bytes is ENAMETOOLONG
%define IO_STAT_SIZE 144
%define IO_ST_DEV 0
%define IO_ST_INO 8
%define IO_ST_MODE 24
%define IO_ST_SIZE 48
%define IO_CHUNK 65536

; ---------------------------------------------------------------------------------------------
; Helpers

; bp_io_grow(rdi = buffer or 0, rsi = its size, rdx = new size) → rax = the buffer, moved and
; grown with its contents kept, or 0. Anonymous mapped memory (free with bp_io_free).
FUNC bp_io_grow
    test rdi, rdi
    jz .new
    mov r10d, 1                          ; MREMAP_MAYMOVE
    mov eax, IO_SYS_MREMAP
    syscall
    jmp .check
.new:
    mov rsi, rdx
    xor edi, edi
    mov edx, 3
    mov r10d, 0x22                       ; MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    mov eax, SYS_MMAP
    syscall
.check:
    cmp rax, -4096
    jb .out
    xor eax, eax
.out:
    ret
ENDFUNC

; bp_io_free(rdi = buffer or 0, rsi = its size)
FUNC bp_io_free
    test rdi, rdi
    jz .out
    mov eax, IO_SYS_MUNMAP
    syscall
.out:
    ret
ENDFUNC

; bp_io_path(rdi = string, rsi = buffer of IO_PATH_MAX bytes) → eax = 1 with the NUL-terminated
; path in the buffer: the string's bytes as they are (paths are byte strings: a name in UTF-8 is
; its UTF-8 bytes). eax = 0 when the call must fail: a NUL byte, or a path the kernel would
; refuse as too long (ENAMETOOLONG).
FUNC bp_io_path
    mov rcx, [rdi + STR_LEN]
    cmp rcx, IO_PATH_MAX - 1
    jae .fail
    lea rdi, [rdi + STR_DATA]
    xor edx, edx
.byte:
    cmp rdx, rcx
    jae .finish
    movzx eax, byte [rdi + rdx]
    test eax, eax
    jz .fail
    mov [rsi + rdx], al
    inc rdx
    jmp .byte
.finish:
    mov byte [rsi + rdx], 0
    mov eax, 1
    ret
.fail:
    xor eax, eax
    ret
ENDFUNC

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
; to_str of containers, structs and objects

; bp_io_cstrlen(rdi = NUL-terminated bytes) → rax = their count
FUNC bp_io_cstrlen
    mov rax, rdi
.scan:
    cmp byte [rax], 0
    je .finish
    inc rax
    jmp .scan
.finish:
    sub rax, rdi
    ret
ENDFUNC

; bp_io_bound(rdi = value, rsi = descriptor, rdx = budget) → rax = the budget less an upper bound
; of the length of the value's text as bp_rt_print_repr writes it; negative when the text may not
; fit the budget, or the descriptor is of a kind this estimate does not cover.
FUNC bp_io_bound
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    movzx eax, byte [r12]
    cmp al, 'i'
    je .int
    cmp al, 'f'
    je .float
    cmp al, 'b'
    je .bool
    cmp al, 's'
    je .str
    cmp al, '['
    je .array
    cmp al, '{'
    je .map
    cmp al, 'S'
    je .struct
    cmp al, 'C'
    je .struct
    cmp al, 'p'
    je .ptr
    jmp .unknown
.int:
    sub r13, 20
    jmp .done
.ptr:
    sub r13, 24
    jmp .done
.float:
    sub r13, 24
    jmp .done
.bool:
    sub r13, 5
    jmp .done
.null:
    sub r13, 4
    jmp .done
.str:
    test rbx, rbx
    jz .null
    mov rax, [rbx + STR_LEN]
    shl rax, 2
    add rax, 2
    sub r13, rax
    jmp .done
.array:
    test rbx, rbx
    jz .null
    sub r13, 2
    js .done
    lea r14, [r12 + 1]                   ; the element descriptor
    movzx eax, byte [r14]
    cmp al, 'i'
    je .flat
    cmp al, 'f'
    je .flat
    cmp al, 'b'
    je .flat
    xor r15d, r15d
.elem:
    cmp r15, [rbx + ARR_LEN]
    jae .done
    sub r13, 2
    js .done
    mov rax, [rbx + ARR_DATA]
    mov rdi, [rax + r15*8]
    mov rsi, r14
    mov rdx, r13
    call bp_io_bound
    mov r13, rax
    test r13, r13
    js .done
    inc r15
    jmp .elem
.flat:                                   ; scalars: at most 24 characters and ", " each
    mov rax, [rbx + ARR_LEN]
    mov rcx, 1 << 40
    cmp rax, rcx
    ja .unknown
    imul rax, rax, 26
    sub r13, rax
    jmp .done
.map:
    test rbx, rbx
    jz .null
    sub r13, 2
    lea r14, [r12 + 1]                   ; the key descriptor
    mov rdi, r14
    call bp_rt_desc_end
    lea r15, [rax + 1]                   ; the value descriptor
    xor r12d, r12d                       ; entry number
.entry:
    test r13, r13
    js .done
    cmp r12, [rbx + MAP_USED]
    jae .done
    lea rax, [r12 + r12*2]
    shl rax, 3
    add rax, [rbx + MAP_ENTRIES]
    cmp qword [rax + RAW_DATA], -1       ; deleted
    je .next_entry
    sub r13, 4                           ; ": " and ", "
    mov rdi, [rax + RAW_DATA + 8]
    mov rsi, r14
    mov rdx, r13
    call bp_io_bound
    mov r13, rax
    test r13, r13
    js .done
    lea rax, [r12 + r12*2]
    shl rax, 3
    add rax, [rbx + MAP_ENTRIES]
    mov rdi, [rax + RAW_DATA + 16]
    mov rsi, r15
    mov rdx, r13
    call bp_io_bound
    mov r13, rax
.next_entry:
    inc r12
    jmp .entry
.struct:
    test rbx, rbx
    jz .null
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_layout_of
    mov r14, rax
    mov rdi, [r14]
    call bp_io_cstrlen
    sub r13, rax
    sub r13, 2                           ; "{" "}"
    xor r15d, r15d
.field:
    test r13, r13
    js .done
    cmp r15, [r14 + 8]
    jae .done
    mov r12, r15
    shl r12, 4
    add r12, r14                         ; the field's (name, descriptor) at +16
    mov rdi, [r12 + 16]
    call bp_io_cstrlen
    sub r13, rax
    sub r13, 4                           ; ": " and ", "
    mov rdi, [rbx + r15*8 + STRUCT_FIELDS]
    mov rsi, [r12 + 24]
    mov rdx, r13
    call bp_io_bound
    mov r13, rax
    inc r15
    jmp .field
.unknown:
    mov r13, -1
.done:
    mov rax, r13
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_repr_str(rdi = value bits, rsi = type descriptor) → a new string of what print shows for
; the value, or 0 when out of memory. The text is printed by bp_rt_print_value into the output
; buffer after what is pending there, taken out, and the buffer set back — when an estimate of
; its length says it fits (flushing the pending output first if need be). Otherwise (a long text,
; or a kind of value the estimate does not know) the pending output is flushed and stdout (fd 1)
; is pointed at an anonymous file while printing, which then holds the text.
FUNC bp_rt_repr_str
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    cmp byte [r12], 's'                  ; a string shows as itself
    jne .container
    mov rax, rbx
    test rax, rax
    jnz .out
    lea rsi, [.null]
    mov edx, 4
    call bp_rt_str_from_bytes
    jmp .out
.container:
    mov rdi, rbx
    mov rsi, r12
    mov edx, OUTBUF_SIZE
    call bp_io_bound
    test rax, rax
    js .slow
    mov rcx, OUTBUF_SIZE
    sub rcx, rax                         ; at most this many bytes
    add rcx, [bp_rt_outlen]
    cmp rcx, OUTBUF_SIZE
    jbe .fits
    call bp_rt_flush
.fits:
    mov r13, [bp_rt_outlen]              ; where the text starts
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_print_value
    mov r14, [bp_rt_outlen]
    sub r14, r13                         ; its length
    mov [bp_rt_outlen], r13              ; out of the output (the bytes stay there for now)
    mov rdi, r14
    call bp_rt_str_new
    test rax, rax
    jz .out
    lea rdi, [rax + STR_DATA]
    lea rsi, [bp_rt_outbuf]
    add rsi, r13
    mov rcx, r14
    rep movsb
    jmp .out
.slow:
    call bp_rt_flush
    ; the capture file: memfd_create("bp_repr", MFD_CLOEXEC), else an unnamed file in /tmp
    lea rdi, [.name]
    mov esi, 1
    mov eax, IO_SYS_MEMFD_CREATE
    syscall
    test rax, rax
    jns .have_fd
    lea rdi, [.tmp]
    mov esi, IO_O_TMPFILE | IO_O_RDWR | IO_O_CLOEXEC
    mov edx, 0o600
    mov eax, IO_SYS_OPEN
    syscall
    test rax, rax
    js .nomem
.have_fd:
    mov r14, rax
    mov edi, 1
    mov eax, IO_SYS_DUP
    syscall
    mov r15, rax                         ; stdout, kept (negative when it was closed)
    mov rdi, r14
    mov esi, 1
    mov eax, IO_SYS_DUP2
    syscall
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_print_value
    call bp_rt_flush
    test r15, r15
    js .was_closed
    mov rdi, r15
    mov esi, 1
    mov eax, IO_SYS_DUP2
    syscall
    mov rdi, r15
    mov eax, IO_SYS_CLOSE
    syscall
    jmp .restored
.was_closed:
    mov edi, 1
    mov eax, IO_SYS_CLOSE
    syscall
.restored:
    mov rdi, r14
    xor esi, esi
    mov edx, 2                           ; SEEK_END: the length
    mov eax, IO_SYS_LSEEK
    syscall
    test rax, rax
    jns .sized
    xor eax, eax
.sized:
    mov rdi, rax
    call bp_rt_str_new
    test rax, rax
    jz .close
    mov rbx, rax
    xor r13d, r13d                       ; bytes read
.read:
    cmp r13, [rbx + STR_LEN]
    jae .got
    mov rdi, r14
    lea rsi, [rbx + r13 + STR_DATA]
    mov rdx, [rbx + STR_LEN]
    sub rdx, r13
    mov r10, r13
    mov eax, IO_SYS_PREAD
    syscall
    cmp rax, -EINTR
    je .read
    test rax, rax
    jle .got                             ; cannot happen: the rest stays as allocated
    add r13, rax
    jmp .read
.got:
    mov rdi, r14
    mov eax, IO_SYS_CLOSE
    syscall
    mov rax, rbx
    jmp .out
.close:
    mov rdi, r14
    mov eax, IO_SYS_CLOSE
    syscall
.nomem:
    xor eax, eax
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
FUNCDATA
.name: db "bp_repr", 0
.tmp: db "/tmp", 0
.null: db "null"

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
    call bp_io_grow
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

; ---------------------------------------------------------------------------------------------
; Files (the VM: Node's fs, every failure caught: "", false, -1 or an empty array)

; bp_io_slurp(rdi = path string, rsi = out {bytes, count, mapped size}) → eax = 1 when the file
; was read as readFileSync reads it — a regular file of nonzero size: at most that many bytes;
; anything else: to its end — 0 on any failure. The bytes are mapped memory (bp_io_free).
FUNC bp_io_slurp
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, IO_PATH_MAX + IO_STAT_SIZE
    mov rbx, rsi
    xor r13d, r13d                       ; buffer
    xor r14d, r14d                       ; its size
    xor r15d, r15d                       ; bytes read
    mov rsi, rsp
    call bp_io_path
    test eax, eax
    jz .fail_nofd
    mov rdi, rsp
    mov esi, IO_O_CLOEXEC                ; O_RDONLY
    xor edx, edx
    mov eax, IO_SYS_OPEN
    syscall
    test rax, rax
    js .fail_nofd
    mov r12, rax
    mov rdi, r12
    lea rsi, [rsp + IO_PATH_MAX]
    mov eax, IO_SYS_FSTAT
    syscall
    test rax, rax
    js .fail
    mov eax, [rsp + IO_PATH_MAX + IO_ST_MODE]
    and eax, 0xF000
    cmp eax, 0x8000
    jne .stream
    mov rdx, [rsp + IO_PATH_MAX + IO_ST_SIZE]
    test rdx, rdx
    jz .stream
    mov r14, rdx
    xor edi, edi
    xor esi, esi
    call bp_io_grow
    test rax, rax
    jz .fail_nobuf
    mov r13, rax
.known:
    cmp r15, r14
    jae .done
    mov rdi, r12
    lea rsi, [r13 + r15]
    mov rdx, r14
    sub rdx, r15
    xor eax, eax
    syscall
    cmp rax, -EINTR
    je .known
    test rax, rax
    js .fail
    jz .done
    add r15, rax
    jmp .known
.stream:
    mov rax, r14
    sub rax, r15
    cmp rax, 8192
    jae .room
    mov rdi, r13
    mov rsi, r14
    lea rdx, [r14 + r14]
    mov eax, IO_CHUNK
    cmp rdx, rax
    cmovb rdx, rax
    mov [rsp + IO_PATH_MAX], rdx
    call bp_io_grow
    test rax, rax
    jz .fail
    mov r13, rax
    mov r14, [rsp + IO_PATH_MAX]
.room:
    mov rdi, r12
    lea rsi, [r13 + r15]
    mov rdx, r14
    sub rdx, r15
    xor eax, eax
    syscall
    cmp rax, -EINTR
    je .room
    test rax, rax
    js .fail
    jz .done
    add r15, rax
    jmp .stream
.done:
    mov rdi, r12
    mov eax, IO_SYS_CLOSE
    syscall
    mov [rbx], r13
    mov [rbx + 8], r15
    mov [rbx + 16], r14
    mov eax, 1
    jmp .out
.fail_nobuf:
    xor r14d, r14d
.fail:
    mov rdi, r12
    mov eax, IO_SYS_CLOSE
    syscall
    mov rdi, r13
    mov rsi, r14
    call bp_io_free
.fail_nofd:
    xor eax, eax
.out:
    add rsp, IO_PATH_MAX + IO_STAT_SIZE
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_file_read(rdi = path) → the file's bytes as a string ("" when it cannot be read), or 0
; when out of memory.
FUNC bp_rt_file_read
    push rbx
    sub rsp, 32
    mov rsi, rsp
    call bp_io_slurp
    test eax, eax
    jz .empty
    mov rdx, [rsp + 8]
    cmp rdx, STR_MAX                     ; longer file contents read as ""
    ja .too_long
    mov rsi, [rsp]
    call bp_rt_str_from_bytes
    mov rbx, rax
    mov rdi, [rsp]
    mov rsi, [rsp + 16]
    call bp_io_free
    mov rax, rbx
    jmp .out
.too_long:                               ; Node cannot make the string: the call fails
    mov rdi, [rsp]
    mov rsi, [rsp + 16]
    call bp_io_free
.empty:
    xor edi, edi
    call bp_rt_str_new
.out:
    add rsp, 32
    pop rbx
    ret
ENDFUNC

; bp_rt_file_read_bytes(rdi = path) → [int] of the file's bytes (empty when it cannot be read), or
; 0 when out of memory.
FUNC bp_rt_io_file_read_bytes
    push rbx
    sub rsp, 32
    mov rsi, rsp
    call bp_io_slurp
    test eax, eax
    jnz .have
    xor eax, eax
    mov [rsp], rax
    mov [rsp + 8], rax
    mov [rsp + 16], rax
.have:
    mov rdi, [rsp + 8]
    mov esi, TAG_ARRAY
    call bp_rt_array_new
    mov rbx, rax
    test rax, rax
    jz .free
    mov rcx, [rsp + 8]
    mov rsi, [rsp]
    mov rdi, [rbx + ARR_DATA]
    test rcx, rcx
    jz .free
.byte:
    movzx eax, byte [rsi]
    mov [rdi], rax
    inc rsi
    add rdi, 8
    dec rcx
    jnz .byte
.free:
    mov rdi, [rsp]
    mov rsi, [rsp + 16]
    call bp_io_free
    mov rax, rbx
    add rsp, 32
    pop rbx
    ret
ENDFUNC

; bp_io_write_file(rdi = path string, rsi = bytes, rdx = count, ecx = open flags) → eax = 1 when
; the file was opened (mode 0666 less the umask), written and closed, else 0 (writeFileSync).
FUNC bp_io_write_file
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, IO_PATH_MAX
    mov rbx, rsi
    mov r12, rdx
    mov r14d, ecx
    mov rsi, rsp
    call bp_io_path
    test eax, eax
    jz .fail
    mov rdi, rsp
    mov esi, r14d
    mov edx, 0o666
    mov eax, IO_SYS_OPEN
    syscall
    test rax, rax
    js .fail
    mov r13, rax
.write:
    test r12, r12
    jz .close
    mov rdi, r13
    mov rsi, rbx
    mov rdx, r12
    mov eax, SYS_WRITE
    syscall
    cmp rax, -EINTR
    je .write
    test rax, rax
    jle .bad
    add rbx, rax
    sub r12, rax
    jmp .write
.bad:
    mov rdi, r13
    mov eax, IO_SYS_CLOSE
    syscall
    jmp .fail
.close:
    mov rdi, r13
    mov eax, IO_SYS_CLOSE
    syscall
    cmp rax, -EINTR                      ; libuv counts an interrupted close as closed
    je .ok
    test rax, rax
    jnz .fail
.ok:
    mov eax, 1
    jmp .out
.fail:
    xor eax, eax
.out:
    add rsp, IO_PATH_MAX
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_file_write(rdi = path, rsi = text) → eax = 1 when written (the file replaced)
FUNC bp_rt_file_write
    mov rdx, [rsi + STR_LEN]
    lea rsi, [rsi + STR_DATA]
    mov ecx, IO_O_WRONLY | IO_O_CREAT | IO_O_TRUNC | IO_O_CLOEXEC
    jmp bp_io_write_file
ENDFUNC

; bp_rt_file_append(rdi = path, rsi = text) → eax = 1 when appended (the file created if need be)
FUNC bp_rt_file_append
    mov rdx, [rsi + STR_LEN]
    lea rsi, [rsi + STR_DATA]
    mov ecx, IO_O_WRONLY | IO_O_CREAT | IO_O_APPEND | IO_O_CLOEXEC
    jmp bp_io_write_file
ENDFUNC

; bp_rt_file_write_bytes(rdi = path, rsi = [int]) → eax = 1 when written: each element's low byte
FUNC bp_rt_io_file_write_bytes
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov r13, [r12 + ARR_LEN]
    xor eax, eax                         ; no buffer for no bytes
    test r13, r13
    jz .write
    xor edi, edi
    xor esi, esi
    mov rdx, r13
    call bp_io_grow
    test rax, rax
    jz .out                              ; Node cannot make the buffer: false
    mov rdi, rax
    mov rsi, [r12 + ARR_DATA]
    mov rcx, r13
.byte:
    mov dl, [rsi]
    mov [rdi], dl
    add rsi, 8
    inc rdi
    dec rcx
    jnz .byte
.write:
    mov r12, rax
    mov rdi, rbx
    mov rsi, r12
    mov rdx, r13
    mov ecx, IO_O_WRONLY | IO_O_CREAT | IO_O_TRUNC | IO_O_CLOEXEC
    call bp_io_write_file
    mov ebx, eax
    mov rdi, r12
    mov rsi, r13
    call bp_io_free
    mov eax, ebx
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_file_exists(rdi = path) → eax = 1 when access(path, F_OK) succeeds (existsSync)
FUNC bp_rt_file_exists
    mov edx, IO_SYS_ACCESS
    jmp bp_io_path_ok
ENDFUNC

; bp_rt_file_delete(rdi = path) → eax = 1 when unlinked
FUNC bp_rt_file_delete
    mov edx, IO_SYS_UNLINK
    jmp bp_io_path_ok
ENDFUNC

; bp_io_path_ok(rdi = path, edx = a system call taking (path, 0)) → eax = 1 when it succeeds.
FUNC bp_io_path_ok
    sub rsp, IO_PATH_MAX + 8
    mov [rsp + IO_PATH_MAX], rdx         ; (after the path buffer, which bp_io_path keeps to)
    mov rsi, rsp
    call bp_io_path
    test eax, eax
    jz .out
    mov rdi, rsp
    xor esi, esi
    mov rax, [rsp + IO_PATH_MAX]
    syscall
    test rax, rax
    sete al
    movzx eax, al
.out:
    add rsp, IO_PATH_MAX + 8
    ret
ENDFUNC

; bp_rt_file_size(rdi = path) → rax = st_size of stat(path), -1 when that fails
FUNC bp_rt_file_size
    sub rsp, IO_PATH_MAX + IO_STAT_SIZE + 8
    mov rsi, rsp
    call bp_io_path
    test eax, eax
    jz .fail
    mov rdi, rsp
    lea rsi, [rsp + IO_PATH_MAX]
    mov eax, IO_SYS_STAT
    syscall
    test rax, rax
    jnz .fail
    mov rax, [rsp + IO_PATH_MAX + IO_ST_SIZE]
    jmp .out
.fail:
    mov rax, -1
.out:
    add rsp, IO_PATH_MAX + IO_STAT_SIZE + 8
    ret
ENDFUNC

BSS bp_io_no_copy_range, 8, 8            ; copy_file_range is not there (ENOSYS)

; bp_rt_file_copy(rdi = source path, rsi = destination path) → eax = 1 when copied, as libuv's
; uv_fs_copyfile (Node's copyFileSync): the destination opened with the source's mode, nothing
; done when both are the same file, else truncated, given the source's mode and the source's
; size in bytes copied (copy_file_range, else sendfile, else read and write); on a failure after
; the destination was opened, it is removed.
%define FC_SRC 0
%define FC_DST IO_PATH_MAX
%define FC_ST1 (2 * IO_PATH_MAX)
%define FC_ST2 (FC_ST1 + IO_STAT_SIZE)
%define FC_OFF (FC_ST2 + IO_STAT_SIZE)
%define FC_BUF (FC_OFF + 16)
%define FC_BUF_SIZE 16384
%define FC_FRAME (FC_BUF + FC_BUF_SIZE)
FUNC bp_rt_file_copy
    push rbx                             ; source fd
    push r12                             ; destination fd
    push r13                             ; offset
    push r14                             ; bytes left
    push r15
    sub rsp, FC_FRAME
    mov rbx, -1
    mov r12, -1
    mov r15, rsi
    lea rsi, [rsp + FC_SRC]
    call bp_io_path
    test eax, eax
    jz .fail
    mov rdi, r15
    lea rsi, [rsp + FC_DST]
    call bp_io_path
    test eax, eax
    jz .fail
    lea rdi, [rsp + FC_SRC]
    mov esi, IO_O_CLOEXEC
    xor edx, edx
    mov eax, IO_SYS_OPEN
    syscall
    test rax, rax
    js .fail
    mov rbx, rax
    mov rdi, rbx
    lea rsi, [rsp + FC_ST1]
    mov eax, IO_SYS_FSTAT
    syscall
    test rax, rax
    js .fail
    lea rdi, [rsp + FC_DST]
    mov esi, IO_O_WRONLY | IO_O_CREAT | IO_O_CLOEXEC
    mov edx, [rsp + FC_ST1 + IO_ST_MODE]
    mov eax, IO_SYS_OPEN
    syscall
    test rax, rax
    js .fail
    mov r12, rax
    mov rdi, r12
    lea rsi, [rsp + FC_ST2]
    mov eax, IO_SYS_FSTAT
    syscall
    test rax, rax
    js .error
    mov rax, [rsp + FC_ST1 + IO_ST_DEV]
    cmp rax, [rsp + FC_ST2 + IO_ST_DEV]
    jne .different
    mov rax, [rsp + FC_ST1 + IO_ST_INO]
    cmp rax, [rsp + FC_ST2 + IO_ST_INO]
    je .ok                               ; the same file: nothing to do
.different:
    mov rdi, r12
    xor esi, esi
    mov eax, IO_SYS_FTRUNCATE
    syscall
    test rax, rax
    jz .mode
    cmp rax, -IO_EACCES                  ; squelched for a new (empty) file, as libuv
    jne .error
    cmp qword [rsp + FC_ST2 + IO_ST_SIZE], 0
    jg .error
.mode:
    mov rdi, r12
    mov esi, [rsp + FC_ST1 + IO_ST_MODE]
    mov eax, IO_SYS_FCHMOD
    syscall
    test rax, rax
    js .error
    xor r13d, r13d
    mov r14, [rsp + FC_ST1 + IO_ST_SIZE]
.copy:
    test r14, r14
    jle .ok
    mov [rsp + FC_OFF], r13
    cmp qword [bp_io_no_copy_range], 0
    jne .sendfile
    mov rdi, rbx
    lea rsi, [rsp + FC_OFF]
    mov rdx, r12
    xor r10d, r10d
    mov r8, r14
    xor r9d, r9d
    mov eax, IO_SYS_COPY_FILE_RANGE
    syscall
    cmp rax, -IO_ENOSYS
    jne .cfr_result
    mov qword [bp_io_no_copy_range], 1
    jmp .sendfile
.cfr_result:
    cmp rax, -IO_EXDEV
    je .sendfile
    cmp rax, -IO_EOPNOTSUPP
    je .sendfile
    jmp .result
.sendfile:
    mov rdi, r12
    mov rsi, rbx
    lea rdx, [rsp + FC_OFF]
    mov r10, r14
    mov eax, IO_SYS_SENDFILE
    syscall
.result:
    mov rcx, [rsp + FC_OFF]
    cmp rcx, r13
    jne .advanced                        ; bytes went over (whatever the result says)
    test rax, rax
    jz .ok                               ; the source ended early (libuv would retry forever)
    jg .advanced
    cmp rax, -EINTR
    je .copy
    cmp rax, -IO_EINVAL
    je .emulate
    cmp rax, -IO_EIO
    je .emulate
    cmp rax, -IO_ENOTSOCK
    je .emulate
    cmp rax, -IO_EXDEV
    je .emulate
    jmp .error
.advanced:
    sub rcx, r13
    add r13, rcx
    sub r14, rcx
    jmp .copy
.emulate:                                ; pread, then write it all
    mov rdi, rbx
    lea rsi, [rsp + FC_BUF]
    mov edx, FC_BUF_SIZE
    cmp r14, rdx
    cmovb rdx, r14
    mov r10, r13
    mov eax, IO_SYS_PREAD
    syscall
    cmp rax, -EINTR
    je .emulate
    test rax, rax
    js .error
    jz .ok
    mov r15, rax
    lea rcx, [rsp + FC_BUF]
    mov [rsp + FC_OFF + 8], rcx
    add r13, rax
    sub r14, rax
.emulate_write:
    mov rdi, r12
    mov rsi, [rsp + FC_OFF + 8]
    mov rdx, r15
    mov eax, SYS_WRITE
    syscall
    cmp rax, -EINTR
    je .emulate_write
    test rax, rax
    jle .error
    add [rsp + FC_OFF + 8], rax
    sub r15, rax
    jnz .emulate_write
    jmp .copy
.ok:
    mov rdi, rbx
    mov eax, IO_SYS_CLOSE
    syscall
    mov rdi, r12
    mov eax, IO_SYS_CLOSE
    syscall
    mov eax, 1
    jmp .out
.error:
    mov rdi, r12
    mov eax, IO_SYS_CLOSE
    syscall
    lea rdi, [rsp + FC_DST]
    mov eax, IO_SYS_UNLINK
    syscall
.fail:
    test rbx, rbx
    js .failed
    mov rdi, rbx
    mov eax, IO_SYS_CLOSE
    syscall
.failed:
    xor eax, eax
.out:
    add rsp, FC_FRAME
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; str_to_float: the VM's strtod (src/vm/builtins.ts): leading whitespace, a sign, then "inf",
; "nan", a hexadecimal float (the VM's: the digits rounded to a double, times 2^exponent as a
; double) or a decimal number (rounded correctly, as JavaScript's Number); 0 when none matches.

%define BN_CAP 72                        ; 64-bit limbs of a big number (a count, then limbs)
%define BN_BYTES (8 + 8 * BN_CAP)

; bp_io_bn_mul_add(rdi = big number, rsi = multiplier, rdx = addend): n = n × multiplier + addend
FUNC bp_io_bn_mul_add
    mov r8, rdx                          ; carry
    mov r9, [rdi]
    xor ecx, ecx
.limb:
    cmp rcx, r9
    jae .tail
    mov rax, [rdi + rcx*8 + 8]
    mul rsi
    add rax, r8
    adc rdx, 0
    mov [rdi + rcx*8 + 8], rax
    mov r8, rdx
    inc rcx
    jmp .limb
.tail:
    test r8, r8
    jz .out
    mov [rdi + r9*8 + 8], r8
    inc r9
    mov [rdi], r9
.out:
    ret
ENDFUNC

; bp_io_bn_mul_pow10(rdi = big number, rsi = k): n = n × 10^k
FUNC bp_io_bn_mul_pow10
    push rbx
    push r12
    sub rsp, 8
    mov rbx, rdi
    mov r12, rsi
.big:
    cmp r12, 19
    jb .rest
    mov rdi, rbx
    mov rsi, 0x8AC7230489E80000          ; 10^19
    xor edx, edx
    call bp_io_bn_mul_add
    sub r12, 19
    jmp .big
.rest:
    test r12, r12
    jz .out
    mov eax, 1
.power:
    imul rax, rax, 10
    dec r12
    jnz .power
    mov rdi, rbx
    mov rsi, rax
    xor edx, edx
    call bp_io_bn_mul_add
.out:
    add rsp, 8
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_io_bn_shl(rdi = big number, rsi = bits): n = n << bits
FUNC bp_io_bn_shl
    mov r8, [rdi]
    test r8, r8
    jz .out
    mov r9, rsi
    shr r9, 6                            ; whole limbs
    mov ecx, esi
    and ecx, 63
    mov r10, r8                          ; source index of the high part, r8 down to 0
.limb:
    xor eax, eax
    cmp r10, r8
    jae .high0
    mov rax, [rdi + r10*8 + 8]
.high0:
    xor edx, edx
    test r10, r10
    jz .low0
    mov rdx, [rdi + r10*8]
.low0:
    shld rax, rdx, cl
    lea r11, [r10 + r9]
    mov [rdi + r11*8 + 8], rax
    dec r10
    jns .limb
    xor ecx, ecx
.zero:
    cmp rcx, r9
    jae .trim
    mov qword [rdi + rcx*8 + 8], 0
    inc rcx
    jmp .zero
.trim:
    lea rax, [r8 + r9 + 1]
.top:
    cmp qword [rdi + rax*8], 0
    jne .set
    dec rax
    jnz .top
.set:
    mov [rdi], rax
.out:
    ret
ENDFUNC

; bp_io_bn_shr1(rdi = big number): n = n >> 1
FUNC bp_io_bn_shr1
    mov rcx, [rdi]
    test rcx, rcx
    jz .out
    xor edx, edx
.limb:
    mov rax, [rdi + rdx*8 + 8]
    lea r8, [rdx + 1]
    xor r9d, r9d
    cmp r8, rcx
    jae .top
    mov r9, [rdi + r8*8 + 8]
.top:
    shrd rax, r9, 1
    mov [rdi + rdx*8 + 8], rax
    inc rdx
    cmp rdx, rcx
    jb .limb
    cmp qword [rdi + rcx*8], 0
    jne .out
    dec rcx
    mov [rdi], rcx
.out:
    ret
ENDFUNC

; bp_io_bn_cmp(rdi = a, rsi = b) → eax = -1, 0 or 1
FUNC bp_io_bn_cmp
    mov rcx, [rdi]
    cmp rcx, [rsi]
    jne .differ
.limb:
    test rcx, rcx
    jz .equal
    mov rax, [rdi + rcx*8]
    cmp rax, [rsi + rcx*8]
    jne .differ
    dec rcx
    jmp .limb
.differ:
    mov eax, 1
    mov edx, -1
    cmovb eax, edx
    ret
.equal:
    xor eax, eax
    ret
ENDFUNC

; bp_io_bn_sub(rdi = a, rsi = b): a = a - b (a ≥ b)
FUNC bp_io_bn_sub
    mov r8, [rdi]
    mov r9, [rsi]
    xor ecx, ecx
    xor r10d, r10d                       ; borrow
.limb:
    cmp rcx, r8
    jae .trim
    mov rax, [rdi + rcx*8 + 8]
    xor edx, edx
    cmp rcx, r9
    jae .have
    mov rdx, [rsi + rcx*8 + 8]
.have:
    bt r10d, 0
    sbb rax, rdx
    setc r10b
    mov [rdi + rcx*8 + 8], rax
    inc rcx
    jmp .limb
.trim:
    mov rax, r8
.top:
    test rax, rax
    jz .set
    cmp qword [rdi + rax*8], 0
    jne .set
    dec rax
    jmp .top
.set:
    mov [rdi], rax
    ret
ENDFUNC

; bp_io_bn_bitlen(rdi = big number) → rax = its length in bits
FUNC bp_io_bn_bitlen
    mov rcx, [rdi]
    xor eax, eax
    test rcx, rcx
    jz .out
    bsr rax, [rdi + rcx*8]
    shl rcx, 6
    lea rax, [rax + rcx - 63]
.out:
    ret
ENDFUNC

; bp_io_make_double(rdi = q ≠ 0, rsi = s, edx = sticky) → rax = the bits of the double nearest
; to (q + f) × 2^-s, where 0 < f < 1 when sticky, else f = 0 (ties to even; inf past the range).
FUNC bp_io_make_double
    bsr rcx, rdi
    mov r8d, 63
    sub r8d, ecx
    mov ecx, r8d
    shl rdi, cl                          ; normalised: bit 63 set
    add rsi, r8
    mov rax, 63
    sub rax, rsi                         ; p: the value is in [2^p, 2^(p+1))
    cmp rax, 1024
    jge .inf
    mov r8d, 53                          ; bits kept
    cmp rax, -1022
    jge .have
    lea r8, [rax + 1075]                 ; subnormal
    test r8, r8
    js .zero
    jz .half
.have:
    mov ecx, 64
    sub ecx, r8d                         ; bits dropped: 11..63
    mov r9, rdi
    shr r9, cl                           ; the mantissa
    mov r10, 1
    shl r10, cl
    dec r10
    and r10, rdi                         ; the dropped bits
    dec ecx
    mov r11, 1
    shl r11, cl                          ; half a unit
    cmp r10, r11
    ja .up
    jb .rounded
    test edx, edx
    jnz .up
    test r9, 1
    jz .rounded
.up:
    inc r9
.rounded:
    cmp rax, -1022
    jl .subnormal
    add rax, 1022
    shl rax, 52
    add rax, r9                          ; the hidden bit carries into the exponent
    mov rcx, 0x7FF0000000000000
    cmp rax, rcx
    jb .out
.inf:
    mov rax, 0x7FF0000000000000
    ret
.subnormal:
    mov rax, r9
    ret
.half:                                   ; in [2^-1075, 2^-1074): 2^-1074 unless exactly the tie
    mov eax, 1
    mov rcx, 0x8000000000000000
    cmp rdi, rcx
    jne .out
    test edx, edx
    jnz .out
.zero:
    xor eax, eax
.out:
    ret
ENDFUNC

; bp_io_hexval(edi = byte) → eax = its value as a hexadecimal digit, or -1
FUNC bp_io_hexval
    lea eax, [rdi - '0']
    cmp eax, 9
    jbe .out
    mov eax, edi
    or eax, 0x20
    sub eax, 'a'
    cmp eax, 5
    ja .no
    add eax, 10
    ret
.no:
    mov eax, -1
.out:
    ret
ENDFUNC

; bp_io_exponent(rdi = position, rsi = end, edx = letter, lower case) → rax = the exponent
; "letter[+-]digits" there (its magnitude saturated at 2^40), 0 when there is none.
FUNC bp_io_exponent
    xor eax, eax
    cmp rdi, rsi
    jae .out
    movzx ecx, byte [rdi]
    or ecx, 0x20
    cmp ecx, edx
    jne .out
    inc rdi
    xor r8d, r8d                         ; negative
    cmp rdi, rsi
    jae .out
    movzx ecx, byte [rdi]
    cmp cl, '+'
    je .signed
    cmp cl, '-'
    jne .digits
    mov r8d, 1
.signed:
    inc rdi
.digits:
    cmp rdi, rsi
    jae .out                             ; no digit: no exponent (rax = 0)
    movzx ecx, byte [rdi]
    sub ecx, '0'
    cmp ecx, 9
    ja .out
    mov r9, 1 << 40
.digit:
    cmp rdi, rsi
    jae .finish
    movzx ecx, byte [rdi]
    sub ecx, '0'
    cmp ecx, 9
    ja .finish
    cmp rax, r9
    jae .next
    imul rax, rax, 10
    add rax, rcx
.next:
    inc rdi
    jmp .digit
.finish:
    test r8d, r8d
    jz .out
    neg rax
.out:
    ret
ENDFUNC

%define SF_MAXDIG 780                    ; decimal digits kept (then one for any dropped nonzero)
%define SF_N 0                           ; the numerator (big number)
%define SF_D BN_BYTES                    ; the denominator
%define SF_DIG (2 * BN_BYTES)            ; the digits kept
%define SF_VARS (SF_DIG + 784)
%define SF_FRAME (SF_VARS + 64 + 8)

; bp_rt_str_to_float(rdi = string) → xmm0
FUNC bp_rt_str_to_float
    push rbx                             ; position
    push rbp
    push r12                             ; end
    push r13                             ; negative
    push r14
    push r15
    sub rsp, SF_FRAME
    lea rbx, [rdi + STR_DATA]
    mov r12, [rdi + STR_LEN]
    add r12, rbx
    xor r13d, r13d
.space:
    cmp rbx, r12
    jae .zero
    movzx eax, byte [rbx]
    cmp al, ' '
    je .next_space
    sub eax, 9
    cmp eax, 4
    ja .sign
.next_space:
    inc rbx
    jmp .space
.sign:
    movzx eax, byte [rbx]
    cmp al, '+'
    je .signed
    cmp al, '-'
    jne .body
    mov r13d, 1
.signed:
    inc rbx
.body:
    mov rcx, r12
    sub rcx, rbx
    cmp rcx, 3
    jb .not_word
    movzx eax, byte [rbx]
    or al, 0x20
    movzx edx, byte [rbx + 1]
    or dl, 0x20
    movzx ecx, byte [rbx + 2]
    or cl, 0x20
    cmp al, 'i'
    jne .not_inf
    cmp dl, 'n'
    jne .not_word
    cmp cl, 'f'
    jne .not_word
    mov rax, 0x7FF0000000000000
    jmp .apply_sign
.not_inf:
    cmp al, 'n'
    jne .not_word
    cmp dl, 'a'
    jne .not_word
    cmp cl, 'n'
    jne .not_word
    mov rax, 0x7FF8000000000000
    jmp .apply_sign
.not_word:
    mov rcx, r12
    sub rcx, rbx
    cmp rcx, 2
    jb .decimal
    cmp byte [rbx], '0'
    jne .decimal
    movzx eax, byte [rbx + 1]
    or al, 0x20
    cmp al, 'x'
    jne .decimal
    ; --- hexadecimal: digits [.digits] [p exponent]; value = round(digits) × 2^(exp - 4·fraction digits)
    lea r14, [rbx + 2]                   ; scan
    xor r15d, r15d                       ; mantissa bits (the first 16 significant digits)
    xor ebp, ebp                         ; significant digits seen
    mov qword [rsp + SF_VARS], 0         ; integer digits
    mov qword [rsp + SF_VARS + 8], 0     ; fraction digits
    mov qword [rsp + SF_VARS + 16], 0    ; sticky
.hex_int:
    cmp r14, r12
    jae .hex_point
    movzx edi, byte [r14]
    call bp_io_hexval
    test eax, eax
    js .hex_point
    inc qword [rsp + SF_VARS]
    call .hex_digit
    inc r14
    jmp .hex_int
.hex_point:
    cmp r14, r12
    jae .hex_checked
    cmp byte [r14], '.'
    jne .hex_checked
    lea rcx, [r14 + 1]
.hex_frac:
    cmp rcx, r12
    jae .hex_frac_end
    movzx edi, byte [rcx]
    mov r14, rcx
    call bp_io_hexval
    test eax, eax
    js .hex_frac_end_r14
    inc qword [rsp + SF_VARS + 8]
    call .hex_digit
    lea rcx, [r14 + 1]
    jmp .hex_frac
.hex_frac_end_r14:
    mov rcx, r14
.hex_frac_end:
    mov r14, rcx
.hex_checked:
    mov rax, [rsp + SF_VARS]
    or rax, [rsp + SF_VARS + 8]
    jz .decimal                          ; "0x" without digits: the decimal "0"
    mov rdi, r14
    mov rsi, r12
    mov edx, 'p'
    call bp_io_exponent
    mov rcx, [rsp + SF_VARS + 8]
    shl rcx, 2
    sub rax, rcx                         ; the binary exponent
    ; 2^exponent as a double: inf above 1023, 0 below -1074
    mov rcx, 0x7FF0000000000000
    cmp rax, 1023
    jg .have_scale
    xor ecx, ecx
    cmp rax, -1074
    jl .have_scale
    cmp rax, -1022
    jl .scale_subnormal
    lea rcx, [rax + 1023]
    shl rcx, 52
    jmp .have_scale
.scale_subnormal:
    lea rcx, [rax + 1074]
    mov eax, 1
    shl rax, cl
    mov rcx, rax
.have_scale:
    movq xmm1, rcx
    xor eax, eax                         ; the digits rounded to a double
    test r15, r15
    jz .have_mantissa
    mov rdi, r15
    mov rsi, rbp                         ; digits past the first 16: 4 bits each
    sub rsi, 16
    xor eax, eax
    cmp rsi, 0
    cmovl rsi, rax
    shl rsi, 2
    neg rsi
    mov edx, [rsp + SF_VARS + 16]
    call bp_io_make_double
.have_mantissa:
    movq xmm0, rax
    mulsd xmm0, xmm1
    movq rax, xmm0
    jmp .apply_sign

; (inside the hexadecimal scan) digit eax: into the mantissa while fewer than 16 significant
.hex_digit:
    test rbp, rbp
    jnz .hex_significant
    test eax, eax
    jz .hex_digit_done                   ; a leading zero
.hex_significant:
    inc rbp
    cmp rbp, 16
    ja .hex_dropped
    shl r15, 4
    or r15, rax
    ret
.hex_dropped:
    or [rsp + SF_VARS + 16 + 8], eax     ; (the return address is on the stack)
.hex_digit_done:
    ret

.decimal:
    ; --- decimal: (digits [. digits] | . digits) [e exponent]; value = D × 10^E exactly rounded
    mov r14, rbx                         ; scan
    xor ebp, ebp                         ; digits kept
    xor r15d, r15d                       ; E
    mov qword [rsp + SF_VARS], 0         ; integer digits
    mov qword [rsp + SF_VARS + 8], 0     ; fraction digits
    mov qword [rsp + SF_VARS + 16], 0    ; a dropped digit was nonzero
.dec_int:
    cmp r14, r12
    jae .dec_point
    movzx eax, byte [r14]
    sub eax, '0'
    cmp eax, 9
    ja .dec_point
    inc qword [rsp + SF_VARS]
    inc r14
    test rbp, rbp
    jnz .dec_int_keep
    test eax, eax
    jz .dec_int                          ; a leading zero
.dec_int_keep:
    cmp rbp, SF_MAXDIG
    jae .dec_int_drop
    mov [rsp + SF_DIG + rbp], al
    inc rbp
    jmp .dec_int
.dec_int_drop:
    inc r15
    or [rsp + SF_VARS + 16], eax
    jmp .dec_int
.dec_point:
    cmp r14, r12
    jae .dec_checked
    cmp byte [r14], '.'
    jne .dec_checked
    inc r14
.dec_frac:
    cmp r14, r12
    jae .dec_checked
    movzx eax, byte [r14]
    sub eax, '0'
    cmp eax, 9
    ja .dec_checked
    inc qword [rsp + SF_VARS + 8]
    inc r14
    test rbp, rbp
    jnz .dec_frac_keep
    test eax, eax
    jnz .dec_frac_keep
    dec r15                              ; a leading zero
    jmp .dec_frac
.dec_frac_keep:
    cmp rbp, SF_MAXDIG
    jae .dec_frac_drop
    mov [rsp + SF_DIG + rbp], al
    inc rbp
    dec r15
    jmp .dec_frac
.dec_frac_drop:
    or [rsp + SF_VARS + 16], eax
    jmp .dec_frac
.dec_checked:
    mov rax, [rsp + SF_VARS]
    or rax, [rsp + SF_VARS + 8]
    jz .zero                             ; no number at all: 0 (whatever the sign)
    mov rdi, r14
    mov rsi, r12
    mov edx, 'e'
    call bp_io_exponent
    add r15, rax
    cmp dword [rsp + SF_VARS + 16], 0
    je .trailing
    mov byte [rsp + SF_DIG + rbp], 1     ; the dropped nonzero digits, as one digit 1
    inc rbp
    dec r15
.trailing:
    test rbp, rbp
    jz .signed_zero
    cmp byte [rsp + SF_DIG + rbp - 1], 0
    jne .scaled
    dec rbp
    inc r15
    jmp .trailing
.scaled:
    lea rax, [rbp + r15]                 ; the value is in [10^(rax-1), 10^rax)
    cmp rax, 311
    jge .signed_inf
    cmp rax, -325
    jle .signed_zero
    ; fast path: D < 10^15 and |E| ≤ 22, one correctly rounded operation of exact operands
    cmp rbp, 15
    ja .exact
    cmp r15, 22
    jg .exact
    cmp r15, -22
    jl .exact
    xor eax, eax
    xor ecx, ecx
.fast_digits:
    imul rax, rax, 10
    movzx edx, byte [rsp + SF_DIG + rcx]
    add rax, rdx
    inc rcx
    cmp rcx, rbp
    jb .fast_digits
    cvtsi2sd xmm0, rax
    mov rcx, r15
    test rcx, rcx
    jns .fast_power
    neg rcx
.fast_power:
    mov eax, 1
    cvtsi2sd xmm1, eax
    mov eax, 10
    cvtsi2sd xmm2, eax
.fast_loop:
    test rcx, rcx
    jz .fast_apply
    mulsd xmm1, xmm2
    dec rcx
    jmp .fast_loop
.fast_apply:
    test r15, r15
    js .fast_divide
    mulsd xmm0, xmm1
    jmp .fast_done
.fast_divide:
    divsd xmm0, xmm1
.fast_done:
    movq rax, xmm0
    jmp .apply_sign
.exact:
    ; N = D, in chunks of up to 19 digits
    mov qword [rsp + SF_N], 0
    xor r14d, r14d                       ; digit index
.chunk:
    cmp r14, rbp
    jae .built
    xor eax, eax                         ; chunk value
    mov ecx, 1                           ; 10^(chunk digits)
    xor edx, edx                         ; chunk digits
.chunk_digit:
    cmp r14, rbp
    jae .chunk_add
    cmp edx, 19
    jae .chunk_add
    imul rax, rax, 10
    movzx r8d, byte [rsp + SF_DIG + r14]
    add rax, r8
    imul rcx, rcx, 10
    inc edx
    inc r14
    jmp .chunk_digit
.chunk_add:
    lea rdi, [rsp + SF_N]
    mov rsi, rcx
    mov rdx, rax
    call bp_io_bn_mul_add
    jmp .chunk
.built:
    mov qword [rsp + SF_D], 1            ; the denominator 1
    mov qword [rsp + SF_D + 8], 1
    test r15, r15
    js .negative_exponent
    lea rdi, [rsp + SF_N]
    mov rsi, r15
    call bp_io_bn_mul_pow10
    jmp .divide
.negative_exponent:
    lea rdi, [rsp + SF_D]
    mov rsi, r15
    neg rsi
    call bp_io_bn_mul_pow10
.divide:
    ; s = 63 - (bits(N) - bits(D)), so that q = floor(N·2^s / D) is in [2^62, 2^64)
    lea rdi, [rsp + SF_N]
    call bp_io_bn_bitlen
    mov r14, rax
    lea rdi, [rsp + SF_D]
    call bp_io_bn_bitlen
    sub r14, rax
    mov rbp, 63
    sub rbp, r14                         ; s
    js .shift_denominator
    lea rdi, [rsp + SF_N]
    mov rsi, rbp
    call bp_io_bn_shl
    jmp .shifted
.shift_denominator:
    lea rdi, [rsp + SF_D]
    mov rsi, rbp
    neg rsi
    call bp_io_bn_shl
.shifted:
    lea rdi, [rsp + SF_D]
    mov esi, 63
    call bp_io_bn_shl
    xor r15d, r15d                       ; q
    mov r14d, 63                         ; bit
.quotient_bit:
    lea rdi, [rsp + SF_N]
    lea rsi, [rsp + SF_D]
    call bp_io_bn_cmp
    test eax, eax
    js .below
    lea rdi, [rsp + SF_N]
    lea rsi, [rsp + SF_D]
    call bp_io_bn_sub
    bts r15, r14
.below:
    lea rdi, [rsp + SF_D]
    call bp_io_bn_shr1
    dec r14
    jns .quotient_bit
    xor edx, edx
    cmp qword [rsp + SF_N], 0
    setne dl                             ; a remainder
    mov rdi, r15
    mov rsi, rbp
    call bp_io_make_double
    jmp .apply_sign
.signed_inf:
    mov rax, 0x7FF0000000000000
    jmp .apply_sign
.signed_zero:
    xor eax, eax
.apply_sign:
    test r13d, r13d
    jz .result
    btc rax, 63
    jmp .result
.zero:
    xor eax, eax
.result:
    movq xmm0, rax
    add rsp, SF_FRAME
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC
