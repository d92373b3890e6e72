; Regular expressions: regex_match, regex_search, regex_replace, regex_split, regex_find_all.
;
; A port of the VM's src/vm/regex.ts: POSIX extended syntax parsed into a syntax tree, compiled to
; the same NFA (x{m,n} unrolled), simulated position by position for the longest match starting at
; each position (leftmost-longest); after an empty match the scan moves on one byte, as Python
; does. An invalid pattern is not an error: the builtins then answer as the VM does (no match,
; -1, the text unchanged, [text], []). Pattern and text end at their first NUL byte; the
; replacement is used whole.
;
; Scratch memory is two TAG_RAW objects (no references inside), found by the collector through
; the context on the builtin's stack frame:
;   the tree: 16-byte header, then nodes of 64 bytes (node 0 unused):
;     +0 kind, +4 first child (cat, alt) or body (rep), +8 last child, +12 next, +16 previous,
;     +20 min (rep), +24 max (rep; -1 = unbounded), +32 the 256-bit byte set (set nodes)
;   the NFA: 16-byte header, states of 16 bytes {kind, out (split: a), b (split), tree node of the
;     byte set}, then a 64-bit mark per state (the generation of the set it is in), then two
;     lists of state numbers (the current and the next set).

%define RE_K_MATCH 0
%define RE_K_SET 1                       ; consumes a byte of its set
%define RE_K_BOL 2                       ; assertions: their kinds are those of the tree
%define RE_K_EOL 3
%define RE_K_WORDB 4
%define RE_K_NWORDB 5
%define RE_K_WSTART 6
%define RE_K_WEND 7
%define RE_K_SPLIT 8                     ; states only
%define RE_K_CAT 9                       ; tree only
%define RE_K_ALT 10
%define RE_K_REP 11

%define RE_MAX_STATES (1 << 24)          ; a larger NFA counts as running out of memory
%define RE_NUM_SAT (1 << 40)             ; {m,n} bounds saturate here

; the context, on the builtin's stack
%define RE_AST 0                         ; the tree object
%define RE_NFA 8                         ; the NFA object
%define RE_STATES 16
%define RE_MARKS 24
%define RE_LIST1 32
%define RE_LIST2 40
%define RE_START 48                      ; the start state
%define RE_GEN 56                        ; the last generation used
%define RE_TEXT 64                       ; the text's bytes
%define RE_TLEN 72                       ; its length (to its first NUL)
%define RE_MBUF 80                       ; the matches: TAG_RAW object of {start, end} pairs
%define RE_MCOUNT 88
%define RE_MCAP 96
%define RE_PAT 104                       ; the pattern's bytes
%define RE_PLEN 112
%define RE_NODES 120                     ; tree nodes used
%define RE_ERRSP 128                     ; rsp to return to on a syntax error
%define RE_SIZE 144

; ---------------------------------------------------------------------------------------------
; Parsing. Registers shared by the parser's functions: rbx = position in the pattern, r12 = the
; pattern's bytes, r13 = its length, r14 = the tree's nodes (node i at r14 + 64 i), r15 = the
; context. A syntax error jumps to bp_rt_re_parse.fail, which unwinds to bp_rt_re_parse.

; bp_rt_re_parse(rdi = context with RE_PAT, RE_PLEN, RE_AST) → eax = the root node, or 0 when the
; pattern is invalid.
FUNC bp_rt_re_parse
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    mov r15, rdi
    mov r12, [r15 + RE_PAT]
    mov r13, [r15 + RE_PLEN]
    mov r14, [r15 + RE_AST]
    add r14, 16
    mov qword [r15 + RE_NODES], 0
    xor ebx, ebx
    mov [r15 + RE_ERRSP], rsp
    call bp_rt_re_alt
    cmp rbx, r13
    jb .fail                             ; an unmatched ')'
    jmp .out
.fail:
    mov rsp, [r15 + RE_ERRSP]
    xor eax, eax
.out:
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC

; bp_rt_re_newnode(edi = kind) → eax = a new zeroed node, rdx = its address. Clobbers only
; rax, rdx, xmm0.
FUNC bp_rt_re_newnode
    mov eax, [r15 + RE_NODES]
    inc eax
    mov [r15 + RE_NODES], eax
    mov rdx, rax
    shl rdx, 6
    add rdx, r14
    pxor xmm0, xmm0
    movdqu [rdx], xmm0
    movdqu [rdx + 16], xmm0
    movdqu [rdx + 32], xmm0
    movdqu [rdx + 48], xmm0
    mov [rdx], edi
    ret
ENDFUNC

; bp_rt_re_append(edi = parent, esi = child): the child becomes the parent's last. Clobbers rax,
; rcx, rdx.
FUNC bp_rt_re_append
    mov eax, edi
    shl rax, 6
    add rax, r14
    mov ecx, [rax + 8]
    mov [rax + 8], esi
    test ecx, ecx
    jnz .more
    mov [rax + 4], esi
    ret
.more:
    mov rdx, rcx
    shl rdx, 6
    mov [r14 + rdx + 12], esi
    mov edx, esi
    shl rdx, 6
    mov [r14 + rdx + 16], ecx
    ret
ENDFUNC

