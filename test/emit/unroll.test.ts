// --unroll none, auto and max change how the code is written, never a number: every sum runs in the
// same order whatever the blocking, so forward outputs and gradients agree bit for bit (float32).

import { describe, expect, it } from 'vitest';
import type { GeneratedModule, Workspace } from '../../src/module-api.js';
import { LAYER_CASES, STACK_CASES } from './cases.js';
import { compile, randomArray, size } from './harness.js';

function run(mod: GeneratedModule, loss: boolean): Float32Array[] {
  const batch = 2;
  const p = mod.initParams(3) as Float32Array;
  const x = Float32Array.from(randomArray(batch * size(mod.inputShape), 4));
  const c = Float32Array.from(randomArray(batch * size(mod.outputShape), 5));
  const ws = mod.createWorkspace(batch, 6) as Workspace & { dInput: Float32Array };
  const y = Float32Array.from(mod.forward(p, x, ws, true));
  const grad = new Float32Array(mod.paramCount);
  const dx = Float32Array.from(mod.backward(p, ws, c, grad));
  const out = [y, grad, dx];
  if (loss) {
    const g2 = new Float32Array(mod.paramCount);
    const t = Float32Array.from(c, (v) => Math.abs(v));
    out.push(Float32Array.of(mod.lossAndGrad!(p, x, t, g2, ws)), g2, Float32Array.from(ws.dInput));
  }
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): string | undefined {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return `[${i}] ${a[i]} vs ${b[i]}`;
  }
  return undefined;
}

const all = [...LAYER_CASES, ...STACK_CASES];
const methods = (src: string): ('gather' | 'scatter' | undefined)[] => (/\bconv\b/.test(src) ? ['gather', 'scatter'] : [undefined]);

describe.each(all)('unroll modes on $name', (c) => {
  it.each(methods(c.src))('none, auto and max give the same bits (input gradient: %s)', (method) => {
    const ref = run(compile(c.src, { unroll: 'auto' }, method).mod, c.loss === true);
    for (const mode of ['none', 'max'] as const) {
      const other = run(compile(c.src, { unroll: mode }, method).mod, c.loss === true);
      other.forEach((arr, k) => expect(sameBits(arr, ref[k]!), `${mode}, result ${k}`).toBeUndefined());
    }
  });
});

describe('unroll modes differ in code', () => {
  it('a conv layer is emitted three ways', () => {
    // a 13x13 window: auto (20 KB a function) unrolls one kernel row, max (50 KB) the whole window
    const src = 'input 2x30x30\nconv 4 13x13 pad 6 relu\n';
    const [none, auto, max] = (['none', 'auto', 'max'] as const).map((unroll) => compile(src, { unroll }).code);
    const fwd = (code: string): string => code.slice(code.indexOf('function conv1_fwd'), code.indexOf('function conv1_bwd'));
    // none: one accumulator, every index a loop
    expect(fwd(none)).toContain('acc +=');
    expect(fwd(none)).not.toMatch(/\bs1 \+=/);
    // auto: 4 positions per pass, the kernel rows a loop
    expect(fwd(auto)).toContain('s3 += ');
    expect(fwd(auto)).toMatch(/for \(let u = 0, su = sc, wu = wr; u < 13;/);
    // max: the whole window unrolled
    expect(fwd(max)).toContain('s3 += ');
    expect(fwd(max)).not.toMatch(/for \(let u = 0/);
    expect(new Set([none, auto, max]).size).toBe(3);
  });
});
