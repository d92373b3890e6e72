// The x86-64 encoder's public face: registers, operands, the Assembler and its output types.
export * from './regs.js';
export { Label, Sym, SymAbs, Imm, Mem, rip, abs, sym, symAbs, imm8, imm16, imm32, imm64, byte, word, dword, qword, oword, xmmword, mem } from './operand.js';
export { Assembler, nopBytes, type MachineCode, type Reloc, type RelocType } from './assembler.js';
export { EncodeError, parsedForms, formsOf, encodeForm, type Form, type OpKind } from './encode.js';
export { selectForm } from './select.js';
export { instrText, operandText, memText } from './print.js';
export { FORMS, CONDITIONS } from './forms.js';