; alt := cat ('|' cat)* → eax
FUNC bp_rt_re_alt
    push rbp
    call bp_rt_re_cat
    cmp rbx, r13
    jae .out
    cmp byte [r12 + rbx], '|'
    jne .out
    mov ebp, eax
    mov edi, RE_K_ALT
    call bp_rt_re_newnode
    mov esi, ebp
    mov ebp, eax
    mov edi, eax
    call bp_rt_re_append
.next:
    cmp rbx, r13
    jae .done
    cmp byte [r12 + rbx], '|'
    jne .done
    inc rbx
    call bp_rt_re_cat
    mov edi, ebp
    mov esi, eax
    call bp_rt_re_append
    jmp .next
.done:
    mov eax, ebp
.out:
    pop rbp
    ret
ENDFUNC

; cat := repeat* up to '|', ')' or the end → eax
FUNC bp_rt_re_cat
    push rbp
    mov edi, RE_K_CAT
    call bp_rt_re_newnode
    mov ebp, eax
.next:
    cmp rbx, r13
    jae .done
    movzx eax, byte [r12 + rbx]
    cmp al, '|'
    je .done
    cmp al, ')'
    je .done
    call bp_rt_re_repeat
    mov edi, ebp
    mov esi, eax
    call bp_rt_re_append
    jmp .next
.done:
    mov eax, ebp
    pop rbp
    ret
ENDFUNC

; bp_rt_re_number(rsi = position) → rsi = the position after the decimal digits there, rcx =
; how many, rax = their value (saturated at RE_NUM_SAT), edx = 1 when JavaScript's Number() of
; them is Infinity. Clobbers rdi, r8.
FUNC bp_rt_re_number
    xor eax, eax
    mov rdi, rsi                         ; the start
.digit:
    cmp rsi, r13
    jae .stop
    movzx r8d, byte [r12 + rsi]
    sub r8d, '0'
    cmp r8d, 9
    ja .stop
    imul rax, rax, 10
    add rax, r8
    mov r8, RE_NUM_SAT
    cmp rax, r8
    cmova rax, r8
    inc rsi
    jmp .digit
.stop:
    mov rcx, rsi
    sub rcx, rdi
    xor edx, edx
.zeros:                                  ; significant digits from rdi
    cmp rdi, rsi
    jae .sig
    cmp byte [r12 + rdi], '0'
    jne .sig
    inc rdi
    jmp .zeros
.sig:
    mov r8, rsi
    sub r8, rdi
    cmp r8, 309
    jb .out
    ja .inf
    push rsi                             ; 309 digits: Infinity from 2^1024 - 2^970 on
    push rcx
    lea r8, [bp_rt_re_dbl_limit]
    xor ecx, ecx
.cmp:
    cmp ecx, 309
    jae .ge
    mov sil, [r12 + rdi]
    cmp sil, [r8 + rcx]
    jb .lt
    ja .ge
    inc rdi
    inc ecx
    jmp .cmp
.ge:
    mov edx, 1
.lt:
    pop rcx
    pop rsi
    ret
.inf:
    mov edx, 1
.out:
    ret
ENDFUNC

section .rodata.bp_rt_re_dbl_limit progbits alloc noexec nowrite align=16
bp_rt_re_dbl_limit:
    db "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797758720709633028641669288791094655554785194040263065748867150582068190890200070838367627385484581771153176447573027006985557136695962284291481986083493647529271907416844436551070434271155969950809304288017790417449779", "2"

; repeat := atom ('*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}')* → eax
FUNC bp_rt_re_repeat
    push rbp
    call bp_rt_re_atom
    mov ebp, eax
.next:
    cmp rbx, r13
    jae .done
    movzx eax, byte [r12 + rbx]
    xor ecx, ecx                         ; min
    mov rdx, -1                          ; max
    cmp al, '*'
    je .op
    cmp al, '?'
    je .opt
    cmp al, '+'
    je .plus
    cmp al, '{'
    je .brace
.done:
    mov eax, ebp
    pop rbp
    ret
.opt:
    mov edx, 1
    jmp .op
.plus:
    mov ecx, 1
.op:
    inc rbx
.rep:                                    ; ecx = min, rdx = max
    mov r8d, ecx
    mov r9, rdx
    mov edi, RE_K_REP
    call bp_rt_re_newnode
    mov [rdx + 4], ebp
    mov [rdx + 20], r8d
    mov [rdx + 24], r9
    mov ebp, eax
    jmp .next
.brace:                                  ; {digits} or {digits,digits*}: else a literal '{'
    lea rsi, [rbx + 1]
    call bp_rt_re_number
    test rcx, rcx
    jz .done
    mov r10, rax                         ; min (saturated; Infinity is too large anyway)
    mov r11, rax                         ; max
    cmp rsi, r13
    jae .done
    cmp byte [r12 + rsi], ','
    jne .close
    inc rsi
    call bp_rt_re_number
    mov r11, rax
    test rcx, rcx
    jz .unbounded
    test edx, edx
    jz .close
.unbounded:
    mov r11, -1
.close:
    cmp rsi, r13
    jae .done
    cmp byte [r12 + rsi], '}'
    jne .done
    cmp r10, 255
    ja bp_rt_re_parse.fail
    cmp r11, -1
    je .valid
    cmp r11, r10
    jb bp_rt_re_parse.fail
