; Structural equality of spec §8.2, by static type descriptor: strings by bytes, arrays element
; by element, maps by their key sets and values, structs and tuples field by field, functions
; by their code when neither captured anything; objects of classes by
; identity; C pointers by address; floats as IEEE (NaN is unequal to itself, 0.0 equals -0.0).

; bp_rt_equals(rdi = a, rsi = b, rdx = descriptor) → eax = 1 when equal.
FUNC bp_rt_equals
    STACK_CHECK
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    movzx eax, byte [r13]
    cmp al, 'f'
    je .float
    cmp al, 'i'
    je .bits
    cmp al, 'b'
    je .bits
    cmp al, 'C'
    je .bits
    cmp rbx, r12                         ; references: the same object, or neither null
    je .yes
    test rbx, rbx
    jz .no
    test r12, r12
    jz .no
    cmp al, 's'
    je .str
    cmp al, '['
    je .container
    cmp al, '{'
    je .container
    cmp al, 'S'
    je .container
    cmp al, '('
    je .container
    cmp al, 'p'
    je .ptr
    cmp al, 'F'
    jne .no
    mov rax, [rbx + STRUCT_FIELDS]       ; functions: the same code, neither capturing
    cmp rax, [r12 + STRUCT_FIELDS]
    jne .no
    cmp qword [rbx + STRUCT_COUNT], 2
    jne .no
    cmp qword [r12 + STRUCT_COUNT], 2
    jne .no
    jmp .yes
.ptr:                                    ; two C pointers to the same address
    cmp qword [rbx + PTR_KIND], PTR_C
    jne .no
    cmp qword [r12 + PTR_KIND], PTR_C
    jne .no
    mov rax, [rbx + PTR_PAYLOAD]
    cmp rax, [r12 + PTR_PAYLOAD]
    jne .no
    jmp .yes
.container:                              ; met again while compared (a cycle on a's side):
    test qword [rbx], HDR_BUSY           ; no difference found on this path
    jnz .yes
    or qword [rbx], HDR_BUSY
    mov rdi, rbx
    mov rsi, r12
    mov rdx, r13
    call bp_rt_equals_parts
    and qword [rbx], ~HDR_BUSY
    jmp .out
.float:
    movq xmm0, rbx
    movq xmm1, r12
    ucomisd xmm0, xmm1
    jp .no
    je .yes
    jmp .no
.bits:
    cmp rbx, r12
    je .yes
    jmp .no
.str:
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_str_eq
    jmp .out
.yes:
    mov eax, 1
    jmp .out
.no:
    xor eax, eax
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_equals_parts(rdi = a, rsi = b, rdx = descriptor): arrays, maps, structs and tuples
; (neither null, a marked busy by bp_rt_equals) part by part → eax = 1 when equal.
FUNC bp_rt_equals_parts
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    movzx eax, byte [r13]
    cmp al, '['
    je .array
    cmp al, '{'
    je .map
    cmp al, '('
    je .tuple
    jmp .struct
.tuple:                                  ; element by element, each by its descriptor
    lea r15, [r13 + 1]
    xor r14d, r14d
.telem:
    cmp r14, [rbx + STRUCT_COUNT]
    jae .yes
    mov rdi, [rbx + r14*8 + STRUCT_FIELDS]
    mov rsi, [r12 + r14*8 + STRUCT_FIELDS]
    mov rdx, r15
    call bp_rt_equals
    test eax, eax
    jz .no
    mov rdi, r15
    call bp_rt_desc_end
    lea r15, [rax + 1]
    inc r14
    jmp .telem
.array:
    mov rax, [rbx + ARR_LEN]
    cmp rax, [r12 + ARR_LEN]
    jne .no
    xor r14d, r14d
.elem:
    cmp r14, [rbx + ARR_LEN]
    jae .yes
    mov rax, [rbx + ARR_DATA]
    mov rdi, [rax + r14*8]
    mov rax, [r12 + ARR_DATA]
    mov rsi, [rax + r14*8]
    lea rdx, [r13 + 1]
    call bp_rt_equals
    test eax, eax
    jz .no
    inc r14
    jmp .elem
.map:
    mov rax, [rbx + MAP_COUNT]
    cmp rax, [r12 + MAP_COUNT]
    jne .no
    lea rdi, [r13 + 1]                   ; the value descriptor, after the key's
    call bp_rt_desc_end
    lea r15, [rax + 1]
    xor r14d, r14d                       ; entry of a
.entry:
    cmp r14, [rbx + MAP_USED]
    jae .yes
    mov rax, [rbx + MAP_ENTRIES]
    lea rcx, [r14 + r14*2]
    lea rcx, [rax + rcx*8 + RAW_DATA]
    cmp qword [rcx], -1
    je .nextentry
    push rcx
    sub rsp, 8
    mov rdi, r12
    mov rsi, [rcx + 8]
    call bp_rt_map_lookup                ; the key in b
    add rsp, 8
    pop rcx
    test rax, rax
    js .no
    mov rdx, [r12 + MAP_ENTRIES]
    lea rax, [rax + rax*2]
    mov rsi, [rdx + rax*8 + RAW_DATA + 16]
    mov rdi, [rcx + 16]
    mov rdx, r15
    call bp_rt_equals
    test eax, eax
    jz .no
.nextentry:
    inc r14
    jmp .entry
.struct:
    mov rdi, rbx
    mov rsi, r13
    call bp_rt_layout_of
    mov r15, rax                         ; {name, count, (name, descriptor)…}
    xor r14d, r14d
.field:
    cmp r14, [r15 + 8]
    jae .yes
    mov rdi, [rbx + r14*8 + STRUCT_FIELDS]
    mov rsi, [r12 + r14*8 + STRUCT_FIELDS]
    mov rdx, r14
    shl rdx, 4
    mov rdx, [r15 + rdx + 24]
    call bp_rt_equals
    test eax, eax
    jz .no
    inc r14
    jmp .field
.yes:
    mov eax, 1
    jmp .out
.no:
    xor eax, eax
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
