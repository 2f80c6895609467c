// The reference interpreter against TF.js on random architectures (test/support/random-net.ts):
// forward (inference, and training with shared dropout masks), loss, every parameter gradient, the
// input gradient. Tolerances: 'f32' in test/support/differential.ts. The seed is fixed (override:
// CNNC_SEED, CNNC_RUNS); fast-check prints it with the shrunk counterexample on failure, and each
// failure message carries the network's .cnn source, the batch and the data seed.

import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining } from '../support/differential.js';
import { buildNetwork, toSource } from '../support/net.js';
import { arbNetDesc } from '../support/random-net.js';
import { tfForward, tfGradients, tfReady } from '../support/tf.js';

const SEED = Number(process.env.CNNC_SEED ?? 20240601);
const RUNS = Number(process.env.CNNC_RUNS ?? 100);

beforeAll(tfReady);

describe('reference = TF.js on random architectures', () => {
  it(`${RUNS} networks, batch 1 to 3, seed ${SEED}`, () => {
    fc.assert(
      fc.property(arbNetDesc, fc.integer({ min: 1, max: 3 }), fc.nat(), (desc, batch, dataSeed) => {
        const network = buildNetwork(desc);
        const d = makeData(network, batch, dataSeed);
        const opts = { precision: 'f32', where: `\n${toSource(desc)}batch ${batch}, data seed ${dataSeed}` } as const;
        checkInference(network, d, tfForward(network, d.params, d.input, batch), opts);
        const training = { training: true, dropoutMasks: d.masks };
        checkTraining(network, d, d.masks, tfGradients(network, d.params, d.input, batch, { dOutput: d.dOutput }, training), opts);
        if (network.loss) {
          const obs = tfGradients(network, d.params, d.input, batch, { loss: network.loss, target: d.target }, training);
          checkLoss(network, d, d.masks, obs, opts);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