.valid:
    lea rbx, [rsi + 1]
    mov ecx, r10d
    mov rdx, r11
    jmp .rep
ENDFUNC

; atom := '(' alt? ')' | '.' | '^' | '$' | bracket | '\' byte | byte → eax
FUNC bp_rt_re_atom
    push rbp
    movzx eax, byte [r12 + rbx]
    inc rbx
    cmp al, '('
    je .group
    cmp al, '.'
    je .any
    cmp al, '^'
    je .bol
    cmp al, '$'
    je .eol
    cmp al, '['
    je .bracket
    cmp al, '*'
    je bp_rt_re_parse.fail
    cmp al, '+'
    je bp_rt_re_parse.fail
    cmp al, '?'
    je bp_rt_re_parse.fail
    cmp al, '\'
    je .escape
.char:                                   ; eax = the byte
    mov ebp, eax
    mov edi, RE_K_SET
    call bp_rt_re_newnode
    bts [rdx + 32], ebp
    pop rbp
    ret
.any:
    mov edi, RE_K_SET
    call bp_rt_re_newnode
    pcmpeqd xmm0, xmm0
    movdqu [rdx + 32], xmm0
    movdqu [rdx + 48], xmm0
    pop rbp
    ret
.bol:
    mov edi, RE_K_BOL
    jmp .assert
.eol:
    mov edi, RE_K_EOL
.assert:
    call bp_rt_re_newnode
    pop rbp
    ret
.group:
    cmp rbx, r13
    jae .inner
    cmp byte [r12 + rbx], ')'
    jne .inner
    mov edi, RE_K_CAT                    ; "()"
    call bp_rt_re_newnode
    jmp .closing
.inner:
    call bp_rt_re_alt
.closing:
    cmp rbx, r13
    jae bp_rt_re_parse.fail
    cmp byte [r12 + rbx], ')'
    jne bp_rt_re_parse.fail
    inc rbx
    pop rbp
    ret
.escape:
    cmp rbx, r13
    jae bp_rt_re_parse.fail              ; a trailing backslash
    movzx eax, byte [r12 + rbx]
    inc rbx
    lea rsi, [bp_rt_re_word]
    xor ebp, ebp                         ; 1: the complement
    cmp al, 'w'
    je .class
    cmp al, 's'
    je .space
    mov ebp, 1
    cmp al, 'W'
    je .class
    cmp al, 'S'
    je .space
    mov edi, RE_K_WORDB
    cmp al, 'b'
    je .assert
    mov edi, RE_K_NWORDB
    cmp al, 'B'
    je .assert
    mov edi, RE_K_WSTART
    cmp al, '<'
    je .assert
    mov edi, RE_K_WEND
    cmp al, '>'
    je .assert
    jmp .char
.space:
    lea rsi, [bp_rt_re_space]
.class:
    mov edi, RE_K_SET
    call bp_rt_re_newnode
    movdqu xmm0, [rsi]
    movdqu xmm1, [rsi + 16]
    test ebp, ebp
    jz .store
    pcmpeqd xmm2, xmm2
    pxor xmm0, xmm2
    pxor xmm1, xmm2
.store:
    movdqu [rdx + 32], xmm0
    movdqu [rdx + 48], xmm1
    pop rbp
    ret
.bracket:
    mov edi, RE_K_SET
    call bp_rt_re_newnode
    mov ebp, eax
    mov r10, rdx                         ; the node
    xor r11d, r11d                       ; negated?
    cmp rbx, r13
    jae .items
    cmp byte [r12 + rbx], '^'
    jne .items
    mov r11d, 1
    inc rbx
.items:
    mov r9d, 1                           ; first item: ']' is literal
.item:
    cmp rbx, r13
    jae .close
    movzx eax, byte [r12 + rbx]
    cmp al, ']'
    jne .take
    test r9d, r9d
    jz .close
.take:
    xor r9d, r9d
    cmp al, '['
    jne .literal
    lea rcx, [rbx + 1]
    cmp rcx, r13
    jae .literal
    cmp byte [r12 + rcx], ':'
    jne .literal
    lea rsi, [rbx + 2]                   ; "[:name:]": the first ":]" from here on
.find:
    lea rcx, [rsi + 1]
    cmp rcx, r13
    jae bp_rt_re_parse.fail
    cmp byte [r12 + rsi], ':'
    jne .findnext
    cmp byte [r12 + rcx], ']'
    je .found
.findnext:
    inc rsi
    jmp .find
.found:
    lea rdi, [rbx + 2]                   ; the name: [rdi, rsi)
    mov rcx, rsi
    sub rcx, rdi
    lea r8, [bp_rt_re_classes]
.lookup:
    lea rax, [bp_rt_re_classes_end]
    cmp r8, rax
    jae bp_rt_re_parse.fail              ; an unknown class
    movzx eax, byte [r8]
    cmp rax, rcx
    jne .lnext
    xor eax, eax
.lcmp:
    cmp rax, rcx
    jae .lfound
    lea rdx, [rdi + rax]
    movzx edx, byte [r12 + rdx]
    cmp dl, [r8 + rax + 1]
    jne .lnext
    inc rax
    jmp .lcmp
.lnext:
    add r8, 48
    jmp .lookup
