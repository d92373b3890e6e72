// .debug_line (DWARF 5): the line number program mapping every instruction of the compiled
// functions to its .bp line — one sequence per function, a row wherever the line changes. Rows
// of the function body are statements (where `break file:line`, `step` and `next` stop; the
// first after the prologue marked prologue_end); the out-of-line error paths after the body keep
// their error's line but are no statements.
import { ByteWriter, DW } from './writer.js';

export interface LineSequence {
  addr: number;
  size: number;
  /** Index into the file table. */
  file: number;
  rows: { offset: number; line: number; stmt: boolean; prologueEnd?: boolean }[];
}

const LINE_BASE = -5, LINE_RANGE = 14, OPCODE_BASE = 13;
const STANDARD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];

/** `files[0]` is the compilation unit's primary source file; paths relative to `compDir`. */
export function debugLine(compDir: string, files: string[], sequences: LineSequence[]): Uint8Array {
  const w = new ByteWriter();
  w.unit(() => {
    w.u16(5).u8(8).u8(0);
    const header = new ByteWriter();
    header.u8(1).u8(1).u8(1).u8(LINE_BASE & 0xff).u8(LINE_RANGE).u8(OPCODE_BASE);
    for (const n of STANDARD_LENGTHS) header.u8(n);
    // directories: (path as an inline string); files: (path, directory index)
    header.u8(1).uleb(DW.LNCT.path).uleb(DW.FORM.string).uleb(1).cstr(compDir);
    header.u8(2).uleb(DW.LNCT.path).uleb(DW.FORM.string).uleb(DW.LNCT.directory_index).uleb(DW.FORM.udata);
    header.uleb(files.length);
    for (const f of files) header.cstr(f).uleb(0);
    const h = header.done();
    w.u32(h.length).bytes(h);
    for (const s of sequences) sequence(w, s);
  });
  return w.done();
}

function sequence(w: ByteWriter, s: LineSequence): void {
  w.u8(0).uleb(9).u8(DW.LNE.set_address).u64(s.addr);
  w.u8(DW.LNS.set_file).uleb(s.file);
  let offset = 0, line = 1, stmt = true;
  for (const r of s.rows) {
    if (r.offset >= s.size) break;
    if (r.offset > offset) w.u8(DW.LNS.advance_pc).uleb(r.offset - offset);
    if (r.line !== line) w.u8(DW.LNS.advance_line).sleb(r.line - line);
    if (r.stmt !== stmt) w.u8(DW.LNS.negate_stmt);
    if (r.prologueEnd) w.u8(DW.LNS.set_prologue_end);
    w.u8(DW.LNS.copy);
    [offset, line, stmt] = [r.offset, r.line, r.stmt];
  }
  w.u8(DW.LNS.advance_pc).uleb(s.size - offset);
  w.u8(0).uleb(1).u8(DW.LNE.end_sequence);
}
