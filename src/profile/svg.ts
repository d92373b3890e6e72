// The flame graph as one self-contained SVG file (no external script, stylesheet or font): a box
// per merged frame, as wide as its samples, coloured by tier, with a tooltip (name, file:line,
// time, share) and an embedded script that searches (a regular expression typed after clicking
// Search or pressing Ctrl-F or /: matching frames turn magenta and their share is shown) and
// zooms (click a frame; Reset zoom or a click on the root returns).
import type { ProfileData } from './data.js';
import { describe, flameBoxes, flameTree } from './flame.js';
import { CLASSES, MODES, escapeXml, fillOf, type FrameClass } from './style.js';

const WIDTH = 1200, PAD = 10, ROW = 17, TOP = 56, BOTTOM = 30, CHAR = 7;

/** Text fitted into `px` pixels of a 12-pixel monospace font ('' when not even a few letters fit). */
export function fit(text: string, px: number): string {
  const n = Math.floor((px - 6) / CHAR);
  return n < 3 ? '' : text.length <= n ? text : text.slice(0, n - 2) + '..';
}

// The script sees only the document: boxes are <g class="f"> with data-n (name) and their rect's
// original x and width in data-x/data-w (pixels). Kept free of the CDATA terminator.
const SCRIPT = `
var svg = document.documentElement, frames = [], details, matched, unzoom, searchBtn, pattern = null;
var W = ${WIDTH - 2 * PAD}, PAD = ${PAD}, CHAR = ${CHAR};
function init() {
  details = document.getElementById('details'); matched = document.getElementById('matched');
  unzoom = document.getElementById('unzoom'); searchBtn = document.getElementById('search');
  var gs = document.getElementsByClassName('f');
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], r = g.getElementsByTagName('rect')[0];
    var f = { g: g, r: r, t: g.getElementsByTagName('text')[0], name: g.getAttribute('data-n'), fill: r.getAttribute('fill'),
      x: +g.getAttribute('data-x'), w: +g.getAttribute('data-w'), d: +g.getAttribute('data-d'),
      info: g.getElementsByTagName('title')[0].textContent };
    frames.push(f);
    g.addEventListener('mouseover', show.bind(null, f));
    g.addEventListener('mouseout', function () { details.textContent = ' '; });
    g.addEventListener('click', zoom.bind(null, f));
  }
  searchBtn.addEventListener('click', function () { pattern === null ? ask() : search(null); });
  unzoom.addEventListener('click', function () { zoom(frames[0]); });
  window.addEventListener('keydown', function (e) {
    if ((e.ctrlKey && e.keyCode === 70) || e.key === '/') { e.preventDefault(); ask(); }
    if (e.key === 'Escape') search(null);
  });
}
function show(f) { details.textContent = f.info; }
function label(f, px) {
  var n = Math.floor((px - 6) / CHAR);
  f.t.textContent = n < 3 ? '' : f.name.length <= n ? f.name : f.name.slice(0, n - 2) + '..';
}
function zoom(f) {
  var scale = W / f.w, root = f === frames[0];
  unzoom.style.display = root ? 'none' : 'inline';
  for (var i = 0; i < frames.length; i++) {
    var o = frames[i], inside = o.x >= f.x - 1e-6 && o.x + o.w <= f.x + f.w + 1e-6, below = o.d < f.d && o.x <= f.x + 1e-6 && o.x + o.w >= f.x + f.w - 1e-6;
    if (!inside && !below) { o.g.style.display = 'none'; continue; }
    o.g.style.display = '';
    var x = below ? PAD : PAD + (o.x - f.x) * scale, w = below ? W : o.w * scale;
    o.r.setAttribute('x', x); o.r.setAttribute('width', w); o.t.setAttribute('x', x + 3); label(o, w);
  }
  if (pattern !== null) search(pattern);
}
function ask() {
  var p = window.prompt('Search for (a regular expression)', pattern || '');
  if (p !== null && p !== '') search(p);
}
function search(p) {
  pattern = p;
  var re = null;
  try { re = p === null ? null : new RegExp(p); } catch (e) { window.alert('Not a regular expression: ' + p); pattern = null; }
  var spans = [];
  for (var i = 0; i < frames.length; i++) {
    var f = frames[i], hit = re !== null && i > 0 && re.test(f.name);
    f.r.setAttribute('fill', hit ? 'rgb(230,0,230)' : f.fill);
    if (hit) spans.push([f.x, f.x + f.w]);
  }
  spans.sort(function (a, b) { return a[0] - b[0]; });
  var covered = 0, end = -1;
  for (var j = 0; j < spans.length; j++) {
    var s = Math.max(spans[j][0], end);
    if (spans[j][1] > s) { covered += spans[j][1] - s; end = spans[j][1]; }
  }
  searchBtn.textContent = re === null ? 'Search' : 'Reset search';
  matched.textContent = re === null ? ' ' : 'Matched: ' + (100 * covered / W).toFixed(1) + '%';
}
init();
`;