.lfound:
    movdqu xmm0, [r8 + 16]
    movdqu xmm1, [r10 + 32]
    por xmm0, xmm1
    movdqu [r10 + 32], xmm0
    movdqu xmm0, [r8 + 32]
    movdqu xmm1, [r10 + 48]
    por xmm0, xmm1
    movdqu [r10 + 48], xmm0
    lea rbx, [rsi + 2]
    jmp .item
.literal:                                ; eax = lo
    inc rbx
    mov ecx, eax                         ; hi
    cmp rbx, r13
    jae .range
    cmp byte [r12 + rbx], '-'
    jne .range
    lea rdx, [rbx + 1]
    cmp rdx, r13
    jae .range
    movzx ecx, byte [r12 + rdx]
    cmp cl, ']'
    je .single
    add rbx, 2
    cmp ecx, eax
    jb bp_rt_re_parse.fail               ; a reversed range
    jmp .range
.single:
    mov ecx, eax
.range:
    bts [r10 + 32], eax
    inc eax
    cmp eax, ecx
    jbe .range
    jmp .item
.close:
    cmp rbx, r13
    jae bp_rt_re_parse.fail
    cmp byte [r12 + rbx], ']'
    jne bp_rt_re_parse.fail
    inc rbx
    test r11d, r11d
    jz .done
    not qword [r10 + 32]
    not qword [r10 + 40]
    not qword [r10 + 48]
    not qword [r10 + 56]
.done:
    mov eax, ebp
    pop rbp
    ret
ENDFUNC

section .rodata.bp_rt_re_classes progbits alloc noexec nowrite align=16
; 12 entries of 48 bytes: name length, name (15 bytes), the 256-bit set
bp_rt_re_classes:
    db 5, "alpha"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0x07, 0xfe, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "digit"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "alnum"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0xfe, 0xff, 0xff, 0x07, 0xfe, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "upper"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "lower"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "space"
    times 15 - 5 db 0
    db 0x00, 0x3e, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "blank"
    times 15 - 5 db 0
    db 0x00, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "punct"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0x00, 0xfc, 0x01, 0x00, 0x00, 0xf8, 0x01, 0x00, 0x00, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "print"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "graph"
    times 15 - 5 db 0
    db 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 5, "cntrl"
    times 15 - 5 db 0
    db 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 6, "xdigit"
    times 15 - 6 db 0
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0x7e, 0x00, 0x00, 0x00, 0x7e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
bp_rt_re_classes_end:

section .rodata.bp_rt_re_word progbits alloc noexec nowrite align=16
bp_rt_re_word:                           ; \w: alnum and '_'
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0xfe, 0xff, 0xff, 0x87, 0xfe, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00

section .rodata.bp_rt_re_space progbits alloc noexec nowrite align=16
bp_rt_re_space:                          ; \s: space and \t \n \v \f \r
    db 0x00, 0x3e, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00

; ---------------------------------------------------------------------------------------------
; Compiling the tree to the NFA

; bp_rt_re_size(edi = node) → rax = the number of states it compiles to (saturated at
; RE_MAX_STATES + 1). r14 = the tree's nodes.
FUNC bp_rt_re_size
    push rbx
    push rbp
    push r12
    mov ebx, edi
    shl rbx, 6
    add rbx, r14
    mov eax, [rbx]
    cmp eax, RE_K_CAT
    je .list
    cmp eax, RE_K_ALT
    je .list
    cmp eax, RE_K_REP
    je .rep
    mov eax, 1
    jmp .out
.list:                                   ; the children's sum (alt: plus a split between two)
    xor r12d, r12d
    mov ebp, [rbx + 4]
.child:
    test ebp, ebp
    jz .summed
    mov edi, ebp
    call bp_rt_re_size
    add r12, rax
    cmp dword [rbx], RE_K_ALT
    jne .nextchild
    inc r12
.nextchild:
    shl rbp, 6
    mov ebp, [r14 + rbp + 12]
    jmp .child
.summed:
    cmp dword [rbx], RE_K_ALT
    jne .clamp
    dec r12
    jmp .clamp
.rep:
    mov edi, [rbx + 4]
    call bp_rt_re_size
    mov r12, rax                         ; the body
    mov ecx, [rbx + 20]                  ; min (at most 255)
    imul rcx, rax
    mov rdx, [rbx + 24]
    cmp rdx, -1
    jne .bounded
    lea r12, [rcx + r12 + 1]             ; split + body + min copies
    jmp .clamp
.bounded:
    mov eax, [rbx + 20]
    sub rdx, rax                         ; the optional copies
    mov rax, RE_MAX_STATES + 1
    cmp rdx, rax
    cmova rdx, rax
    inc r12
    imul r12, rdx                        ; each a body and a split
    add r12, rcx
.clamp:
    mov rax, RE_MAX_STATES + 1
    cmp r12, rax
    cmova r12, rax
    mov rax, r12
.out:
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC

; A new state: %1 = kind, %2 = out, %3 = b, %4 = set node → eax = its number. r13 = the states,
; r12 = the number used. Clobbers rdx.
%macro RE_STATE 4
    mov rdx, r12
    shl rdx, 4
    add rdx, r13
    mov dword [rdx], %1
    mov dword [rdx + 4], %2
    mov dword [rdx + 8], %3
    mov dword [rdx + 12], %4
    mov eax, r12d
    inc r12
