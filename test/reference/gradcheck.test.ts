// Validates the reference interpreter's backward pass against finite differences of its own forward
// pass, in float64: every parameter and every input element, for every case of the table, batch 1
// and 2, in training mode with fixed dropout masks (so the function is deterministic), for an
// arbitrary output gradient and for the declared loss.
//
// Tolerance: relative error < 1e-6 (FD_RTOL), five-point stencil with h = 1e-4. Its truncation
// error is ~h^4/30 * f^(5) ~ 3e-18 * f^(5), negligible; its rounding error is ~1.5 * eps * S / h
// ~ 3e-12 * S, S bounding the terms of the objective (sum |out * dOut|, or |L|). Entries are compared
// relatively down to a floor (see assertMatchesFd); entries whose stencil crosses a kink (relu sign,
// max-pool winner) are skipped and counted.

import { describe, expect, it } from 'vitest';
import { LAYER_CASES, STACK_CASES } from '../support/cases.js';
import { makeData } from '../support/data.js';
import { buildNetwork } from '../support/net.js';
import { assertMatchesFd, centralDifferences, FD_STEP, kinkSignature } from './finite-diff.js';
import { backwardRef, forwardRef, lossAndGradRef, lossRef } from './interpreter.js';

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
    const fdP = centralDifferences(d.params, (p) => dot(run(p, d.input).output), (p) => sig(p, d.input), FD_STEP);
    assertMatchesFd(`${name} dParams (dot)`, back.dParams, fdP, dotScale);
    const fdX = centralDifferences(d.input, (x) => dot(run(d.params, x).output), (x) => sig(d.params, x), FD_STEP);
    assertMatchesFd(`${name} dInput (dot)`, back.dInput, fdX, dotScale);

    if (network.loss) {
      const loss = network.loss;
      const L = (p: Float64Array, x: Float64Array) => lossRef(loss, run(p, x).output, d.target, batch);
      const g = lossAndGradRef(network, d.params, d.input, d.target, batch, d.masks);
      expect(g.loss).toBeCloseTo(L(d.params, d.input), 12);
      const fdLP = centralDifferences(d.params, (p) => L(p, d.input), (p) => sig(p, d.input), FD_STEP);
      assertMatchesFd(`${name} dParams (loss)`, g.dParams, fdLP, Math.abs(g.loss));
      const fdLX = centralDifferences(d.input, (x) => L(d.params, x), (x) => sig(d.params, x), FD_STEP);
      assertMatchesFd(`${name} dInput (loss)`, g.dInput, fdLX, Math.abs(g.loss));
    }
  });
});
