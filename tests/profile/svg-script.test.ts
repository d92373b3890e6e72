// The flame graph's embedded script, run against a small DOM built from the SVG it ships in (the
// few calls it makes: getElementById, getElementsByClassName/TagName, get/setAttribute,
// textContent, style, addEventListener): searching highlights the matching frames and reports
// their share of the time without counting nested matches twice; clicking a frame zooms to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySamples, type Frame, type ProfileData } from '../../src/profile/data.js';
import { flameGraphSvg } from '../../src/profile/svg.js';
import { elements, parseXml, type XmlElement } from '../helpers/xml.js';

type Listener = (e?: unknown) => void;

class Node {
  readonly listeners = new Map<string, Listener[]>();
  readonly style: Record<string, string> = {};
  readonly kids: Node[];
  constructor(readonly el: XmlElement) {
    this.kids = el.children.map((c) => new Node(c));
  }
  get textContent(): string { return this.el.text; }
  set textContent(t: string) { this.el.text = t; }
  getAttribute(n: string): string | null { return this.el.attrs[n] ?? null; }
  setAttribute(n: string, v: unknown): void { this.el.attrs[n] = String(v); }
  addEventListener(type: string, f: Listener): void { this.listeners.set(type, [...(this.listeners.get(type) ?? []), f]); }
  fire(type: string, e: unknown = {}): void { for (const f of this.listeners.get(type) ?? []) f(e); }
  all(): Node[] { return [this, ...this.kids.flatMap((k) => k.all())]; }
  getElementsByTagName(n: string): Node[] { return this.all().slice(1).filter((x) => x.el.name === n); }
}

/** Runs the SVG's script; `answer` is what window.prompt returns. */
function load(svgText: string, answer: () => string | null) {
  const root = new Node(parseXml(svgText));
  const win = new Node({ name: 'window', attrs: {}, children: [], text: '' });
  const document = {
    documentElement: root,
    getElementById: (id: string) => root.all().find((n) => n.el.attrs.id === id) ?? null,
    getElementsByClassName: (c: string) => root.all().filter((n) => n.el.attrs.class === c),
  };
  const window = Object.assign(win, { prompt: answer, alert: () => {} });
  const script = elements(root.el, 'script')[0].text;
  new Function('document', 'window', script)(document, window);
  const frames = root.all().filter((n) => n.el.attrs.class === 'f');
  const rect = (name: string) => frames.filter((f) => f.el.attrs['data-n'] === name).map((f) => f.getElementsByTagName('rect')[0]);
  return { root, window: win, document, frames, rect };
}

const bp = (name: string, tier: 'native' | 'vm'): Frame => ({ name, kind: 'bp', tier, line: 1 });

function demo(): ProfileData {
  const fn = (name: string) => ({ name, index: 0, file: 'd.bp', defLine: 1, lastLine: 1, calls: 1, instructions: 1, loops: [], branches: [], callSites: [],
    tier: 'native' as const, selfMs: 0, totalMs: 0, lines: [] });
  const p: ProfileData = { version: 2, program: 'd.bp', mode: 'native', wallMs: 0, intervalMs: 0, samples: 0, totalInstructions: 0, stacks: [],
    functions: ['main', 'rec', 'leaf'].map(fn) };
  // rec recurses: a search for it must count the nested boxes once.
  applySamples(p, [
    { frames: [bp('main', 'vm'), bp('rec', 'native'), bp('rec', 'native'), bp('leaf', 'native')], count: 30 },
    { frames: [bp('main', 'vm'), bp('rec', 'native')], count: 10 },
    { frames: [bp('main', 'vm'), bp('leaf', 'native')], count: 60 },
  ], 1);
  return p;
}

test('search: matching frames turn magenta, their share counted once; Reset restores the colours', () => {
  let answer: string | null = '^rec$';
  const dom = load(flameGraphSvg(demo()), () => answer);
  const before = dom.rect('rec').map((r) => r.getAttribute('fill'));
  const search = dom.document.getElementById('search')!;
  search.fire('click');
  assert.ok(dom.rect('rec').every((r) => r.getAttribute('fill') === 'rgb(230,0,230)'));
  assert.ok(dom.rect('leaf').every((r) => r.getAttribute('fill') !== 'rgb(230,0,230)'));
  assert.is(dom.document.getElementById('matched')!.textContent, 'Matched: 40.0%');
  assert.is(search.textContent, 'Reset search');
  search.fire('click');
  assert.equal(dom.rect('rec').map((r) => r.getAttribute('fill')), before);
  assert.is(dom.document.getElementById('matched')!.textContent.trim(), '');
  // Ctrl-F asks again; a pattern matching several names adds their shares.
  answer = 'leaf|rec';
  dom.window.fire('keydown', { ctrlKey: true, keyCode: 70, preventDefault() {} });
  assert.is(dom.document.getElementById('matched')!.textContent, 'Matched: 100.0%');
});

test('zoom: a clicked frame fills the width, frames outside it hide, Reset zoom returns', () => {
  const dom = load(flameGraphSvg(demo()), () => null);
  const leafUnderMain = dom.frames.find((f) => f.el.attrs['data-n'] === 'leaf' && f.el.attrs['data-d'] === '2')!;
  const width = Number(dom.frames[0].getElementsByTagName('rect')[0].getAttribute('width'));
  leafUnderMain.fire('click');
  assert.is(Number(leafUnderMain.getElementsByTagName('rect')[0].getAttribute('width')), width);
  assert.ok(dom.frames.filter((f) => f.el.attrs['data-n'] === 'rec').every((f) => f.style.display === 'none'));
  assert.is(dom.frames.find((f) => f.el.attrs['data-n'] === 'main')!.style.display, '');
  const unzoom = dom.document.getElementById('unzoom')!;
  assert.is(unzoom.style.display, 'inline');
  unzoom.fire('click');
  assert.ok(dom.frames.every((f) => f.style.display === ''));
  assert.is(Number(leafUnderMain.getElementsByTagName('rect')[0].getAttribute('width')), Number(leafUnderMain.el.attrs['data-w']));
});

test.run();
