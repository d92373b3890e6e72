// Lowerings of the heap instructions: arrays (bounds-checked element access inline), maps
// (runtime calls), struct-shaped objects — structs, tuples, class instances, function values —
// and structural equality. Objects come from the runtime's allocators (runtime-asm), which
// return null when memory is exhausted; the layouts are abi.ts's.
import { Kind, O } from '../bytecode/opcodes.js';
import { kindOfDesc } from '../bytecode/module.js';
import { mapDescs, splitDescs } from '../bytecode/tdesc.js';
import { Gp64, Mem, eax, edi, esi, qword, rax, rcx, rdi, rdx, rip, rsi, sym, xmm0, xmm1 } from '../x64/index.js';
import { CLOSURE_CAPS, ERR, RT, fnSymbol } from './abi.js';
import { ARRAY, STR, STRUCT, TAG, mapHeaderWord, objectHeaderWord } from './heap.js';
import { regList, rows, type LowerTable, type Lowering, type Masm } from './masm.js';

/** The header word of a new map of type t: its tag and its key and value kinds (map.asm). */
function mapHeader(t: string): bigint {
  const [k, v] = mapDescs(t);
  return mapHeaderWord(kindOfDesc(k), kindOfDesc(v));
}

/** The bit mask of the reference-typed fields among the first 64 (the collector's map). */
function refMask(types: string[]): bigint {
  let mask = 0n;
  types.forEach((t, i) => { if (kindOfDesc(t) === Kind.Ref && i < 64) mask |= 1n << BigInt(i); });
  return mask;
}

/**
 * `access` of element `idx` of array `arr` (its address given) after the bounds check: the
 * index as it is when it is in range, and out of line, a negative index counted from the end
 * (or the index error). The array is read from its home, or loaded into rdx.
 */
function arrayElement(m: Masm, arr: number, idx: number, access: (at: Mem) => void): void {
  const { a } = m;
  const base = m.gp(arr, rdx);
  const i = m.gp(idx);
  const fromEnd = a.newLabel(), done = a.newLabel(), outOfRange = m.fail(ERR.INDEX);
  a.cmp(i, qword(base, ARRAY.len));
  a.jae(fromEnd); // unsigned: 0 <= i < len falls through
  a.mov(rdx, qword(base, ARRAY.data));
  access(qword(rdx, i, 8, 0));
  a.bind(done);
  m.later(() => {
    a.bind(fromEnd);
    if (i !== rax) a.mov(rax, i);
    a.add(rax, qword(base, ARRAY.len));
    a.cmp(rax, qword(base, ARRAY.len));
    a.jae(outOfRange);
    a.mov(rdx, qword(base, ARRAY.data));
    access(qword(rdx, rax, 8, 0));
    a.jmp(done);
  });
}

const arrayGet: Lowering = (m, pc) => {
  const d = m.code[pc + 1];
  arrayElement(m, m.code[pc + 2], m.code[pc + 3], (at) => m.load(d, at));
};

const arraySet: Lowering = (m, pc) => {
  const v = m.code[pc + 3];
  arrayElement(m, m.code[pc + 1], m.code[pc + 2], (at) => m.store(at, v, rcx, xmm1));
};

/**
 * The struct-shaped object in register x, in its home or loaded into rcx, checked not null
 * (the null error) unless an earlier access in the block did (Rewrites.checked).
 */
function object(m: Masm, pc: number, x: number): Gp64 {
  const o = m.gp(x, rcx);
  if (m.rw.checked.has(pc)) return o;
  m.a.test(o, o);
  m.a.jz(m.fail(ERR.NULL));
  return o;
}

/** d = field i of the struct-shaped object in x. */
const fieldGet: Lowering = (m, pc) => {
  const { code } = m;
  m.load(code[pc + 1], qword(object(m, pc, code[pc + 2]), STRUCT.fields + 8 * code[pc + 3]));
};

/** newarr d, kind, n, elements…: allocate, then store the elements (read after the call). */
const newArray: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], kind = code[pc + 2];
  const elements = regList(code, pc, 3);
  m.spillXmm(true);
  a.mov(edi, elements.length);
  a.mov(esi, kind === Kind.Ref ? TAG.arrayRef : TAG.array);
  a.call(sym(RT.arrayNew));
  m.spillXmm(false);
  m.checkAlloc();
  a.mov(rdx, qword(rax, ARRAY.data));
  elements.forEach((r, i) => m.store(qword(rdx, 8 * i), r, rcx));
  m.setGp(d, rax);
};

/** newmap d, type, n, key/value pairs…: an empty map, then each pair set in order. */
const newMap: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], n = code[pc + 3];
  m.spillXmm(true);
  a.mov(rdi, mapHeader(m.mod.consts[code[pc + 2]].value as string));
  a.call(sym(RT.mapNew));
  m.spillXmm(false);
  m.checkAlloc();
  m.setGp(d, rax);
  for (let i = 0; i < n; i += 2) mapSet(m, d, code[pc + 4 + i], code[pc + 5 + i]);
};

/** map[key] = value through the runtime; false is out of memory. */
function mapSet(m: Masm, map: number, key: number, value: number): void {
  m.callBits(RT.mapSet, [map, key, value]);
  m.a.test(eax, eax);
  m.a.jz(m.fail(ERR.OUT_OF_MEMORY));
}