/** The flame graph of a profile as SVG text. */
export function flameGraphSvg(p: ProfileData): string {
  const root = flameTree(p);
  const boxes = flameBoxes(root);
  const depth = Math.max(0, ...boxes.map((b) => b.depth));
  const height = TOP + (depth + 1) * ROW + BOTTOM;
  const scale = root.samples ? (WIDTH - 2 * PAD) / root.samples : 0;
  const fns = new Map(p.functions.map((f) => [f.name, f]));
  const used = new Set<FrameClass>(boxes.slice(1).map((b) => b.node.cls));
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>`,
    `<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="12">`,
    `<style>.f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer } text { pointer-events: none } .b { cursor: pointer; fill: #1d4e89 }</style>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#fafaf5"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(`Flame graph of ${p.program}`)}</text>`,
    `<text x="${WIDTH / 2}" y="36" text-anchor="middle" fill="#555">${escapeXml(`${MODES[p.mode]}; ${p.samples} samples, ${(p.samples * p.intervalMs).toFixed(1)} ms; width = time`)}</text>`,
    `<text id="search" class="b" x="${WIDTH - PAD}" y="20" text-anchor="end">Search</text>`,
    `<text id="unzoom" class="b" x="${PAD}" y="20" style="display:none">Reset zoom</text>`,
    `<text id="matched" x="${WIDTH - PAD}" y="${height - 10}" text-anchor="end"> </text>`,
    `<text id="details" x="${PAD}" y="${height - 10}"> </text>`);
  let lx = PAD;
  for (const cls of Object.keys(CLASSES) as FrameClass[]) {
    if (!used.has(cls)) continue;
    out.push(`<rect x="${lx}" y="42" width="10" height="10" fill="${fillOf(cls, '')}"/><text x="${lx + 14}" y="51">${escapeXml(CLASSES[cls].label)}</text>`);
    lx += 24 + CHAR * CLASSES[cls].label.length;
  }
  for (const [i, b] of boxes.entries()) {
    const w = b.width * scale;
    if (w < 0.1 && i > 0) continue;
    const x = PAD + b.x * scale, y = TOP + (depth - b.depth) * ROW;
    const isRoot = i === 0;
    const fill = isRoot ? '#c8c8c8' : fillOf(b.node.cls, b.node.name);
    const tip = isRoot ? `all — ${p.samples} samples, ${(p.samples * p.intervalMs).toFixed(1)} ms, 100%` : describe(b.node, p, fns, CLASSES[b.node.cls].label);
    const n = (v: number) => +v.toFixed(2);
    out.push(`<g class="f" data-n="${escapeXml(b.node.name)}" data-x="${n(b.x * scale)}" data-w="${n(w)}" data-d="${b.depth}"><title>${escapeXml(tip)}</title>`
      + `<rect x="${n(x)}" y="${y}" width="${n(w)}" height="${ROW - 1}" rx="2" fill="${fill}"/>`
      + `<text x="${n(x + 3)}" y="${y + ROW - 5}">${escapeXml(fit(b.node.name, w))}</text></g>`);
  }
  out.push(`<script type="text/ecmascript"><![CDATA[${SCRIPT}]]></script>`, '</svg>', '');
  return out.join('\n');
}
