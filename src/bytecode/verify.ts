// Verifier: checks that a BytecodeModule (typically read from a .bpc file) is something the VM
// and the lowering can run without crashing: every opcode known, every operand in range, jump
// targets on instruction boundaries, registers of the kind each opcode expects, handler tables
// sane, and no path running off the end of a function. Returns a list of problems.
import { BUILTINS } from '../lang/builtins.js';
import { parseFormatSpec } from '../lang/format-spec.js';
import type { BytecodeModule } from './module.js';
import { OPS, Op } from './opcodes.js';

/** Register kinds expected by the fixed operands of some opcodes (i int, f float, b bool, r ref, - any). */
const KINDS: Record<string, string> = {
  loadi: 'i', loadb: 'b', loadnull: 'r',
  add_i: 'iii', sub_i: 'iii', mul_i: 'iii', div_i: 'iii', mod_i: 'iii', neg_i: 'ii', addk_i: 'ii',
  and_i: 'iii', or_i: 'iii', xor_i: 'iii', shl_i: 'iii', shr_i: 'iii', not_i: 'ii',
  add_f: 'fff', sub_f: 'fff', mul_f: 'fff', div_f: 'fff', mod_f: 'fff', neg_f: 'ff',
  eq_f: 'bff', ne_f: 'bff', lt_i: 'bii', le_i: 'bii', gt_i: 'bii', ge_i: 'bii',
  lt_f: 'bff', le_f: 'bff', gt_f: 'bff', ge_f: 'bff', not: 'bb', concat: 'rrr', eq_s: 'brr', ne_s: 'brr',
  eq_r: 'brr', ne_r: 'brr', i2f: 'fi', f2i: 'if', jt: 'b', jf: 'b',
  jlt_i: 'ii', jle_i: 'ii', jgt_i: 'ii', jge_i: 'ii',
  aget_i: 'iri', aget_f: 'fri', aget_b: 'bri', aget_r: 'rri', aset_i: 'rii', aset_f: 'rif', aset_b: 'rib', aset_r: 'rir',
  alen: 'ir', mget: '-r-', mset: 'r--', getf: '-r', setf: 'r-', tget: '-r', tostr: 'r-', fmt: 'r-', strlen: 'ir', throw: 'r',
  newarr: 'r', newmap: 'r', newstruct: 'r', newobj: 'r', newtuple: 'r', closure: 'r', funcref: 'r', callv: '-r',
};
const ARRAY_DESC: Record<string, string> = { aget_i: '[i]', aget_f: '[f]', aget_b: '[b]', aset_i: '[i]', aset_f: '[f]', aset_b: '[b]' };
const KIND_LETTER = 'ifbr';
const TERMINATORS = new Set([Op.ret, Op.retv, Op.jmp, Op.loop, Op.throw, Op.rterr]);
const BUILTIN_IDS = new Set([...BUILTINS.values()].map((b) => b.id));

