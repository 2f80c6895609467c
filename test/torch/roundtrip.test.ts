// cnnc-trained weights load back into PyTorch. test/fixtures-torch/lenet5-trained.safetensors was
// written by cnnc's saveParams at the end of a short LeNet-5 training run (examples/mnist/train.ts);
// scripts/make-torch-lenet-roundtrip.py parsed it by hand, load_state_dict(strict=True) into a
// torch LeNet-5 and recorded torch's outputs on four real MNIST digits (lenet5-roundtrip.json).
// Here the same file goes through loadParams into the cnnc module, whose outputs must equal
// torch's; and the file must be byte for byte what cnnc writes for those weights, so that what
// torch loaded is cnnc's format and not something else.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, loadParams, readSafetensorsHeader } from '../../src/runtime/index.js';
import type { Precision } from '../support/differential.js';
import { compile } from '../support/module.js';
import { compare, FIXTURES, float32Values, readJson, worst, type RoundtripFixture } from './fixtures.js';

const fx = readJson<RoundtripFixture>('lenet5-roundtrip.json');
const file = FIXTURES + fx.file;
const bytes = new Uint8Array(readFileSync(file));
const source = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet5.cnn'), 'utf8');
const BATCH = fx.digits.length;

function argmax(y: ArrayLike<number>, row: number): number {
  let best = 0;
  for (let k = 1; k < 10; k++) if (y[row * 10 + k]! > y[row * 10 + best]!) best = k;
  return best;
}

describe('cnnc-trained LeNet-5 weights in PyTorch', () => {
  it('torch loaded this very file, and it is what saveParams writes for these weights', async () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fx.sha256);
    const { mod } = await compile(source, 'lenet5.cnn', 'f32', 'auto');
    const header = readSafetensorsHeader(bytes);
    expect(header.metadata).toEqual(fx.metadata);
    const params = decodeSafetensors(bytes, mod.paramLayout);
    expect(encodeSafetensors(params, mod.paramLayout, header.metadata)).toEqual(bytes);
    // torch's state_dict after load_state_dict(strict=True): the paramLayout, name for name
    expect(fx.stateDict).toEqual(mod.paramLayout.map((e) => ({ name: e.name, shape: [...e.shape], dtype: 'torch.float32' })));
  });

  for (const precision of ['f32', 'f64'] as Precision[]) {
    it(`the cnnc module (${precision}) with loadParams gives torch's outputs on ${BATCH} digits`, async () => {
      const { mod } = await compile(source, 'lenet5.cnn', precision, 'auto');
      const out = precision === 'f32' ? new Float32Array(mod.paramCount) : new Float64Array(mod.paramCount);
      const params = await loadParams(file, mod.paramLayout, out);
      const y = mod.forward(params, float32Values(precision, fx.input), mod.createWorkspace(BATCH), false);
      compare(y, fx.float64, fx.noise, precision, `lenet5 ${precision} against torch float64`);
      // against torch's float32 run, as a PyTorch user would have it: two float32 results
      if (precision === 'f32') compare(y, fx.float32, 2 * fx.noise, precision, 'lenet5 f32 against torch float32');
      expect(Array.from({ length: BATCH }, (_, b) => argmax(y, b))).toEqual(fx.predictions);
      expect(fx.predictions).toEqual(fx.digits.map((d) => d.digit)); // the trained net reads them right
    });
  }
});

afterAll(() => {
  if (process.env['CNNC_TORCH_REPORT'] === '1')
    console.log(`largest scale-relative error against torch: f64 ${worst.f64.error.toExponential(2)}, f32 ${worst.f32.error.toExponential(2)} (${worst.f32.what})`);
});
