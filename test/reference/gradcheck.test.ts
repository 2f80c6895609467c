// Validates the reference interpreter's backward pass against central finite differences of its own
// forward pass, in float64: every parameter and every input element, for every case of the table,
// batch 1 and 2, in training mode with fixed dropout masks (so the function is deterministic).
//
// Tolerance: relative error < 1e-6, five-point stencil with h = 1e-4. Its truncation error is
// ~h^4/30 * f^(5) ~ 3e-18 * f^(5), negligible; its rounding error is ~1.5 * eps * S / h ~ 3e-12 * S,
// where S bounds the magnitude of the terms that make up the objective (sum |out * dOut|, or |L|).
// So entries are compared relatively down to a floor: the larger of 1e-3 times the gradient's
// largest entry and the level (10x the rounding estimate, divided by the tolerance) under which the
// difference quotient is noise; below the floor the comparison is absolute at floor * 1e-6.

import { describe, expect, it } from 'vitest';
import { LAYER_CASES, STACK_CASES } from '../support/cases.js';
import { makeData } from '../support/data.js';
import { maxAbs } from '../support/compare.js';
import { buildNetwork } from '../support/net.js';
import { backwardRef, forwardRef, lossAndGradRef, lossRef } from './interpreter.js';
import { centralDifferences, kinkSignature, maxRelativeError } from './finite-diff.js';

const H = 1e-4;
const RTOL = 1e-6;

function check(label: string, analytic: Float64Array, fd: { grad: Float64Array; skipped: number }, scale: number): void {
  const noise = (10 * 1.5 * Number.EPSILON * scale) / H;
  const floor = Math.max(1e-3 * maxAbs(analytic), noise / RTOL, 1e-300);
  const { error, index } = maxRelativeError(analytic, fd.grad, floor);
  if (!(error < RTOL)) {
    throw new Error(`${label}: entry ${index}: analytic ${analytic[index]}, finite difference ${fd.grad[index]} (relative error ${error})`);
  }
  // kinks are rare with continuous random data; a large share skipped would hide bugs
  expect(fd.skipped, `${label}: entries skipped at kinks`).toBeLessThanOrEqual(Math.max(2, analytic.length / 10));
}

describe.each([...LAYER_CASES, ...STACK_CASES])('reference gradient = finite differences: $name', ({ name, net }) => {
  const network = buildNetwork(net);
  it.each([1, 2])('batch %i', (batch) => {
    const d = makeData(network, batch, 1234 + batch);
    const opts = { training: true, dropoutMasks: d.masks };
    const run = (params: Float64Array, input: Float64Array) => forwardRef(network, params, input, batch, opts);
    const sig = (params: Float64Array, input: Float64Array) => kinkSignature(network, run(params, input));

    // J = sum(output * dOutput): exercises backward with an arbitrary output gradient
    const dot = (out: Float64Array) => out.reduce((s, v, i) => s + v * d.dOutput[i]!, 0);
    const fwd = run(d.params, d.input);
    const dotScale = fwd.output.reduce((s, v, i) => s + Math.abs(v * d.dOutput[i]!), 0);
    const back = backwardRef(network, fwd, d.dOutput);
    const fdP = centralDifferences(d.params, (p) => dot(run(p, d.input).output), (p) => sig(p, d.input), H);
    check(`${name} dParams (dot)`, back.dParams, fdP, dotScale);
    const fdX = centralDifferences(d.input, (x) => dot(run(d.params, x).output), (x) => sig(d.params, x), H);
    check(`${name} dInput (dot)`, back.dInput, fdX, dotScale);

    if (network.loss) {
      const loss = network.loss;
      const L = (p: Float64Array, x: Float64Array) => lossRef(loss, run(p, x).output, d.target, batch);
      const g = lossAndGradRef(network, d.params, d.input, d.target, batch, d.masks);
      expect(g.loss).toBeCloseTo(L(d.params, d.input), 12);
      const fdLP = centralDifferences(d.params, (p) => L(p, d.input), (p) => sig(p, d.input), H);
      check(`${name} dParams (loss)`, g.dParams, fdLP, Math.abs(g.loss));
      const fdLX = centralDifferences(d.input, (x) => L(d.params, x), (x) => sig(d.params, x), H);
      check(`${name} dInput (loss)`, g.dInput, fdLX, Math.abs(g.loss));
    }
  });
});
