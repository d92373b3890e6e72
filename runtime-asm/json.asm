; json_stringify of executables: the VM's JSON text of any value (src/vm/builtins-ext.ts).
;
; Functions that allocate return 0 when memory is exhausted and keep their reference arguments
; (and the object they are filling) in callee-saved registers across every call that can
; allocate. Functions that can fail take the "file:line" string of the call as one more
; argument and pass it to bp_rt_error.

; ---------------------------------------------------------------------------------------------
; JSON text (json_stringify): ints and floats as to_str prints them, bools, strings quoted with
; '"', '\', newline, tab and carriage return escaped (other bytes as they are), arrays as
; [a,b], maps as {"key":value} in insertion order (non-string keys quoted), structs and
; objects as {"field":value}, null references as null. The text is walked twice: once to
; measure it, then, after allocating the string, to write it — nothing allocates in between.

BSS bp_rt_json_dst, 8, 8                 ; where the writing walk puts the text (0: measuring)
BSS bp_rt_json_len, 8, 8                 ; bytes produced so far

; bp_rt_json_emit(rdi = bytes, rsi = count): appends them to the text (or only counts them).
FUNC bp_rt_json_emit
    mov rax, [bp_rt_json_dst]
    mov rcx, [bp_rt_json_len]
    add [bp_rt_json_len], rsi
    test rax, rax
    jz .out
    lea rdx, [rax + rcx]
    mov rcx, rsi
    mov rsi, rdi
    mov rdi, rdx
    rep movsb
.out:
    ret
ENDFUNC

; Emits the constant bytes at label %1, %2 of them.
%macro JSON_TEXT 2
    lea rdi, [%1]
    mov esi, %2
    call bp_rt_json_emit
%endmacro

section .rodata.bp_rt_json_texts progbits alloc noexec nowrite align=16
bp_rt_json_texts:
bp_rt_json_t_true: db 'true'
bp_rt_json_t_false: db 'false'
bp_rt_json_t_null: db 'null'
bp_rt_json_t_quote: db '"'
bp_rt_json_t_comma: db ','
bp_rt_json_t_colon: db ':'
bp_rt_json_t_lbrack: db '['
bp_rt_json_t_rbrack: db ']'
bp_rt_json_t_lbrace: db '{'
bp_rt_json_t_rbrace: db '}'
bp_rt_json_esc_chars: db '"', '\', 10, 9, 13, 0
bp_rt_json_esc_text: db '\"\\\n\t\r'

; bp_rt_json_stringify(rdi = value bits, rsi = its type descriptor) → the VM's JSON text of the
; value, or 0 when out of memory.
FUNC bp_rt_json_stringify
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov qword [bp_rt_json_dst], 0
    mov qword [bp_rt_json_len], 0
    call bp_rt_json_value
    mov rdi, [bp_rt_json_len]
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r13, rax
    lea rax, [rax + STR_DATA]
    mov [bp_rt_json_dst], rax
    mov qword [bp_rt_json_len], 0
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_json_value
    mov qword [bp_rt_json_dst], 0
    mov rax, r13
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_json_int(rdi = n): its decimal text.
FUNC bp_rt_json_int
    sub rsp, 40
    mov rsi, rsp
    call bp_rt_fmt_i64
    mov rdi, rsp
    mov rsi, rax
    call bp_rt_json_emit
    add rsp, 40
    ret
ENDFUNC

; bp_rt_json_float(xmm0 = x): x as C's %g.
FUNC bp_rt_json_float
    sub rsp, 520
    mov rdi, rsp
    mov esi, 6
    mov edx, 'g'
    call bp_rt_fmt_f64
    mov rdi, rsp
    mov rsi, rax
    call bp_rt_json_emit
    add rsp, 520
    ret
ENDFUNC

; bp_rt_json_str(rdi = string): quoted and escaped.
FUNC bp_rt_json_str
    push rbx
    push r12
    push r13
    mov rbx, rdi
    JSON_TEXT bp_rt_json_t_quote, 1
    xor r12d, r12d                       ; the start of the bytes not yet emitted
    xor r13d, r13d                       ; position
.char:
    cmp r13, [rbx + STR_LEN]
    jae .finish
    movzx eax, byte [rbx + r13 + STR_DATA]
    lea rcx, [bp_rt_json_esc_chars]
    xor edx, edx
.find:
    cmp byte [rcx + rdx], 0
    je .plain
    cmp al, [rcx + rdx]
    je .escape
    inc edx
    jmp .find
.plain:
    inc r13
    jmp .char
.escape:
    push rdx
    push rdx
    lea rdi, [rbx + r12 + STR_DATA]      ; the plain run before it
    mov rsi, r13
    sub rsi, r12
    call bp_rt_json_emit
    pop rdx
    pop rdx
    lea rdi, [bp_rt_json_esc_text]
    lea rdi, [rdi + rdx*2]
    mov esi, 2
    call bp_rt_json_emit
    inc r13
    mov r12, r13
    jmp .char
