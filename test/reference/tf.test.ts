// The reference interpreter (float64) against TensorFlow.js (cpu backend, float32): forward output
// in inference and in training mode (the same dropout masks on both sides), the loss, every
// parameter gradient and the input gradient, both for the declared loss and for an arbitrary output
// gradient, for every case of the table, batch 1 and 3. Tolerances: 'f32' in
// test/support/differential.ts (scale-relative 1e-4, plus 30x the measured float32 rounding effect).

import { beforeAll, describe, it } from 'vitest';
import { LAYER_CASES, STACK_CASES } from '../support/cases.js';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining } from '../support/differential.js';
import { buildNetwork } from '../support/net.js';
import { tfForward, tfGradients, tfReady } from '../support/tf.js';

beforeAll(tfReady);

describe.each([...LAYER_CASES, ...STACK_CASES])('reference = TF.js: $name', ({ name, net }) => {
  const network = buildNetwork(net);
  it.each([1, 3])('batch %i', (batch) => {
    const d = makeData(network, batch, 99 + batch);
    const opts = { precision: 'f32', where: ` (${name}, batch ${batch})` } as const;
    checkInference(network, d, tfForward(network, d.params, d.input, batch), opts);
    const training = { training: true, dropoutMasks: d.masks };
    checkTraining(network, d, d.masks, tfGradients(network, d.params, d.input, batch, { dOutput: d.dOutput }, training), opts);
    if (network.loss) {
      const obs = tfGradients(network, d.params, d.input, batch, { loss: network.loss, target: d.target }, training);
      checkLoss(network, d, d.masks, obs, opts);
    }
  });
});
