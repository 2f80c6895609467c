// Networks from the front end's generator (test/support/arb-cnn.ts: repeat blocks, labels,
// comments, trailing activations, every kind), compiled through the checker as a user would write
// them, in f64 with a random unroll mode, against the reference interpreter and TF.js (forward,
// backward, lossAndGrad). Complements random.test.ts, whose own generator writes flat sources but
// reaches the awkward geometries (uneven windows, strides past the kernel, dilation) this one avoids.

import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { arbCnn } from '../support/arb-cnn.js';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining } from '../support/differential.js';
import { compile, runModule } from '../support/module.js';
import { tfReady } from '../support/tf.js';

const SEED = Number(process.env.CNNC_SEED ?? 1_998);
const RUNS = Number(process.env.CNNC_ARB_RUNS ?? 100);

beforeAll(tfReady);

describe('generated module = reference = TF.js on arb-cnn sources', () => {
  it(`${RUNS} sources, seed ${SEED}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        arbCnn({ maxSide: 8 }),
        fc.constantFrom('none', 'auto', 'max' as const),
        fc.integer({ min: 1, max: 2 }),
        async ({ source }, unroll, batch) => {
          const c = await compile(source, 'generated.cnn', 'f64', unroll);
          const d = makeData(c.network, batch, 77);
          const opts = { precision: 'f64', tf: true, where: `\n${source}f64, unroll ${unroll}, batch ${batch}` } as const;
          const run = runModule(c, d, 'f64');
          checkInference(c.network, d, run.inference, opts);
          checkTraining(c.network, d, run.training.masks, run.training.obs, opts);
          if (run.loss) checkLoss(c.network, d, run.loss.masks, run.loss.obs, opts);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
