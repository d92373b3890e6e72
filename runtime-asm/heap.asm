; The heap: allocation and a non-moving mark-sweep garbage collector.
;
; One address range of the heap limit's size is reserved at the first allocation (heapinit.asm:
; BPJIT_HEAP_LIMIT, or an eighth of physical memory, at most 3 GiB) and handed out in 64 KiB
; blocks; a collection that cannot free room below the limit is out of memory. A block serves one
; size class (classes 1-128: 16..2048 bytes in steps of 16; 129-252: up to 33,792 bytes in
; steps of 256), carved into a free list, or is part of a large object (a run of whole blocks: a
; head, then tails). A byte per block records which.
;
; Roots are found conservatively: every word of the native stack (the mutator's callee-saved
; registers are pushed first) and of the globals area that points into an allocated object marks
; it — interior pointers included. Within the heap, marking is exact: the object's tag says which
; words are references (an array's store; a reference array's elements; a struct's reference
; fields; a map's stores and reference keys and values). A collection runs
; when the bytes allocated since the last one pass max(8 MiB, twice what survived it) — a small
; minimum keeps a program with little live data in the caches (strings and maps benchmarks: 20%
; faster than with 32 MiB). Empty blocks stay with their size class; freed large runs beyond
; 64 MiB per collection go back to the kernel (madvise), so resident memory follows the live set.
; The arena asks for transparent huge pages.
;
; Every object starts with its header word: bits 0-7 the tag (0 = free slot), bit 8 the mark.

%define BLOCK_SIZE (1 << BLOCK_SHIFT)
%define MAX_BLOCKS (1 << 20)            ; 64 GiB of address space at most
%define SMALL_MAX 2048                  ; classes of 16-byte steps up to here
%define MID_MAX 33792                   ; then classes of 256-byte steps up to here
%define NCLASSES 252
%define CLS_FREE 0
%define CLS_TAIL 254
%define CLS_HEAD 255
%define GC_MIN_TRIGGER (8 << 20)
%define RETAIN_MAX (64 << 20)            ; freed large runs kept mapped per sweep (page faults are dear)
%define MARK_STACK_ENTRIES (1 << 20)    ; at first (reserved, committed as used); it grows
%define SYS_MADVISE 28
%define SYS_SYSINFO 99
%define MADV_DONTNEED 4
%define MADV_HUGEPAGE 14
%define HUGE_PAGE (2 << 20)

extern bp_globals
extern bp_globals_count

; class (register) → its object size, in place
%macro CLASS_SIZE 1
    cmp %1, 128
    jbe %%small
    sub %1, 128
    shl %1, 8
    add %1, SMALL_MAX
    jmp %%done
%%small:
    shl %1, 4
%%done:
%endmacro

BSS bp_rt_heap_base, 8, 8
BSS bp_rt_heap_blocks, 8, 8              ; blocks reserved
BSS bp_rt_heap_top, 8, 8                 ; blocks handed out so far
BSS bp_rt_heap_class, MAX_BLOCKS, 16
BSS bp_rt_free_lists, 8 * (NCLASSES + 1), 8
BSS bp_rt_bump_cur, 8 * (NCLASSES + 1), 8  ; per class: the next slot of its bump block
BSS bp_rt_bump_end, 8 * (NCLASSES + 1), 8  ; and the end of its last slot
BSS bp_rt_block_live, 2 * MAX_BLOCKS, 16   ; objects marked per block in this collection
BSS bp_rt_gc_since, 8, 8                 ; bytes allocated since the last collection
BSS bp_rt_gc_trigger, 8, 8
BSS bp_rt_gc_live, 8, 8                  ; bytes that survived the last collection
BSS bp_rt_gc_count, 8, 8
BSS bp_rt_gc_retained, 8, 8              ; freed large-run bytes this sweep kept resident
BSS bp_rt_mark_stack, 8, 8
BSS bp_rt_mark_sp, 8, 8
BSS bp_rt_mark_cap, 8, 8                 ; entries the mark stack has room for

; (bp_rt_heap_init, the limit and the mark stack's growth: heapinit.asm)

; bp_rt_alloc(rdi = bytes) → rax = 16-byte aligned memory, or 0 when memory is exhausted. Its
; contents are undefined: the caller writes the header and every field before anything else can
; allocate (the collector reads only what headers and lengths say is there).
FUNC bp_rt_alloc
    ; the common case first, without a frame: up to 2 KiB, no collection due, a slot on the
    ; class's free list or room in its bump block
    cmp rdi, SMALL_MAX
    ja .slow
    lea rax, [rdi + 15]
    and rax, -16
    mov ecx, 16
    cmp rax, rcx
    cmovb rax, rcx
    mov rcx, [bp_rt_gc_since]
    add rcx, rax
    cmp rcx, [bp_rt_gc_trigger]          ; (0 before the heap exists: the slow path makes it)
    ja .slow
    mov rdx, rax
    shr rdx, 4                           ; the class
    lea r8, [bp_rt_free_lists]
    mov r9, [r8 + rdx*8]
    test r9, r9
    jz .fastbump
    mov r10, [r9 + 8]
    mov [r8 + rdx*8], r10
    mov [bp_rt_gc_since], rcx
    mov rax, r9
    ret
.fastbump:
    lea r8, [bp_rt_bump_cur]
    mov r9, [r8 + rdx*8]
    lea r10, [r9 + rax]
    lea r11, [bp_rt_bump_end]
    cmp r10, [r11 + rdx*8]
    ja .slow
    mov [r8 + rdx*8], r10
    mov [bp_rt_gc_since], rcx
    mov rax, r9
    ret
.slow:
    push rbx
    push r12
    push r13
    mov rbx, rdi
    cmp qword [bp_rt_heap_base], 0
    jne .ready
    call bp_rt_heap_init
    test eax, eax
    jz .oom
.ready:
    mov rax, 1 << 44
    cmp rbx, rax
    ja .oom                              ; larger than any heap: also catches negative sizes
    add rbx, 15
    and rbx, -16
    mov eax, 16
    cmp rbx, rax
    cmovb rbx, rax
    add [bp_rt_gc_since], rbx
    mov rax, [bp_rt_gc_since]
    cmp rax, [bp_rt_gc_trigger]
    jbe .nogc
    call bp_rt_gc
.nogc:
    xor r13d, r13d                       ; retried after a collection?
.again:
    cmp rbx, MID_MAX
    ja .large
    mov r12, rbx
    shr r12, 4                           ; size class
    cmp rbx, SMALL_MAX
    jbe .class
    lea r12, [rbx - SMALL_MAX + 255]
    shr r12, 8
    add r12, 128
    mov rbx, r12
    CLASS_SIZE rbx                       ; the size rounded up to its class
.class:
    lea rcx, [bp_rt_free_lists]
    mov rax, [rcx + r12*8]
    test rax, rax
    jnz .pop
    lea rcx, [bp_rt_bump_cur]            ; else the next slot of the class's bump block
    mov rax, [rcx + r12*8]
    lea rdx, [rax + rbx]
    lea r8, [bp_rt_bump_end]
    cmp rdx, [r8 + r12*8]
    ja .refill
    mov [rcx + r12*8], rdx
    jmp .done
.refill:
    mov rdi, r12
    call bp_rt_refill
    test eax, eax
    jz .exhausted
    jmp .class
.pop:
    mov rdx, [rax + 8]
    mov [rcx + r12*8], rdx
    jmp .done
.large:
    lea rdi, [rbx + BLOCK_SIZE - 1]
    shr rdi, BLOCK_SHIFT
    call bp_rt_large_run
    test rax, rax
    jnz .done
.exhausted:
    test r13d, r13d
    jnz .oom
    mov r13d, 1
    call bp_rt_gc
    jmp .again
.oom:
    xor eax, eax
.done:
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; Takes a free block as size class edi's bump block (allocation hands out its slots in address
; order: no free list to carve, and the next slot is where the last one ended); eax = 0 if none.
; Slots beyond the cursor may hold stale headers of a recycled block: the collector knows
; them as not yet handed out.
FUNC bp_rt_refill
    push rbx
    mov ebx, edi
    call bp_rt_free_block
    test rax, rax
    jz .none
    lea rcx, [bp_rt_heap_class]
    mov rdx, rax
    sub rdx, [bp_rt_heap_base]
    shr rdx, BLOCK_SHIFT
    mov [rcx + rdx], bl
    mov r10, rax                         ; the block
    mov rcx, rbx
    CLASS_SIZE rcx
    mov eax, BLOCK_SIZE
    xor edx, edx
    div rcx
    imul rax, rcx
    add rax, r10                         ; the end of the last slot that fits
    lea rcx, [bp_rt_bump_cur]
    mov [rcx + rbx*8], r10
    lea rcx, [bp_rt_bump_end]
    mov [rcx + rbx*8], rax
    mov eax, 1
    pop rbx
    ret
.none:
    xor eax, eax
    pop rbx
    ret
ENDFUNC

; rax = address of a free block (its class byte still 0), or 0.
FUNC bp_rt_free_block
    mov edi, 1
    jmp bp_rt_find_run
ENDFUNC

; bp_rt_large_run(rdi = blocks) → rax = start of a run of that many blocks marked head + tails, or 0.
FUNC bp_rt_large_run
    push rdi
    call bp_rt_find_run
    pop rdi
    test rax, rax
    jz .out
    mov rdx, rax
    sub rdx, [bp_rt_heap_base]
    shr rdx, BLOCK_SHIFT
    lea rcx, [bp_rt_heap_class]
    add rcx, rdx
    mov byte [rcx], CLS_HEAD
.tails:
    dec rdi
    jz .out
    inc rcx
    mov byte [rcx], CLS_TAIL
    jmp .tails
.out:
    ret
ENDFUNC

; bp_rt_find_run(rdi = blocks) → rax = start of that many consecutive free blocks (first fit
; below the top, else from the top), or 0. Class bytes are left to the caller.
FUNC bp_rt_find_run
    lea rsi, [bp_rt_heap_class]
    mov r8, [bp_rt_heap_top]
    xor ecx, ecx                         ; candidate start
    xor edx, edx                         ; free blocks seen from it
    xor r9d, r9d                         ; index
.scan:
    cmp r9, r8
    jae .top
    cmp byte [rsi + r9], CLS_FREE
    jne .busy
    inc rdx
    inc r9
    cmp rdx, rdi
    jb .scan
    jmp .found
.busy:
    inc r9
    mov rcx, r9
    xor edx, edx
    jmp .scan
.top:                                    ; extend the free tail [rcx, top) past the top
    mov rax, rcx
    add rax, rdi
    cmp rax, [bp_rt_heap_blocks]
    ja .none
    mov [bp_rt_heap_top], rax
.found:
    mov rax, rcx
    shl rax, BLOCK_SHIFT
    add rax, [bp_rt_heap_base]
    ret
.none:
    xor eax, eax
    ret
ENDFUNC

; bp_rt_run_end(rdi = the head block of a large object's run) → rax = the block after its tails.
FUNC bp_rt_run_end
    lea rdx, [bp_rt_heap_class]
    lea rax, [rdi + 1]
.tail:
    cmp rax, [bp_rt_heap_top]
    jae .out
    cmp byte [rdx + rax], CLS_TAIL
    jne .out
    inc rax
    jmp .tail
.out:
    ret
ENDFUNC

; bp_rt_alloc_size(rdi = the start of an object) → rax = the bytes allocated for it (its size
; class, or its run of blocks), or 0 when it is not on the heap (a constant in the executable).
FUNC bp_rt_alloc_size
    mov rax, rdi
    sub rax, [bp_rt_heap_base]
    jb .none
    mov rcx, rax
    shr rcx, BLOCK_SHIFT
    cmp rcx, [bp_rt_heap_top]
    jae .none
    lea rdx, [bp_rt_heap_class]
    movzx eax, byte [rdx + rcx]
    test eax, eax
    jz .none
    cmp eax, CLS_HEAD
    je .run
    cmp eax, CLS_TAIL
    je .none
    CLASS_SIZE rax
    ret
.run:
    mov r8, rcx
    mov rdi, rcx
    call bp_rt_run_end
    sub rax, r8
    shl rax, BLOCK_SHIFT
    ret
.none:
    xor eax, eax
    ret
ENDFUNC

; Marks the object rdi points into (if any), pushing it for scanning when it holds references.
FUNC bp_rt_mark_word
    mov rax, rdi
    sub rax, [bp_rt_heap_base]
    jb .no
    mov rcx, rax
    shr rcx, BLOCK_SHIFT
    cmp rcx, [bp_rt_heap_top]
    jae .no
    lea rdx, [bp_rt_heap_class]
    movzx r8d, byte [rdx + rcx]
    test r8d, r8d
    jz .no
    cmp r8d, CLS_TAIL
    jb .small
    ja .head
.back:                                   ; a tail: find the head
    dec rcx
    cmp byte [rdx + rcx], CLS_TAIL
    je .back
.head:
    shl rcx, BLOCK_SHIFT
    add rcx, [bp_rt_heap_base]
    mov rax, rcx
    jmp .obj
.small:
    mov r10, r8                          ; the class
    CLASS_SIZE r8
    and eax, BLOCK_SIZE - 1              ; offset in the block
    xor edx, edx
    div r8                               ; rax = slot
    imul rax, r8
    lea r9, [rax + r8]
    cmp r9, BLOCK_SIZE
    ja .no                               ; the unused tail of the block
    shl rcx, BLOCK_SHIFT
    add rcx, [bp_rt_heap_base]
    add rax, rcx
    lea r9, [bp_rt_bump_cur]             ; not handed out yet: the rest of the bump block
    cmp rax, [r9 + r10*8]
    jb .obj
    lea r9, [bp_rt_bump_end]
    cmp rax, [r9 + r10*8]
    jb .no
.obj:
    mov rdx, [rax]
    test dl, dl
    jz .no                               ; a free slot
    test edx, HDR_MARK
    jnz .no
    or rdx, HDR_MARK
    mov [rax], rdx
    mov r9, rax                          ; one more live object in its block
    sub r9, [bp_rt_heap_base]
    shr r9, BLOCK_SHIFT
    lea r8, [bp_rt_block_live]
    inc word [r8 + r9*2]
    cmp dl, TAG_ARRAY                    ; arrays: their store (and references) to scan
    je .push
    cmp dl, TAG_ARRAY_REF
    je .push
    cmp dl, TAG_STRUCT                   ; structs: their reference fields
    je .push
    cmp dl, TAG_MAP                      ; maps: their stores, keys and values
    jne .no
.push:
    mov rcx, [bp_rt_mark_sp]
    cmp rcx, [bp_rt_mark_cap]
    jae .grow
.store:
    mov rdx, [bp_rt_mark_stack]
    mov [rdx + rcx*8], rax
    inc rcx
    mov [bp_rt_mark_sp], rcx
.no:
    ret
.grow:                                   ; a bigger stack (heapinit.asm), or truly out of memory
    push rax
    call bp_rt_mark_grow
    test eax, eax
    pop rax
    jz bp_rt_mark_overflow
    mov rcx, [bp_rt_mark_sp]
    jmp .store
ENDFUNC

; No memory for a bigger mark stack: reported as running out of memory.
FUNC bp_rt_mark_overflow
    mov edi, ERR_OUT_OF_MEMORY
    lea rsi, [bp_rt_heap_where]
    xor edx, edx
    call bp_rt_error
ENDFUNC

section .rodata.bp_rt_heap_where progbits alloc noexec nowrite align=16
STATIC_STR bp_rt_heap_where, 'garbage collector'

; Marks every word in [rdi, rsi) as a possible reference.
FUNC bp_rt_mark_range
    push rbx
    push r12
    mov rbx, rdi
    mov r12, rsi
.next:
    cmp rbx, r12
    jae .done
    mov rdi, [rbx]
    call bp_rt_mark_word
    add rbx, 8
    jmp .next
.done:
    pop r12
    pop rbx
    ret
ENDFUNC

; The collector. Called from bp_rt_alloc, so every live reference of compiled code is in a
; callee-saved register (pushed here) or in its frame on the stack.
FUNC bp_rt_gc
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov qword [bp_rt_map_cache], 0       ; (what it points to may be freed)
    mov qword [bp_rt_mark_sp], 0
    mov rdi, rsp
    mov rsi, [bp_rt_stack_top]
    call bp_rt_mark_range
    lea rdi, [bp_globals]
    mov rsi, [bp_globals_count]
    lea rsi, [rdi + rsi*8]
    call bp_rt_mark_range
.drain:                                  ; scan the reference arrays found so far
    mov rcx, [bp_rt_mark_sp]
    test rcx, rcx
    jz .sweep
    dec rcx
    mov [bp_rt_mark_sp], rcx
    mov rdx, [bp_rt_mark_stack]
    mov rbx, [rdx + rcx*8]
    cmp byte [rbx], TAG_STRUCT
    jne .map
    mov rdi, rbx
    call bp_rt_mark_struct
    jmp .drain
.map:
    cmp byte [rbx], TAG_MAP
    jne .array
    mov rdi, rbx
    call bp_rt_mark_map
    jmp .drain
.array:
    mov rdi, [rbx + ARR_DATA]
    call bp_rt_mark_word                 ; the element store, when it is a separate object
    cmp byte [rbx], TAG_ARRAY_REF
    jne .drain                           ; elements that are not references
    mov rdi, [rbx + ARR_DATA]
    mov rsi, [rbx + ARR_LEN]
    lea rsi, [rdi + rsi*8]
    call bp_rt_mark_range
    jmp .drain
.sweep:
    call bp_rt_sweep
    mov rax, [bp_rt_gc_live]
    add rax, rax
    mov rcx, GC_MIN_TRIGGER
    cmp rax, rcx
    cmovb rax, rcx
    mov [bp_rt_gc_trigger], rax
    mov qword [bp_rt_gc_since], 0
    inc qword [bp_rt_gc_count]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
ENDFUNC

; Frees what is unmarked (its header becomes 0), unmarks the rest, rebuilds the free lists and
; counts the live bytes.
FUNC bp_rt_sweep
    push rbx
    push r12
    push r13
    push r14
    push r15
    lea rdi, [bp_rt_free_lists]
    xor eax, eax
    mov ecx, NCLASSES + 1
    rep stosq
    mov qword [bp_rt_gc_live], 0
    mov qword [bp_rt_gc_retained], 0
    xor ebx, ebx                         ; block index
.block:
    cmp rbx, [bp_rt_heap_top]
    jae .done
    lea rax, [bp_rt_heap_class]
    movzx r12d, byte [rax + rbx]
    mov r13, rbx
    shl r13, BLOCK_SHIFT
    add r13, [bp_rt_heap_base]           ; block address
    test r12d, r12d
    jz .nextblock
    cmp r12d, CLS_TAIL
    je .nextblock
    cmp r12d, CLS_HEAD
    je .large
    ; small objects. A block where nothing was marked is free again as a whole, its memory
    ; untouched (its class's bump block starts over instead). Otherwise, in one pass from the
    ; last slot handed out down: unmark the live, free the rest and thread them onto the
    ; class's list, lowest first.
    lea rax, [bp_rt_block_live]
    movzx r14d, word [rax + rbx*2]       ; objects marked in the block
    mov word [rax + rbx*2], 0
    mov r11, r12                         ; the class
    CLASS_SIZE r12
    lea r8, [bp_rt_bump_end]
    mov rax, [r8 + r11*8]
    cmp rax, r13
    jbe .notbump
    lea rcx, [r13 + BLOCK_SIZE]
    cmp rax, rcx
    ja .notbump
    lea r8, [bp_rt_bump_cur]             ; the class's bump block: slots below the cursor
    mov rax, [r8 + r11*8]
    test r14d, r14d
    jnz .limit
    mov [r8 + r11*8], r13                ; all dead: hand the block out again from its start
    jmp .nextblock
.notbump:
    test r14d, r14d
    jnz .fits
    lea rax, [bp_rt_heap_class]
    mov byte [rax + rbx], CLS_FREE
    jmp .nextblock
.fits:
    mov eax, BLOCK_SIZE
    xor edx, edx
    div r12
    imul rax, r12
    add rax, r13                         ; the end of the last slot that fits
.limit:
    lea r15, [rax]
    lea r8, [bp_rt_free_lists]
    mov r9, [r8 + r11*8]
    xor r10d, r10d                       ; live bytes in the block
.slot:
    sub r15, r12
    cmp r15, r13
    jb .slotsdone
    mov rax, [r15]
    test eax, HDR_MARK
    jz .dead
    and rax, ~HDR_MARK
    mov [r15], rax
    add r10, r12
    jmp .slot
.dead:
    mov qword [r15], 0                   ; a free slot: header 0
    mov [r15 + 8], r9
    mov r9, r15
    jmp .slot
.slotsdone:
    mov [r8 + r11*8], r9
    add [bp_rt_gc_live], r10
    jmp .nextblock
.large:
    lea rax, [bp_rt_block_live]
    mov word [rax + rbx*2], 0            ; (counted when marked, not used)
    mov rdi, rbx                         ; the run: head and tails
    call bp_rt_run_end
    mov r14, rax
    mov r15, r14
    sub r15, rbx                         ; blocks in the run
    mov rcx, [r13]
    test ecx, HDR_MARK
    jz .freelarge
    and rcx, ~HDR_MARK
    mov [r13], rcx
    mov rcx, r15
    shl rcx, BLOCK_SHIFT
    add [bp_rt_gc_live], rcx
    lea rbx, [r14 - 1]
    jmp .nextblock
.freelarge:
    lea rax, [bp_rt_heap_class]
    lea rdi, [rax + rbx]
    mov rcx, r15
    xor eax, eax
    rep stosb                            ; its blocks are free again
    mov rsi, r15
    shl rsi, BLOCK_SHIFT
    mov rax, [bp_rt_gc_retained]
    add rax, rsi
    cmp rax, RETAIN_MAX
    ja .release
    mov [bp_rt_gc_retained], rax         ; kept for the next large allocations
    jmp .freed
.release:
    mov rdi, r13
    call bp_rt_release
.freed:
    lea rbx, [r14 - 1]
.nextblock:
    inc rbx
    jmp .block
.done:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret
ENDFUNC

; Gives the pages of [rdi, rdi + rsi) back to the kernel; they read as zero afterwards.
FUNC bp_rt_release
    mov edx, MADV_DONTNEED
    mov eax, SYS_MADVISE
    syscall
    ret
ENDFUNC
