; MD5 and SHA-256 digests of a string's bytes, in lower-case hex (hash_md5, hash_sha256), as
; the VM's Node crypto gives them.
;
; Functions that allocate return 0 when memory is exhausted and keep their reference arguments
; (and the object they are filling) in callee-saved registers across every call that can
; allocate. Functions that can fail take the "file:line" string of the call as one more
; argument and pass it to bp_rt_error.

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
