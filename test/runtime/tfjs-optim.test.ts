// Our optimisers against TensorFlow.js's (cpu backend, float32) on the same gradient sequences.
//
// Where the formulations are the same, and where they are not:
// - tf.train.momentum(lr, mu, nesterov): accum = mu * accum + g (accum starts at 0, so step 1 gives
//   accum = g, as PyTorch's clone); p -= lr * accum, or with Nesterov p -= lr * (g + mu * accum).
//   That is torch.optim.SGD with dampening 0, term for term, so the trajectories agree to float32
//   rounding. TF.js has no dampening and no weight decay: dampening has no counterpart to compare,
//   and weight decay is compared by handing TF the L2 gradient g + wd * p, which is what PyTorch's
//   weight_decay means. (Keras's SGD, v = mu * v - lr * g; p += v, is a different formulation that
//   agrees only while lr is constant; TF.js's momentum optimiser cannot change lr after creation,
//   so every comparison here uses a constant lr.)
// - tf.train.adam(lr, b1, b2, eps): p -= lr * mhat / (sqrt(vhat) + eps), mhat = m / (1 - b1^t),
//   vhat = v / (1 - b2^t). sqrt(vhat) = sqrt(v) / sqrt(1 - b2^t), so it is PyTorch's Adam (eps
//   outside the root, not Keras's "epsilon hat"). TF keeps b^t as a running float32 product, so the
//   bias corrections differ in the last bits. eps must be passed: TF.js's default is 1e-7, not 1e-8.
//   AdamW and L2 decay: TF.js has neither; L2 is compared as above, AdamW is not compared.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam, sgd, type Optimizer } from '../../src/runtime/index.js';
import { mulberry32, uniform } from '../support/rng.js';
import { tfReady } from '../support/tf.js';
import { expectClose } from './helpers.js';

const N = 64;
const STEPS = 10;
// SGD agrees to a few float32 ulps. For Adam, TF's float32 1 - b2^t is off by up to ~1e-5
// relative (1 - fround(0.999) = 0.00099998713), which moves every step by ~6e-6 relative.
const REL_SGD = 1e-6;
const REL_ADAM = 1e-5;

beforeAll(tfReady);

interface Run {
  readonly ours: Optimizer;
  readonly theirs: tf.Optimizer;
  /** L2 weight decay to fold into TF's gradient (TF.js optimisers have none). */
  readonly l2?: number;
  readonly rel?: number;
}

/** Steps both optimisers on the same gradients; compares the parameters after every step. */
function compare(seed: number, { ours, theirs, l2 = 0, rel = REL_SGD }: Run): number {
  const rng = mulberry32(seed);
  const p0 = uniform(rng, N);
  const params = Float32Array.from(p0);
  const v = tf.variable(tf.tensor1d(Float32Array.from(p0)), true, `p${seed}_${Math.random().toString(36).slice(2)}`);
  const scale = Float64Array.from(p0, Math.abs);
  let worst = 0;
  try {
    for (let s = 0; s < STEPS; s++) {
      const g = Float32Array.from(uniform(rng, N, -2, 2));
      g[5] = 0;
      ours.step(params, g);
      tf.tidy(() => {
        const tg = l2 === 0 ? tf.tensor1d(g) : tf.add(tf.tensor1d(g), tf.mul(v, l2));
        theirs.applyGradients({ [v.name]: tg as tf.Tensor });
      });
      const want = v.dataSync();
      for (let i = 0; i < N; i++) scale[i] = Math.max(scale[i]!, Math.abs(want[i]!));
      worst = Math.max(worst, expectClose(params, want, rel, scale, `step ${s + 1}`));
    }
  } finally {
    v.dispose();
    theirs.dispose();
  }
  return worst;
}

describe('optimisers against TensorFlow.js', () => {
  it('SGD with momentum = tf.train.momentum', () => {
    compare(1, { ours: sgd(N, { lr: 0.05, momentum: 0.9 }), theirs: tf.train.momentum(0.05, 0.9) });
  });

  it('Nesterov = tf.train.momentum(..., useNesterov)', () => {
    compare(2, { ours: sgd(N, { lr: 0.05, momentum: 0.9, nesterov: true }), theirs: tf.train.momentum(0.05, 0.9, true) });
  });

  it('Nesterov with weight decay = tf.train.momentum on the L2 gradient', () => {
    compare(3, {
      ours: sgd(N, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }),
      theirs: tf.train.momentum(0.05, 0.8, true),
      l2: 0.1,
    });
  });

  it('plain SGD = tf.train.sgd', () => {
    compare(4, { ours: sgd(N, { lr: 0.1 }), theirs: tf.train.sgd(0.1) });
  });

  it('Adam = tf.train.adam', () => {
    compare(5, { ours: adam(N, { lr: 0.01 }), theirs: tf.train.adam(0.01, 0.9, 0.999, 1e-8), rel: REL_ADAM });
  });

  it('Adam with other betas and eps, and L2 weight decay', () => {
    compare(6, {
      ours: adam(N, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05 }),
      theirs: tf.train.adam(0.02, 0.8, 0.99, 1e-6),
      l2: 0.05,
      rel: REL_ADAM,
    });
  });

  it('the comparison can fail: Nesterov against plain TF momentum differs', () => {
    expect(() =>
      compare(7, { ours: sgd(N, { lr: 0.05, momentum: 0.9, nesterov: true }), theirs: tf.train.momentum(0.05, 0.9, false) }),
    ).toThrow(/relative error/);
  });
});
