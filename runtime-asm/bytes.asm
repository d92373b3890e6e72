; The bytes builtins of executables — [int] arrays of byte values, their conversions to and from
; ints and strings — and base64, each with exactly the VM's semantics (src/vm/builtins-ext.ts).
;
; Functions that allocate return 0 when memory is exhausted and keep their reference arguments
; (and the object they are filling) in callee-saved registers across every call that can
; allocate. Functions that can fail take the "file:line" string of the call as one more
; argument and pass it to bp_rt_error.

; Builtin names for the error messages that quote them (static string objects).
section .rodata.bp_rt_dl_names progbits alloc noexec nowrite align=16
STATIC_STR bp_rt_dl_name_read_u16, 'bytes_read_u16'
STATIC_STR bp_rt_dl_name_read_u32, 'bytes_read_u32'
STATIC_STR bp_rt_dl_name_read_i64, 'bytes_read_i64'
STATIC_STR bp_rt_dl_name_to_bytes, 'int_to_bytes'
STATIC_STR bp_rt_dl_name_from_bytes, 'int_from_bytes'

; ---------------------------------------------------------------------------------------------
; Bytes

; bp_rt_bytes_new(rdi = n) → [int] of max(0, n) zeros, or 0.
FUNC bp_rt_bytes_new
    xor esi, esi
    jmp bp_rt_array_fill_i
ENDFUNC

; bp_rt_bytes_get(rdi = [int], rsi = i, rdx = where) → the low byte of element i (0-255);
; i outside [0, length): BYTES_GET_INDEX.
FUNC bp_rt_bytes_get
    cmp rsi, [rdi + ARR_LEN]
    jae .range                           ; negative i too (unsigned)
    mov rax, [rdi + ARR_DATA]
    movzx eax, byte [rax + rsi*8]
    ret
.range:
    mov edi, ERR_BYTES_GET_INDEX
    mov rsi, rdx
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_bytes_set(rdi = [int], rsi = i, rdx = v, rcx = where): element i = v & 255;
; i outside [0, length): BYTES_SET_INDEX.
FUNC bp_rt_bytes_set
    cmp rsi, [rdi + ARR_LEN]
    jae .range
    movzx edx, dl
    mov rax, [rdi + ARR_DATA]
    mov [rax + rsi*8], rdx
    ret
.range:
    mov edi, ERR_BYTES_SET_INDEX
    mov rsi, rcx
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_bytes_append(rdi = [int], rsi = v) → eax = 1 after pushing v & 255, 0 when out of memory.
FUNC bp_rt_bytes_append
    movzx esi, sil
    jmp bp_rt_array_push
ENDFUNC

; bp_rt_bytes_len(rdi = [int]) → its length.
FUNC bp_rt_bytes_len
    mov rax, [rdi + ARR_LEN]
    ret
ENDFUNC

; bp_rt_bytes_write_le(rdi = [int], rsi = v, edx = count 1-8) → eax = 1 after pushing the count
; low bytes of v, least significant first; 0 when out of memory.
FUNC bp_rt_bytes_write_le
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov r13d, edx
.next:
    mov rdi, rbx
    movzx esi, r12b
    call bp_rt_array_push
    test eax, eax
    jz .out
    shr r12, 8
    dec r13d
    jnz .next
    mov eax, 1
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

FUNC bp_rt_bytes_write_u16
    mov edx, 2
    jmp bp_rt_bytes_write_le
ENDFUNC

FUNC bp_rt_bytes_write_u32
    mov edx, 4
    jmp bp_rt_bytes_write_le
ENDFUNC

FUNC bp_rt_bytes_write_i64
    mov edx, 8
    jmp bp_rt_bytes_write_le
ENDFUNC

