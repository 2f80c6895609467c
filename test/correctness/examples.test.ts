// The example networks of examples/ (real sizes: LeNet-5, the MNIST convnet with its 3.2M
// parameters and dropout, the factorised-convolution network) through the real pipeline:
// - f32, batch 1: inference output, training output, backward from an arbitrary output gradient,
//   lossAndGrad (loss, every parameter gradient, the input gradient), against the reference; the
//   inference output and lossAndGrad against TF.js as well (TF.js's pure-JS conv gradients take
//   seconds at these sizes, so batch 1 and one gradient run);
// - f64, batch 2: the same against the reference at the f64 tolerance (TF.js, being float32, could
//   only check it more loosely than the reference already does).
// Tolerances: test/support/differential.ts. The module runs on a fresh workspace here (the
// dirty-workspace runs are in layers.test.ts and random.test.ts, where they are cheap).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, it } from 'vitest';
import { makeData } from '../support/data.js';
import { checkInference, checkLoss, checkTraining } from '../support/differential.js';
import { compile, runModule } from '../support/module.js';
import { tfReady } from '../support/tf.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../examples');

beforeAll(tfReady);

describe.each(['lenet5', 'mnist-cnn', 'factorised'])('examples/%s.cnn: generated module = reference = TF.js', (name) => {
  const source = readFileSync(join(EXAMPLES, `${name}.cnn`), 'utf8');
  it.each([
    ['f32', 1],
    ['f64', 2],
  ] as const)('%s, batch %i', async (dtype, batch) => {
    const c = await compile(source, `${name}.cnn`, dtype, 'auto');
    const d = makeData(c.network, batch, 2024);
    const tf = dtype === 'f32';
    const where = ` (examples/${name}.cnn, ${dtype}, batch ${batch})`;
    const run = runModule(c, d, dtype, 7, false);
    checkInference(c.network, d, run.inference, { precision: dtype, tf, where });
    checkTraining(c.network, d, run.training.masks, run.training.obs, { precision: dtype, where });
    if (run.loss) checkLoss(c.network, d, run.loss.masks, run.loss.obs, { precision: dtype, tf, where });
  });
});