%endmacro

; bp_rt_re_build(edi = node, esi = out) → eax = the start of its fragment. r14 = the tree's
; nodes, r13 = the states, r12 = the number of states used.
FUNC bp_rt_re_build
    push rbx
    push rbp
    push r15
    sub rsp, 16                          ; [rsp] = the start so far
    mov ebx, edi
    shl rbx, 6
    add rbx, r14
    mov ebp, esi
    mov eax, [rbx]
    cmp eax, RE_K_CAT
    je .cat
    cmp eax, RE_K_ALT
    je .alt
    cmp eax, RE_K_REP
    je .rep
    RE_STATE eax, ebp, 0, edi            ; a set or an assertion (kind eax is stored first)
    jmp .out
.cat:                                    ; from the last item back
    mov eax, ebp
    mov r15d, [rbx + 8]
.catnext:
    test r15d, r15d
    jz .out
    mov edi, r15d
    mov esi, eax
    call bp_rt_re_build
    shl r15, 6
    mov r15d, [r14 + r15 + 16]
    jmp .catnext
.alt:                                    ; split(a1, split(a2, … an))
    mov r15d, [rbx + 8]
    mov edi, r15d
    mov esi, ebp
    call bp_rt_re_build
.altnext:
    shl r15, 6
    mov r15d, [r14 + r15 + 16]
    test r15d, r15d
    jz .out
    mov [rsp], eax
    mov edi, r15d
    mov esi, ebp
    call bp_rt_re_build
    mov ecx, [rsp]
    RE_STATE RE_K_SPLIT, eax, ecx, 0
    jmp .altnext
.rep:
    mov r15d, [rbx + 20]                 ; min
    mov rcx, [rbx + 24]                  ; max
    mov ebx, [rbx + 4]                   ; the body
    cmp rcx, -1
    jne .bounded
    RE_STATE RE_K_SPLIT, -1, ebp, 0      ; the loop: body or out
    mov [rsp], eax
    mov edi, ebx
    mov esi, eax
    call bp_rt_re_build
    mov ecx, [rsp]
    shl rcx, 4
    mov [r13 + rcx + 4], eax
    mov eax, [rsp]
    jmp .mandatory
.bounded:                                ; max - min nested optional copies
    sub rcx, r15
    mov [rsp + 8], rcx
    mov eax, ebp
.optional:
    cmp qword [rsp + 8], 0
    je .mandatory
    dec qword [rsp + 8]
    mov edi, ebx
    mov esi, eax
    call bp_rt_re_build
    RE_STATE RE_K_SPLIT, eax, ebp, 0
    jmp .optional
.mandatory:                              ; then min copies in front
    test r15d, r15d
    jz .out
    dec r15d
    mov edi, ebx
    mov esi, eax
    call bp_rt_re_build
    jmp .mandatory
.out:
    add rsp, 16
    pop r15
    pop rbp
    pop rbx
    ret
ENDFUNC

; bp_rt_re_compile(rdi = context, rsi = pattern string) → eax = 1 compiled, 0 when the pattern is
; invalid, -1 when out of memory.
FUNC bp_rt_re_compile
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    mov r15, rdi
    mov rbx, rsi
    xor eax, eax
    mov [r15 + RE_AST], rax
    mov [r15 + RE_NFA], rax
    mov [r15 + RE_MBUF], rax
    mov [r15 + RE_MCOUNT], rax
    mov [r15 + RE_MCAP], rax
    mov rdi, rbx
    call bp_rt_cstr_len
    lea rcx, [rbx + STR_DATA]
    mov [r15 + RE_PAT], rcx
    mov [r15 + RE_PLEN], rax
    lea rdi, [rax + rax*2 + 10]          ; nodes: at most 3 per pattern byte, and a few
    shl rdi, 6
    add rdi, 16
    call bp_rt_alloc
    test rax, rax
    jz .oom
    mov qword [rax], TAG_RAW
    mov [r15 + RE_AST], rax
    mov rdi, r15
    call bp_rt_re_parse
    test eax, eax
    jz .out
    mov ebp, eax                         ; the root
    mov r14, [r15 + RE_AST]
    add r14, 16
    mov edi, ebp
    call bp_rt_re_size
    inc rax                              ; and the match state
    cmp rax, RE_MAX_STATES
    ja .oom
    mov r12, rax
    mov rdi, rax
    shl rdi, 5                           ; 16 + 8 + 4 + 4 bytes a state
    add rdi, 16
    call bp_rt_alloc
    test rax, rax
    jz .oom
    mov qword [rax], TAG_RAW
    mov [r15 + RE_NFA], rax
    lea r13, [rax + 16]
    mov [r15 + RE_STATES], r13
    mov rdi, r12
    shl rdi, 4
    add rdi, r13
    mov [r15 + RE_MARKS], rdi
    mov rcx, r12
    xor eax, eax
    rep stosq
    mov [r15 + RE_LIST1], rdi
    lea rdi, [rdi + r12*4]
    mov [r15 + RE_LIST2], rdi
    mov qword [r15 + RE_GEN], 0
    mov r14, [r15 + RE_AST]
    add r14, 16
    xor r12d, r12d
    RE_STATE RE_K_MATCH, 0, 0, 0         ; state 0
    mov edi, ebp
    xor esi, esi
    call bp_rt_re_build
    mov eax, eax
    mov [r15 + RE_START], rax
    mov eax, 1
    jmp .out
