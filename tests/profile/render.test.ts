// The profile's presentation, from a profile whose samples are known: time from stacks (self,
// total, per line), the terminal report (ranked by self time, colour only when asked), the flame
// graph (well-formed, self-contained SVG whose boxes are as wide as their samples, coloured by
// tier, with tooltips and the search script), folded stacks (escaped names, no empty line or
// stack), the speedscope file (checked against its schema's required fields) and the HTML page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySamples, type Frame, type FunctionProfile, type ProfileData, type Tier } from '../../src/profile/data.js';
import { foldedStacks, speedscope, UNKNOWN } from '../../src/profile/formats.js';
import { annotatedHtml } from '../../src/profile/html.js';
import { hotStretches, type AnnotatedLine } from '../../src/profile/rank.js';
import { formatReport } from '../../src/profile/report.js';
import { CLASSES } from '../../src/profile/style.js';
import { flameGraphSvg } from '../../src/profile/svg.js';
import { elements, parseXml, type XmlElement } from '../helpers/xml.js';
import { checkSchema, SPEEDSCOPE_SCHEMA } from './speedscope-schema.js';

const SOURCE = [
  'def work(n: int) -> int:', '    let s: int = 0', '    for i in range(0, n):', '        s = s + helper(i)', '    return s',
  '', 'def helper(i: int) -> int:', '    return i % 7 < 3 & 1', '', 'def main() -> int:', '    print(work(10))', '    return 0',
];
const source = (f: string) => (f === 'demo.bp' ? SOURCE : null);

function fn(name: string, defLine: number, lastLine: number, tier: Tier, calls: number, counts: [number, number][], loops: FunctionProfile['loops'] = []): FunctionProfile {
  return {
    name, index: 0, file: 'demo.bp', defLine, lastLine, calls, instructions: 10 * calls, loops, branches: [], callSites: [],
    tier, reason: tier === 'native' ? undefined : 'never hot', selfMs: 0, totalMs: 0, lines: counts.map(([line, count]) => ({ line, count, selfMs: 0, totalMs: 0 })),
  };
}

const bp = (name: string, tier: Tier, line: number): Frame => ({ name, kind: 'bp', tier, line });
const MAIN = bp('main', 'interpreter', 11), WORK = bp('work', 'native', 4);

/** 200 samples of 2 ms: work 60 self, helper 40 (30 under work, 10 under main), the runtime 10, bpjit 5, an odd name 4, nothing 1. */
function demo(): ProfileData {
  const p: ProfileData = {
    version: 2, program: 'demo.bp', mode: 'native', wallMs: 450, intervalMs: 0, samples: 0, totalInstructions: 0, stacks: [],
    functions: [
      fn('work', 1, 5, 'native', 1000, [[2, 1000], [3, 11000], [4, 10000], [5, 1000]], [{ pc: 4, line: 3, trips: 10000 }]),
      fn('helper', 7, 8, 'native', 10000, [[8, 10000]]),
      fn('main', 10, 12, 'interpreter', 1, [[11, 1], [12, 1]]),
    ],
  };
  p.totalInstructions = p.functions.reduce((s, f) => s + f.instructions, 0);
  applySamples(p, [
    { frames: [MAIN, WORK], count: 50 },
    { frames: [MAIN, bp('work', 'native', 3)], count: 10 },
    { frames: [MAIN, WORK, bp('helper', 'native', 8)], count: 30 },
    { frames: [MAIN, bp('helper', 'interpreter', 8)], count: 10 },
    { frames: [MAIN, WORK, { name: 'bp_rt_alloc', kind: 'runtime' }], count: 10 },
    { frames: [{ name: 'bpjit', kind: 'bpjit' }], count: 5 },
    { frames: [MAIN, { name: 'odd name;x%', kind: 'runtime' }], count: 4 },
    { frames: [], count: 1 },
  ], 2);
  // The rest of the 200 samples: main itself.
  applyMore(p, [{ frames: [MAIN], count: 80 }]);
  return p;
}

function applyMore(p: ProfileData, more: ProfileData['stacks']): void {
  const stacks = [...p.stacks, ...more];
  for (const f of p.functions) {
    f.selfMs = f.totalMs = 0;
    for (const l of f.lines) l.selfMs = l.totalMs = 0;
  }
  applySamples(p, stacks, p.intervalMs);
}

const byName = (p: ProfileData, name: string) => p.functions.find((f) => f.name === name)!;

