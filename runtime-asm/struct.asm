; Structs: {header TAG_STRUCT, field count, mask of the fields (of the first 64) that are
; references, the fields, 8 bytes each}. The mask lets the collector mark exactly; fields past
; the 64th are scanned conservatively. Printing uses bp_struct_layouts, which the program
; provides: the struct count, then per struct and class index a record {name, field count,
; (field name, field descriptor)…}. Objects of classes are structs whose header also holds the
; class index (bits 32-63), which picks their vtable from bp_vtables.

extern bp_struct_layouts

; bp_rt_struct_new(rdi = field count, rsi = reference mask) → a struct (fields undefined: the
; caller stores them), or 0 when out of memory.
FUNC bp_rt_struct_new
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    lea rdi, [rdi*8 + STRUCT_FIELDS]
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov qword [rax], TAG_STRUCT
    mov [rax + STRUCT_COUNT], rbx
    mov [rax + STRUCT_REFS], r12
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; Marks the references among the fields of struct rdi (called while draining the mark stack).
FUNC bp_rt_mark_struct
    push rbx
    push r12
    push r13
    mov rbx, rdi
    xor r12d, r12d
.field:
    cmp r12, [rbx + STRUCT_COUNT]
    jae .done
    cmp r12, 64
    jae .mark                            ; past the mask: conservatively
    bt qword [rbx + STRUCT_REFS], r12
    jnc .next
.mark:
    mov rdi, [rbx + r12*8 + STRUCT_FIELDS]
    call bp_rt_mark_word
.next:
    inc r12
    jmp .field
.done:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_print_struct(rdi = struct or object or 0, rsi = its descriptor "S<index>;" or
; "C<index>;"): Name{f: repr, …}. An object prints as its own class (from its header), which
; may be a subclass of the static type.
FUNC bp_rt_print_struct
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    test rbx, rbx
    jz .null
    call bp_rt_layout_of
    mov r12, rax                         ; the record
    mov rdi, [r12]
    call bp_rt_print_cstr
    lea rdi, [.open]
    mov esi, 1
    call bp_rt_write
    xor r13d, r13d
.field:
    cmp r13, [r12 + 8]
    jae .close
    test r13, r13
    jz .first
    lea rdi, [.sep]
    mov esi, 2
    call bp_rt_write
.first:
    mov r14, r13
    shl r14, 4
    add r14, r12                         ; the field's (name, descriptor) pair at +16
    mov rdi, [r14 + 16]
    call bp_rt_print_cstr
    lea rdi, [.colon]
    mov esi, 2
    call bp_rt_write
    mov rdi, [rbx + r13*8 + STRUCT_FIELDS]
    mov rsi, [r14 + 24]
    call bp_rt_print_repr
    inc r13
    jmp .field
.close:
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
.open: db '{'
.close_text: db '}'
.sep: db ', '
.colon: db ': '
.null_text: db 'null'

; bp_rt_layout_of(rdi = struct or object (not null for "C"), rsi = descriptor "S<n>;" or
; "C<n>;") → rax = its layout record. An object's record is its own class's, from its header.
; Uses only rax, rcx, rdx.
FUNC bp_rt_layout_of
    xor eax, eax                         ; the index, from the digits after the letter
    lea rcx, [rsi + 1]
.digit:
    movzx edx, byte [rcx]
    sub edx, '0'
    cmp edx, 9
    ja .parsed
    imul rax, rax, 10
    add rax, rdx
    inc rcx
    jmp .digit
.parsed:
    lea rdx, [bp_struct_layouts]
    cmp byte [rsi], 'C'
    jne .record
    mov rax, [rdi]
    shr rax, HDR_CLASS_SHIFT
    add rax, [rdx]                       ; classes follow the structs
.record:
    mov rax, [rdx + rax*8 + 8]
    ret
ENDFUNC

; Writes the NUL-terminated string at rdi.
FUNC bp_rt_print_cstr
    mov rsi, rdi
.len:
    cmp byte [rsi], 0
    je .write
    inc rsi
    jmp .len
.write:
    sub rsi, rdi
    jmp bp_rt_write
ENDFUNC