.oom:
    mov eax, -1
.out:
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; Matching

; bp_rt_re_text(rdi = context, rsi = text string): the text to match, to its first NUL.
FUNC bp_rt_re_text
    push rdi
    push rsi
    mov rdi, rsi
    call bp_rt_cstr_len
    pop rsi
    pop rdi
    mov [rdi + RE_TLEN], rax
    add rsi, STR_DATA
    mov [rdi + RE_TEXT], rsi
    ret
ENDFUNC

; Adds state edx to the set being built (list r9, count r10, generation r11; marks r13).
%macro RE_ADD 0
    cmp [r13 + rdx*8], r11
    je %%have
    mov [r13 + rdx*8], r11
    mov [r9 + r10*4], edx
    inc r10
%%have:
%endmacro

; bp_rt_re_longest(rdi = context, rsi = from) → rax = the end of the longest match starting at
; from, or -1.
FUNC bp_rt_re_longest
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 24                          ; [rsp] = the best end, [rsp + 8] = the context
    mov [rsp + 8], rdi
    mov rbx, rsi                         ; the position
    mov r14, [rdi + RE_STATES]
    mov r13, [rdi + RE_MARKS]
    mov r12, [rdi + RE_TEXT]
    mov r8, [rdi + RE_LIST1]
    mov r9, [rdi + RE_LIST2]
    mov r11, [rdi + RE_GEN]
    mov r15, [rdi + RE_AST]
    add r15, 16                          ; the tree: its byte sets
    mov edx, [rdi + RE_START]
    mov rdi, [rdi + RE_TLEN]
    mov qword [rsp], -1
    inc r11
    xor r10d, r10d
    RE_ADD
    call .closure
    xchg r8, r9
.step:                                   ; r8 / r10: the set at position rbx
    cmp [r13], r11                       ; the match state is in it
    jne .nomatch
    mov [rsp], rbx
.nomatch:
    cmp rbx, rdi
    jae .done
    test r10, r10
    jz .done
    movzx esi, byte [r12 + rbx]
    mov rbp, r10
    inc r11
    xor r10d, r10d
    xor ecx, ecx
.consume:
    cmp rcx, rbp
    jae .consumed
    mov eax, [r8 + rcx*4]
    inc rcx
    shl rax, 4
    cmp dword [r14 + rax], RE_K_SET
    jne .consume
    mov edx, [r14 + rax + 12]
    shl rdx, 6
    bt [r15 + rdx + 32], esi
    jnc .consume
    mov edx, [r14 + rax + 4]
    RE_ADD
    jmp .consume
.consumed:
    inc rbx
    call .closure
    xchg r8, r9
    jmp .step
.done:
    mov rdx, [rsp + 8]
    mov [rdx + RE_GEN], r11
    mov rax, [rsp]
    add rsp, 24
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; Closes the set r9 / r10 under splits and the assertions that hold at position rbx.
.closure:
    xor ecx, ecx
.cl:
    cmp rcx, r10
    jae .cldone
    mov eax, [r9 + rcx*4]
    inc rcx
    shl rax, 4
    mov esi, [r14 + rax]
    cmp esi, RE_K_SPLIT
    je .split
    cmp esi, RE_K_BOL
    jb .cl                               ; the match state, a set
    je .bol
    cmp esi, RE_K_EOL
    je .eol
    push rax                             ; word boundaries: edx = before + 2 × after
    xor edx, edx
    cmp rbx, rdi
    jae .after
    movzx eax, byte [r12 + rbx]
    bt [bp_rt_re_word], eax
    adc edx, edx
    add edx, edx
.after:
    test rbx, rbx
    jz .before
    movzx eax, byte [r12 + rbx - 1]
    bt [bp_rt_re_word], eax
    adc edx, 0
.before:
    pop rax
    push rcx
    mov ecx, edx
    lea rdx, [bp_rt_re_wordmasks]
    movzx edx, byte [rdx + rsi - RE_K_WORDB]
    bt edx, ecx
    pop rcx
    jc .pass
    jmp .cl
.bol:
    test rbx, rbx
    jz .pass
    jmp .cl
.eol:
    cmp rbx, rdi
    je .pass
    jmp .cl
.pass:
    mov edx, [r14 + rax + 4]
    RE_ADD
    jmp .cl
.split:
    mov edx, [r14 + rax + 4]
    RE_ADD
    mov edx, [r14 + rax + 8]
    RE_ADD
    jmp .cl
.cldone:
    ret
ENDFUNC

section .rodata.bp_rt_re_wordmasks progbits alloc noexec nowrite align=4
; for \b \B \< \>: the values of (word byte before) + 2 × (word byte after) where each holds
bp_rt_re_wordmasks: db 0110b, 1001b, 0100b, 0010b

; bp_rt_re_exec(rdi = context, rsi = from) → rax = the start of the leftmost-longest match at or
; after from, rdx = its end; rax = -1 when there is none.
FUNC bp_rt_re_exec
    push rbx
    push r12
    push r13
    mov r12, rdi
    mov rbx, rsi