export function verifyModule(mod: BytecodeModule): string[] {
  const problems: string[] = [];
  const nf = mod.functions.length;
  const maxSlots = Math.max(0, ...mod.classes.map((c) => c.vtable.length));
  mod.consts.forEach((c, i) => {
    if (c.tag === 'spec' && typeof parseFormatSpec(c.value, 'error') === 'string') problems.push(`constant ${i}: bad format spec`);
  });
  for (const [fi, f] of mod.functions.entries()) {
    const bad = (msg: string) => problems.push(`function ${fi} (${f.name}): ${msg}`);
    const nregs = f.regKinds.length;
    if (f.regTypes.length !== nregs) bad('register tables disagree');
    if (f.regKinds.some((k) => k > 3)) bad('bad register kind');
    if (f.arity > nregs || f.ncaps > f.arity) bad('bad arity');
    if (f.lines.length !== f.code.length) bad('line table length');
    if (f.file >= mod.files.length) bad('bad file index');
    const starts = new Set<number>();
    const targets: number[] = [];
    let pc = 0;
    let last = -1;
    while (pc < f.code.length) {
      starts.add(pc);
      const op = f.code[pc];
      const def = OPS[op];
      if (!def) { bad(`unknown opcode ${op} at ${pc}`); break; }
      let p = pc + 1;
      const regOps: number[] = [];
      const take = (): number | null => (p < f.code.length ? f.code[p++] : null);
      let ok = true;
      for (const letter of def.ops) {
        if (letter === '*' || letter === '%') {
          const n = take();
          if (n === null || n < 0 || p + n * (letter === '%' ? 2 : 1) > f.code.length) { ok = false; break; }
          for (let i = 0; i < n; i++) {
            const r = take()!;
            if (r < 0 || r >= nregs) bad(`register r${r} out of range at ${pc}`);
            if (letter === '%') { const k = take()!; if (!(k >= 0 && k < mod.consts.length && mod.consts[k].tag === 'type')) bad(`bad type constant at ${pc}`); }
          }
          continue;
        }
        const v = take();
        if (v === null) { ok = false; break; }
        switch (letter) {
          case 'd': case 'r':
            if (v < 0 || v >= nregs) bad(`register r${v} out of range at ${pc}`);
            else regOps.push(v);
            break;
          case 'k': if (!(v >= 0 && v < mod.consts.length) && !(v === -1 && op === Op.callb)) bad(`constant ${v} out of range at ${pc}`); break;
          case 'j': targets.push(v); break;
          case 'f': if (v < 0 || v >= (op === Op.callx ? mod.externs.length : nf)) bad(`function ${v} out of range at ${pc}`); break;
          case 'b': if (!BUILTIN_IDS.has(v)) bad(`unknown builtin ${v} at ${pc}`); break;
          case 'g': if (v < 0 || v >= mod.globals.length) bad(`global ${v} out of range at ${pc}`); break;
          case 't': if (v < 0 || v >= (op === Op.newobj ? mod.classes.length : mod.structs.length)) bad(`layout ${v} out of range at ${pc}`); break;
          case 'x': if (v < 0 || v > 3) bad(`bad element kind at ${pc}`); break;
          case 's': if (v < 0 || v >= maxSlots) bad(`vtable slot ${v} out of range at ${pc}`); break;
        }
      }
      if (!ok) { bad(`instruction at ${pc} runs past the end`); break; }
      const kinds = KINDS[def.name];
      if (kinds) {
        for (let i = 0; i < kinds.length && i < regOps.length; i++) {
          if (kinds[i] !== '-' && KIND_LETTER[f.regKinds[regOps[i]]] !== kinds[i]) bad(`${def.name} at ${pc}: r${regOps[i]} has the wrong kind`);
        }
      }
      const arrDesc = ARRAY_DESC[def.name];
      if (arrDesc && regOps.length >= 2) {
        const arr = def.name.startsWith('aget') ? regOps[1] : regOps[0];
        if (f.regTypes[arr] !== arrDesc) bad(`${def.name} at ${pc}: r${arr} is not ${arrDesc}`);
      }
      if (op === Op.newstruct) {
        const t = f.code[pc + 2], n = f.code[pc + 3];
        if (mod.structs[t] && mod.structs[t].fields.length !== n) bad(`newstruct at ${pc}: wrong field count`);
      }
      if (op === Op.call) {
        const callee = mod.functions[f.code[pc + 2]];
        if (callee && (callee.arity !== f.code[pc + 3] || callee.ncaps !== 0)) bad(`call at ${pc}: wrong argument count for ${callee.name}`);
      }
      last = op;
      pc = p;
    }
    for (const t of targets) if (!starts.has(t)) bad(`jump target ${t} is not an instruction`);
    if (f.code.length > 0 && !TERMINATORS.has(last)) bad('code can run past the end of the function');
    if (f.code.length === 0) bad('empty function');
    for (const h of f.handlers) {
      if (!(h.start <= h.end && h.end <= f.code.length && starts.has(h.target) && h.reg < nregs && h.reg >= -1)) bad('bad exception handler');
    }
  }
  for (const [i, c] of mod.classes.entries()) {
    if (c.base >= mod.classes.length || c.base >= i && c.base !== -1 && mod.classes[c.base].base === i) problems.push(`class ${c.name}: bad base`);
    if (c.vtable.some((f) => f < 0 || f >= nf)) problems.push(`class ${c.name}: bad vtable`);
    if (c.initSlot >= c.vtable.length) problems.push(`class ${c.name}: bad init slot`);
  }
  if (mod.entry >= nf || mod.entry < -1) problems.push('bad entry function');
  else if (mod.entry >= 0 && mod.functions[mod.entry].arity !== 0) problems.push('the entry function takes parameters');
  if (mod.init >= nf || mod.init < -1) problems.push('bad init function');
  return problems;
}
