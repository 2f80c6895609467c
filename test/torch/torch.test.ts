// PyTorch as a third, independent implementation (besides the reference interpreter and TF.js):
// every layer kind and option, and LeNet-5, compiled by cnnc in float64 and float32 and compared
// with what torch 1.13 computed for the same parameters and inputs (test/fixtures-torch/layers/,
// written by scripts/make-torch-layer-fixtures.py; no Python at test time). Compared: the
// inference output, the training output, every parameter gradient and the input gradient of
// sum(dOutput * output) through backward(), and for models with a loss the loss value and its
// parameter gradients through lossAndGrad(), and its input gradient (with the parameter gradients
// again) through backward() from dL/doutput. Tolerances: see fixtures.ts.
//
// Dropout in training mode: torch cannot draw cnnc's masks, so the fixture carries the mask that
// cnnc's PRNG draws from a given state; the test puts that state in ws.rng (which the generated
// Workspace documents as settable, to replay masks), checks the module drew exactly that mask,
// and only then compares.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';
import { loadParams } from '../../src/runtime/index.js';
import type { Precision } from '../support/differential.js';
import { compile } from '../support/module.js';
import { arrayOf, compare, float32Values, FIXTURES, layerFixtures, maxAbs, TOLERANCE, worst, type LayerFixture } from './fixtures.js';

const fixtures = layerFixtures();
const PRECISIONS: Precision[] = ['f64', 'f32'];

type DropoutWs = Workspace & { rng?: number; dropoutMasks?: readonly FloatArray[] };

async function paramsFor(fx: LayerFixture, mod: GeneratedModule, precision: Precision): Promise<FloatArray> {
  const out = arrayOf(precision, new Array<number>(mod.paramCount).fill(0));
  if (fx.paramsFile) {
    const path = FIXTURES + fx.paramsFile.file;
    expect(createHash('sha256').update(readFileSync(path)).digest('hex'), 'the weights file torch used').toBe(fx.paramsFile.sha256);
    return loadParams(path, mod.paramLayout, out);
  }
  for (const e of mod.paramLayout) out.set(Float32Array.from(fx.params![e.name]!), e.offset);
  return out;
}

/** Leaves the workspace full of unrelated large numbers, as a training loop would. */
function dirty(mod: GeneratedModule, params: FloatArray, ws: Workspace, precision: Precision): void {
  const n = ws.batch * mod.inputShape.reduce((a, b) => a * b, 1);
  const m = ws.batch * mod.outputShape.reduce((a, b) => a * b, 1);
  const fill = (len: number, k: number) => arrayOf(precision, Array.from({ length: len }, (_, i) => 50 * Math.sin(i * 1.7 + k)));
  mod.forward(params, fill(n, 1), ws, true);
  mod.backward(params, ws, fill(m, 2), arrayOf(precision, new Array<number>(mod.paramCount).fill(0)));
}

/** Puts the fixture's PRNG state in ws.rng; after `run`, checks the module drew the fixture's mask. */
function withMask<T>(fx: LayerFixture, ws: DropoutWs, run: () => T): T {
  if (!fx.dropout) return run();
  expect(typeof ws.rng, 'the generated Workspace exposes ws.rng').toBe('number');
  ws.rng = fx.dropout.rng;
  const result = run();
  const keep = Array.from(ws.dropoutMasks![0]!, (v) => (v !== 0 ? 1 : 0));
  expect(keep, 'the dropout mask drawn from ws.rng (the fixture assumes mulberry32; regenerate it if the PRNG changed)').toEqual(fx.dropout.keep);
  const scale = ws.dropoutMasks![0]!.find((v) => v !== 0)!;
  expect(scale).toBeCloseTo(1 / (1 - fx.dropout.rate), 6);
  return result;
}

