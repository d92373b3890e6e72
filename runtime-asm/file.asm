; The file builtins of executables, with the VM's semantics (src/vm/builtins-ext.ts): read,
; write, append, exists, delete, size, copy, and the byte-array forms. Where the VM goes through
; Node, these do what Node does: file paths are the string's bytes (a NUL byte fails the call;
; the VM hands Node the bytes as a Buffer), readFileSync/copyFileSync read and copy as libuv.
; File contents are read into mapped memory (mem.asm), never the collected heap.

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

; ---------------------------------------------------------------------------------------------
; Files (the VM: Node's fs, every failure caught: "", false, -1 or an empty array)

; bp_io_slurp(rdi = path string, rsi = out {bytes, count, mapped size}) → eax = 1 when the file
; was read as readFileSync reads it — a regular file of nonzero size: at most that many bytes;
; anything else: to its end — 0 on any failure. The bytes are mapped memory (bp_rt_mem_free).
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
    call bp_rt_mem_grow
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
    call bp_rt_mem_grow
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
    call bp_rt_mem_free
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
    call bp_rt_mem_free
    mov rax, rbx
    jmp .out
.too_long:                               ; Node cannot make the string: the call fails
    mov rdi, [rsp]
    mov rsi, [rsp + 16]
    call bp_rt_mem_free
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
    call bp_rt_mem_free
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
    call bp_rt_mem_grow
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
    call bp_rt_mem_free
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
