// dense: y = W x + b with W [out][in] (PyTorch's Linear); a CxHxW input is read flattened.
// Backward: db[o] = sum_b dz[b,o]; dW[o][i] = sum_b dz[b,o] x[b,i]; dx[b,i] = sum_o W[o][i] dz[b,o].
// Blocks of outputs (forward) and of weight columns (backward) live in independent accumulators;
// each sum runs over i, b and o in increasing order whatever the block size.

import type { DensePlan, LoweredStep } from '../../lower/types.js';
import { emitFusedActivationBackward, outputExpr } from '../activation/emit.js';
import { backwardSignature, bindWorkspace, doc, forwardSignature, loop, plus, sum, times, type EmitContext, type Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';
import { accumulators, blockExpr, emitBlocks } from '../../emit/blocks.js';


function densePlan(step: LoweredStep): DensePlan {
  if (step.plan.kind !== 'dense') throw new Error(`dense emitter: ${step.layer.name} has a ${step.plan.kind} plan`);
  return step.plan;
}

export const denseEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const d = densePlan(step);
    const w0 = step.weight!.offset;
    const b0 = step.bias?.offset;
    doc(w, [
      `${step.layer.name} forward: y = W x${b0 === undefined ? '' : ' + b'}${step.fused ? `, then ${step.fused.kind} (fused)` : ''}; ` +
        `${d.inputs} -> ${d.units}, W [${d.units}][${d.inputs}] at p[${w0}]${b0 === undefined ? '' : `, b at p[${b0}]`}; ` +
        `${d.ob} output(s) per pass.`,
    ]);
    w.write(forwardSignature(step, ctx, { p: true, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const xb = b * ${d.inputs}, yb = b * ${d.units};`);
        emitBlocks(w, 'o', d.units, d.ob, (at, count) => {
          w.writeLine(`const wo = ${blockExpr('o', at, d.inputs, w0)};`);
          w.writeLine(accumulators('s', count, (j) => (b0 === undefined ? '0' : `p[${blockExpr('o', at, 1, b0 + j)}]`)));
          loop(w, 'i', 0, d.inputs, () => {
            const parts = ['const v = x[xb + i];'];
            for (let j = 0; j < count; j++) parts.push(`s${j} += v * p[${sum('wo', j * d.inputs, 'i')}];`);
            w.writeLine(parts.join(' '));
          });
          for (let j = 0; j < count; j++) {
            w.writeLine(`y[${sum('yb', blockExpr('o', at, 1, j))}] = ${outputExpr(step, `s${j}`)};`);
          }
        });
      });
    });
  },

  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const d = densePlan(step);
    const w0 = step.weight!.offset;
    doc(w, [
      `${step.layer.name} backward: dz = dy${step.fused ? ` * ${step.fused.kind}'(y)` : ''}; db, dW into grad; ` +
        `dx = W^T dz; ${d.ib} column(s) of W per pass.`,
    ]);
    w.write(backwardSignature(step, ctx, { p: true, grad: true })).block(() => {
      const fields: [string, string][] = [['x', step.x], ['dz', step.dy], ['dx', step.dx]];
      if (step.fused) fields.push(['y', step.y]);
      bindWorkspace(w, fields);
      if (step.fused) emitFusedActivationBackward(w, step.fused, 'dz', 'y', `n * ${d.units}`);
      if (step.bias) {
        w.writeLine('// bias gradient');
        loop(w, 'o', 0, d.units, () => {
          w.writeLine('let s = 0;');
          loop(w, 'b', 0, 'n', () => w.writeLine(`s += dz[${sum(times('b', d.units), 'o')}];`));
          w.writeLine(`grad[${plus('o', step.bias!.offset)}] = s;`);
        });
      }
      w.writeLine('// weight gradient: dW[o][i] = sum over the batch of dz[b,o] x[b,i]');
      loop(w, 'o', 0, d.units, () => {
        w.writeLine(`const wo = ${sum(times('o', d.inputs), w0)};`);
        emitBlocks(w, 'i', d.inputs, d.ib, (at, count) => {
          w.writeLine(accumulators('a', count));
          loop(w, 'b', 0, 'n', () => {
            w.writeLine(`const e = dz[${sum(times('b', d.units), 'o')}], xi = ${sum(times('b', d.inputs), blockExpr('i', at, 1, 0))};`);
            const parts: string[] = [];
            for (let j = 0; j < count; j++) parts.push(`a${j} += e * x[${plus('xi', j)}];`);
            w.writeLine(parts.join(' '));
          });
          const parts: string[] = [];
          for (let j = 0; j < count; j++) parts.push(`grad[${sum('wo', blockExpr('i', at, 1, j))}] = a${j};`);
          w.writeLine(parts.join(' '));
        });
      });
      w.writeLine('// input gradient: dx = W^T dz');
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const gb = b * ${d.units}, xb = b * ${d.inputs};`);
        emitBlocks(w, 'i', d.inputs, d.ib, (at, count) => {
          w.writeLine(accumulators('s', count));
          w.write(`for (let o = 0, wi = ${blockExpr('i', at, 1, w0)}; o < ${d.units}; o++, wi += ${d.inputs})`).block(() => {
            const parts = ['const e = dz[gb + o];'];
            for (let j = 0; j < count; j++) parts.push(`s${j} += e * p[${plus('wi', j)}];`);
            w.writeLine(parts.join(' '));
          });
          const parts: string[] = [];
          for (let j = 0; j < count; j++) parts.push(`dx[${sum('xb', blockExpr('i', at, 1, j))}] = s${j};`);
          w.writeLine(parts.join(' '));
        });
      });
    });
  },
};
