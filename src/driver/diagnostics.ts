// Printing compile-time diagnostics to stderr. Source text is in byte-string form, so it is
// written back as raw bytes (UTF-8 in the source shows as UTF-8).
import { DiagBag, renderDiagnostic } from '../lang/diag.js';

export function printDiagnostics(diags: DiagBag, color = process.stderr.isTTY ?? false): void {
  const items = diags.sorted();
  let out = items.map((d) => renderDiagnostic(d, color)).join('');
  const n = diags.errorCount;
  if (n > 0) out += `${n} error${n === 1 ? '' : 's'}${n >= diags.cap ? ' (stopped after ' + diags.cap + ')' : ''}\n`;
  process.stderr.write(Buffer.from(out, 'latin1'));
}