.finish:
    lea rdi, [rbx + r12 + STR_DATA]
    mov rsi, r13
    sub rsi, r12
    call bp_rt_json_emit
    JSON_TEXT bp_rt_json_t_quote, 1
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_json_value(rdi = value bits, rsi = descriptor): the JSON text of any value.
FUNC bp_rt_json_value
    STACK_CHECK
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 16                          ; [rsp]: map entries emitted so far
    mov rbx, rdi
    mov r12, rsi
    movzx eax, byte [r12]
    cmp al, 'i'
    je .int
    cmp al, 'f'
    je .float
    cmp al, 'b'
    je .bool
    test rbx, rbx
    jz .null
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
.null:                                   ; null references (and values executables never hold)
    JSON_TEXT bp_rt_json_t_null, 4
    jmp .done
.int:
    call bp_rt_json_int
    jmp .done
.float:
    movq xmm0, rbx
    call bp_rt_json_float
    jmp .done
.bool:
    test ebx, ebx
    jz .false
    JSON_TEXT bp_rt_json_t_true, 4
    jmp .done
.false:
    JSON_TEXT bp_rt_json_t_false, 5
    jmp .done
.str:
    call bp_rt_json_str
    jmp .done

.array:                                  ; [e,e,…]
    JSON_TEXT bp_rt_json_t_lbrack, 1
    lea r14, [r12 + 1]                   ; the element descriptor
    xor r13d, r13d
.elem:
    cmp r13, [rbx + ARR_LEN]
    jae .array_end
    test r13, r13
    jz .elem_first
    JSON_TEXT bp_rt_json_t_comma, 1
.elem_first:
    mov rax, [rbx + ARR_DATA]
    mov rdi, [rax + r13*8]
    mov rsi, r14
    call bp_rt_json_value
    inc r13
    jmp .elem
.array_end:
    JSON_TEXT bp_rt_json_t_rbrack, 1
    jmp .done

.map:                                    ; {"k":v,…} in insertion order
    lea r14, [r12 + 1]                   ; the key descriptor
    mov rdi, r14
    call bp_rt_desc_end
    lea r15, [rax + 1]                   ; the value descriptor, after the ':'
    JSON_TEXT bp_rt_json_t_lbrace, 1
    mov qword [rsp], 0
    xor r13d, r13d                       ; entry number
.entry:
    cmp r13, [rbx + MAP_USED]
    jae .map_end
    mov rax, [rbx + MAP_ENTRIES]
    lea rcx, [r13 + r13*2]
    cmp qword [rax + rcx*8 + RAW_DATA], -1
    je .entry_next                       ; deleted
    cmp qword [rsp], 0
    je .entry_first
    JSON_TEXT bp_rt_json_t_comma, 1
.entry_first:
    inc qword [rsp]
    cmp byte [r14], 's'
    je .string_key
    JSON_TEXT bp_rt_json_t_quote, 1      ; other keys: their JSON text, quoted
    call .key
    JSON_TEXT bp_rt_json_t_quote, 1
    jmp .entry_value
.string_key:
    call .key
.entry_value:
    JSON_TEXT bp_rt_json_t_colon, 1
    mov rax, [rbx + MAP_ENTRIES]
    lea rcx, [r13 + r13*2]
    mov rdi, [rax + rcx*8 + RAW_DATA + 16]
    mov rsi, r15
    call bp_rt_json_value
.entry_next:
    inc r13
    jmp .entry
.map_end:
    JSON_TEXT bp_rt_json_t_rbrace, 1
    jmp .done
.key:                                    ; (a local subroutine: the stack is realigned by the call)
    sub rsp, 8
    mov rax, [rbx + MAP_ENTRIES]
    lea rcx, [r13 + r13*2]
    mov rdi, [rax + rcx*8 + RAW_DATA + 8]
    cmp byte [r14], 'f'
    jne .key_text
    mov rax, 0x8000000000000000          ; a -0.0 key is 0 (the VM's maps key by SameValueZero)
    xor ecx, ecx
    cmp rdi, rax
    cmove rdi, rcx
.key_text:
    mov rsi, r14
    call bp_rt_json_value
    add rsp, 8
    ret

.struct:                                 ; {"field":v,…}, an object by its own class
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_layout_of
    mov r14, rax                         ; {name, field count, (field name, descriptor)…}
    JSON_TEXT bp_rt_json_t_lbrace, 1
    xor r13d, r13d
.field:
    cmp r13, [r14 + 8]
    jae .struct_end
    test r13, r13
    jz .field_first
    JSON_TEXT bp_rt_json_t_comma, 1
.field_first:
    mov r15, r13
    shl r15, 4
    add r15, r14                         ; the field's (name, descriptor) pair at +16
    JSON_TEXT bp_rt_json_t_quote, 1
    mov rdi, [r15 + 16]                  ; the name (a C string)
    mov rsi, rdi
.name_len:
    cmp byte [rsi], 0
    je .name_end
    inc rsi
    jmp .name_len
.name_end:
    sub rsi, rdi
    call bp_rt_json_emit
    JSON_TEXT bp_rt_json_t_quote, 1
    JSON_TEXT bp_rt_json_t_colon, 1
    mov rdi, [rbx + r13*8 + STRUCT_FIELDS]
    mov rsi, [r15 + 24]
    call bp_rt_json_value
    inc r13
    jmp .field
.struct_end:
    JSON_TEXT bp_rt_json_t_rbrace, 1

.done:
    add rsp, 16
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
