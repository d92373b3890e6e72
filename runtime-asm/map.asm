; Maps: insertion-ordered hash tables (the layout of CPython's compact dict). The map object
; holds an entries store — (hash, key, value) triples in insertion order, a deleted entry's hash
; is -1 — and an index store of open-addressing 32-bit slots (-1 empty, -2 deleted, else an
; entry number: half the cache footprint of 64-bit ones), both TAG_RAW objects, probed as
; CPython probes (PROBE_NEXT). Growth rebuilds both and drops deleted entries, so deletion
; never degrades lookups. Keys are ints, bools, floats (0.0 equals -0.0, NaN equals NaN, as the
; VM's maps) or strings (compared by bytes); the header records which kinds are references.
;
;   +0 header: TAG_MAP, bits 16-23 key kind, bits 24-31 value kind (0 int, 1 float, 2 bool, 3 ref)
;   +8 live entries  +16 entries used  +24 entries store  +32 entry capacity
;   +40 index store  +48 index capacity (a power of two)

; (MAP_*, KIND_* and HDR_MAP_KEY/HDR_MAP_VALUE: layout.inc, from src/native/heap.ts)

; The last lookup: map, key, the key's length (string keys), entry, slot and hash. Programs look
; one key up several times in a row — `if map_has_key(m, k): m[k] = m[k] + 1` three times — and
; the second and third lookups (and an insertion's hash) come from here: the string half of the
; maps benchmark runs 14% faster. Int keys skip it (their probe is as cheap as the check).
; Invalidated by every change of a map's structure (insertion updates it, deletion and resizing
; clear it) and by each collection (a freed map's or key's address may come back). A string key
; is the same only with the same length: `s = s + t` may grow a string in place.
BSS bp_rt_map_cache, 48, 8
%define CACHE_MAP bp_rt_map_cache
%define CACHE_KEY bp_rt_map_cache + 8
%define CACHE_LEN bp_rt_map_cache + 16
%define CACHE_ENTRY bp_rt_map_cache + 24
%define CACHE_SLOT bp_rt_map_cache + 32
%define CACHE_HASH bp_rt_map_cache + 40

; The next slot of a probe (CPython's): perturb >>= 5; slot = (5 * slot + 1 + perturb) & mask.
; The perturbation (the hash's upper bits) separates keys that share their lower bits; once it
; is 0 the sequence visits every slot.
%macro PROBE_NEXT 3                      ; slot, perturbation, mask
    shr %2, 5
    lea %1, [%1 + %1*4 + 1]
    add %1, %2
    and %1, %3
%endmacro

; bp_rt_map_new(rdi = header word) → an empty map, or 0 when out of memory.
FUNC bp_rt_map_new
    push rbx
    push r12
    push r13
    mov r12, rdi
    mov edi, MAP_SIZE
    call bp_rt_alloc
    test rax, rax
    jz .out
    mov rbx, rax
    mov [rbx], r12
    xor eax, eax
    mov [rbx + MAP_COUNT], rax
    mov [rbx + MAP_USED], rax
    mov [rbx + MAP_ENTRIES], rax
    mov [rbx + MAP_ECAP], rax
    mov [rbx + MAP_INDEX], rax
    mov [rbx + MAP_ICAP], rax
    mov rdi, rbx
    mov esi, 8
    call bp_rt_map_resize
    test eax, eax
    jz .out
    mov rax, rbx
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_map_resize(rdi = map, rsi = entry capacity) → eax = 1, or 0 when out of memory. Makes
; new stores (index capacity: the power of two ≥ 2 × entries), moving the live entries over.
FUNC bp_rt_map_resize
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi                         ; entry capacity
    mov eax, 0x7ffffff0                  ; (index slots hold 32-bit entry numbers)
    cmp r12, rax
    ja .fail
    mov r13, 16
.pow:
    cmp r13, r12
    jae .pow2
    add r13, r13
    jmp .pow
.pow2:
    add r13, r13                         ; index capacity
    lea rdi, [r12 + r12*2]
    lea rdi, [rdi*8 + RAW_DATA]
    call bp_rt_alloc
    test rax, rax
    jz .fail
    mov qword [rax], TAG_RAW
    mov [rax + 8], r12
    mov r14, rax                         ; new entries (kept in a callee-saved register)
    lea rdi, [r13*4 + RAW_DATA]
    call bp_rt_alloc
    test rax, rax
    jz .fail
    mov qword [rax], TAG_RAW
    mov [rax + 8], r13
    mov r15, rax                         ; new index
    lea rdi, [rax + RAW_DATA]
    mov rcx, r13
    mov eax, -1
    rep stosd
    ; move the live entries, in order, and index them
    mov rsi, [rbx + MAP_ENTRIES]
    mov r8, [rbx + MAP_USED]
    xor r9d, r9d                         ; old entry
    xor r10d, r10d                       ; new entry
.move:
    test rsi, rsi
    jz .moved
    cmp r9, r8
    jae .moved
    lea rax, [r9 + r9*2]
    lea rax, [rsi + rax*8 + RAW_DATA]
    mov rdx, [rax]                       ; hash
    cmp rdx, -1
    je .nextold
    lea rcx, [r10 + r10*2]
    lea rcx, [r14 + rcx*8 + RAW_DATA]
    mov [rcx], rdx
    mov r11, [rax + 8]
    mov [rcx + 8], r11
    mov r11, [rax + 16]
    mov [rcx + 16], r11
    mov rax, rdx                         ; insert entry r10 at the first empty slot of its probe
    lea r11, [r13 - 1]
    and rdx, r11
.probe:
    cmp dword [r15 + rdx*4 + RAW_DATA], -1
    je .slot
    PROBE_NEXT rdx, rax, r11
    jmp .probe
.slot:
    mov [r15 + rdx*4 + RAW_DATA], r10d
    inc r10
.nextold:
    inc r9
    jmp .move
.moved:
    mov qword [CACHE_MAP], 0
    mov [rbx + MAP_ENTRIES], r14
    mov [rbx + MAP_ECAP], r12
    mov [rbx + MAP_INDEX], r15
    mov [rbx + MAP_ICAP], r13
    mov [rbx + MAP_USED], r10
    mov [rbx + MAP_COUNT], r10
    mov eax, 1
    jmp .out
.fail:
    xor eax, eax
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; rax = the hash of key rsi in map rdi (never negative).
FUNC bp_rt_map_hash
    movzx eax, byte [rdi + HDR_MAP_KEY]  ; key kind
    cmp eax, KIND_REF
    je .str
    mov rax, rsi
    cmp byte [rdi + HDR_MAP_KEY], KIND_FLOAT
    je .float
    btr rax, 63                          ; ints and bools hash to themselves (as in CPython):
    ret                                  ; consecutive keys take consecutive slots
.float:
    movq xmm0, rsi                       ; floats: one hash for 0.0 and -0.0, one for all NaNs
    xorpd xmm1, xmm1
    ucomisd xmm0, xmm1
    jp .nan
    jne .mix
    xor eax, eax
    jmp .mix
.nan:
    mov rax, 0x7ff8000000000000
.mix:
    mov rcx, 0x9e3779b97f4a7c15
    imul rax, rcx
    mov rcx, rax
    shr rcx, 29
    xor rax, rcx
    btr rax, 63
    ret
.str:                                    ; eight bytes a step, then a finalizer (murmur3's)
    mov rdx, [rsi + STR_LEN]
    lea r8, [rsi + STR_DATA]
    mov rax, 0x9e3779b97f4a7c15
    xor rax, rdx
    mov rcx, 0xff51afd7ed558ccd
.word:
    cmp rdx, 8
    jb .tail
    xor rax, [r8]
    imul rax, rcx
    add r8, 8
    sub rdx, 8
    jmp .word
.tail:                                   ; the last 0-7 bytes, one at a time
    test rdx, rdx
    jz .final
.byte:
    movzx r9d, byte [r8]
    xor rax, r9
    rol rax, 8
    inc r8
    dec rdx
    jnz .byte
    imul rax, rcx
.final:
    mov rdx, rax
    shr rdx, 33
    xor rax, rdx
    imul rax, rcx
    mov rdx, rax
    shr rdx, 33
    xor rax, rdx
    btr rax, 63
    ret
ENDFUNC

; eax = 1 when keys rsi and rdx are equal for map rdi's key kind.
FUNC bp_rt_map_keyeq
    cmp rsi, rdx
    je .yes                              ; same bits (and the same string object)
    movzx eax, byte [rdi + HDR_MAP_KEY]
    cmp eax, KIND_REF
    je .str
    cmp eax, KIND_FLOAT
    jne .no
    movq xmm0, rsi
    movq xmm1, rdx
    ucomisd xmm0, xmm1
    jp .nan
    je .yes                              ; 0.0 and -0.0
    jmp .no
.nan:
    ucomisd xmm0, xmm0                   ; both NaN?
    jnp .no
    ucomisd xmm1, xmm1
    jnp .no
.yes:
    mov eax, 1
    ret
.no:
    xor eax, eax
    ret
.str:
    mov rdi, rsi
    mov rsi, rdx
    jmp bp_rt_str_eq
ENDFUNC

; bp_rt_map_lookup(rdi = map, rsi = key) → rax = entry number or -1; rdx = its index slot, or
; (when missing) the slot where it would go.
FUNC bp_rt_map_lookup
    movzx eax, byte [rdi + HDR_MAP_KEY]
    cmp eax, KIND_FLOAT
    je .general
    cmp eax, KIND_REF
    je .general
    ; int and bool keys: the hash is the key, keys compare as bits, and nothing is called (nor
    ; cached: probing costs no more than the cache would)
    mov r8, rsi
    btr r8, 63                           ; the hash, and the probe's perturbation
    mov r11, [rdi + MAP_ICAP]
    dec r11
    mov rcx, r8
    and rcx, r11
    mov r9, [rdi + MAP_INDEX]
    mov r10, [rdi + MAP_ENTRIES]
    mov rdx, -1                          ; the first deleted slot seen
.iprobe:
    movsxd rax, dword [r9 + rcx*4 + RAW_DATA]
    cmp rax, -1
    je .imissing
    cmp rax, -2
    je .ideleted
    lea rdi, [rax + rax*2]
    cmp [r10 + rdi*8 + RAW_DATA + 8], rsi
    jne .inext
    mov rdx, rcx
    ret
.ideleted:
    cmp rdx, -1
    jne .inext
    mov rdx, rcx
.inext:
    PROBE_NEXT rcx, r8, r11
    jmp .iprobe
.imissing:
    cmp rdx, -1
    cmove rdx, rcx
    mov rax, -1
    ret
.general:
    cmp rdi, [CACHE_MAP]
    jne .uncached
    cmp rsi, [CACHE_KEY]
    jne .uncached
    cmp eax, KIND_REF
    jne .hit
    mov rax, [rsi + STR_LEN]
    cmp rax, [CACHE_LEN]
    jne .uncached
.hit:
    mov rax, [CACHE_ENTRY]
    mov rdx, [CACHE_SLOT]
    ret
.uncached:
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    call bp_rt_map_hash
    mov r13, rax                         ; hash
    mov r14, [rbx + MAP_ICAP]
    dec r14                              ; mask
    mov r15, r13
    and r15, r14                         ; slot
    sub rsp, 32
    mov qword [rsp], -1                  ; the first deleted slot seen
    mov [rsp + 16], r13                  ; the probe's perturbation
.probe:
    mov rax, [rbx + MAP_INDEX]
    movsxd rax, dword [rax + r15*4 + RAW_DATA]
    cmp rax, -1
    je .missing
    cmp rax, -2
    je .deleted
    mov rcx, [rbx + MAP_ENTRIES]
    lea rdx, [rax + rax*2]
    lea rdx, [rcx + rdx*8 + RAW_DATA]
    cmp [rdx], r13
    jne .next
    mov [rsp + 8], rax
    mov rdi, rbx
    mov rsi, r12
    mov rdx, [rdx + 8]
    call bp_rt_map_keyeq
    test eax, eax
    mov rax, [rsp + 8]
    jz .next
    mov rdx, r15
    jmp .out
.deleted:
    cmp qword [rsp], -1
    jne .next
    mov [rsp], r15
.next:
    mov rax, [rsp + 16]
    PROBE_NEXT r15, rax, r14
    mov [rsp + 16], rax
    jmp .probe
.missing:
    mov rdx, [rsp]
    cmp rdx, -1
    cmove rdx, r15
    mov rax, -1
.out:
    mov [CACHE_MAP], rbx
    mov [CACHE_KEY], r12
    mov [CACHE_ENTRY], rax
    mov [CACHE_SLOT], rdx
    mov [CACHE_HASH], r13
    cmp byte [rbx + HDR_MAP_KEY], KIND_REF
    jne .cached
    mov rcx, [r12 + STR_LEN]
    mov [CACHE_LEN], rcx
.cached:
    add rsp, 32
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_map_get(rdi = map, rsi = key, rdx = "file:line") → the value's bits; a missing key is the
; runtime error "key not found in map".
FUNC bp_rt_map_get
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rdx
    call bp_rt_map_lookup
    test rax, rax
    js .missing
    mov rcx, [rbx + MAP_ENTRIES]
    lea rax, [rax + rax*2]
    mov rax, [rcx + rax*8 + RAW_DATA + 16]
    pop r13
    pop r12
    pop rbx
    ret
.missing:
    mov edi, ERR_KEY
    mov rsi, r12
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_map_has(rdi = map, rsi = key) → eax = 1 when present.
FUNC bp_rt_map_has
    sub rsp, 8
    call bp_rt_map_lookup
    add rsp, 8
    not rax
    shr rax, 63                          ; entry ≥ 0 → 1, -1 → 0
    ret
ENDFUNC

; bp_rt_map_set(rdi = map, rsi = key, rdx = value bits) → eax = 1, or 0 when out of memory.
FUNC bp_rt_map_set
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
.again:
    mov rdi, rbx
    mov rsi, r12
    call bp_rt_map_lookup
    test rax, rax
    js .insert
    mov rcx, [rbx + MAP_ENTRIES]
    lea rax, [rax + rax*2]
    mov [rcx + rax*8 + RAW_DATA + 16], r13
    mov eax, 1
    jmp .out
.insert:
    mov r14, rdx                         ; the slot
    mov rax, [rbx + MAP_USED]
    cmp rax, [rbx + MAP_ECAP]
    jb .room
    mov rdi, rbx                         ; full: twice the live entries (at least 8), then retry
    mov rsi, [rbx + MAP_COUNT]
    add rsi, rsi
    mov eax, 8
    cmp rsi, rax
    cmovb rsi, rax
    call bp_rt_map_resize
    test eax, eax
    jz .out
    jmp .again
.room:
    cmp byte [rbx + HDR_MAP_KEY], KIND_FLOAT ; a new -0.0 key is stored as 0.0 (as the VM's maps do)
    jne .hash
    mov rax, 0x8000000000000000
    cmp r12, rax
    jne .hash
    xor r12d, r12d
.hash:
    mov rax, r12                         ; an int's or a bool's hash: itself
    btr rax, 63
    test byte [rbx + HDR_MAP_KEY], 1     ; a float's or string's: the lookup just made left it
    cmovnz rax, [CACHE_HASH]             ; in the cache
    mov rcx, [rbx + MAP_USED]
    mov rdx, [rbx + MAP_ENTRIES]
    lea r8, [rcx + rcx*2]
    lea r8, [rdx + r8*8 + RAW_DATA]
    mov [r8], rax
    mov [r8 + 8], r12
    mov [r8 + 16], r13
    mov rdx, [rbx + MAP_INDEX]
    mov [rdx + r14*4 + RAW_DATA], ecx
    mov [CACHE_MAP], rbx                 ; the cache now finds the new entry (its length and
    mov [CACHE_KEY], r12                 ; hash are there from the lookup)
    mov [CACHE_ENTRY], rcx
    mov [CACHE_SLOT], r14
    inc rcx
    mov [rbx + MAP_USED], rcx
    inc qword [rbx + MAP_COUNT]
    mov eax, 1
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_map_delete(rdi = map, rsi = key) → eax = 1 when the key was there.
FUNC bp_rt_map_delete
    push rbx
    mov rbx, rdi
    call bp_rt_map_lookup
    test rax, rax
    js .absent
    mov rcx, [rbx + MAP_INDEX]
    mov dword [rcx + rdx*4 + RAW_DATA], -2
    mov rcx, [rbx + MAP_ENTRIES]
    lea rax, [rax + rax*2]
    lea rax, [rcx + rax*8 + RAW_DATA]
    mov qword [rax], -1                  ; a deleted entry; its key and value are no longer roots
    mov qword [rax + 8], 0
    mov qword [rax + 16], 0
    dec qword [rbx + MAP_COUNT]
    mov qword [CACHE_MAP], 0
    mov eax, 1
    pop rbx
    ret
.absent:
    xor eax, eax
    pop rbx
    ret
ENDFUNC

; bp_rt_map_keys(rdi = map, esi = 0 for keys, 8 for values) → an array of them in insertion
; order, or 0 when out of memory.
FUNC bp_rt_map_items
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12d, esi
    movzx eax, byte [rbx + HDR_MAP_KEY]  ; the kind of what is collected
    test esi, esi
    jz .kind
    movzx eax, byte [rbx + HDR_MAP_VALUE]
.kind:
    mov esi, TAG_ARRAY
    cmp eax, KIND_REF
    jne .tag
    mov esi, TAG_ARRAY_REF
.tag:
    mov rdi, [rbx + MAP_COUNT]
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rdi, [rax + ARR_DATA]
    mov rsi, [rbx + MAP_ENTRIES]
    add rsi, RAW_DATA                    ; the entries: hash, key, value
    mov rcx, [rbx + MAP_USED]
.copy:
    test rcx, rcx
    jz .out
    cmp qword [rsi], -1
    je .skip
    mov rdx, [rsi + r12 + 8]             ; the key (r12 = 0) or the value (r12 = 8)
    mov [rdi], rdx
    add rdi, 8
.skip:
    lea rsi, [rsi + 24]
    dec rcx
    jmp .copy
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

FUNC bp_rt_map_keys
    xor esi, esi
    jmp bp_rt_map_items
ENDFUNC

FUNC bp_rt_map_values
    mov esi, 8
    jmp bp_rt_map_items
ENDFUNC

; The collector's part: marks a map's stores and, where they are references, its live keys and
; values.
FUNC bp_rt_mark_map
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov rdi, [rbx + MAP_INDEX]
    call bp_rt_mark_word
    mov rdi, [rbx + MAP_ENTRIES]
    call bp_rt_mark_word
    mov r12, [rbx + MAP_ENTRIES]
    test r12, r12
    jz .done
    add r12, RAW_DATA
    mov r13, [rbx + MAP_USED]
.entry:
    test r13, r13
    jz .done
    cmp qword [r12], -1
    je .next
    cmp byte [rbx + HDR_MAP_KEY], KIND_REF
    jne .value
    mov rdi, [r12 + 8]
    call bp_rt_mark_word
.value:
    cmp byte [rbx + HDR_MAP_VALUE], KIND_REF
    jne .next
    mov rdi, [r12 + 16]
    call bp_rt_mark_word
.next:
    add r12, 24
    dec r13
    jmp .entry
.done:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_print_map(rdi = map or 0, rsi = its descriptor "{K:V}"): {key: value, …} with reprs.
FUNC bp_rt_print_map
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rbx, rdi
    lea r12, [rsi + 1]                   ; the key descriptor
    mov rdi, r12                         ; the value descriptor: after the ':' at depth 0
    call bp_rt_desc_end
    lea r13, [rax + 1]
    test rbx, rbx
    jz .null
    lea rdi, [.open]
    mov esi, 1
    call bp_rt_write
    mov r14, [rbx + MAP_ENTRIES]
    add r14, RAW_DATA
    xor r15d, r15d                       ; entries seen
    sub rsp, 16
    mov qword [rsp], 0                   ; printed so far
.entry:
    cmp r15, [rbx + MAP_USED]
    jae .close
    cmp qword [r14], -1
    je .next
    cmp qword [rsp], 0
    je .first
    lea rdi, [.sep]
    mov esi, 2
    call bp_rt_write
.first:
    inc qword [rsp]
    mov rdi, [r14 + 8]
    mov rsi, r12
    call bp_rt_print_repr
    lea rdi, [.colon]
    mov esi, 2
    call bp_rt_write
    mov rdi, [r14 + 16]
    mov rsi, r13
    call bp_rt_print_repr
.next:
    add r14, 24
    inc r15
    jmp .entry
.close:
    add rsp, 16
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

; rax = the end of the type descriptor at rdi (the first character after it).
FUNC bp_rt_desc_end
    xor ecx, ecx                         ; bracket depth
    mov rax, rdi
.char:
    movzx edx, byte [rax]
    test edx, edx
    jz .out
    cmp dl, 'S'
    je .named
    cmp dl, 'C'
    je .named
    cmp dl, 'F'
    je .named
    cmp dl, '['
    je .open
    cmp dl, '{'
    je .open
    cmp dl, '('
    je .open
    cmp dl, ']'
    je .close
    cmp dl, '}'
    je .close
    cmp dl, ')'
    je .close
    inc rax                              ; a one-letter type
    test ecx, ecx
    jz .out
    jmp .char
.named:                                  ; S<n>; C<n>; or F<k>;
    inc rax
    cmp byte [rax - 1], ';'
    jne .named
    test ecx, ecx
    jz .out
    jmp .char
.open:
    inc ecx
    inc rax
    jmp .char
.close:
    dec ecx
    inc rax
    test ecx, ecx
    jz .out
    jmp .char
.out:
    ret
ENDFUNC