; bp_rt_bytes_read_le(rdi = [int], rsi = offset, rdx = where, ecx = count 1-8, r8 = the builtin's
; name) → the count elements from offset as a little-endian number (each element's low byte);
; offset < 0 or offset + count > length: BYTES_READ_BOUNDS naming the builtin.
FUNC bp_rt_bytes_read_le
    mov rax, [rdi + ARR_LEN]
    sub rax, rcx
    jb .range                            ; shorter than count
    cmp rsi, rax
    ja .range                            ; negative offsets too (unsigned)
    mov r9, [rdi + ARR_DATA]
    lea r9, [r9 + rsi*8]
    xor eax, eax
.byte:                                   ; the last byte is the most significant
    shl rax, 8
    movzx r10d, byte [r9 + rcx*8 - 8]
    or rax, r10
    dec ecx
    jnz .byte
    ret
.range:
    mov edi, ERR_BYTES_READ_BOUNDS
    mov rsi, rdx
    mov rdx, r8
    call bp_rt_error
ENDFUNC

FUNC bp_rt_bytes_read_u16
    mov ecx, 2
    lea r8, [bp_rt_dl_name_read_u16]
    jmp bp_rt_bytes_read_le
ENDFUNC

FUNC bp_rt_bytes_read_u32
    mov ecx, 4
    lea r8, [bp_rt_dl_name_read_u32]
    jmp bp_rt_bytes_read_le
ENDFUNC

FUNC bp_rt_bytes_read_i64
    mov ecx, 8
    lea r8, [bp_rt_dl_name_read_i64]
    jmp bp_rt_bytes_read_le
ENDFUNC

; bp_rt_int_to_bytes(rdi = v, rsi = n, rdx = where) → [int]: the n low bytes of v, most
; significant first, or 0; n outside 1-8: INT_BYTES_SIZE.
FUNC bp_rt_int_to_bytes
    lea rax, [rsi - 1]
    cmp rax, 7
    ja .size
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov rdi, rsi
    mov esi, TAG_ARRAY
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rdx, [rax + ARR_DATA]
    mov rcx, r12
.next:                                   ; the last element gets the lowest byte
    movzx r8d, bl
    mov [rdx + rcx*8 - 8], r8
    shr rbx, 8
    dec rcx
    jnz .next
.out:
    pop r13
    pop r12
    pop rbx
    ret
.size:
    mov edi, ERR_INT_BYTES_SIZE
    mov rsi, rdx
    lea rdx, [bp_rt_dl_name_to_bytes]
    call bp_rt_error
ENDFUNC

; bp_rt_int_from_bytes(rdi = [int], rsi = offset, rdx = n, rcx = where) → the n elements from
; offset as a big-endian number (low bytes), wrapped to 64 bits. n outside 1-8: INT_BYTES_SIZE;
; offset < 0 or offset + n > length: INT_FROM_BYTES_BOUNDS.
FUNC bp_rt_int_from_bytes
    lea rax, [rdx - 1]
    cmp rax, 7
    ja .size
    mov rax, [rdi + ARR_LEN]
    sub rax, rdx
    jb .bounds
    cmp rsi, rax
    ja .bounds
    mov r8, [rdi + ARR_DATA]
    lea r8, [r8 + rsi*8]
    xor eax, eax
.next:
    shl rax, 8
    movzx r9d, byte [r8]
    or rax, r9
    add r8, 8
    dec rdx
    jnz .next
    ret
.size:
    mov edi, ERR_INT_BYTES_SIZE
    mov rsi, rcx
    lea rdx, [bp_rt_dl_name_from_bytes]
    call bp_rt_error
.bounds:
    mov edi, ERR_INT_FROM_BYTES_BOUNDS
    mov rsi, rcx
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_str_to_bytes(rdi = s) → [int] of its bytes (0-255), or 0.
FUNC bp_rt_str_to_bytes
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov rdi, [rbx + STR_LEN]
    mov esi, TAG_ARRAY
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rdx, [rax + ARR_DATA]
    mov rcx, [rbx + STR_LEN]
    xor esi, esi
.next:
    cmp rsi, rcx
    jae .out
    movzx r8d, byte [rbx + rsi + STR_DATA]
    mov [rdx + rsi*8], r8
    inc rsi
    jmp .next
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_bytes_to_str(rdi = value, rsi = its descriptor "s" or "[i]") → a string stays itself;
; an [int] gives the string of its elements' low bytes (or 0 when out of memory).
FUNC bp_rt_bytes_to_str
    cmp byte [rsi], 's'
    jne bp_rt_str_from_chars
    mov rax, rdi
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Base64 (the standard alphabet, '=' padding)

section .rodata.bp_rt_b64_alphabet progbits alloc noexec nowrite align=16
bp_rt_b64_alphabet: db 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

; each byte's value in the alphabet, 0xff for bytes that are not in it ('=' included)
section .rodata.bp_rt_b64_values progbits alloc noexec nowrite align=16
bp_rt_b64_values:
%assign dl_c 0
%rep 256
  %if dl_c >= 'A' && dl_c <= 'Z'
    db dl_c - 'A'
  %elif dl_c >= 'a' && dl_c <= 'z'
    db dl_c - 'a' + 26
  %elif dl_c >= '0' && dl_c <= '9'
    db dl_c - '0' + 52
  %elif dl_c == '+'
    db 62
  %elif dl_c == '/'
    db 63
  %else
    db 0xff
  %endif
  %assign dl_c dl_c + 1
%endrep
%undef dl_c

; out[k] = the alphabet letter of bits `shift` up of eax (r8 = the alphabet, rdi = out)
%macro B64_LETTER 2
    mov edx, eax
    shr edx, %1
    and edx, 63
    movzx edx, byte [r8 + rdx]
    mov [rdi + %2], dl
%endmacro

; bp_rt_base64_encode(rdi = s) → its base64 text, or 0.
FUNC bp_rt_base64_encode
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov rax, [rbx + STR_LEN]
    add rax, 2
    xor edx, edx
    mov ecx, 3
    div rcx
    lea rdi, [rax*4]                     ; 4 letters per started group of 3 bytes
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r12, rax
    lea rdi, [rax + STR_DATA]
    lea rsi, [rbx + STR_DATA]
    mov rcx, [rbx + STR_LEN]
    lea r8, [bp_rt_b64_alphabet]
.group:
    cmp rcx, 3
    jb .tail
    movzx eax, byte [rsi]
    shl eax, 16
    movzx edx, byte [rsi + 1]
    shl edx, 8
    or eax, edx
    movzx edx, byte [rsi + 2]
    or eax, edx
    B64_LETTER 18, 0
    B64_LETTER 12, 1
    B64_LETTER 6, 2
    B64_LETTER 0, 3
    add rsi, 3
    add rdi, 4
    sub rcx, 3
    jmp .group
.tail:
    test rcx, rcx
    jz .done
    movzx eax, byte [rsi]
    shl eax, 16
    cmp rcx, 2
    jb .one
    movzx edx, byte [rsi + 1]
    shl edx, 8
    or eax, edx
.one:
    B64_LETTER 18, 0
    B64_LETTER 12, 1
    mov byte [rdi + 2], '='
    mov byte [rdi + 3], '='
    cmp rcx, 2
    jb .done
    B64_LETTER 6, 2
.done:
    mov rax, r12
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_base64_decode_into(rdi = s, rsi = out or 0 to only count) → rax = the decoded length.
; The reference's decoder: whole 4-character groups only; a group whose first two characters
; are not base64 is skipped; other characters that are not base64 count as 0 bits; '=' in place
; 3 or 4 drops that output byte. No allocation.
FUNC bp_rt_base64_decode_into
    mov r8, [rdi + STR_LEN]
    lea rdi, [rdi + STR_DATA]
    lea r10, [bp_rt_b64_values]
    xor eax, eax                         ; bytes produced
    xor r9d, r9d                         ; position
.group:
    lea rcx, [r9 + 3]
    cmp rcx, r8
    jae .out
    movzx ecx, byte [rdi + r9]
    movzx ecx, byte [r10 + rcx]
    cmp ecx, 0xff
    je .next
    movzx edx, byte [rdi + r9 + 1]
    movzx edx, byte [r10 + rdx]
    cmp edx, 0xff
    je .next
    shl ecx, 18
    shl edx, 12
    or ecx, edx
    movzx edx, byte [rdi + r9 + 2]
    movzx edx, byte [r10 + rdx]
    cmp edx, 0xff
    je .no3
    shl edx, 6
    or ecx, edx
.no3:
    movzx edx, byte [rdi + r9 + 3]
    movzx edx, byte [r10 + rdx]
    cmp edx, 0xff
    je .no4
    or ecx, edx
.no4:                                    ; ecx = the 24 bits
    test rsi, rsi
    jz .count1
    mov edx, ecx
    shr edx, 16
    mov [rsi + rax], dl
.count1:
    inc rax
    cmp byte [rdi + r9 + 2], '='
    je .third
    test rsi, rsi
    jz .count2
    mov [rsi + rax], ch
.count2:
    inc rax
.third:
    cmp byte [rdi + r9 + 3], '='
    je .next
    test rsi, rsi
    jz .count3
    mov [rsi + rax], cl
.count3:
    inc rax
.next:
    add r9, 4
    jmp .group
.out:
    ret
ENDFUNC

; bp_rt_base64_decode(rdi = s) → the decoded bytes as a string, or 0.
FUNC bp_rt_base64_decode
    push rbx
    push r12
    push r13
    mov rbx, rdi
    xor esi, esi
    call bp_rt_base64_decode_into
    mov rdi, rax
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r12, rax
    mov rdi, rbx
    lea rsi, [rax + STR_DATA]
    call bp_rt_base64_decode_into
    mov rax, r12
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
