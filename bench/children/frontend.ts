// Child process: checkSource on one file, in process. The first call is timed on its own (a fresh
// process: nothing compiled by the JIT yet, what an editor's first check or a one-shot CLI pays),
// then the warm median. argv: FILE quick|full

import { readFileSync } from 'node:fs';
import { loadChecker } from '../lib/cnnc.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, measure, nowMs, type Measurement } from '../lib/measure.js';
import { errorText, send } from '../lib/protocol.js';

export interface FrontendData {
  readonly lines: number;
  readonly layers: number;
  readonly errors: number;
  readonly warnings: number;
  readonly from: string;
  readonly firstMs: number;
  readonly warm: Measurement;
}

async function main(): Promise<void> {
  const [file, speed] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: frontend.ts FILE quick|full');
  const budget = speed === 'quick' ? QUICK_BUDGET : DEFAULT_BUDGET;
  const text = readFileSync(file, 'utf8');
  const checker = await loadChecker();
  const check = checker.value;
  const t0 = nowMs();
  const first = check(text, file);
  const firstMs = nowMs() - t0;
  const warm = measure(() => void check(text, file), { ...budget, warmupIters: Math.max(budget.warmupIters, 30) });
  const data: FrontendData = {
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    layers: first.network?.layers.length ?? 0,
    errors: first.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: first.diagnostics.filter((d) => d.severity === 'warning').length,
    from: checker.from,
    firstMs,
    warm,
  };
  send({ type: 'data', data });
}

main().then(
  () => process.disconnect?.(),
  (e: unknown) => {
    send({ type: 'fail', error: errorText(e) });
    process.disconnect?.();
  },
);