.try:
    cmp rbx, [r12 + RE_TLEN]
    ja .none
    mov rdi, r12
    mov rsi, rbx
    call bp_rt_re_longest
    test rax, rax
    jns .found
    inc rbx
    jmp .try
.found:
    mov rdx, rax
    mov rax, rbx
    jmp .out
.none:
    mov rax, -1
.out:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_re_all(rdi = context) → eax = 1 with every match in RE_MBUF / RE_MCOUNT (after an empty
; match the scan moves on one byte), 0 when out of memory.
FUNC bp_rt_re_all
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi
    xor ebx, ebx                         ; the position
.next:
    cmp rbx, [r12 + RE_TLEN]
    ja .done
    mov rdi, r12
    mov rsi, rbx
    call bp_rt_re_exec
    test rax, rax
    js .done
    mov r13, rax
    mov r14, rdx
    mov rax, [r12 + RE_MCOUNT]
    cmp rax, [r12 + RE_MCAP]
    jb .store
    mov r15, [r12 + RE_MCAP]             ; grow: twice the room, 16 at first
    add r15, r15
    mov eax, 16
    cmp r15, rax
    cmovb r15, rax
    mov rdi, r15
    shl rdi, 4
    add rdi, 16
    call bp_rt_alloc
    test rax, rax
    jz .oom
    mov qword [rax], TAG_RAW
    mov rsi, [r12 + RE_MBUF]
    lea rdi, [rax + 16]
    mov rcx, [r12 + RE_MCOUNT]
    add rcx, rcx
    test rsi, rsi
    jz .moved
    add rsi, 16
    rep movsq
.moved:
    mov [r12 + RE_MBUF], rax
    mov [r12 + RE_MCAP], r15
    mov rax, [r12 + RE_MCOUNT]
.store:
    mov rcx, rax
    shl rcx, 4
    add rcx, [r12 + RE_MBUF]
    mov [rcx + 16], r13
    mov [rcx + 24], r14
    inc rax
    mov [r12 + RE_MCOUNT], rax
    lea rbx, [r14 + 1]
    cmp r14, r13
    cmova rbx, r14
    jmp .next
.done:
    mov eax, 1
    jmp .out
.oom:
    xor eax, eax
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; ---------------------------------------------------------------------------------------------
; The builtins

; bp_rt_regex_match(rdi = pattern, rsi = text, rdx = where) → eax = 1 when the pattern matches
; somewhere in the text (0 for an invalid pattern).
FUNC bp_rt_regex_match
    push rbx
    push r12
    push r13
    sub rsp, RE_SIZE
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    mov rdi, rsp
    mov rsi, rbx
    call bp_rt_re_compile
    test eax, eax
    jz .out
    js .oom
    mov rdi, rsp
    mov rsi, r12
    call bp_rt_re_text
    mov rdi, rsp
    xor esi, esi
    call bp_rt_re_exec
    not rax
    shr rax, 63
.out:
    add rsp, RE_SIZE
    pop r13
    pop r12
    pop rbx
    ret
.oom:
    mov edi, ERR_OUT_OF_MEMORY
    mov rsi, r13
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_regex_search(rdi = pattern, rsi = text, rdx = where) → rax = where the leftmost match
; starts, -1 when there is none (or the pattern is invalid).
FUNC bp_rt_regex_search
    push rbx
    push r12
    push r13
    sub rsp, RE_SIZE
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    mov rdi, rsp
    mov rsi, rbx
    call bp_rt_re_compile
    test eax, eax
    jz .invalid
    js .oom
    mov rdi, rsp
    mov rsi, r12
    call bp_rt_re_text
    mov rdi, rsp
    xor esi, esi
    call bp_rt_re_exec
    jmp .out
.invalid:
    mov rax, -1
.out:
    add rsp, RE_SIZE
    pop r13
    pop r12
    pop rbx
    ret
.oom:
    mov edi, ERR_OUT_OF_MEMORY
    mov rsi, r13
    xor edx, edx
    call bp_rt_error
ENDFUNC

; bp_rt_re_cstr_copy(rdi = string) → a new string of its bytes up to the first NUL, or 0.
FUNC bp_rt_re_cstr_copy
    push rbx
    mov rbx, rdi
    call bp_rt_cstr_len
    lea rsi, [rbx + STR_DATA]
    mov rdx, rax
    call bp_rt_str_from_bytes
    pop rbx
    ret
ENDFUNC

; bp_rt_regex_replace(rdi = pattern, rsi = replacement, rdx = text) → the text with every match
; replaced (the replacement is literal), or 0 when out of memory.
FUNC bp_rt_regex_replace
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, RE_SIZE
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    mov rdi, rsp
    mov rsi, rbx
    call bp_rt_re_compile
    test eax, eax
    jz .invalid
    js .oom
    mov rdi, rsp
    mov rsi, r13
    call bp_rt_re_text
    mov rdi, rsp
    call bp_rt_re_all
    test eax, eax
    jz .oom
    mov rcx, [rsp + RE_MCOUNT]           ; the length: text - matched + count × replacement
    mov rax, [r12 + STR_LEN]
    mul rcx
    jc .oom
    mov rdi, rax
    add rdi, [rsp + RE_TLEN]
    jc .oom
    mov rsi, [rsp + RE_MBUF]
    xor edx, edx