/** Per parameter tensor: the module's gradient against torch's (or against the factored form). */
function compareGrads(
  fx: LayerFixture,
  mod: GeneratedModule,
  grad: FloatArray,
  expected: Record<string, number[]>,
  noise: Record<string, number>,
  precision: Precision,
  what: string,
): void {
  for (const e of mod.paramLayout) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const actual = grad.subarray(e.offset, e.offset + size);
    const label = `${fx.name} ${precision} ${what} ${e.name}`;
    const factored = fx.factored?.[e.name];
    if (factored === undefined) {
      compare(actual, expected[e.name]!, noise[e.name]!, precision, label);
      continue;
    }
    // dW[o][i] = sum_b dz[b][o] x[b][i]: torch's gradient, stored as its two factors
    const outs = factored.dz.length / fx.batch;
    const ins = factored.x.length / fx.batch;
    expect(outs * ins, `${label}: factors`).toBe(size);
    const full = new Float64Array(size);
    for (let b = 0; b < fx.batch; b++)
      for (let o = 0; o < outs; o++) for (let i = 0; i < ins; i++) full[o * ins + i]! += factored.dz[b * outs + o]! * factored.x[b * ins + i]!;
    compare(actual, full, noise[e.name]!, precision, `${label} (factored)`);
    // and torch's own totals of the full .grad
    let sum = 0;
    let sumAbs = 0;
    let squares = 0;
    for (const v of actual) {
      sum += v;
      sumAbs += Math.abs(v);
      squares += v * v;
    }
    const { rtol, noiseFactor } = TOLERANCE[precision];
    expect(Math.abs(sum - factored.sum), `${label}: sum`).toBeLessThanOrEqual(rtol * sumAbs + noiseFactor * noise[e.name]! * size);
    expect(Math.abs(squares - factored.sumSquares), `${label}: sum of squares`).toBeLessThanOrEqual(2 * rtol * squares + 1e-300);
  }
}

async function check(fx: LayerFixture, precision: Precision): Promise<void> {
  const { mod } = await compile(fx.source, `${fx.name}.cnn`, precision, 'auto');
  // the state_dict names, in order, with their shapes, are the paramLayout
  expect(mod.paramLayout.map((e) => ({ name: e.name, shape: [...e.shape] }))).toEqual(fx.layout);
  expect([...mod.inputShape]).toEqual(fx.inputShape);
  expect([...mod.outputShape]).toEqual(fx.outputShape);
  const params = await paramsFor(fx, mod, precision);
  const input = float32Values(precision, fx.input);
  const ws = mod.createWorkspace(fx.batch, 0) as DropoutWs;
  const t = fx.float64;
  const label = `${fx.name} ${precision}`;

  dirty(mod, params, ws, precision);
  compare(mod.forward(params, input, ws, false), t.inference, fx.noise.inference, precision, `${label} inference output`);

  if (t.output) {
    dirty(mod, params, ws, precision);
    const output = withMask(fx, ws, () => Float64Array.from(mod.forward(params, input, ws, true)));
    compare(output, t.output, fx.noise.output!, precision, `${label} training output`);
    const grad = arrayOf(precision, new Array<number>(mod.paramCount).fill(0));
    const dInput = mod.backward(params, ws, float32Values(precision, fx.dOutput!), grad);
    compareGrads(fx, mod, grad, t.dParams!, fx.noise.dParams!, precision, 'backward: d');
    compare(dInput, t.dInput!, fx.noise.dInput!, precision, `${label} backward: dInput`);
  }

  if (fx.loss) {
    expect(mod.lossAndGrad, 'a model with a loss has lossAndGrad').toBeDefined();
    dirty(mod, params, ws, precision);
    const grad = arrayOf(precision, new Array<number>(mod.paramCount).fill(0));
    const loss = withMask(fx, ws, () => mod.lossAndGrad!(params, input, float32Values(precision, fx.target!), grad, ws));
    compare([loss], [t.loss!], fx.noise.loss!, precision, `${label} ${fx.loss} loss`);
    compareGrads(fx, mod, grad, t.lossDParams!, fx.noise.lossDParams!, precision, `${fx.loss}: d`);
    // lossAndGrad computes no input gradient (like a PyTorch input without requires_grad); the
    // loss's dL/dinput comes from backward() fed with dL/doutput: (y - t)/B for mse, and -t/(B p)
    // after softmax for cross_entropy, which softmax's backward turns into (p - t)/B.
    const y = withMask(fx, ws, () => Float64Array.from(mod.forward(params, input, ws, true)));
    const target = float32Values('f64', fx.target!);
    const dOutput = arrayOf(precision, Array.from(y, (v, i) => (fx.loss === 'mse' ? v - target[i]! : -target[i]! / v) / fx.batch));
    const grad2 = arrayOf(precision, new Array<number>(mod.paramCount).fill(0));
    const dInput = mod.backward(params, ws, dOutput, grad2);
    compare(dInput, t.lossDInput!, fx.noise.lossDInput!, precision, `${label} ${fx.loss} through backward(): dInput`);
    compareGrads(fx, mod, grad2, t.lossDParams!, fx.noise.lossDParams!, precision, `${fx.loss} through backward(): d`);
  }
}

