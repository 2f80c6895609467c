// Random but reproducible test data for a Network: parameters, a batch of inputs, targets, an
// arbitrary output gradient and dropout masks. All values are float32-representable so that
// float32 and float64 implementations start from exactly the same numbers.

import type { Network } from '../../src/network.js';
import { mulberry32, randomDistributions, randomMask, uniform } from './rng.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export interface TestData {
  readonly batch: number;
  readonly params: Float64Array;
  readonly input: Float64Array;
  /** distributions over the classes for cross_entropy (and for softmax outputs), else uniform values */
  readonly target: Float64Array;
  /** an arbitrary dL/d(output), to test backward on its own */
  readonly dOutput: Float64Array;
  /** one 0/1 keep-mask per dropout layer, in layer order */
  readonly masks: Float64Array[];
}

/**
 * Weights uniform in +-1/sqrt(fan-in) (so activations stay O(1) through a stack), biases in
 * +-0.5 (so that a bias bug cannot hide behind zeros), inputs in +-1.
 */
export function makeData(network: Network, batch: number, seed: number): TestData {
  const rng = mulberry32(seed);
  const params = new Float64Array(network.paramCount);
  let off = 0;
  for (const layer of network.layers)
    for (const p of layer.params) {
      const bound = p.name.endsWith('.bias') ? 0.5 : 1 / Math.sqrt(p.size / p.shape[0]!);
      params.set(uniform(rng, p.size, -bound, bound), off);
      off += p.size;
    }
  const input = uniform(rng, batch * size(network.input));
  const n = size(network.output);
  const last = network.layers[network.layers.length - 1];
  const target = last?.spec.kind === 'softmax' ? randomDistributions(rng, batch, n) : uniform(rng, batch * n);
  const dOutput = uniform(rng, batch * n);
  const masks = network.layers
    .filter((l) => l.spec.kind === 'dropout')
    .map((l) => randomMask(rng, batch * size(l.input), l.spec.kind === 'dropout' ? l.spec.rate : 0));
  return { batch, params, input, target, dOutput, masks };
}

/** Name, offset and size of every parameter tensor, in flat order. */
export function paramTable(network: Network): { name: string; offset: number; size: number; shape: readonly number[] }[] {
  const out: { name: string; offset: number; size: number; shape: readonly number[] }[] = [];
  let off = 0;
  for (const layer of network.layers)
    for (const p of layer.params) {
      out.push({ name: p.name, offset: off, size: p.size, shape: p.shape });
      off += p.size;
    }
  return out;
}
