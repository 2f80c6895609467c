// relu, sigmoid, tanh, leakyrelu: element-wise, as a step of their own or fused into the conv or
// dense step before them. The derivative is taken from the output y where that is exact:
//   relu' = [y > 0], sigmoid' = y (1 - y), tanh' = 1 - y^2, leakyrelu' = [y > 0] or slope
// (for leakyrelu only when slope >= 0, so that y > 0 <=> x > 0; a step of its own reads x).
// At 0 the derivative is that of PyTorch: relu'(0) = 0, leakyrelu'(0) = slope.

import type { ActivationKind } from '../../network.js';
import type { LoweredStep } from '../../lower/types.js';
import { backwardSignature, bindWorkspace, doc, float, forwardSignature, type EmitContext, type Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';

/** f(s) as an expression; `s` must be a plain identifier (it is read more than once). */
export function activationExpr(kind: ActivationKind, slope: number, s: string): string {
  switch (kind) {
    case 'relu':
      return `${s} < 0 ? 0 : ${s}`;
    case 'sigmoid':
      return `1 / (1 + Math.exp(-${s}))`;
    case 'tanh':
      return `Math.tanh(${s})`;
    case 'leakyrelu':
      return `${s} > 0 ? ${s} : ${s} * ${float(slope)}`;
  }
}

/** The stored value of a conv or dense accumulator `s`: its fused activation applied, or `s`. */
export function outputExpr(step: LoweredStep, s: string): string {
  const a = step.fused;
  return a ? activationExpr(a.kind, a.slope, s) : s;
}

/** d * f'(x) from the output y (or from the input x for leakyrelu, see above). */
function derivativeExpr(kind: ActivationKind, slope: number, d: string, y: string): string {
  switch (kind) {
    case 'relu':
      return `${y} > 0 ? ${d} : 0`;
    case 'sigmoid':
      return `${d} * ${y} * (1 - ${y})`;
    case 'tanh':
      return `${d} * (1 - ${y} * ${y})`;
    case 'leakyrelu':
      return `${y} > 0 ? ${d} : ${d} * ${float(slope)}`;
  }
}

export function activationComment(kind: ActivationKind, slope: number): string {
  switch (kind) {
    case 'relu':
      return 'relu: y = max(0, x)';
    case 'sigmoid':
      return 'sigmoid: y = 1 / (1 + exp(-x))';
    case 'tanh':
      return 'tanh: y = tanh(x)';
    case 'leakyrelu':
      return `leakyrelu: y = x > 0 ? x : ${float(slope)} x`;
  }
}

/**
 * The fused activation's backward half, in place over the error map: dz = dy * f'(y).
 * `dz` and `y` are locals already bound; `len` is an expression for the element count.
 */
export function emitFusedActivationBackward(
  w: Writer,
  act: { kind: ActivationKind; slope: number },
  dz: string,
  y: string,
  len: string,
): void {
  w.writeLine(`// ${act.kind} (fused): dz = dy * f'(y), in place`);
  w.write(`for (let i = 0; i < ${len}; i++)`).block(() => {
    w.writeLine(`const v = ${y}[i];`);
    w.writeLine(`${dz}[i] = ${derivativeExpr(act.kind, act.slope, `${dz}[i]`, 'v')};`);
  });
}

function spec(step: LoweredStep): { kind: ActivationKind; slope: number } {
  const s = step.layer.spec;
  if (s.kind === 'relu' || s.kind === 'sigmoid' || s.kind === 'tanh') return { kind: s.kind, slope: 0 };
  if (s.kind === 'leakyrelu') return { kind: 'leakyrelu', slope: s.slope };
  throw new Error(`activation emitter: ${step.layer.name} is a ${s.kind}`);
}

export const activationEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const a = spec(step);
    doc(w, [`${step.layer.name} forward, ${activationComment(a.kind, a.slope)}, element-wise over ${step.outSize} values per sample.`]);
    w.write(forwardSignature(step, ctx, { p: false, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      w.writeLine(`const len = n * ${step.outSize};`);
      w.write('for (let i = 0; i < len; i++)').block(() => {
        w.writeLine('const s = x[i];');
        w.writeLine(`y[i] = ${activationExpr(a.kind, a.slope, 's')};`);
      });
    });
  },
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const a = spec(step);
    const from = a.kind === 'leakyrelu' ? 'x' : 'y';
    doc(w, [`${step.layer.name} backward: dx = dy * f'(${from}), in place (dx and dy share a buffer).`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [[from, from === 'x' ? step.x : step.y], ['d', step.dy]]);
      w.writeLine(`const len = n * ${step.outSize};`);
      w.write('for (let i = 0; i < len; i++)').block(() => {
        w.writeLine(`const v = ${from}[i];`);
        w.writeLine(`d[i] = ${derivativeExpr(a.kind, a.slope, 'd[i]', 'v')};`);
      });
    });
  },
};
