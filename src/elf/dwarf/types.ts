// The type entries of .debug_info: BetterPython's int, float and bool as base types; a string as
// a pointer to `str` (its header, its length and its bytes, as many as the length says); an
// array as a pointer to a structure (header, length, capacity, pointer to the elements);
// structs and class instances as pointers to structures with their fields; maps, tuples and
// functions as pointers to an unspecified type named after them. Types are named as the
// language writes them ([int], {str: int}, Point).
import type { BytecodeModule } from '../../bytecode/module.js';
import { elemDesc, mapDescs, tupleDescs } from '../../bytecode/tdesc.js';
import { ARRAY, STRUCT } from '../../native/heap.js';
import type { Abbrev, DieWriter } from './die.js';
import { DW } from './writer.js';

const { TAG, AT, FORM, ATE, OP } = DW;

export const TYPE_ABBREVS = {
  base: { tag: TAG.base_type, attrs: [[AT.name, FORM.strp], [AT.encoding, FORM.data1], [AT.byte_size, FORM.data1]] },
  pointer: { tag: TAG.pointer_type, attrs: [[AT.byte_size, FORM.data1], [AT.type, FORM.ref4]] },
  structure: { tag: TAG.structure_type, children: true, attrs: [[AT.name, FORM.strp], [AT.byte_size, FORM.udata]] },
  member: { tag: TAG.member, attrs: [[AT.name, FORM.strp], [AT.type, FORM.ref4], [AT.data_member_location, FORM.udata]] },
  array: { tag: TAG.array_type, children: true, attrs: [[AT.type, FORM.ref4]] },
  dynamicRange: { tag: TAG.subrange_type, attrs: [[AT.lower_bound, FORM.data1], [AT.count, FORM.exprloc]] },
  unspecified: { tag: TAG.unspecified_type, attrs: [[AT.name, FORM.strp]] },
} as const satisfies Record<string, Abbrev>;

/** The BetterPython spelling of a type descriptor. */
export function typeName(mod: BytecodeModule, d: string): string {
  switch (d[0]) {
    case 'i': return 'int';
    case 'f': return 'float';
    case 'b': return 'bool';
    case 's': return 'str';
    case 'p': return 'ptr';
    case '[': return `[${typeName(mod, elemDesc(d))}]`;
    case '{': { const [k, v] = mapDescs(d); return `{${typeName(mod, k)}: ${typeName(mod, v)}}`; }
    case '(': return `(${tupleDescs(d).map((t) => typeName(mod, t)).join(', ')})`;
    case 'S': return mod.structs[Number(d.slice(1, -1))]?.name ?? d;
    case 'C': return mod.classes[Number(d.slice(1, -1))]?.name ?? d;
    case 'F': return 'fn';
    default: return d;
  }
}

/** Writes type entries on demand; references to types not yet written are patched at the end. */
export class TypeTable {
  private readonly at = new Map<string, number>();
  private readonly pending: { field: number; key: string }[] = [];
  private readonly queue: string[] = [];

  constructor(private readonly mod: BytecodeModule, private readonly d: DieWriter<keyof typeof TYPE_ABBREVS>) {}

  /** A reference (ref4) to the type of descriptor `desc`, written later by flush(). */
  ref(desc: string): void { this.refKey(desc); }

  private refKey(key: string): void {
    if (!this.at.has(key) && !this.queue.includes(key)) this.queue.push(key);
    this.pending.push({ field: this.d.w.length, key });
    this.d.w.u32(0);
  }

  /** Writes every type referred to (and those they refer to), then fills in the references. */
  flush(): void {
    while (this.queue.length) {
      const key = this.queue.shift()!;
      if (!this.at.has(key)) this.write(key);
    }
    for (const p of this.pending) this.d.w.patch32(p.field, this.at.get(p.key)! - this.d.unitStart);
  }

  private write(key: string): void {
    const { d, mod } = this;
    this.at.set(key, d.w.length);
    if (key[0] === '?') return d.die('unspecified', () => d.strp(key.slice(1)));
    const base = (name: string, enc: number, size: number) => d.die('base', () => { d.strp(name); d.w.u8(enc).u8(size); });
    const pointer = (to: string) => d.die('pointer', () => { d.w.u8(8); this.refKey(to); });
    const struct = (name: string, size: number, members: [string, string, number][], extra?: () => void) => {
      d.die('structure', () => { d.strp(name); d.w.uleb(size); });
      for (const [n, t, off] of members) d.die('member', () => { d.strp(n); this.refKey(t); d.w.uleb(off); });
      extra?.();
      d.end();
    };
    if (key.startsWith('#')) {
      // the structures pointers point to
      const desc = key.slice(1);
      if (desc === 's') {
        struct('str', 16, [['header', '@u64', 0], ['len', 'i', 8]], () => {
          // the bytes: as many as the length field just before them says
          d.die('member', () => { d.strp('data'); this.refKey('@chars'); d.w.uleb(16); });
        });
      } else if (desc[0] === '[') {
        struct(typeName(mod, desc), ARRAY.inline, [['header', '@u64', 0], ['len', 'i', ARRAY.len], ['cap', 'i', ARRAY.cap], ['data', `*${elemDesc(desc)}`, ARRAY.data]]);
      } else {
        const layout = desc[0] === 'S' ? mod.structs[Number(desc.slice(1, -1))] : mod.classes[Number(desc.slice(1, -1))];
        struct(layout.name, STRUCT.fields + 8 * layout.fields.length,
          [['header', '@u64', 0], ['count', 'i', STRUCT.count], ['refs', '@u64', STRUCT.refs], ...layout.fields.map((f, i): [string, string, number] => [f.name, f.type, STRUCT.fields + 8 * i])]);
      }
      return;
    }
    switch (key) {
      case 'i': return base('int', ATE.signed, 8);
      case 'f': return base('float', ATE.float, 8);
      case 'b': return base('bool', ATE.boolean, 1);
      case '@u64': return base('u64', ATE.unsigned, 8);
      case '@char': return base('char', ATE.unsigned_char, 1);
      case '@chars':
        d.die('array', () => this.refKey('@char'));
        d.die('dynamicRange', () => d.w.u8(0).block((e) => e.u8(OP.push_object_address).u8(OP.lit0 + 8).u8(OP.minus).u8(OP.deref)));
        return d.end();
    }
    if (key[0] === '*') return pointer(key.slice(1));
    if (key === 's' || key[0] === '[' || key[0] === 'S' || key[0] === 'C') return pointer(`#${key}`);
    // maps, tuples, functions, ptr: what they point to is not described
    pointer(`?${typeName(mod, key)}`);
  }
}
