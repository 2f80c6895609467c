// How long the server spends on one document's diagnostics (analysis + conversion to LSP), in
// process, for a 200-line and a 2,000-line file, valid and with an error halfway (which makes the
// server walk the layers a second time for partial shapes). Prints the medians; the bounds are
// loose (a loaded 2-core machine), they catch an accidental blow-up, not a few percent.

import { expect, it } from 'vitest';
import { analyze, toLspDiagnostic } from '../../src/lsp/index.js';
import { bigModel } from './models.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(text: string, runs: number): { ms: number; diagnostics: number } {
  let diagnostics = 0;
  const samples: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    const a = analyze(text, 'big.cnn');
    diagnostics = a.diagnostics.map((d) => toLspDiagnostic(a.doc, d)).length;
    if (r >= 2) samples.push(performance.now() - t0);
  }
  return { ms: median(samples), diagnostics };
}

it('analyses a 200-line and a 2,000-line document quickly enough to run on every change', () => {
  const results: string[] = [];
  for (const [n, bound] of [[200, 250], [2000, 2500]] as const) {
    for (const broken of [false, true]) {
      const text = bigModel(n, broken);
      expect(text.split('\n').length - 1).toBe(n);
      const { ms, diagnostics } = time(text, n === 200 ? 15 : 5);
      expect(diagnostics > 0).toBe(broken);
      results.push(`${n} lines${broken ? ', one error' : ''}: ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(bound);
    }
  }
  console.log(`diagnostics latency (median, in process): ${results.join('; ')}`);
});
