; The data builtins of executables — bytes ([int] arrays of byte values), base64, JSON text,
; MD5 and SHA-256 digests, and the VM's pseudo-random generator — each with exactly the VM's
; semantics (src/vm/builtins-ext.ts).
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

; ---------------------------------------------------------------------------------------------
; Digests: MD5 and SHA-256 of a string's bytes, as lower-case hex

; bp_rt_hash_run(rdi = s, rsi = state, rdx = block function (rdi = state, rsi = 64 bytes),
; ecx = 1 for a big-endian bit length (SHA-256), 0 for little-endian (MD5)): feeds the bytes
; and the Merkle-Damgard padding (0x80, zeros, the 64-bit bit length) through the block function.
FUNC bp_rt_hash_run
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 144                         ; [rsp] the last one or two blocks, [rsp + 128] the length
    lea rbx, [rdi + STR_DATA]
    mov r15, [rdi + STR_LEN]
    mov [rsp + 128], r15
    mov r12, rsi
    mov r13, rdx
    mov r14d, ecx
.block:
    cmp r15, 64
    jb .tail
    mov rdi, r12
    mov rsi, rbx
    call r13
    add rbx, 64
    sub r15, 64
    jmp .block
.tail:
    mov rdi, rsp
    mov ecx, 16
    xor eax, eax
    rep stosq
    mov rdi, rsp
    mov rsi, rbx
    mov rcx, r15
    rep movsb
    mov byte [rsp + r15], 0x80
    mov rax, [rsp + 128]
    shl rax, 3
    test r14d, r14d
    jz .little
    bswap rax
.little:
    cmp r15, 56
    jb .oneblock
    mov [rsp + 120], rax
    mov rdi, r12
    mov rsi, rsp
    call r13
    mov rdi, r12
    lea rsi, [rsp + 64]
    call r13
    jmp .done
.oneblock:
    mov [rsp + 56], rax
    mov rdi, r12
    mov rsi, rsp
    call r13
.done:
    add rsp, 144
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_hex_digest(rdi = bytes, esi = count) → a string of their lower-case hex, or 0.
FUNC bp_rt_hex_digest
    sub rsp, 136                         ; up to 64 bytes: 128 hex digits
    lea r8, [.digits]
    xor ecx, ecx
.next:
    movzx eax, byte [rdi + rcx]
    mov edx, eax
    shr edx, 4
    mov dl, [r8 + rdx]
    mov [rsp + rcx*2], dl
    and eax, 15
    mov al, [r8 + rax]
    mov [rsp + rcx*2 + 1], al
    inc ecx
    cmp ecx, esi
    jb .next
    lea edx, [rsi + rsi]
    mov rsi, rsp
    call bp_rt_str_from_bytes
    add rsp, 136
    ret
ENDFUNC
FUNCDATA
.digits: db '0123456789abcdef'

section .rodata.bp_rt_md5_k progbits alloc noexec nowrite align=16
bp_rt_md5_k:                             ; floor(|sin(i + 1)| * 2^32)
    dd 0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501
    dd 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821
    dd 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8
    dd 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a
    dd 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70
    dd 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665
    dd 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1
    dd 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391

