// softmax over each sample's vector: p_i = exp(x_i - max x) / sum_j exp(x_j - max x).
// Backward is the general Jacobian-vector product dx_i = p_i (dy_i - sum_j p_j dy_j), in place.
// (With `loss cross_entropy`, lossAndGrad skips it: softmax + cross-entropy give (p - t)/B directly,
// see src/emit/loss.ts.)

import type { LoweredStep } from '../../lower/types.js';
import { backwardSignature, bindWorkspace, doc, forwardSignature, loop, type EmitContext, type Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';

export const softmaxEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const k = step.outSize;
    doc(w, [`${step.layer.name} forward: softmax over ${k} values per sample, shifted by the maximum for range.`]);
    w.write(forwardSignature(step, ctx, { p: false, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const o = b * ${k};`);
        w.writeLine('let m = x[o];');
        loop(w, 'i', 1, k, () => w.writeLine('if (x[o + i] > m) m = x[o + i];'));
        w.writeLine('let s = 0;');
        loop(w, 'i', 0, k, () => {
          w.writeLine('const e = Math.exp(x[o + i] - m);');
          w.writeLine('y[o + i] = e;');
          w.writeLine('s += e;');
        });
        loop(w, 'i', 0, k, () => w.writeLine('y[o + i] = y[o + i] / s;'));
      });
    });
  },
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const k = step.outSize;
    doc(w, [`${step.layer.name} backward: dx_i = p_i (dy_i - sum_j p_j dy_j), in place.`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [['y', step.y], ['d', step.dy]]);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const o = b * ${k};`);
        w.writeLine('let dot = 0;');
        loop(w, 'i', 0, k, () => w.writeLine('dot += y[o + i] * d[o + i];'));
        loop(w, 'i', 0, k, () => w.writeLine('d[o + i] = y[o + i] * (d[o + i] - dot);'));
      });
    });
  },
};