.sum:
    cmp rdx, rcx
    jae .summed
    mov rax, rdx
    shl rax, 4
    add rdi, [rsi + rax + 16]
    sub rdi, [rsi + rax + 24]
    inc rdx
    jmp .sum
.summed:
    mov rax, 1 << 44
    cmp rdi, rax
    ja .oom
    call bp_rt_str_new
    test rax, rax
    jz .out
    mov r14, rax
    lea rdi, [rax + STR_DATA]
    xor r15d, r15d                       ; the match
    xor r8d, r8d                         ; the end of the last
.piece:
    mov r9, [rsp + RE_TEXT]
    cmp r15, [rsp + RE_MCOUNT]
    jae .tail
    mov r10, r15
    shl r10, 4
    add r10, [rsp + RE_MBUF]
    lea rsi, [r9 + r8]
    mov rcx, [r10 + 16]
    sub rcx, r8
    rep movsb
    lea rsi, [r12 + STR_DATA]
    mov rcx, [r12 + STR_LEN]
    rep movsb
    mov r8, [r10 + 24]
    inc r15
    jmp .piece
.tail:
    lea rsi, [r9 + r8]
    mov rcx, [rsp + RE_TLEN]
    sub rcx, r8
    rep movsb
    mov rax, r14
    jmp .out
.invalid:
    mov rdi, r13
    call bp_rt_re_cstr_copy
    jmp .out
.oom:
    xor eax, eax
.out:
    add rsp, RE_SIZE
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_re_pieces(rdi = context, esi = 1 for the pieces between the matches (split), 0 for the
; matches themselves) → [str], or 0 when out of memory. The caller keeps the text's string.
FUNC bp_rt_re_pieces
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov r12, rdi
    mov r15d, esi
    mov rdi, [r12 + RE_MCOUNT]
    add rdi, r15
    mov esi, TAG_ARRAY_REF
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rbx, rax
    mov qword [rbx + ARR_LEN], 0         ; counts the pieces stored so far
    xor r13d, r13d                       ; the next match
    xor r14d, r14d                       ; split: the end of the last
.next:
    cmp r13, [r12 + RE_MCOUNT]
    jae .last
    mov rax, r13
    shl rax, 4
    add rax, [r12 + RE_MBUF]
    inc r13
    test r15d, r15d
    jz .match
    mov rsi, r14                         ; split: from the last match's end to this one's start
    mov rdx, [rax + 16]
    mov r14, [rax + 24]
    jmp .make
.match:
    mov rsi, [rax + 16]
    mov rdx, [rax + 24]
    jmp .make
.last:
    test r15d, r15d
    jz .done
    xor r15d, r15d                       ; split: the tail, then done
    mov rsi, r14
    mov rdx, [r12 + RE_TLEN]
.make:                                   ; the piece [rsi, rdx) of the text
    sub rdx, rsi
    add rsi, [r12 + RE_TEXT]
    call bp_rt_str_from_bytes
    test rax, rax
    jz .out
    mov rdi, rbx
    mov rsi, rax
    call bp_rt_array_append_ref
    jmp .next
.done:
    mov rax, rbx
.out:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; bp_rt_regex_split(rdi = pattern, rsi = text) → [str]: the pieces between the matches ([text]
; for an invalid pattern), or 0 when out of memory.
FUNC bp_rt_regex_split
    mov edx, 1
    jmp bp_rt_re_list
ENDFUNC

; bp_rt_regex_find_all(rdi = pattern, rsi = text) → [str]: every match ([] for an invalid
; pattern), or 0 when out of memory.
FUNC bp_rt_regex_find_all
    xor edx, edx
    jmp bp_rt_re_list
ENDFUNC

; bp_rt_re_list(rdi = pattern, rsi = text, edx = 1 for the pieces between the matches, 0 for
; the matches) → [str], or 0 when out of memory.
FUNC bp_rt_re_list
    push rbx
    push r12
    push r13
    sub rsp, RE_SIZE
    mov rbx, rdi
    mov r12, rsi
    mov r13d, edx
    mov rdi, rsp
    mov rsi, rbx
    call bp_rt_re_compile
    test eax, eax
    jz .invalid
    js .oom
    mov rdi, rsp
    mov rsi, r12
    call bp_rt_re_text
    mov rdi, rsp
    call bp_rt_re_all
    test eax, eax
    jz .oom
    mov rdi, rsp
    mov esi, r13d
    call bp_rt_re_pieces
    jmp .out
.invalid:                                ; split: [text]; find_all: []
    test r13d, r13d
    jz .empty
    mov rdi, r12
    call bp_rt_re_cstr_copy
    test rax, rax
    jz .out
    mov r13, rax
    mov edi, 1
    mov esi, TAG_ARRAY_REF
    call bp_rt_array_new
    test rax, rax
    jz .out
    mov rcx, [rax + ARR_DATA]
    mov [rcx], r13
    jmp .out
.empty:
    xor edi, edi
    mov esi, TAG_ARRAY_REF
    call bp_rt_array_new
    jmp .out
.oom:
    xor eax, eax
.out:
    add rsp, RE_SIZE
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC
