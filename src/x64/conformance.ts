// The nasm conformance generator (Xbyak's method): every form of forms.ts is expanded over
// operand samples — all registers of each width, the addressing-mode corner cases, immediate
// edges — and each case is printed as nasm text and encoded by bpjit from the same operand
// objects. One nasm run assembles the text; its listing gives nasm's bytes line by line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Assembler } from './assembler.js';
import { EncodeError, parsedForms, type Form, type OpKind } from './encode.js';
import { Imm, Mem, Sym } from './operand.js';
import { instrText } from './print.js';
import { GP16, GP32, GP64, GP8, Gp, Gp64, HIGH8, XMM } from './regs.js';

export interface Case {
  text: string;
  bytes: Uint8Array;
}

const DISPS = [0, 1, -1, 127, 128, -128, -129, 2147483647, -2147483648, 4096];
const BASES = [0, 3, 4, 5, 12, 13, 15, 7].map((i) => GP64[i]);
const INDEXES: (Gp64 | null)[] = [null, GP64[1], GP64[9], GP64[15], GP64[5], GP64[12], GP64[0]];
const IMM_EDGES = [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, 32767n, 32768n, -32768n, -32769n, 65535n,
  2147483647n, 2147483648n, -2147483648n, -2147483649n, 4294967295n, 4294967296n, 9223372036854775807n, -9223372036854775808n];

/** A small deterministic PRNG for sampling large cross products. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function memories(size: Mem['size'], rand: () => number, all: boolean): Mem[] {
  const out: Mem[] = [];
  for (const base of BASES) {
    for (const index of INDEXES) {
      if (index && index.num === 4) continue;
      for (const scale of index ? ([1, 2, 4, 8] as const) : ([1] as const)) {
        for (const disp of DISPS) {
          if (all || rand() < 0.08) out.push(new Mem(size, base, index, scale, disp));
        }
      }
    }
  }
  for (const index of [GP64[1], GP64[9]]) out.push(new Mem(size, null, index, 4, 100), new Mem(size, null, index, 1, -8));
  out.push(new Mem(size, null, null, 1, 0x1234, null, true));
  // RIP-relative cases point at `$+N` (nasm: the start of the instruction plus N).
  out.push(new Mem(size, null, null, 1, 0, new Sym('$', 4096)), new Mem(size, null, null, 1, 0, new Sym('$', -3)));
  return out;
}

type Sample = Gp | Mem | bigint | Imm | (typeof XMM)[number];

function samples(kind: OpKind, rand: () => number, dense: boolean): Sample[] {
  const regs = (list: readonly Gp[]) => [...list];
  switch (kind) {
    case 'r8': return [...regs(GP8), ...HIGH8];
    case 'r16': return regs(GP16);
    case 'r32': return regs(GP32);
    case 'r64': return regs(GP64);
    case 'rm8': return [...regs(GP8), ...HIGH8, ...memories(8, rand, dense)];
    case 'rm16': return [...regs(GP16), ...memories(16, rand, dense)];
    case 'rm32': return [...regs(GP32), ...memories(32, rand, dense)];
    case 'rm64': return [...regs(GP64), ...memories(64, rand, dense)];
    case 'm': return memories(0, rand, dense);
    case 'm8': case 'm16': case 'm32': case 'm64': case 'm128': return memories(Number(kind.slice(1)) as Mem['size'], rand, dense);
    case 'xmm': return [...XMM];
    case 'xmm/m32': return [...XMM, ...memories(32, rand, dense)];
    case 'xmm/m64': return [...XMM, ...memories(64, rand, dense)];
    case 'xmm/m128': return [...XMM, ...memories(128, rand, dense)];
    case 'al': return [GP8[0]];
    case 'ax': return [GP16[0]];
    case 'eax': return [GP32[0]];
    case 'rax': return [GP64[0]];
    case 'cl': return [GP8[1]];
    case 'one': return [1n];
    default: return [...IMM_EDGES, ...IMM_EDGES.map((v) => v + 3n)];
  }
}

/** Encodes one instruction alone; null when the encoder rejects the combination. */
function encodeAlone(mnemonic: string, ops: Sample[]): Uint8Array | null {
  const a = new Assembler();
  try {
    a.emit(mnemonic, ...(ops as never[]));
    const mc = a.finish();
    const bytes = mc.bytes.slice();
    for (const r of mc.relocs) {
      // Resolve `$` (the instruction itself, at offset 0) as nasm will: S + A - P.
      new DataView(bytes.buffer).setInt32(r.offset, r.addend - r.offset, true);
    }
    return bytes;
  } catch (e) {
    if (e instanceof EncodeError) return null;
    throw e;
  }
}

