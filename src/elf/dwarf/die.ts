// Writing debugging information entries: abbreviations declared once by name (tag, children,
// attribute forms), entries written by abbreviation with their attribute values in order, and
// the .debug_abbrev table that describes them.
import { ByteWriter, DW, StringSection } from './writer.js';

export interface Abbrev {
  readonly tag: number;
  readonly children?: boolean;
  readonly attrs: readonly (readonly [number, number])[];
}

export class DieWriter<K extends string> {
  readonly w = new ByteWriter();
  /** Where the unit's header starts (references are relative to it). */
  unitStart = 0;
  private readonly codes: Map<string, number>;

  constructor(private readonly abbrevs: Readonly<Record<K, Abbrev>>, private readonly str: StringSection) {
    this.codes = new Map(Object.keys(abbrevs).map((k, i) => [k, i + 1]));
  }

  /** An entry: its abbreviation's code, then what `values` writes (the attributes, in order). */
  die(name: K, values: () => void): void {
    this.w.uleb(this.codes.get(name)!);
    values();
  }

  /** The end of an entry's children. */
  end(): void { this.w.u8(0); }

  strp(s: string): void { this.w.u32(this.str.offset(s)); }

  /** .debug_abbrev. */
  abbrevTable(): Uint8Array {
    const w = new ByteWriter();
    for (const [name, a] of Object.entries<Abbrev>(this.abbrevs)) {
      w.uleb(this.codes.get(name)!).uleb(a.tag).u8(a.children ? 1 : 0);
      for (const [at, form] of a.attrs) w.uleb(at).uleb(form);
      w.u8(0).u8(0);
    }
    return w.u8(0).done();
  }
}

export { DW };
