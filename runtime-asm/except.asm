; Exceptions: throw unwinds through the frame-pointer chain to the innermost handler that
; protects the call site in some frame, using the program's handler table (bp_handlers: start,
; end, entry, rsp offset from rbp; innermost first within a function). Functions with handlers
; keep their VM registers in their frame and save all callee-saved registers, so restoring rbp
; and rsp is all a handler needs. With no handler the exception is the runtime error
; "unhandled exception: <message>" at the throw, reported from the throw's own frame (rsp and rbp
; as the throw found them), so the traceback is the chain at the throw.

extern bp_handlers
extern bp_handlers_count

BSS bp_rt_throw_rsp, 8, 8
BSS bp_rt_throw_rbp, 8, 8

; bp_rt_throw(rdi = message string, rsi = "file:line" of the throw): never returns.
FUNC bp_rt_throw
    mov [bp_rt_throw_rsp], rsp
    mov [bp_rt_throw_rbp], rbp
    mov r12, rdi
    mov r13, rsi
    mov r8, [rsp]                        ; return address into the throwing function
    mov r9, rbp                          ; its frame
.frame:
    lea r10, [r8 - 1]                    ; inside the call instruction
    lea rcx, [bp_handlers]
    mov rdx, [bp_handlers_count]
.entry:
    test rdx, rdx
    jz .caller
    cmp r10, [rcx + HR_START]
    jb .skip
    cmp r10, [rcx + HR_END]
    jae .skip
    mov rbp, r9                          ; found: resume in that frame
    lea rsp, [r9]
    add rsp, [rcx + HR_RSP_OFFSET]
    mov rax, r12
    jmp [rcx + HR_ENTRY]
.skip:
    add rcx, HR_SIZE
    dec rdx
    jmp .entry
.caller:
    test r9, r9
    jz .uncaught
    mov r8, [r9 + 8]
    mov r9, [r9]
    test r9, r9                          ; _start's frame: no BetterPython code above
    jz .uncaught
    jmp .frame
.uncaught:                               ; the error is the throw's: its return address on top
    mov rsp, [bp_rt_throw_rsp]
    mov rbp, [bp_rt_throw_rbp]
    mov edi, ERR_UNHANDLED
    mov rsi, r13
    mov rdx, r12
    jmp bp_rt_error
ENDFUNC

; bp_rt_throw_next(r9 = a frame that does not catch, r12 = message, r13 = location): the search
; goes on at its caller. (The native interpreter's frames look at their own handlers when the
; search reaches them, and come back here without touching the stack below them, which still
; holds the chain at the throw.)
FUNC bp_rt_throw_next
    jmp bp_rt_throw.caller
ENDFUNC