/**
 * newobj d, class: a struct-shaped object whose header also holds the class index (for
 * dispatch and printing), fields zeroed as the VM does: 0, 0.0, false, "", empty arrays and
 * maps, null for the rest.
 */
const newObject: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], cls = code[pc + 2];
  const fields = m.mod.classes[cls].fields;
  m.spillXmm(true);
  a.mov(edi, fields.length);
  a.mov(rsi, refMask(fields.map((f) => f.type)));
  a.call(sym(RT.structNew));
  m.checkAlloc();
  a.mov(rcx, objectHeaderWord(cls));
  a.mov(qword(rax, 0), rcx);
  fields.forEach((f, i) => {
    if (f.type === 's') { a.lea(rcx, qword(rip(m.strConst('')))); a.mov(qword(rax, STRUCT.fields + 8 * i), rcx); }
    else a.mov(qword(rax, STRUCT.fields + 8 * i), 0);
  });
  m.setGp(d, rax);
  fields.forEach((f, i) => {
    if (f.type[0] === '[') {
      a.xor(edi, edi);
      a.mov(esi, kindOfDesc(f.type.slice(1, -1)) === Kind.Ref ? TAG.arrayRef : TAG.array);
      a.call(sym(RT.arrayNew));
    } else if (f.type[0] === '{') {
      a.mov(rdi, mapHeader(f.type));
      a.call(sym(RT.mapNew));
    } else return;
    m.checkAlloc();
    a.mov(rcx, m.rm(d));
    a.mov(qword(rcx, STRUCT.fields + 8 * i), rax);
  });
  m.spillXmm(false);
};

/**
 * newstruct, newtuple, closure, funcref: one struct-shaped object. Structs by their layout,
 * tuples by their descriptor "(A,B,…)"; a function value holds its code address and name
 * (not references) before the captured values.
 */
const newStruct: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const d = code[pc + 1];
  const fnValue = op === O.closure || op === O.funcref;
  const values = op === O.funcref ? [] : regList(code, pc, 3);
  const types = op === O.newtuple ? splitDescs((m.mod.consts[code[pc + 2]].value as string).slice(1, -1))
    : op === O.newstruct ? m.mod.structs[code[pc + 2]].fields.map((f) => f.type)
      : [...Array(CLOSURE_CAPS).fill('i'), ...values.map((r) => m.fn.regTypes[r])];
  m.spillXmm(true);
  a.mov(edi, types.length);
  a.mov(rsi, refMask(types));
  a.call(sym(RT.structNew));
  m.spillXmm(false);
  m.checkAlloc();
  const first = fnValue ? CLOSURE_CAPS : 0;
  if (fnValue) {
    const callee = m.mod.functions[code[pc + 2]];
    a.lea(rcx, qword(rip(sym(fnSymbol(callee.name)))));
    a.mov(qword(rax, STRUCT.fields), rcx);
    a.lea(rcx, qword(rip(m.strConst(op === O.closure ? 'lambda' : callee.name), STR.data)));
    a.mov(qword(rax, STRUCT.fields + 8), rcx);
  }
  values.forEach((r, i) => m.store(qword(rax, STRUCT.fields + 8 * (first + i)), r, rcx));
  m.setGp(d, rax);
};

/** eq_r, ne_r: the runtime compares by the operands' type descriptor. */
const equality: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const x = code[pc + 2];
  m.spillXmm(true);
  a.mov(rdi, m.rm(x));
  a.mov(rsi, m.rm(code[pc + 3]));
  a.lea(rdx, qword(rip(m.strConst(m.fn.regTypes[x]), STR.data)));
  a.call(sym(RT.equals));
  m.spillXmm(false);
  if (op === O.ne_r) a.xor(eax, 1);
  m.setGp(code[pc + 1], rax);
};

export const LOWER_HEAP: LowerTable = {
  [O.newarr]: newArray,
  [O.alen]: (m, pc) => {
    m.a.mov(rax, qword(m.gp(m.code[pc + 2], rcx), ARRAY.len));
    m.setGp(m.code[pc + 1], rax);
  },
  [O.newmap]: newMap,
  [O.mget]: (m, pc) => {
    m.callBits(RT.mapGet, [m.code[pc + 2], m.code[pc + 3]], true);
    m.setResult(m.code[pc + 1], true);
  },
  [O.mset]: (m, pc) => mapSet(m, m.code[pc + 1], m.code[pc + 2], m.code[pc + 3]),
  [O.newobj]: newObject,
  [O.getf]: fieldGet,
  [O.tget]: fieldGet,
  [O.setf]: (m, pc) => {
    const { code } = m;
    m.store(qword(object(m, pc, code[pc + 1]), STRUCT.fields + 8 * code[pc + 2]), code[pc + 3]);
  },
  [O.funcref]: newStruct,
  ...rows({ [O.newstruct]: 1, [O.newtuple]: 1, [O.closure]: 1 }, newStruct),
  ...rows({ [O.aget_i]: 1, [O.aget_f]: 1, [O.aget_b]: 1, [O.aget_r]: 1 }, arrayGet),
  ...rows({ [O.aset_i]: 1, [O.aset_f]: 1, [O.aset_b]: 1, [O.aset_r]: 1 }, arraySet),
  ...rows({ [O.eq_r]: 1, [O.ne_r]: 1 }, equality),
};
