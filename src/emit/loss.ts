// Loss functions of lossAndGrad (LANGUAGE.md), each writing dL/d(its input) for the backward pass.
//   cross_entropy (after softmax): L = -(1/B) sum_b sum_i t_i log p_i, with log p computed from the
//     softmax input z as z_i - max z - log sum_j exp(z_j - max z) (finite for finite z); the
//     gradient at z is (p - t)/B, so the softmax's own backward is skipped.
//   mse: L = (1/B) sum_b sum_i (y_i - t_i)^2 / 2, gradient (y - t)/B at the output.

import type { LoweredNet, LoweredStep } from '../lower/types.js';
import { doc, loop, type EmitContext, type Writer } from './writer.js';

/** The step whose backward runs first after the loss (exclusive upper bound of the steps run). */
export function lossBackwardFrom(net: LoweredNet): number {
  return net.loss === 'cross_entropy' ? net.steps.length - 1 : net.steps.length;
}

export function softmaxStep(net: LoweredNet): LoweredStep {
  const last = net.steps[net.steps.length - 1];
  if (last === undefined || last.kind !== 'softmax') {
    throw new Error(`cross_entropy needs softmax as the last layer of ${net.name}`);
  }
  return last;
}

/** Writes `function lossFn(ws, t): number`; returns its name. */
export function emitLoss(w: Writer, net: LoweredNet, ctx: EmitContext): string {
  const k = net.outputSize;
  if (net.loss === 'cross_entropy') {
    const sm = softmaxStep(net);
    doc(w, [
      'Cross-entropy after softmax: L = -(1/B) sum_b sum_i t_i log p_i, log p_i = z_i - max z - log sum_j exp(z_j - max z).',
      `Writes dL/dz = (p - t)/B into ws.${sm.dx}, where the backward of the layers before softmax starts.`,
    ]);
    w.write(`function crossEntropy(ws: Workspace, t: ${ctx.float}): number`).block(() => {
      w.writeLine(`const z = ws.${sm.x}, p = ws.${sm.y}, d = ws.${sm.dx}, n = ws.batch;`);
      w.writeLine('let loss = 0;');
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const o = b * ${k};`);
        w.writeLine('let m = z[o];');
        loop(w, 'i', 1, k, () => w.writeLine('if (z[o + i] > m) m = z[o + i];'));
        w.writeLine('let s = 0;');
        loop(w, 'i', 0, k, () => w.writeLine('s += Math.exp(z[o + i] - m);'));
        w.writeLine('const lse = m + Math.log(s);');
        loop(w, 'i', 0, k, () => {
          w.writeLine('const ti = t[o + i];');
          w.writeLine('if (ti !== 0) loss -= ti * (z[o + i] - lse);');
          w.writeLine('d[o + i] = (p[o + i] - ti) / n;');
        });
      });
      w.writeLine('return loss / n;');
    });
    return 'crossEntropy';
  }
  doc(w, [
    'Mean squared error: L = (1/B) sum_b sum_i (y_i - t_i)^2 / 2.',
    `Writes dL/dy = (y - t)/B into ws.${net.outputGrad}, where backward starts.`,
  ]);
  w.write(`function meanSquaredError(ws: Workspace, t: ${ctx.float}): number`).block(() => {
    w.writeLine(`const y = ws.${net.outputBuffer}, d = ws.${net.outputGrad}, n = ws.batch;`);
    w.writeLine(`const len = n * ${k};`);
    w.writeLine('let loss = 0;');
    loop(w, 'i', 0, 'len', () => {
      w.writeLine('const e = y[i] - t[i];');
      w.writeLine('loss += e * e;');
      w.writeLine('d[i] = e / n;');
    });
    w.writeLine('return loss / (2 * n);');
  });
  return 'meanSquaredError';
}
