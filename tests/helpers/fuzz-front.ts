// Mutation fuzzing of the front end (and the bytecode compiler, the formatter and the language
// server's index behind it): seeded mutants of valid programs — tokens and lines deleted,
// duplicated and swapped — must each give either a clean compile or diagnostics, never an
// exception. Used by tests/fuzz and scripts/fuzz-front.
import { compileProgram } from '../../src/bytecode/compile.js';
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { lex } from '../../src/lang/lexer.js';
import { formatSource } from '../../src/lang/format.js';
import { checkProgram } from '../../src/lang/program.js';
import { indexModule } from '../../src/lsp/xref.js';
import { SourceFile, sourceFromText } from '../../src/lang/source.js';

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mutate(text: string, rand: () => number): string {
  const pick = (n: number) => Math.floor(rand() * n);
  const op = pick(6);
  if (op < 3) {
    const toks = lex(sourceFromText('m.bp', text), new DiagBag(1000)).filter((t) => t.end > t.start);
    if (toks.length < 2) return text;
    const a = toks[pick(toks.length)], b = toks[pick(toks.length)];
    const ta = text.slice(a.start, a.end), tb = text.slice(b.start, b.end);
    if (op === 0) return text.slice(0, a.start) + text.slice(a.end);
    if (op === 1) return text.slice(0, a.start) + ta + ' ' + text.slice(a.start);
    const [x, y] = a.start < b.start ? [a, b] : [b, a];
    if (x.end > y.start) return text;
    const tx = x === a ? ta : tb, ty = x === a ? tb : ta;
    return text.slice(0, x.start) + ty + text.slice(x.end, y.start) + tx + text.slice(y.end);
  }
  const lines = text.split('\n');
  const i = pick(lines.length), j = pick(lines.length);
  if (op === 3) lines.splice(i, 1);
  else if (op === 4) lines.splice(i, 0, lines[j]);
  else [lines[i], lines[j]] = [lines[j], lines[i]];
  return lines.join('\n');
}

export interface FuzzOutcome {
  clean: number;
  rejected: number;
  /** Mutants that made the compiler throw: the text and the exception. */
  crashes: { text: string; error: string }[];
}

/** Checks (and compiles, when clean) `count` mutants of `seeds`. */
export function fuzzFront(seeds: { path: string; text: string }[], count: number, seed: number, readFile?: (p: string) => SourceFile | null): FuzzOutcome {
  const rand = rng(seed);
  const out: FuzzOutcome = { clean: 0, rejected: 0, crashes: [] };
  for (let n = 0; n < count; n++) {
    const s = seeds[Math.floor(rand() * seeds.length)];
    let text = s.text;
    const rounds = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < rounds; k++) text = mutate(text, rand);
    const diags = new DiagBag();
    try {
      const prog = checkProgram(s.path, diags, {
        host: { read: (p) => (p === s.path ? sourceFromText(p, text) : readFile ? readFile(p) : null) },
      });
      // Whatever the checker says, the formatter must format or refuse, and reach a fixed point.
      const once = formatSource(sourceFromText(s.path, text));
      if (once.ok && formatSource(sourceFromText(s.path, once.text)).ok !== true) throw new Error('formatted text does not format again');
      if (diags.hasErrors) out.rejected++;
      else {
        compileProgram(prog);
        for (const m of prog.modules) indexModule(m);
        out.clean++;
      }
    } catch (e) {
      if (e instanceof TooManyErrors) { out.rejected++; continue; }
      out.crashes.push({ text, error: String((e as Error).stack ?? e) });
    }
  }
  return out;
}
