// Every layer kind and option on its own, then in stacks (test/support/cases.ts), through the real
// pipeline: compileSource (f64 with unroll none/auto/max, f32 with auto) + loadModule, then forward in
// inference, forward in training + backward from an arbitrary output gradient, and lossAndGrad,
// each against the reference interpreter and TF.js (tolerances: test/support/differential.ts).
// Batch 1 and 3. The checker's Network must also equal the one built from LANGUAGE.md's rules by
// test/support/net.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import type { UnrollMode } from '../../src/lower/types.js';
import { LAYER_CASES, STACK_CASES } from '../support/cases.js';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining, type Precision } from '../support/differential.js';
import { compile, runModule } from '../support/module.js';
import { buildNetwork, networkDifference, toSource } from '../support/net.js';
import { tfReady } from '../support/tf.js';

beforeAll(tfReady);

// Every unroll mode in f64 (tight tolerance); f32 with the default mode (the f32 and f64 modules
// come from the same templates, only the array type differs; random.test.ts mixes both freely).
const CONFIGS: readonly [Precision, UnrollMode][] = [
  ['f32', 'auto'],
  ['f64', 'none'],
  ['f64', 'auto'],
  ['f64', 'max'],
];

describe.each([...LAYER_CASES, ...STACK_CASES])('generated module = reference = TF.js: $name', ({ name, net }) => {
  const source = toSource(net);
  const expected = buildNetwork(net, `${net.name}.cnn`);
  it.each(CONFIGS)('%s, unroll %s', async (dtype, unroll) => {
    const c = await compile(source, `${net.name}.cnn`, dtype, unroll);
    expect(networkDifference(c.network, expected), 'checker Network vs LANGUAGE.md').toBeUndefined();
    for (const batch of [1, 3]) {
      const d = makeData(c.network, batch, 4321 + batch);
      const opts = { precision: dtype, tf: true, where: `\n(${name}, ${dtype}, unroll ${unroll}, batch ${batch})\n${source}` };
      const run = runModule(c, d, dtype);
      checkInference(c.network, d, run.inference, opts);
      checkTraining(c.network, d, run.training.masks, run.training.obs, opts);
      if (run.loss) checkLoss(c.network, d, run.loss.masks, run.loss.obs, opts);
    }
  });
});
