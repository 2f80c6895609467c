// dense: y = W x + b with W [out][in] (PyTorch's Linear); a CxHxW input is read flattened.
// Backward: db[o] = sum_b dz[b,o]; dW[o][i] = sum_b dz[b,o] x[b,i]; dx[b,i] = sum_o dz[b,o] W[o][i].
// All three are matrix products, written as register-blocked loops: a pass holds a block of
// outputs x samples (forward), outputs x inputs (dW) or inputs x samples (dx) in independent
// accumulators, so each value loaded serves a whole row or column of the block. Samples beyond
// the last full block run one at a time. A batch of one sample (inference, online training)
// takes its own paths in the backward pass: dW is an outer product, and dx adds the rows of W that
// a nonzero dz[o] selects (a relu before makes about half of them zero). Every sum runs over i, b
// and o in increasing order whatever the blocks, so blocking never changes a number. A conv layer whose window covers its
// whole input is emitted here too: its weight [f][c][kh][kw] is exactly W [f][c*kh*kw].

import type { DensePlan, LoweredStep } from '../../lower/types.js';
import { emitFusedActivationBackward, outputExpr } from '../activation/emit.js';
import { backwardSignature, bindWorkspace, doc, forwardSignature, inputGradSignature, loop, plus, sum, times, type EmitContext, type Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';
import { blockExpr, emitBlocks } from '../../emit/blocks.js';

function densePlan(step: LoweredStep): DensePlan {
  if (step.plan.kind !== 'dense') throw new Error(`dense emitter: ${step.layer.name} has a ${step.plan.kind} plan`);
  return step.plan;
}

function what(step: LoweredStep, d: DensePlan): string {
  if (!d.fromConv) return `${step.layer.name}`;
  const [c, h, w] = step.input;
  return `${step.layer.name} (conv: its ${h}x${w} window covers the whole ${c}x${h}x${w} input, so it is a dense layer)`;
}

/**
 * Samples in blocks of `bb`, then one at a time: `body(m, bs)` writes a pass for samples b .. b+m-1
 * (`m` = bb in the blocked loop, 1 after it).
 */
function sampleBlocks(w: Writer, bb: number, body: (m: number) => void): void {
  if (bb === 1) {
    loop(w, 'b', 0, 'n', () => body(1));
    return;
  }
  w.writeLine('let b = 0;');
  w.write(`for (; b + ${bb} <= n; b += ${bb})`).block(() => body(bb));
  w.write('for (; b < n; b++)').block(() => body(1));
}

/** Output channels per pass: `ob` beside a block of samples, `ob1` for a sample on its own. */
function outputsPerPass(d: DensePlan, m: number): number {
  return Math.min(d.units, m === 1 ? d.ob1 : d.ob);
}

export const denseEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const d = densePlan(step);
    const w0 = step.weight!.offset;
    const b0 = step.bias?.offset;
    doc(w, [
      `${what(step, d)} forward: y = W x${b0 === undefined ? '' : ' + b'}${step.fused ? `, then ${step.fused.kind} (fused)` : ''}; ` +
        `${d.inputs} -> ${d.units}, W [${d.units}][${d.inputs}] at p[${w0}]${b0 === undefined ? '' : `, b at p[${b0}]`};`,
      `${d.ob} output(s) x ${d.bb} sample(s) per pass; ${d.ob1} output(s) per pass for a sample on its own.`,
    ]);
    w.write(forwardSignature(step, ctx, { p: true, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      sampleBlocks(w, d.bb, (m) => {
        const xs: string[] = [];
        for (let q = 0; q < m; q++) xs.push(`x${q} = ${sum(times('b', d.inputs), q * d.inputs)}`);
        w.writeLine(`const ${xs.join(', ')}, yb = b * ${d.units};`);
        emitBlocks(w, 'o', d.units, outputsPerPass(d, m), (at, count) => {
          const acc = (j: number, q: number): string => (m === 1 ? `s${j}` : `s${j}_${q}`);
          w.writeLine(`const wo = ${blockExpr('o', at, d.inputs, w0)};`);
          const init: string[] = [];
          for (let j = 0; j < count; j++) {
            const start = b0 === undefined ? '0' : `p[${blockExpr('o', at, 1, b0 + j)}]`;
            for (let q = 0; q < m; q++) init.push(`${acc(j, q)} = ${start}`);
          }
          w.writeLine(`let ${init.join(', ')};`);
          loop(w, 'i', 0, d.inputs, () => {
            const parts: string[] = [];
            for (let q = 0; q < m; q++) parts.push(`const v${q} = x[x${q} + i];`);
            for (let j = 0; j < count; j++) {
              parts.push(`${j === 0 ? 'let ' : ''}t = p[${sum('wo', j * d.inputs, 'i')}];`);
              for (let q = 0; q < m; q++) parts.push(`${acc(j, q)} += v${q} * t;`);
            }
            w.writeLine(parts.join(' '));
          });
          for (let q = 0; q < m; q++) {
            const stores: string[] = [];
            for (let j = 0; j < count; j++) {
              stores.push(`y[${sum('yb', blockExpr('o', at, 1, q * d.units + j))}] = ${outputExpr(step, acc(j, q))};`);
            }
            w.writeLine(stores.join(' '));
          }
        });
      });
    });
  },

  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const d = densePlan(step);
    const w0 = step.weight!.offset;
    doc(w, [
      `${what(step, d)} backward, parameters: dz = dy${step.fused ? ` * ${step.fused.kind}'(y)` : ''}, in place; ` +
        `${step.bias ? 'db = sum_b dz; ' : ''}dW[o][i] = sum_b dz[b,o] x[b,i],`,
      `${d.ob} output(s) x ${d.ib} input(s) per pass.`,
    ]);
    w.write(backwardSignature(step, ctx, { p: false, grad: true })).block(() => {
      const fields: [string, string][] = [['x', step.x], ['dz', step.dy]];
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
      w.write('if (n === 1)').block(() => {
        // (no branch for dz[o] = 0: a call in a branch never taken during warm-up deoptimises the
        // function the first time it is, and the multiply costs what filling the row would)
        w.writeLine('// weight gradient of one sample: the outer product dW[o] = dz[o] x');
        w.write(`for (let o = 0, wo = ${w0}; o < ${d.units}; o++, wo += ${d.inputs})`).block(() => {
          w.writeLine('const e = dz[o];');
          loop(w, 'i', 0, d.inputs, () => w.writeLine('grad[wo + i] = e * x[i];'));
        });
        w.writeLine('return;');
      });
      w.writeLine('// weight gradient: dW[o][i] = sum over the batch of dz[b,o] x[b,i]');
      emitBlocks(w, 'o', d.units, d.ob, (oat, ocount) => {
        emitBlocks(w, 'i', d.inputs, d.ib, (iat, icount) => {
          const acc = (j: number, m: number): string => `a${j}_${m}`;
          for (let j = 0; j < ocount; j++) {
            const names: string[] = [];
            for (let m = 0; m < icount; m++) names.push(`${acc(j, m)} = 0`);
            w.writeLine(`let ${names.join(', ')};`);
          }
          loop(w, 'b', 0, 'n', () => {
            const e: string[] = [];
            for (let j = 0; j < ocount; j++) e.push(`e${j} = dz[${sum(times('b', d.units), blockExpr('o', oat, 1, j))}]`);
            w.writeLine(`const ${e.join(', ')}, xi = ${sum(times('b', d.inputs), blockExpr('i', iat, 1, 0))};`);
            const parts: string[] = [];
            for (let m = 0; m < icount; m++) {
              parts.push(`const v${m} = x[${plus('xi', m)}];`);
              for (let j = 0; j < ocount; j++) parts.push(`${acc(j, m)} += e${j} * v${m};`);
            }
            w.writeLine(parts.join(' '));
          });
          for (let j = 0; j < ocount; j++) {
            const stores: string[] = [];
            for (let m = 0; m < icount; m++) {
              stores.push(`grad[${sum(blockExpr('o', oat, d.inputs, 0), blockExpr('i', iat, 1, w0 + j * d.inputs + m))}] = ${acc(j, m)};`);
            }
            w.writeLine(stores.join(' '));
          }
        });
      });
    });
  },

  inputGrad(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const d = densePlan(step);
    const w0 = step.weight!.offset;
    doc(w, [`${what(step, d)} backward, input: dx[b,i] = sum_o dz[b,o] W[o][i] (dx = W^T dz), ${d.ib} input(s) x ${d.bb} sample(s) per pass.`]);
    w.write(inputGradSignature(step, ctx)).block(() => {
      bindWorkspace(w, [['dz', step.dy], ['dx', step.dx]]);
      w.write('if (n === 1)').block(() => {
        w.writeLine('// one sample: dx = the sum of the rows W[o] scaled by dz[o], in order, skipping dz[o] = 0');
        w.writeLine(`dx.fill(0, 0, ${d.inputs});`);
        w.write(`for (let o = 0, wo = ${w0}; o < ${d.units}; o++, wo += ${d.inputs})`).block(() => {
          w.writeLine('const e = dz[o];');
          w.writeLine('if (e === 0) continue;');
          loop(w, 'i', 0, d.inputs, () => w.writeLine('dx[i] += e * p[wo + i];'));
        });
        w.writeLine('return;');
      });
      sampleBlocks(w, d.bb, (m) => {
        w.writeLine(`const gb = b * ${d.units}, xb = b * ${d.inputs};`);
        emitBlocks(w, 'i', d.inputs, d.ib, (at, count) => {
          const acc = (j: number, q: number): string => (m === 1 ? `s${j}` : `s${j}_${q}`);
          const init: string[] = [];
          for (let j = 0; j < count; j++) for (let q = 0; q < m; q++) init.push(`${acc(j, q)} = 0`);
          w.writeLine(`let ${init.join(', ')};`);
          w.write(`for (let o = 0, wi = ${blockExpr('i', at, 1, w0)}; o < ${d.units}; o++, wi += ${d.inputs})`).block(() => {
            const parts: string[] = [];
            for (let q = 0; q < m; q++) parts.push(`const e${q} = dz[${plus('gb + o', q * d.units)}];`);
            for (let j = 0; j < count; j++) {
              parts.push(`${j === 0 ? 'let ' : ''}t = p[${plus('wi', j)}];`);
              for (let q = 0; q < m; q++) parts.push(`${acc(j, q)} += e${q} * t;`);
            }
            w.writeLine(parts.join(' '));
          });
          for (let q = 0; q < m; q++) {
            const stores: string[] = [];
            for (let j = 0; j < count; j++) stores.push(`dx[${sum('xb', blockExpr('i', at, 1, q * d.inputs + j))}] = ${acc(j, q)};`);
            w.writeLine(stores.join(' '));
          }
        });
      });
    });
  },
};