; bp_rt_md5_block(rdi = state: 4 dwords, rsi = 64 bytes): one MD5 compression (RFC 1321).
FUNC bp_rt_md5_block
    mov r8d, [rdi]
    mov r9d, [rdi + 4]
    mov r10d, [rdi + 8]
    mov r11d, [rdi + 12]
  %xdefine RA r8d
  %xdefine RB r9d
  %xdefine RC r10d
  %xdefine RD r11d
  %assign md5_i 0
  %rep 64
    %assign md5_m md5_i % 4
    %if md5_i < 16
      %assign md5_g md5_i
      %assign md5_s (md5_m == 0) * 7 + (md5_m == 1) * 12 + (md5_m == 2) * 17 + (md5_m == 3) * 22
      mov eax, RC                        ; F = d ^ (b & (c ^ d))
      xor eax, RD
      and eax, RB
      xor eax, RD
    %elif md5_i < 32
      %assign md5_g (5 * md5_i + 1) % 16
      %assign md5_s (md5_m == 0) * 5 + (md5_m == 1) * 9 + (md5_m == 2) * 14 + (md5_m == 3) * 20
      mov eax, RB                        ; G = c ^ (d & (b ^ c))
      xor eax, RC
      and eax, RD
      xor eax, RC
    %elif md5_i < 48
      %assign md5_g (3 * md5_i + 5) % 16
      %assign md5_s (md5_m == 0) * 4 + (md5_m == 1) * 11 + (md5_m == 2) * 16 + (md5_m == 3) * 23
      mov eax, RB                        ; H = b ^ c ^ d
      xor eax, RC
      xor eax, RD
    %else
      %assign md5_g (7 * md5_i) % 16
      %assign md5_s (md5_m == 0) * 6 + (md5_m == 1) * 10 + (md5_m == 2) * 15 + (md5_m == 3) * 21
      mov eax, RD                        ; I = c ^ (b | ~d)
      not eax
      or eax, RB
      xor eax, RC
    %endif
    add eax, RA
    add eax, [rsi + md5_g * 4]
    add eax, [bp_rt_md5_k + md5_i * 4]
    rol eax, md5_s
    add eax, RB
    mov RA, eax
    %xdefine MD5_T RD                       ; (a, b, c, d) ← (d, a', b, c)
    %xdefine RD RC
    %xdefine RC RB
    %xdefine RB RA
    %xdefine RA MD5_T
    %assign md5_i md5_i + 1
  %endrep
  %undef RA
  %undef RB
  %undef RC
  %undef RD
  %undef MD5_T
  %undef md5_i
  %undef md5_g
  %undef md5_s
  %undef md5_m
    add [rdi], r8d
    add [rdi + 4], r9d
    add [rdi + 8], r10d
    add [rdi + 12], r11d
    ret
ENDFUNC

; bp_rt_hash_md5(rdi = s) → the MD5 digest of its bytes in hex, or 0.
FUNC bp_rt_hash_md5
    push rbx
    sub rsp, 16
    mov dword [rsp], 0x67452301
    mov dword [rsp + 4], 0xefcdab89
    mov dword [rsp + 8], 0x98badcfe
    mov dword [rsp + 12], 0x10325476
    mov rsi, rsp
    lea rdx, [bp_rt_md5_block]
    xor ecx, ecx
    call bp_rt_hash_run
    mov rdi, rsp                         ; the digest: the state words, little-endian
    mov esi, 16
    call bp_rt_hex_digest
    add rsp, 16
    pop rbx
    ret
ENDFUNC

section .rodata.bp_rt_sha256_k progbits alloc noexec nowrite align=16
bp_rt_sha256_k:                          ; the cube roots of the first 64 primes
    dd 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
    dd 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
    dd 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
    dd 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
    dd 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
    dd 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
    dd 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
    dd 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2

; bp_rt_sha256_block(rdi = state: 8 dwords, rsi = 64 bytes): one SHA-256 compression (FIPS 180-4).
FUNC bp_rt_sha256_block
    push r12
    push r13
    push r14
    push r15
    sub rsp, 264                         ; the message schedule W[0..63]
    xor ecx, ecx
.load:                                   ; W[0..15]: the block's big-endian words
    mov eax, [rsi + rcx*4]
    bswap eax
    mov [rsp + rcx*4], eax
    inc ecx
    cmp ecx, 16
    jb .load
.expand:                                 ; W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]
    mov eax, [rsp + rcx*4 - 8]
    mov edx, eax
    ror edx, 17
    mov r8d, eax
    ror r8d, 19
    xor edx, r8d
    shr eax, 10
    xor edx, eax
    add edx, [rsp + rcx*4 - 28]
    add edx, [rsp + rcx*4 - 64]
    mov eax, [rsp + rcx*4 - 60]
    mov r8d, eax
    ror r8d, 7
    mov r9d, eax
    ror r9d, 18
    xor r8d, r9d
    shr eax, 3
    xor r8d, eax
    add edx, r8d
    mov [rsp + rcx*4], edx
    inc ecx
    cmp ecx, 64
    jb .expand
    mov r8d, [rdi]
    mov r9d, [rdi + 4]
    mov r10d, [rdi + 8]
    mov r11d, [rdi + 12]
    mov r12d, [rdi + 16]
    mov r13d, [rdi + 20]
    mov r14d, [rdi + 24]
    mov r15d, [rdi + 28]
  %xdefine SA r8d
  %xdefine SB r9d
  %xdefine SC r10d
  %xdefine SD r11d
  %xdefine SE r12d
  %xdefine SF r13d
  %xdefine SG r14d
  %xdefine SH r15d
  %assign sha_i 0
  %rep 64
    mov eax, SE                          ; h += S1(e) + Ch(e, f, g) + K[sha_i] + W[sha_i]
    ror eax, 6
    mov ecx, SE
    ror ecx, 11
    xor eax, ecx
    ror ecx, 14
    xor eax, ecx
    add SH, eax
    mov eax, SF
    xor eax, SG
    and eax, SE
    xor eax, SG
    add SH, eax
    add SH, [bp_rt_sha256_k + sha_i * 4]
    add SH, [rsp + sha_i * 4]
    add SD, SH                           ; d += T1
    mov eax, SA                          ; h = T1 + S0(a) + Maj(a, b, c)
    ror eax, 2
    mov ecx, SA
    ror ecx, 13
    xor eax, ecx
    ror ecx, 9
    xor eax, ecx
    add SH, eax
    mov eax, SA
    or eax, SB
    and eax, SC
    mov ecx, SA
    and ecx, SB
    or eax, ecx
    add SH, eax
    %xdefine ST SH                       ; (a, …, h) ← (h, a, …, g)
    %xdefine SH SG
    %xdefine SG SF
    %xdefine SF SE
    %xdefine SE SD
    %xdefine SD SC
    %xdefine SC SB
    %xdefine SB SA
    %xdefine SA ST
    %assign sha_i sha_i + 1
  %endrep
  %undef SA
  %undef SB
  %undef SC
  %undef SD
  %undef SE
  %undef SF
  %undef SG
  %undef SH
  %undef ST
  %undef sha_i
    add [rdi], r8d
    add [rdi + 4], r9d
    add [rdi + 8], r10d
    add [rdi + 12], r11d
    add [rdi + 16], r12d
    add [rdi + 20], r13d
    add [rdi + 24], r14d
    add [rdi + 28], r15d
    add rsp, 264
    pop r15
    pop r14
    pop r13
    pop r12
    ret