/**
 * Cases for every form: operand samples crossed, sampled to `perForm` cases per form (all of
 * them when the product is smaller). Distinct texts only.
 */
export function generateCases(seed: number, perForm: number, dense = false): Case[] {
  const rand = rng(seed);
  const seen = new Set<string>();
  const out: Case[] = [];
  const add = (f: Form, ops: Sample[]) => {
    let text = instrText(f.mnemonic, ops);
    // nasm spells the sign-extended immediate of a 64-bit ALU operation with the operation's size.
    if (f.rexW && f.immBytes === 4 && !['mov', 'imul', 'push'].includes(f.mnemonic)) text = text.replace('strict dword', 'strict qword');
    if (seen.has(text)) return;
    const bytes = encodeAlone(f.mnemonic, ops);
    if (!bytes) return;
    seen.add(text);
    out.push({ text, bytes });
  };
  for (const f of parsedForms()) {
    const lists = f.ops.map((k) => samples(k, rand, dense));
    const total = lists.reduce((n, l) => n * l.length, 1);
    if (total <= perForm) {
      const walk = (i: number, acc: Sample[]) => {
        if (i === lists.length) { add(f, acc); return; }
        for (const s of lists[i]) walk(i + 1, [...acc, s]);
      };
      walk(0, []);
    } else {
      for (let n = 0; n < perForm; n++) add(f, lists.map((l) => l[Math.floor(rand() * l.length)]));
    }
    // Explicit-width immediates pin the form (nasm's `strict`).
    const immAt = f.ops.findIndex((k) => k.startsWith('imm'));
    if (immAt >= 0 && f.immBytes) {
      const w = (f.immBytes * 8) as 8 | 16 | 32 | 64;
      for (const v of [0n, 1n, -1n, 100n]) add(f, lists.map((l, i) => (i === immAt ? new Imm(v, w) : l[Math.floor(rand() * l.length)])));
    }
  }
  return out;
}

export interface Mismatch {
  line: number;
  text: string;
  nasm: string;
  ours: string;
}