describe('cnnc against PyTorch, layer by layer', () => {
  it('has a fixture for every layer kind and option the script covers', () => {
    const names = fixtures.map((f) => f.name);
    for (const n of ['conv-stride', 'conv-pad-same', 'conv-pad-full-rect', 'conv-pad-explicit-hw', 'conv-dilation-rect',
      'conv-nobias', 'maxpool-stride-pad', 'avgpool-stride-pad', 'globalavgpool', 'flatten-dense', 'dense-on-chw',
      'relu', 'sigmoid', 'tanh', 'leakyrelu-slope', 'dropout', 'softmax-cross-entropy', 'mse', 'lenet5'])
      expect(names).toContain(n);
    expect(fixtures.every((f) => f.torch.startsWith('1.13'))).toBe(true);
  });

  it('the LeNet-5 fixture is examples/lenet5.cnn as it is now', () => {
    const fx = fixtures.find((f) => f.name === 'lenet5')!;
    expect(fx.source).toBe(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet5.cnn'), 'utf8'));
  });

  for (const fx of fixtures) {
    for (const precision of PRECISIONS) {
      it(`${fx.name}, ${precision}`, () => check(fx, precision));
    }
  }

  it('the comparison catches a one-element error of 0.1% of the scale', async () => {
    const fx = fixtures.find((f) => f.name === 'conv-stride')!;
    for (const precision of PRECISIONS) {
      const { mod } = await compile(fx.source, 'c.cnn', precision, 'auto');
      const params = await paramsFor(fx, mod, precision);
      const ws = mod.createWorkspace(fx.batch, 0);
      mod.forward(params, float32Values(precision, fx.input), ws, true);
      const grad = arrayOf(precision, new Array<number>(mod.paramCount).fill(0));
      mod.backward(params, ws, float32Values(precision, fx.dOutput!), grad);
      const w = grad.subarray(0, fx.params!['c.weight']!.length);
      const want = fx.float64.dParams!['c.weight']!;
      compare(w, want, fx.noise.dParams!['c.weight']!, precision, 'control', false);
      w[7] = w[7]! + 1e-3 * maxAbs(want);
      expect(() => compare(w, want, fx.noise.dParams!['c.weight']!, precision, 'perturbed', false)).toThrow(/perturbed: element 7 /);
    }
  });
});

afterAll(() => {
  if (process.env['CNNC_TORCH_REPORT'] === '1')
    console.log(
      `largest scale-relative error against torch: f64 ${worst.f64.error.toExponential(2)} (${worst.f64.what}), ` +
        `f32 ${worst.f32.error.toExponential(2)} (${worst.f32.what})`,
    );
});
