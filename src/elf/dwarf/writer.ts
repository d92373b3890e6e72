// Bytes of DWARF sections: little-endian integers, LEB128, strings, and units whose length
// field is patched when they are done; and the DWARF 5 constants bpjit uses (DWARF 5 standard,
// section 7).

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(v: number): this { this.room(1); this.buf[this.length++] = v & 0xff; return this; }
  u16(v: number): this { return this.u8(v).u8(v >> 8); }
  u32(v: number): this { this.room(4); new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, true); this.length += 4; return this; }
  u64(v: number | bigint): this { this.room(8); new DataView(this.buf.buffer).setBigUint64(this.length, BigInt.asUintN(64, BigInt(v)), true); this.length += 8; return this; }
  uleb(v: number | bigint): this {
    let x = BigInt(v);
    do { let b = Number(x & 0x7fn); x >>= 7n; if (x) b |= 0x80; this.u8(b); } while (x);
    return this;
  }
  sleb(v: number | bigint): this {
    let x = BigInt(v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && !(b & 0x40)) || (x === -1n && b & 0x40);
      this.u8(done ? b : b | 0x80);
      if (done) return this;
    }
  }
  /** A NUL-terminated string (UTF-8). */
  cstr(s: string): this { return this.bytes(Buffer.from(s + '\0', 'utf8')); }
  bytes(b: Uint8Array): this { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; return this; }
  patch32(at: number, v: number): void { new DataView(this.buf.buffer).setUint32(at, v >>> 0, true); }
  /** A unit: a 32-bit length, then what `body` writes (the length counts from after the field). */
  unit(body: () => void): this {
    const at = this.length;
    this.u32(0);
    body();
    this.patch32(at, this.length - at - 4);
    return this;
  }
  /** An expression or a block: its length (uleb), then the bytes `body` writes. */
  block(body: (w: ByteWriter) => void): this {
    const w = new ByteWriter();
    body(w);
    return this.uleb(w.length).bytes(w.done());
  }
  done(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** Interned strings of .debug_str. */
export class StringSection {
  readonly w = new ByteWriter();
  private readonly at = new Map<string, number>();
  offset(s: string): number {
    let o = this.at.get(s);
    if (o === undefined) { o = this.w.length; this.w.cstr(s); this.at.set(s, o); }
    return o;
  }
}

export const DW = {
  TAG: { array_type: 0x01, formal_parameter: 0x05, lexical_block: 0x0b, member: 0x0d, pointer_type: 0x0f, compile_unit: 0x11, structure_type: 0x13, subrange_type: 0x21, base_type: 0x24, subprogram: 0x2e, variable: 0x34, unspecified_type: 0x3b },
  AT: {
    location: 0x02, name: 0x03, byte_size: 0x0b, stmt_list: 0x10, low_pc: 0x11, high_pc: 0x12, language: 0x13, comp_dir: 0x1b, producer: 0x25,
    lower_bound: 0x22, count: 0x37, data_member_location: 0x38, decl_file: 0x3a, decl_line: 0x3b, encoding: 0x3e, external: 0x3f, frame_base: 0x40, type: 0x49,
    main_subprogram: 0x6a, linkage_name: 0x6e,
  },
  FORM: {
    addr: 0x01, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, data1: 0x0b, udata: 0x0f, strp: 0x0e, ref4: 0x13, sec_offset: 0x17,
    exprloc: 0x18, flag_present: 0x19,
  },
  ATE: { boolean: 0x02, float: 0x04, signed: 0x05, unsigned: 0x07, unsigned_char: 0x08 },
  OP: { addr: 0x03, deref: 0x06, minus: 0x1c, lit0: 0x30, reg0: 0x50, breg0: 0x70, regx: 0x90, fbreg: 0x91, push_object_address: 0x97, call_frame_cfa: 0x9c },
  LLE: { end_of_list: 0x00, start_length: 0x08 },
  LNS: { copy: 1, advance_pc: 2, advance_line: 3, set_file: 4, negate_stmt: 6, const_add_pc: 8, set_prologue_end: 10 },
  LNE: { end_sequence: 1, set_address: 2 },
  LNCT: { path: 1, directory_index: 2 },
  CFA: {
    advance_loc: 0x40, offset: 0x80, restore: 0xc0, advance_loc1: 0x02, advance_loc2: 0x03, advance_loc4: 0x04, undefined: 0x07, same_value: 0x08,
    def_cfa: 0x0c,
  },
  UT_compile: 0x01,
  /** DW_LANG_Python: the closest language DWARF names. */
  LANG_Python: 0x14,
} as const;

/** DWARF register numbers of the x86-64 registers, by their encoding (rax 0 … r15 15). */
export const DWARF_GPR = [0, 2, 1, 3, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15];
export const DWARF_RIP = 16;
export const DWARF_XMM0 = 17;
/** DWARF register numbers by name (the runtime's call frame table names registers). */
export const DWARF_REG: Record<string, number> = {
  rax: 0, rdx: 1, rcx: 2, rbx: 3, rsi: 4, rdi: 5, rbp: 6, rsp: 7, r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
};
