; Printing values of any type by their type descriptor (src/bytecode/tdesc.ts), and the same text
; as a string (to_str of containers, structs and objects): strings as themselves at the top,
; quoted inside containers, containers with their elements' text, tuples as (a, b). Structs,
; maps and ptr values print in struct.asm, map.asm and ffi.asm.

; bp_rt_print_value(rdi = value bits, rsi = type descriptor, NUL-terminated) — what print shows:
; strings as themselves, containers with their elements' repr (strings quoted).
FUNC bp_rt_print_value
    cmp byte [rsi], 's'
    jne bp_rt_print_repr
    jmp bp_rt_print_str
ENDFUNC

; bp_rt_print_repr(rdi = value bits, rsi = descriptor): the text of a value inside a container.
FUNC bp_rt_print_repr
    STACK_CHECK
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    movzx eax, byte [r12]
    cmp al, 'i'
    je .int
    cmp al, 'f'
    je .float
    cmp al, 'b'
    je .bool
    cmp al, 's'
    je .str
    cmp al, 'p'
    je .ptr
    cmp al, 'F'
    jne .notfn
    test rbx, rbx
    jz .null
    lea rdi, [.fn_open]                  ; <fn name>
    mov esi, 4
    call bp_rt_write
    mov rdi, [rbx + STRUCT_FIELDS + 8]
    call bp_rt_print_cstr
    lea rdi, [.fn_close]
    mov esi, 1
    call bp_rt_write
    jmp .done
.notfn:                                  ; containers: arrays, maps, structs, objects, tuples
    test rbx, rbx
    jz .null
    test qword [rbx], HDR_BUSY           ; met again inside itself: shown as Python shows a
    jnz .again                           ; list that contains itself, [[...]]
    or qword [rbx], HDR_BUSY
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_print_container
    and qword [rbx], ~HDR_BUSY
    jmp .done
.again:
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_print_again
    jmp .done
.ptr:
    call bp_rt_print_ptr
    jmp .done
.int:
    call bp_rt_print_i64
    jmp .done
.float:
    movq xmm0, rbx
    call bp_rt_print_f64
    jmp .done
.bool:
    call bp_rt_print_bool
    jmp .done
.null:
    lea rdi, [.null_text]
    mov esi, 4
    call bp_rt_write
    jmp .done
.str:                                    ; quoted, with the VM's escapes
    test rbx, rbx
    jz .null
    lea rdi, [.quote]
    mov esi, 1
    call bp_rt_write
    xor r13d, r13d
.char:
    cmp r13, [rbx + STR_LEN]
    jae .endquote
    movzx eax, byte [rbx + r13 + STR_DATA]
    sub rsp, 16
    mov [rsp], al
    mov esi, 1
    lea rcx, [.escapes]
.find:                                   ; the two-character escapes
    cmp byte [rcx], 0
    je .plain
    cmp al, [rcx]
    je .escape
    add rcx, 2
    jmp .find
.escape:
    mov byte [rsp], '\'
    mov dl, [rcx + 1]
    mov [rsp + 1], dl
    mov esi, 2
    jmp .emit
.plain:
    cmp al, 0x20
    jb .hex
    cmp al, 0x7f
    jne .emit
.hex:                                    ; \xNN, lower-case
    mov byte [rsp], '\'
    mov byte [rsp + 1], 'x'
    mov edx, eax
    shr edx, 4
    lea r8, [.digits]
    mov dl, [r8 + rdx]
    mov [rsp + 2], dl
    and eax, 15
    mov al, [r8 + rax]
    mov [rsp + 3], al
    mov esi, 4
.emit:
    mov rdi, rsp
    call bp_rt_write
    add rsp, 16
    inc r13
    jmp .char
.endquote:
    lea rdi, [.quote]
    mov esi, 1
    call bp_rt_write
.done:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
FUNCDATA
.null_text: db 'null'
.fn_open: db '<fn '
.fn_close: db '>'
.quote: db '"'
.escapes: db '"', '"', '\', '\', 10, 'n', 9, 't', 13, 'r', 0
.digits: db '0123456789abcdef'

; bp_rt_print_container(rdi = array, map, struct, object or tuple (not null), rsi = its descriptor).
FUNC bp_rt_print_container
    movzx eax, byte [rsi]
    cmp al, '('
    je bp_rt_print_tuple
    cmp al, '{'
    je bp_rt_print_map
    cmp al, '['
    je bp_rt_print_array
    jmp bp_rt_print_struct
ENDFUNC

; bp_rt_print_again(rdi = a container being printed, rsi = its descriptor): its placeholder —
; [...], {...}, (...) or Name{...}.
FUNC bp_rt_print_again
    push rbx
    movzx ebx, byte [rsi]
    cmp bl, 'S'
    je .named
    cmp bl, 'C'
    jne .mark
.named:
    call bp_rt_layout_of
    mov rdi, [rax]
    call bp_rt_print_cstr
    mov bl, '{'
.mark:
    lea rdi, [.texts]
.find:
    cmp [rdi], bl
    je .write
    add rdi, 5
    jmp .find
.write:
    mov esi, 5
    call bp_rt_write
    pop rbx
    ret
ENDFUNC
FUNCDATA
.texts: db '[...]', '{...}', '(...)'

; bp_rt_print_array(rdi = array (not null), rsi = its descriptor "[T]"): [repr, …].
FUNC bp_rt_print_array
    push rbx
    push r12
    push r13
    mov rbx, rdi
    lea r12, [rsi + 1]                   ; the element descriptor
    lea rdi, [.open]
    mov esi, 1
    call bp_rt_write
    xor r13d, r13d
.elem:
    cmp r13, [rbx + ARR_LEN]
    jae .close
    test r13, r13
    jz .first
    lea rdi, [.sep]
    mov esi, 2
    call bp_rt_write
.first:
    mov rax, [rbx + ARR_DATA]
    mov rdi, [rax + r13*8]
    mov rsi, r12
    call bp_rt_print_repr
    inc r13
    jmp .elem
.close:
    lea rdi, [.close_text]
    mov esi, 1
    call bp_rt_write
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
FUNCDATA
.open: db '['
.close_text: db ']'
.sep: db ', '

; bp_rt_print_tuple(rdi = tuple or 0, rsi = descriptor "(A,B,…)"): (a, b) — (a,) for one element.
FUNC bp_rt_print_tuple
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    lea r12, [rsi + 1]                   ; the next element's descriptor
    test rbx, rbx
    jz .null
    lea rdi, [.open]
    mov esi, 1
    call bp_rt_write
    xor r13d, r13d
.elem:
    cmp r13, [rbx + STRUCT_COUNT]
    jae .close
    test r13, r13
    jz .first
    lea rdi, [.sep]
    mov esi, 2
    call bp_rt_write
.first:
    mov rdi, [rbx + r13*8 + STRUCT_FIELDS]
    mov rsi, r12
    call bp_rt_print_repr
    mov rdi, r12
    call bp_rt_desc_end
    lea r12, [rax + 1]                   ; past the ','
    inc r13
    jmp .elem
.close:
    cmp r13, 1
    jne .closeparen
    lea rdi, [.comma]
    mov esi, 1
    call bp_rt_write
.closeparen:
    lea rdi, [.close_text]
    mov esi, 1
    call bp_rt_write
    jmp .done
.null:
    lea rdi, [.null_text]
    mov esi, 4
    call bp_rt_write
.done:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
FUNCDATA
.open: db '('
.close_text: db ')'
.sep: db ', '
.comma: db ','
.null_text: db 'null'

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
    STACK_CHECK
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