ENDFUNC

; bp_rt_hash_sha256(rdi = s) → the SHA-256 digest of its bytes in hex, or 0.
FUNC bp_rt_hash_sha256
    push rbx
    sub rsp, 32
    mov dword [rsp], 0x6a09e667
    mov dword [rsp + 4], 0xbb67ae85
    mov dword [rsp + 8], 0x3c6ef372
    mov dword [rsp + 12], 0xa54ff53a
    mov dword [rsp + 16], 0x510e527f
    mov dword [rsp + 20], 0x9b05688c
    mov dword [rsp + 24], 0x1f83d9ab
    mov dword [rsp + 28], 0x5be0cd19
    mov rsi, rsp
    lea rdx, [bp_rt_sha256_block]
    mov ecx, 1
    call bp_rt_hash_run
    xor ecx, ecx
.swap:                                   ; the digest: the state words, big-endian
    mov eax, [rsp + rcx*4]
    bswap eax
    mov [rsp + rcx*4], eax
    inc ecx
    cmp ecx, 8
    jb .swap
    mov rdi, rsp
    mov esi, 32
    call bp_rt_hex_digest
    add rsp, 32
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Random numbers: the VM's 64-bit LCG, state = state * 1103515245 + 12345 (mod 2^64), each step
; yielding state >> 16. The state starts at 1; the variable holds it XOR 1 so that the zeroed
; BSS means 1.

BSS bp_rt_rand_state, 8, 8

; bp_rt_rand_next() → rax = the next step's state >> 16. Clobbers rdx.
FUNC bp_rt_rand_next
    mov rax, [bp_rt_rand_state]
    xor rax, 1
    imul rax, rax, 1103515245
    add rax, 12345
    mov rdx, rax
    xor rdx, 1
    mov [bp_rt_rand_state], rdx
    shr rax, 16
    ret
ENDFUNC

; bp_rt_rand() → 0..32767.
FUNC bp_rt_rand
    call bp_rt_rand_next                 ; (a leaf: no alignment needed)
    and eax, 32767
    ret
ENDFUNC

; bp_rt_rand_range(rdi = lo, rsi = hi) → lo when lo >= hi, else lo + next % (hi - lo) (one step).
FUNC bp_rt_rand_range
    mov rax, rdi
    cmp rdi, rsi
    jge .out
    mov rcx, rsi
    sub rcx, rdi                         ; the span, as unsigned
    mov r8, rdi
    call bp_rt_rand_next
    xor edx, edx
    div rcx
    lea rax, [r8 + rdx]
.out:
    ret
ENDFUNC

; bp_rt_rand_seed(rdi = n): the state becomes n (as unsigned 64 bits).
FUNC bp_rt_rand_seed
    xor rdi, 1
    mov [bp_rt_rand_state], rdi
    ret
ENDFUNC

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
