; Tracebacks of built executables: bp_rt_error prints the call chain before its error line,
; walking the frame-pointer chain and naming each frame from the program's line table
; (bp_line_table, written by src/driver/linetable.ts). The rules and texts are those of
; src/bytecode/traceback.ts, which the VM and the in-process tier use: runs of identical frames
; print once with a count; of more than TRACE_GROUPS runs, the outermost and innermost
; TRACE_EDGE; nothing for a single frame.
;
; bp_line_table: dq count, then per function (ascending addresses) 40 bytes of dwords, the
; addresses relative to the field holding them: code, code size, read-only data (its constants,
; among them its "file:line" strings), its size, name, file (C strings), line rows, row count;
; a row is (offset in the code, line); then (rel) loc rows and their count. A line with the top
; bit set is a chain of inline frames (src/driver/linetable.ts), and so is a loc row's: the
; "file:line" string at that offset of the constants belongs to inlined code.

extern bp_line_table

; (its record's fields LT_*: layout.inc, from src/driver/linetable.ts)

; a run of frames: its record, line and count
%define TB_GROUP 24
%define TB_OUT_SIZE 4096

; bp_rt_tb_vars
%define TB_NINNER 0                    ; runs in the inner window
%define TB_NOUTER 8                    ; runs ever put in the outer window (a ring)
%define TB_GROUPS 16
%define TB_FRAMES 24
%define TB_OMITTED 32                  ; frames of the runs pushed out of the outer window
%define TB_LAST 40                     ; the last run
%define TB_DROP 48                     ; drop the next frame (a prologue's stack overflow)
%define TB_LOC 56                      ; the error's location (a string object), once known
%define TB_PC 64                       ; the last return address looked up, and what it gave
%define TB_PC_REC 72
%define TB_PC_LINE 80
%define TB_VARS 88

; PUT name: the text bp_rt_tb_<name> (errors.inc) onto the output.
%macro PUT 1
    lea rsi, [bp_rt_tb_%1]
    mov edx, bp_rt_tb_%1.len
    call .put
%endmacro

; PUT_FIELD field: the C string field of the run's record (rbx) refers to; PUT_BYTE label: a byte.
%macro PUT_FIELD 1
    mov rax, [rbx]
    movsxd rsi, dword [rax + %1]
    lea rsi, [rax + %1 + rsi]
    call .cstr
%endmacro
%macro PUT_BYTE 1
    lea rsi, [%1]
    mov edx, 1
    call .put
%endmacro

section .rodata.bp_rt_tb_texts progbits alloc noexec nowrite align=8
TRACE_TEXTS

BSS bp_rt_tb_vars, TB_VARS, 8
BSS bp_rt_tb_inner, TRACE_EDGE * TB_GROUP, 8
BSS bp_rt_tb_outer, TRACE_EDGE * TB_GROUP, 8
BSS bp_rt_tb_out, 8 + TB_OUT_SIZE, 8      ; length, then the bytes waiting for stderr
BSS bp_rt_tb_where, 16 + 512, 8           ; a string object: the location found for an overflow
BSS bp_rt_tail_trips, 8, 8                ; the trips a self-call loop made before it overflowed

; bp_rt_traceback(edi = error id, rsi = location string or 0, rdx = the return address on top of
; the stack when the error was raised, rcx = rbp then) → rax = the location (rsi, or for a stack
; overflow raised by a prologue the caller's call, or 0). Prints the traceback on stderr.
FUNC bp_rt_traceback
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    mov ebp, edi
    mov r12, rsi                         ; the location
    mov r13, rdx                         ; a return address into the owner of frame r14
    mov r14, rcx
    lea rdi, [bp_rt_tb_vars]
    xor eax, eax
    mov ecx, TB_VARS / 8
    rep stosq
    mov qword [bp_rt_tb_out], 0
    mov [bp_rt_tb_vars + TB_LOC], r12
    cmp ebp, ERR_STACK_OVERFLOW          ; a prologue's overflow: the callee's frame is not shown
    jne .nodrop
    test r12, r12
    jnz .nodrop
    mov qword [bp_rt_tb_vars + TB_DROP], 1
.nodrop:
    mov r15d, 1                          ; the first frame
.walk:
    mov rax, r14                         ; a frame on the program's stack, or the chain ends
    test al, 7
    jnz .walked
    mov rcx, [bp_rt_stack_base]
    add rcx, 4096
    cmp rax, rcx
    jb .walked
    add rax, 16
    cmp rax, [bp_rt_stack_top]
    ja .walked
    lea rdi, [r13 - 1]                   ; (inside the call: a call can end a function)
    call .frame_of
    test rax, rax
    jz .not_ours
    mov rdi, rax
    mov esi, edx
    call .add_frames
    test r15d, r15d
    jz .next
    ; the innermost frame: a self-call loop that overflowed stands for a frame per trip
    mov rax, [bp_rt_tail_trips]
    test rax, rax
    jz .next
    mov qword [bp_rt_tail_trips], 0
    add [bp_rt_tb_vars + TB_FRAMES], rax
    mov rcx, [bp_rt_tb_vars + TB_LAST]
    add [rcx + 16], rax
    jmp .next
.not_ours:                               ; the runtime raised it for compiled code: the
    test r15d, r15d                      ; location's owner is the innermost frame
    jz .next
    test r12, r12
    jz .next
    call .owner_of_location
    test rax, rax
    jz .next
    mov rdi, rax
    call .location_line
    call .location_chain
    call .add_frames
.next:
    xor r15d, r15d
    mov rax, [r14]
    cmp rax, r14
    jbe .walked
    mov r13, [r14 + 8]
    mov r14, rax
    jmp .walk
.walked:
    cmp qword [bp_rt_tb_vars + TB_FRAMES], 2
    jb .done
    PUT header
    mov rbx, [bp_rt_tb_vars + TB_NOUTER]  ; the outer window, outermost first
    mov r12, rbx
    sub r12, TRACE_EDGE
    jae .outer
    xor r12d, r12d
.outer:
    cmp rbx, r12
    jbe .outer_done
    dec rbx
    mov rax, rbx
    xor edx, edx
    mov ecx, TRACE_EDGE
    div rcx
    imul rdi, rdx, TB_GROUP
    lea rax, [bp_rt_tb_outer]
    add rdi, rax
    call .group
    jmp .outer
.outer_done:
    cmp qword [bp_rt_tb_vars + TB_GROUPS], TRACE_GROUPS
    jbe .inner_start
    PUT omitted
    mov rdi, [bp_rt_tb_vars + TB_OMITTED]
    call .number
    PUT omittedEnd
.inner_start:
    mov rbx, [bp_rt_tb_vars + TB_NINNER]
.inner:
    test rbx, rbx
    jz .flush
    dec rbx
    imul rdi, rbx, TB_GROUP
    lea rax, [bp_rt_tb_inner]
    add rdi, rax
    call .group
    jmp .inner
.flush:
    call .write
.done:
    mov rax, [bp_rt_tb_vars + TB_LOC]
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; .frame_of(rdi = code address) → rax = its function's record (0: none), edx = its line. The
; last answer is kept: deep recursion asks the same return address millions of times.
.frame_of:
    cmp rdi, [bp_rt_tb_vars + TB_PC]
    jne .look
    mov rax, [bp_rt_tb_vars + TB_PC_REC]
    mov edx, [bp_rt_tb_vars + TB_PC_LINE]
    ret
.look:
    mov [bp_rt_tb_vars + TB_PC], rdi
    mov qword [bp_rt_tb_vars + TB_PC_REC], 0
    lea r8, [bp_line_table + 8]
    xor ecx, ecx                         ; binary search: the last record starting at or below
    mov r9, [bp_line_table]
    xor r10d, r10d                       ; the candidate
.bisect:
    cmp rcx, r9
    jae .bisected
    lea rax, [rcx + r9]
    shr rax, 1
    imul r11, rax, LT_SIZE
    add r11, r8
    movsxd rsi, dword [r11 + LT_CODE]
    add rsi, r11
    cmp rsi, rdi
    ja .below
    mov r10, r11
    lea rcx, [rax + 1]
    jmp .bisect
.below:
    mov r9, rax
    jmp .bisect
.bisected:
    xor eax, eax
    xor edx, edx
    test r10, r10
    jz .found
    movsxd rsi, dword [r10 + LT_CODE]
    add rsi, r10
    sub rdi, rsi                         ; the offset in the function
    mov ecx, [r10 + LT_CODE_SIZE]
    cmp rdi, rcx
    jae .found
    movsxd r8, dword [r10 + LT_ROWS]
    lea r8, [r10 + LT_ROWS + r8]
    mov ecx, [r10 + LT_NROWS]
    xor r9d, r9d
.row:                                    ; the last row at or before the offset
    cmp r9, rcx
    jae .rowed
    cmp edi, [r8 + r9*8]
    jb .rowed
    mov edx, [r8 + r9*8 + 4]
    inc r9
    jmp .row
.rowed:
    mov rax, r10
    mov [bp_rt_tb_vars + TB_PC_REC], rax
    mov [bp_rt_tb_vars + TB_PC_LINE], edx
.found:
    ret

; .owner_of_location (r12 = a location string) → rax = the record whose constants hold it, or 0.
.owner_of_location:
    lea rax, [bp_line_table + 8]
    mov rcx, [bp_line_table]
.owner:
    test rcx, rcx
    jz .no_owner
    movsxd rdx, dword [rax + LT_RODATA]
    lea rdx, [rax + LT_RODATA + rdx]
    cmp r12, rdx
    jb .not_owner
    mov esi, [rax + LT_RODATA_SIZE]
    add rdx, rsi
    cmp r12, rdx
    jb .owned
.not_owner:
    add rax, LT_SIZE
    dec rcx
    jmp .owner
.no_owner:
    xor eax, eax
.owned:
    ret

; .location_line (r12 = "file:line" string object) → esi = the line.
.location_line:
    mov rcx, [r12 + STR_LEN]
    lea r8, [r12 + STR_DATA]
    mov r9, rcx
.back:                                   ; the digits after the last ':'
    test r9, r9
    jz .digits
    cmp byte [r8 + r9 - 1], ':'
    je .digits
    dec r9
    jmp .back
.digits:
    xor esi, esi
.digit:
    cmp r9, rcx
    jae .line_done
    movzx eax, byte [r8 + r9]
    sub eax, '0'
    imul esi, esi, 10
    add esi, eax
    inc r9
    jmp .digit
.line_done:
    ret

; .location_chain(rdi = record, r12 = a location string in its constants, esi = its line) →
; esi = the chain of inline frames the string names (its loc rows), else the line unchanged.
.location_chain:
    mov ecx, [rdi + LT_NLOCS]
    test ecx, ecx
    jz .no_chain
    movsxd rdx, dword [rdi + LT_RODATA]
    lea rdx, [rdi + LT_RODATA + rdx]
    mov r8, r12
    sub r8, rdx                          ; the string's offset in the constants
    movsxd r9, dword [rdi + LT_LOCS]
    lea r9, [rdi + LT_LOCS + r9]
.loc_row:
    cmp r8d, [r9]
    jne .loc_next
    mov esi, [r9 + 4]
    ret
.loc_next:
    add r9, 8
    dec ecx
    jnz .loc_row
.no_chain:
    ret

; .add_frames(rdi = record, esi = line, or INLINE_CHAIN | a chain's offset in bp_line_table):
; the frame, or for code inlined from other functions each frame of the chain, innermost first
; (a count, then per frame its record's number and its line).
.add_frames:
    test esi, esi
    jns .add
    push rbx
    push rbp
    and esi, 0x7fffffff
    lea rbx, [bp_line_table]
    add rbx, rsi
    mov ebp, [rbx]
.chain:
    test ebp, ebp
    jz .chained
    add rbx, 8
    mov eax, [rbx - 4]
    imul rdi, rax, LT_SIZE
    lea rax, [bp_line_table + 8]
    add rdi, rax
    mov esi, [rbx]
    call .add
    dec ebp
    jmp .chain
.chained:
    pop rbp
    pop rbx
    ret

; .add(rdi = record, esi = line): the next frame outward.
.add:
    cmp qword [bp_rt_tb_vars + TB_DROP], 0
    je .keep
    mov qword [bp_rt_tb_vars + TB_DROP], 0
    ret
.keep:
    cmp qword [bp_rt_tb_vars + TB_LOC], 0
    jne .located
    push rdi
    push rsi
    call .locate
    pop rsi
    pop rdi
.located:
    inc qword [bp_rt_tb_vars + TB_FRAMES]
    mov rax, [bp_rt_tb_vars + TB_LAST]
    test rax, rax
    jz .new_run
    cmp rdi, [rax]
    jne .new_run
    cmp esi, [rax + 8]
    jne .new_run
    inc qword [rax + 16]
    ret
.new_run:
    inc qword [bp_rt_tb_vars + TB_GROUPS]
    mov rax, [bp_rt_tb_vars + TB_NINNER]
    cmp rax, TRACE_EDGE
    jae .to_outer
    inc qword [bp_rt_tb_vars + TB_NINNER]
    imul rax, rax, TB_GROUP
    lea rcx, [bp_rt_tb_inner]
    add rax, rcx
    jmp .run
.to_outer:
    push rdx
    mov rax, [bp_rt_tb_vars + TB_NOUTER]
    inc qword [bp_rt_tb_vars + TB_NOUTER]
    xor edx, edx
    mov ecx, TRACE_EDGE
    div rcx                              ; rax = nouter / EDGE: the ring has wrapped when nonzero
    imul rcx, rdx, TB_GROUP
    lea rdx, [bp_rt_tb_outer]
    add rcx, rdx
    test rax, rax
    jz .fresh
    mov rdx, [rcx + 16]                  ; the outermost-but-twenty run leaves the window
    add [bp_rt_tb_vars + TB_OMITTED], rdx
.fresh:
    mov rax, rcx
    pop rdx
.run:
    mov [rax], rdi
    mov [rax + 8], rsi
    mov qword [rax + 16], 1
    mov [bp_rt_tb_vars + TB_LAST], rax
    ret

; .locate(rdi = record, esi = line): bp_rt_tb_where = "file:line", the error's location.
.locate:
    push rbx
    lea rbx, [bp_rt_tb_where + STR_DATA]
    movsxd rax, dword [rdi + LT_FILE]
    lea rax, [rdi + LT_FILE + rax]
.copy:
    mov cl, [rax]
    test cl, cl
    jz .copied
    mov [rbx], cl
    inc rax
    inc rbx
    lea rcx, [bp_rt_tb_where + 16 + 480]
    cmp rbx, rcx
    jb .copy
.copied:
    mov byte [rbx], ':'
    inc rbx
    mov edi, esi
    mov rsi, rbx
    call bp_rt_fmt_i64
    add rbx, rax
    mov byte [rbx], 0
    lea rax, [bp_rt_tb_where]
    sub rbx, rax
    sub rbx, STR_DATA
    mov [rax + STR_LEN], rbx
    mov rcx, HDR_STATIC | TAG_STR
    mov [rax], rcx
    mov [bp_rt_tb_vars + TB_LOC], rax
    pop rbx
    ret

; .group(rdi = a run): "  file:line in name", and how often it repeats.
.group:
    push rbx
    mov rbx, rdi
    PUT indent
    PUT_FIELD LT_FILE
    PUT_BYTE .colon
    mov edi, [rbx + 8]
    call .number
    PUT in
    PUT_FIELD LT_NAME
    PUT_BYTE .newline
    mov rdi, [rbx + 16]
    dec rdi
    jz .once
    push rdi
    PUT repeated
    pop rdi
    call .number
    PUT repeatedEnd
.once:
    pop rbx
    ret

; .number(rdi): its decimal digits.
.number:
    sub rsp, 40
    mov rsi, rsp
    call bp_rt_fmt_i64
    mov rsi, rsp
    mov rdx, rax
    call .put
    add rsp, 40
    ret

; .cstr(rsi = a NUL-terminated string)
.cstr:
    xor edx, edx
.len:
    cmp byte [rsi + rdx], 0
    je .put
    inc rdx
    jmp .len

; .put(rsi, rdx = length): onto the output, written out when full.
.put:
    mov rax, [bp_rt_tb_out]
    lea rcx, [rax + rdx]
    cmp rcx, TB_OUT_SIZE
    jbe .append
    push rsi
    push rdx
    call .write
    pop rdx
    pop rsi
    cmp rdx, TB_OUT_SIZE
    ja .direct
    xor eax, eax
.append:
    lea rdi, [bp_rt_tb_out + 8]
    add rdi, rax
    add rax, rdx
    mov [bp_rt_tb_out], rax
    mov rcx, rdx
    rep movsb
    ret
.direct:
    mov edi, 2
    jmp bp_rt_write_all

.write:
    mov edi, 2
    lea rsi, [bp_rt_tb_out + 8]
    mov rdx, [bp_rt_tb_out]
    mov qword [bp_rt_tb_out], 0
    jmp bp_rt_write_all
ENDFUNC
FUNCDATA
.colon: db ':'
.newline: db 10
