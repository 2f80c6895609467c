// Finite differences directly on the generated module, in f64, for every layer kind and option
// (the table of test/support/cases.ts) and the stacks: the module's own backward and lossAndGrad
// against five-point differences of its own forward (training mode) and lossAndGrad values, for
// every parameter and input element, with batch 2. Nothing but the module computes the numbers;
// the reference interpreter only tells where a stencil crosses a kink (relu sign, max-pool winner),
// which is then skipped (see test/reference/finite-diff.ts, also for the tolerance: 1e-6 relative).
//
// Dropout masks stay fixed across the stencil's evaluations by resetting the workspace's PRNG state
// (`ws.rng`, which the generated Workspace documents for replaying masks) before every call.

import { describe, it } from 'vitest';
import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';
import type { Network } from '../../src/network.js';
import { assertMatchesFd, centralDifferences, FD_STEP, kinkSignature } from '../reference/finite-diff.js';
import { forwardRef } from '../reference/interpreter.js';
import { LAYER_CASES, STACK_CASES } from '../support/cases.js';
import { makeData } from '../support/data.js';
import { compile, fromModuleParams } from '../support/module.js';
import { toSource } from '../support/net.js';

type ReplayWorkspace = Workspace & { rng: number; dropoutMasks: readonly FloatArray[]; dInput: FloatArray };

const BATCH = 2;

/** Kink signature at module parameters `p`, from the reference with the module's masks. */
function signature(network: Network, mod: GeneratedModule, p: Float64Array, x: Float64Array, masks: Float64Array[]): Int32Array {
  const fwd = forwardRef(network, fromModuleParams(network, mod, p), x, BATCH, { training: true, dropoutMasks: masks });
  return kinkSignature(network, fwd);
}

describe.each([...LAYER_CASES, ...STACK_CASES])('generated f64 module gradient = finite differences: $name', ({ name, net }) => {
  it('unroll auto, batch 2', async () => {
    const { network, mod } = await compile(toSource(net), `${net.name}.cnn`, 'f64', 'auto');
    const d = makeData(network, BATCH, 555);
    const ws = mod.createWorkspace(BATCH, 9) as ReplayWorkspace;
    const rng0 = ws.rng;
    if (typeof rng0 !== 'number') throw new Error('the workspace has no rng state: cannot replay dropout masks');
    const p0 = Float64Array.from(mod.initParams(3)); // the module's own layout and initialisation
    const forward = (p: Float64Array, x: Float64Array): FloatArray => {
      ws.rng = rng0;
      return mod.forward(p, x, ws, true);
    };
    forward(p0, d.input);
    const masks = ws.dropoutMasks.map((m) => Float64Array.from(m, (v) => (v !== 0 ? 1 : 0)));
    const sigP = (p: Float64Array) => signature(network, mod, p, d.input, masks);
    const sigX = (x: Float64Array) => signature(network, mod, p0, x, masks);

    // J = sum(output * dOutput) through forward + backward
    const dot = (out: FloatArray) => {
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i]! * d.dOutput[i]!;
      return s;
    };
    const out0 = forward(p0, d.input);
    let scale = 0;
    for (let i = 0; i < out0.length; i++) scale += Math.abs(out0[i]! * d.dOutput[i]!);
    const grad = new Float64Array(mod.paramCount);
    const dInput = Float64Array.from(mod.backward(p0, ws, d.dOutput, grad));
    const fdP = centralDifferences(p0, (p) => dot(forward(p, d.input)), sigP, FD_STEP);
    assertMatchesFd(`${name}: backward dParams`, grad, fdP, scale);
    const fdX = centralDifferences(d.input, (x) => dot(forward(p0, x)), sigX, FD_STEP);
    assertMatchesFd(`${name}: backward dInput`, dInput, fdX, scale);

    if (mod.lossAndGrad) {
      const lossAndGrad = mod.lossAndGrad.bind(mod);
      const scratch = new Float64Array(mod.paramCount);
      const L = (p: Float64Array, x: Float64Array): number => {
        ws.rng = rng0;
        return lossAndGrad(p, x, d.target, scratch, ws);
      };
      const lossGrad = new Float64Array(mod.paramCount);
      ws.rng = rng0;
      const loss = lossAndGrad(p0, d.input, d.target, lossGrad, ws);
      assertMatchesFd(`${name}: lossAndGrad dParams`, lossGrad, centralDifferences(p0, (p) => L(p, d.input), sigP, FD_STEP), Math.abs(loss));
      // lossAndGrad leaves dL/dinput out (like a PyTorch input that does not require grad):
      // backward from dL/dy gives it: -t/(B p) after softmax for cross-entropy, (y - t)/B for mse
      const y = forward(p0, d.input);
      const batch = ws.batch;
      const dLdy = Float64Array.from(y, (v, i) => (network.loss === 'mse' ? (v - d.target[i]!) / batch : -d.target[i]! / (batch * v)));
      const lossInput = Float64Array.from(mod.backward(p0, ws, dLdy, new Float64Array(mod.paramCount)));
      assertMatchesFd(`${name}: loss dInput by backward`, lossInput, centralDifferences(d.input, (x) => L(p0, x), sigX, FD_STEP), Math.abs(loss));
    }
  });
});