test('time from stacks: self when innermost, total once per sample on the stack, per line too', () => {
  const p = demo();
  assert.is(p.samples, 200);
  assert.equal([byName(p, 'work').selfMs, byName(p, 'work').totalMs], [120, 200]);
  assert.equal([byName(p, 'helper').selfMs, byName(p, 'helper').totalMs], [80, 80]);
  assert.equal([byName(p, 'main').selfMs, byName(p, 'main').totalMs], [160, 388]);
  const line = (f: string, n: number) => byName(p, f).lines.find((l) => l.line === n)!;
  assert.equal([line('work', 4).selfMs, line('work', 4).totalMs, line('work', 4).count], [100, 180, 10000]);
  assert.equal([line('work', 3).selfMs, line('work', 3).totalMs], [20, 20]);
});

test('the report: ranked by self time, total shown and explained, counts, tiers, hot lines, annotated source', () => {
  const p = demo();
  const out = formatReport(p, { color: false, source });
  assert.not.match(out, /\x1b\[/);
  assert.match(out, /self: time in the function's own code; total: with everything it calls/);
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('function  '));
  const table = lines.slice(start + 1, lines.indexOf('', start));
  assert.equal(table.map((l) => l.split(/\s{2,}/)[0]), ['main', 'work', 'helper', 'bp_rt_alloc', 'bpjit', 'odd name;x%'], table.join('\n'));
  const work = table[1].split(/\s{2,}/);
  assert.equal(work.slice(0, 8), ['work', '120.0', '30.0%', '200.0', '50.0%', '1,000', '10,000', '10,000']);
  assert.match(table[0], /interpreter: never hot$/);
  assert.match(table[1], /native$/);
  assert.match(table[3], /runtime/);
  assert.match(out, /demo\.bp:4\s+work\s+100\.0\s+25\.0%\s+180\.0\s+10,000\s+s = s \+ helper\(i\)/);
  assert.match(out, /demo\.bp:3\s+work\s+20\.0\s+5\.0%\s+20\.0\s+11,000\s+loop: 10,000 trips\s+for i in range/);
  // The annotated source of work: every line of it, times and runs in the margin.
  assert.match(out, /^work  demo\.bp:1  native  self 120\.0 ms, total 200\.0 ms, 1,000 calls$/m);
  assert.match(out, /^\s+100\.0\s+180\.0\s+10,000\s+4\s+ s = s \+ helper\(i\)$/m);
  assert.match(out, /^\s+1,000\s+5\s+ return s$/m);
  const colored = formatReport(p, { color: true, source });
  assert.match(colored, /\x1b\[32mnative/);
  assert.is(colored.replace(/\x1b\[[0-9;]*m/g, ''), out);
});

test('a run too short to be sampled ranks by work and says why it shows no times', () => {
  const p = demo();
  applySamples(p, [], 0);
  for (const f of p.functions) f.selfMs = f.totalMs = 0;
  const out = formatReport(p, { color: false, source: () => null });
  assert.match(out, /no samples/);
  assert.match(out, /^helper\s/m);
  assert.match(out, /source of demo\.bp not available/);
});

test('a long function is shown by its hot stretches: the def line, the lines with time and their neighbours', () => {
  const lines: AnnotatedLine[] = Array.from({ length: 100 }, (_, i) => ({ line: i + 1, text: `line ${i + 1}`,
    profile: { line: i + 1, count: 1, selfMs: i === 49 || i === 79 ? 5 : 0, totalMs: i === 49 || i === 79 ? 5 : 0 } }));
  const shown = hotStretches(lines, 40).map((l) => (l ? l.line : null));
  assert.equal(shown.slice(0, 3), [1, 2, null]);
  for (const hot of [50, 80]) assert.equal(shown.slice(shown.indexOf(hot - 1), shown.indexOf(hot - 1) + 3), [hot - 1, hot, hot + 1]);
  assert.ok(shown.length < 40 && shown[shown.length - 1] === null, shown.join(' '));
  assert.equal(hotStretches(lines.slice(0, 30), 40), lines.slice(0, 30));
});

/** The flame graph's frames: name, box, tooltip. */
function frames(svg: XmlElement) {
  return elements(svg, 'g').filter((g) => g.attrs.class === 'f').map((g) => {
    const r = elements(g, 'rect')[0];
    return { name: g.attrs['data-n'], x: Number(r.attrs.x), w: Number(r.attrs.width), fill: r.attrs.fill, title: elements(g, 'title')[0].text, depth: Number(g.attrs['data-d']) };
  });
}

test('the flame graph: well-formed, self-contained SVG; widths in proportion to samples; tiers coloured; tooltips; search', () => {
  const p = demo();
  const text = flameGraphSvg(p);
  const svg = parseXml(text);
  assert.is(svg.name, 'svg');
  assert.is(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
  assert.not.match(text, /(?:href|src)\s*=|@import|url\(|@font-face/, 'refers to something outside the file');
  const script = elements(svg, 'script');
  assert.is(script.length, 1);
  assert.match(script[0].text, /new RegExp\(p\)/);
  assert.match(script[0].text, /Matched: /);
  const fs = frames(svg);
  const root = fs.find((f) => f.depth === 0)!;
  assert.is(root.name, 'all');
  // A frame's boxes are as wide, together, as the samples it was on the stack (outermost occurrence).
  const share = (name: string) => fs.filter((f) => f.name === name && f.depth > 0).reduce((s, f) => s + f.w, 0) / root.w;
  const expect = (name: string) => p.stacks.filter((s) => s.frames.some((f) => f.name === name)).reduce((n, s) => n + s.count, 0) / p.samples;
  for (const name of ['main', 'work', 'helper', 'bp_rt_alloc', 'bpjit']) {
    assert.ok(Math.abs(share(name) - expect(name)) < 0.002, `${name}: ${share(name)} of the width, ${expect(name)} of the samples`);
  }
  const hue = (f: { fill: string }) => Number(/^hsl\((\d+),/.exec(f.fill)?.[1]);
  for (const [name, cls] of [['work', 'native'], ['main', 'interpreter'], ['bp_rt_alloc', 'runtime']] as const) {
    assert.ok(Math.abs(hue(fs.find((f) => f.name === name)!) - CLASSES[cls].hue) <= 6, `${name} is not coloured as ${cls}`);
  }
  const helper = fs.filter((f) => f.name === 'helper');
  assert.is(new Set(helper.map(hue)).size, 2, 'helper ran native under work and interpreted under main');
  const work = fs.find((f) => f.name === 'work')!;
  assert.match(work.title, /^work \(native \(compiled\)\) — demo\.bp:1, most at line 4 — 200\.0 ms, 50\.0%/);
  assert.ok(fs.some((f) => f.name === 'odd name;x%'), 'names are kept whole (escaped as XML only)');
  assert.ok(fs.some((f) => f.name === UNKNOWN));
});

test('folded stacks: one `frame;frame count` line per stack, escaped names, no empty line or stack', () => {
  const p = demo();
  const text = foldedStacks(p);
  assert.ok(text.endsWith('\n') && !text.includes('\n\n'));
  const lines = text.slice(0, -1).split('\n');
  for (const l of lines) assert.match(l, /^[^ ;\n]+(?:;[^ ;\n]+)* [1-9]\d*$/);
  assert.is(lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0), p.samples);
  // Tiers and lines merge: main;work is one stack of 60 samples.
  assert.ok(lines.includes('main;work 60'), lines.join(' | '));
  assert.ok(lines.includes('main;odd%20name%3Bx%25 4'), lines.join(' | '));
  assert.ok(lines.includes(`${UNKNOWN} 1`));
  assert.is(lines[0], 'main 80', 'heaviest first');
});

test('the speedscope file has its schema\'s required fields and consistent samples', () => {
  const p = demo();
  const file = JSON.parse(JSON.stringify(speedscope(p, 'bpjit test')));
  assert.equal(checkSchema(file), []);
  assert.is(file.$schema, SPEEDSCOPE_SCHEMA);
  const prof = file.profiles[0];
  assert.is(prof.samples.length, prof.weights.length);
  for (const s of prof.samples) for (const i of s) assert.ok(Number.isInteger(i) && i >= 0 && i < file.shared.frames.length);
  assert.is(prof.endValue, 400);
  assert.is(prof.weights.reduce((a: number, b: number) => a + b, 0), 400);
  const work = file.shared.frames.findIndex((f: { name: string }) => f.name === 'work');
  assert.equal(file.shared.frames[work], { name: 'work', file: 'demo.bp', line: 1 });
  const withWork = prof.samples.map((s: number[], i: number) => (s.includes(work) ? prof.weights[i] : 0)).reduce((a: number, b: number) => a + b, 0);
  assert.is(withWork, 200);
});

test('the HTML page: self-contained, escaped, the hottest functions annotated line by line', () => {
  const p = demo();
  const html = annotatedHtml(p, source);
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.not.match(html, /<script|<link|(?:src|href)\s*=\s*"(?!#)/);
  assert.match(html, /return i % 7 &lt; 3 &amp; 1/);
  assert.match(html, /<h2 id="fn-work">work/);
  assert.match(html, /<td>100\.0<\/td><td>180\.0<\/td><td>10,000<\/td><td class="no">4<\/td><td class="code">        s = s \+ helper\(i\)<\/td>/);
  assert.match(html, /loop: 10,000 trips/);
  assert.match(html, /odd name;x%/);
  // Balanced tables and rows (the page is written by hand, not by a DOM).
  for (const tag of ['table', 'tr', 'h2']) assert.is((html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length, (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length, tag);
});

test.run();
