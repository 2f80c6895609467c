// dropout RATE, inverted: in training each element is kept with probability 1 - RATE and scaled
// by 1/(1 - RATE), so inference is the identity. The mask (0 or the scale, per element) is drawn
// from the workspace's seeded PRNG (mulberry32, state ws.rng) and kept for backward: dx = dy * mask.
// Inference sets the mask to 1, so backward after an inference forward is that function's gradient.

import type { LoweredStep } from '../../lower/types.js';
import { backwardSignature, bindWorkspace, doc, float, forwardSignature, type EmitContext, type Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';

function rate(step: LoweredStep): number {
  const s = step.layer.spec;
  if (s.kind !== 'dropout') throw new Error(`dropout emitter: ${step.layer.name} is a ${s.kind}`);
  return s.rate;
}

/** One mulberry32 step on the int32 state `s`, leaving a uniform double in [0, 1) in `r`. */
export function mulberry32Lines(s: string, r: string): string[] {
  return [
    `${s} = (${s} + 0x6d2b79f5) | 0;`,
    `let t = Math.imul(${s} ^ (${s} >>> 15), 1 | ${s});`,
    `t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;`,
    `const ${r} = ((t ^ (t >>> 14)) >>> 0) / 4294967296;`,
  ];
}

export const dropoutEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const p = rate(step);
    const scale = 1 / (1 - p);
    doc(w, [
      `${step.layer.name} forward: inverted dropout, rate ${float(p)}: y = x * mask, mask = ${float(scale)} ` +
        `with probability ${float(1 - p)} else 0 (training), 1 (inference).`,
    ]);
    w.write(forwardSignature(step, ctx, { p: false, training: p > 0 })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y], ['m', step.mask!]]);
      w.writeLine(`const len = n * ${step.outSize};`);
      if (p > 0) {
        w.write('if (training)').block(() => {
          w.writeLine('let s = ws.rng;');
          w.write('for (let i = 0; i < len; i++)').block(() => {
            for (const l of mulberry32Lines('s', 'r')) w.writeLine(l);
            w.writeLine(`m[i] = r < ${float(p)} ? 0 : ${float(scale)};`);
          });
          w.writeLine('ws.rng = s;');
        });
        w.write('else').block(() => w.writeLine('m.fill(1, 0, len);'));
      } else {
        w.writeLine('m.fill(1, 0, len);');
      }
      w.write('for (let i = 0; i < len; i++)').block(() => w.writeLine('y[i] = x[i] * m[i];'));
    });
  },
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    doc(w, [`${step.layer.name} backward: dx = dy * mask, in place (dx and dy share a buffer).`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [['d', step.dy], ['m', step.mask!]]);
      w.writeLine(`const len = n * ${step.outSize};`);
      w.write('for (let i = 0; i < len; i++)').block(() => w.writeLine('d[i] = d[i] * m[i];'));
    });
  },
};
