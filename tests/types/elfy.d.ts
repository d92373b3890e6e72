// The part of elfy (an ELF parser) the tests use; the package ships no types.
declare module 'elfy' {
  interface Section {
    name: string;
    type: string;
    flags: Record<string, boolean>;
    link: number;
    data: Buffer;
  }
  interface Elf {
    class: string;
    endian: string;
    type: string;
    machine: string;
    entry: number;
    body: {
      programs: { type: string; flags: Record<string, boolean> }[];
      sections: Section[];
    };
  }
  const elfy: { parse(buf: Buffer): Elf };
  export default elfy;
}
