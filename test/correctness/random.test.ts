// Differential testing on random architectures (test/support/random-net.ts): each network is
// compiled twice (f32 and f64, with a random unroll mode) and its module compared with the
// reference interpreter and TF.js on forward (inference and training), backward from an arbitrary
// output gradient, and lossAndGrad: outputs, loss, every parameter gradient, the input gradient.
// The checker's Network must equal the one test/support/net.ts builds from LANGUAGE.md's rules.
//
// The seed is fixed so runs are reproducible (override with CNNC_SEED, the count with CNNC_RUNS);
// on failure fast-check reports the seed and the shrunk counterexample, and the message carries
// the network's .cnn source, dtype, unroll mode, batch and data seed.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining } from '../support/differential.js';
import { compile, runModule } from '../support/module.js';
import { buildNetwork, networkDifference, toSource } from '../support/net.js';
import { arbNetDesc } from '../support/random-net.js';
import { tfReady } from '../support/tf.js';

const SEED = Number(process.env.CNNC_SEED ?? 7_041_977);
const RUNS = Number(process.env.CNNC_RUNS ?? 120);

beforeAll(tfReady);

describe('generated module = reference = TF.js on random architectures', () => {
  it(`${RUNS} networks, f32 and f64, seed ${SEED}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        arbNetDesc,
        fc.constantFrom('none', 'auto', 'max' as const),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        async (desc, unroll, batch, dataSeed) => {
          const source = toSource(desc);
          const expected = buildNetwork(desc, 'random.cnn');
          for (const dtype of ['f32', 'f64'] as const) {
            const c = await compile(source, 'random.cnn', dtype, unroll);
            const diff = networkDifference(c.network, expected);
            expect(diff, `checker Network vs LANGUAGE.md for\n${source}`).toBeUndefined();
            const d = makeData(c.network, batch, dataSeed);
            const opts = { precision: dtype, tf: true, where: `\n${source}${dtype}, unroll ${unroll}, batch ${batch}, data seed ${dataSeed}` };
            const run = runModule(c, d, dtype, dataSeed);
            checkInference(c.network, d, run.inference, opts);
            checkTraining(c.network, d, run.training.masks, run.training.obs, opts);
            if (run.loss) checkLoss(c.network, d, run.loss.masks, run.loss.obs, opts);
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
