// The annotated source as one self-contained HTML page (inline style, no script, no external
// resource): the functions ranked by time, the hottest lines, and the source of the hottest
// functions with time (self and total), times run and loop trips per line, each
// line shaded by its share of the function's time.
import type { ProfileData } from './data.js';
import { annotate, hotFunctions, hotLines, rankFunctions, sampledMs, type SourceLines } from './rank.js';
import { lineNote } from './report.js';
import { CLASSES, MODES, count, counted, escapeXml as esc, fillOf, ms, pct, placeOf, tierText } from './style.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff }
h1 { font-size: 1.4em } h2 { font-size: 1.15em; margin-top: 1.6em }
table { border-collapse: collapse } td, th { padding: 1px 8px; text-align: right; white-space: nowrap }
th { border-bottom: 1px solid #999 } td.l, th.l { text-align: left }
.src td { font: 13px/1.35 ui-monospace, monospace } .src td.code { text-align: left; white-space: pre }
.src td.no { color: #888 } .note { color: #777; text-align: left } .none { color: #bbb }
.tier { padding: 0 6px; border-radius: 3px } .muted { color: #666 }
`;

const anchor = (name: string) => `fn-${name.replace(/[^\w.$-]/g, '_')}`;
const badge = (cls: keyof typeof CLASSES, text: string) => `<span class="tier" style="background:${fillOf(cls, '')}">${esc(text)}</span>`;
const cells = (vals: string[], classes: string[] = []) => vals.map((v, i) => `<td${classes[i] ? ` class="${classes[i]}"` : ''}>${v}</td>`).join('');
const head = (vals: string[], classes: string[] = []) => `<tr>${vals.map((v, i) => `<th${classes[i] ? ` class="${classes[i]}"` : ''}>${esc(v)}</th>`).join('')}</tr>`;

/** The page, for the `n` hottest functions. */
export function annotatedHtml(p: ProfileData, source: SourceLines, n = 10): string {
  const whole = sampledMs(p);
  const hot = hotFunctions(p, n);
  const linked = new Set(hot.map((f) => f.name));
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${esc(`Profile of ${p.program}`)}</title>`, `<style>${STYLE}</style></head><body>`,
    `<h1>Profile of ${esc(p.program)}</h1>`,
    `<p>Ran on ${esc(MODES[p.mode])}: ${ms(p.wallMs)} ms in all; ${count(p.samples)} samples, one every ${p.intervalMs.toFixed(2)} ms (${ms(whole)} ms of the run); ${count(p.totalInstructions)} bytecode instructions executed.</p>`,
    `<p class="muted"><b>self</b>: time in the function's (or line's) own code; <b>total</b>: with everything it calls (a recursive function counts once per sample). `
    + `<b>runs</b>: times a line ran; <b>loop trips</b>: times a loop went back to its start. Counts are exact on every tier; times are sampled.</p>`);

  out.push('<h2>Functions, by self time</h2><table>',
    head(['function', 'self ms', 'self%', 'total ms', 'total%', 'calls', 'loop trips', 'instructions', 'tier'], ['l', '', '', '', '', '', '', '', 'l']));
  for (const r of rankFunctions(p)) {
    const f = r.fn;
    const name = linked.has(r.name) && f ? `<a href="#${anchor(r.name)}">${esc(r.name)}</a>` : esc(r.name);
    out.push(`<tr>${cells([name, ms(r.selfMs), pct(r.selfMs, whole), ms(r.totalMs), pct(r.totalMs, whole),
      f ? count(f.calls) : '-', f ? count(f.loops.reduce((s, l) => s + l.trips, 0)) : '-', f ? count(f.instructions) : '-',
      badge(r.cls, f ? tierText(f) : CLASSES[r.cls].label)], ['l', '', '', '', '', '', '', '', 'l'])}</tr>`);
  }
  out.push('</table>');

  out.push('<h2>Hottest lines</h2><table>', head(['line', 'function', 'self ms', 'self%', 'total ms', 'runs', 'source', ''], ['l', 'l', '', '', '', '', 'l', 'l']));
  for (const l of hotLines(p, 15)) {
    const text = source(l.fn.file)?.[l.line - 1]?.trim() ?? '';
    out.push(`<tr>${cells([`${esc(l.fn.file.split('/').pop() ?? '')}:${l.line}`, esc(l.fn.name), ms(l.selfMs), pct(l.selfMs, whole), ms(l.totalMs), count(l.count),
      `<code>${esc(text)}</code>`, esc(lineNote(l))], ['l', 'l', '', '', '', '', 'l', 'note'])}</tr>`);
  }
  out.push('</table>');

  for (const fn of hot) {
    out.push(`<h2 id="${anchor(fn.name)}">${esc(fn.name)} <span class="muted">${esc(placeOf(fn))}</span> ${badge(fn.tier, tierText(fn))}</h2>`,
      `<p>self ${ms(fn.selfMs)} ms (${pct(fn.selfMs, whole)}), total ${ms(fn.totalMs)} ms (${pct(fn.totalMs, whole)}), ${counted(fn.calls, 'call')}, ${count(fn.instructions)} instructions.</p>`);
    const lines = annotate(fn, source);
    if (!lines) {
      out.push(`<p class="muted">The source of ${esc(fn.file)} is not available.</p>`);
      continue;
    }
    const peak = Math.max(...lines.map((l) => l.profile?.selfMs ?? 0));
    out.push('<table class="src">', head(['self ms', 'total ms', 'runs', 'line', 'source', ''], ['', '', '', '', 'l', 'l']));
    for (const l of lines) {
      const pf = l.profile;
      const shade = pf && peak > 0 && pf.selfMs > 0 ? ` style="background:rgba(255,80,0,${(0.08 + (0.5 * pf.selfMs) / peak).toFixed(3)})"` : '';
      const num = (v: number | undefined, f: (x: number) => string) => (v ? f(v) : '');
      out.push(`<tr${shade}${pf ? '' : ' class="none"'}>${cells([num(pf?.selfMs, ms), num(pf?.totalMs, ms), num(pf?.count, count), String(l.line), esc(l.text), esc(lineNote(l))],
        ['', '', '', 'no', 'code', 'note'])}</tr>`);
    }
    out.push('</table>');
  }
  out.push('</body></html>', '');
  return out.join('\n');
}