/** Assembles the cases with nasm in one run and compares bytes line by line. */
export function checkWithNasm(cases: Case[]): { mismatches: Mismatch[]; listing: Map<number, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-nasm-'));
  try {
    const src = path.join(dir, 'cases.asm'), lst = path.join(dir, 'cases.lst'), bin = path.join(dir, 'cases.bin');
    // Line 1 sets the mode; case i is on line i + 2.
    const text = 'bits 64\n' + cases.map((c) => c.text).join('\n') + '\n';
    fs.writeFileSync(src, text);
    try {
      execFileSync('nasm', ['-f', 'bin', '-w-all', '-l', lst, '-o', bin, src], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    } catch (e) {
      const msg = String((e as { stderr?: Buffer }).stderr ?? e);
      throw new Error(`nasm rejected the generated cases (a form-table bug):\n${msg.split('\n').slice(0, 10).join('\n')}`);
    }
    const listing = parseListing(fs.readFileSync(lst, 'utf8'));
    const mismatches: Mismatch[] = [];
    cases.forEach((c, i) => {
      const ours = Buffer.from(c.bytes).toString('hex').toUpperCase();
      const nasm = listing.get(i + 2) ?? '';
      if (nasm !== ours) mismatches.push({ line: i + 2, text: c.text, nasm, ours });
    });
    return { mismatches, listing };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** nasm listing → bytes (hex) per source line; long encodings continue on rows ending in '-'. */
function parseListing(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const row of text.split('\n')) {
    const m = /^\s*(\d+)\s+[0-9A-F]{8}\s+([0-9A-F]+)(-?)/.exec(row);
    if (!m) continue;
    const line = Number(m[1]);
    out.set(line, (out.get(line) ?? '') + m[2]);
  }
  return out;
}


// --- reading cases back from text (tests/x64/regress.txt) -----------------------------------

const REGS = new Map<string, Sample>([...GP64, ...GP32, ...GP16, ...GP8, ...HIGH8, ...XMM].map((r) => [r.name, r]));
const SIZES: Record<string, Mem['size']> = { byte: 8, word: 16, dword: 32, qword: 64, oword: 128 };

/** Parses one instruction in the printer's syntax (the syntax cases are written in). */
function parseCase(text: string): { mnemonic: string; ops: Sample[] } {
  if (text.startsWith('rep ')) return { mnemonic: text.replace(' ', '_'), ops: [] };
  const sp = text.indexOf(' ');
  const mnemonic = (sp < 0 ? text : text.slice(0, sp)).replace(' ', '_');
  const rest = sp < 0 ? '' : text.slice(sp + 1);
  const ops = rest ? rest.split(/,\s*/).map((o) => parseOperand(o.trim())) : [];
  return { mnemonic, ops };
}

function parseOperand(o: string): Sample {
  const reg = REGS.get(o);
  if (reg) return reg;
  let m = /^strict (byte|word|dword|qword) (-?\d+)$/.exec(o);
  if (m) return new Imm(BigInt(m[2]), SIZES[m[1]] as 8 | 16 | 32 | 64);
  if (/^-?\d+$/.test(o)) return BigInt(o);
  m = /^(?:(byte|word|dword|qword|oword) )?\[(.*)\]$/.exec(o);
  if (!m) throw new Error(`cannot parse operand '${o}'`);
  const size = m[1] ? SIZES[m[1]] : 0;
  const inner = m[2];
  const rel = /^rel \$([+-]\d+)?$/.exec(inner);
  if (rel) return new Mem(size, null, null, 1, 0, new Sym('$', Number(rel[1] ?? 0)));
  let base: Gp64 | null = null, index: Gp64 | null = null, scale: 1 | 2 | 4 | 8 = 1, disp = 0;
  for (const term of inner.replace(/-/g, '+-').split('+').filter(Boolean)) {
    const si = /^(\w+)\*(\d)$/.exec(term);
    if (si) { index = REGS.get(si[1]) as Gp64; scale = Number(si[2]) as 1 | 2 | 4 | 8; }
    else if (/^-?\d+$/.test(term)) disp += Number(term);
    else base = REGS.get(term) as Gp64;
  }
  return new Mem(size, base, index, scale, disp, null, !base && !index);
}

/** Cases from text lines (blank lines and # comments skipped). */
export function casesFromText(lines: string[]): Case[] {
  const out: Case[] = [];
  for (const line of lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const { mnemonic, ops } = parseCase(line);
    const bytes = encodeAlone(mnemonic, ops);
    if (bytes) out.push({ text: line, bytes });
  }
  return out;
}

// --- second oracle: objdump ------------------------------------------------------------------

const CC_CANON: Record<string, string> = {
  c: 'b', nae: 'b', nb: 'ae', nc: 'ae', z: 'e', nz: 'ne', na: 'be', nbe: 'a', pe: 'p', po: 'np', nge: 'l', nl: 'ge', ng: 'le', nle: 'g',
};

/** Text normalised for comparing bpjit's intended instruction with objdump's decoding. */
export function normalize(text: string): string {
  let t = text.toLowerCase().replace(/\s+ptr\b/g, '').replace(/\b(xmmword|oword)\b/g, 'o').replace(/\bmovabs\b/, 'mov').replace(/\bsal\b/, 'shl');
  t = t.replace(/\bstrict\s+\w+\s+/g, '').replace(/\bds:(0x[0-9a-f]+)/, '[$1]');
  t = t.replace(/^(set|cmov|j)([a-z]+)/, (m, p: string, cc: string) => p + (CC_CANON[cc] ?? cc));
  // Numbers compare modulo 2^8: objdump prints immediates at the operation's width in hex, we
  // print them signed in decimal; the low byte still tells a wrong immediate or displacement.
  t = t.replace(/([+-]?)(0x[0-9a-f]+|\b\d+\b)/g, (_m, sign: string, num: string) => `#${BigInt.asUintN(8, sign === '-' ? -BigInt(num) : BigInt(num)).toString(16)}`);
  t = t.replace(/#0(?=\])/g, '').replace(/\s+/g, '').replace(/\[(\w+)\*#1(?=[#\]])/g, '[$1').replace(/,/g, ', ');
  if (t.startsWith('xchg')) {
    const [a, b] = t.slice(4).split(', ');
    t = 'xchg' + [a, b].sort().join(', ');
  }
  if (t === 'rex.wnop') t = 'xchgrax, rax';
  // `mov r64, imm` below 2^32 is encoded as the shorter `mov r32, imm` (it zero-extends).
  t = t.replace(/^mov(e([a-z]{2})|r(\d+)d), #/, (_m, _r, e: string, n: string) => `mov${e ? 'r' + e : 'r' + n}, #`);
  return t;
}

/** Decodes `bytes` with objdump; returns [offset, text] per instruction, or null if objdump is missing. */
export function objdump(bytes: Uint8Array): Map<number, string> | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-objdump-'));
  try {
    const bin = path.join(dir, 'code.bin');
    fs.writeFileSync(bin, bytes);
    let out: string;
    try {
      out = execFileSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', '--no-show-raw-insn', bin], { encoding: 'utf8', maxBuffer: 1 << 28 });
    } catch {
      return null;
    }
    const res = new Map<number, string>();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
      if (m) res.set(parseInt(m[1], 16), m[2].replace(/\s+#.*$/, '').trim());
    }
    return res;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
