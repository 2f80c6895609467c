// Every example model's generated gradients agree with finite differences, and so do those of
// small models that use every layer kind (test/gradcheck/models.ts).
//
// Cost is two forward passes per checked element, so the number of elements per tensor is set
// from the model's forward MACs to keep each example to a few seconds. AlexNet and VGG-16 (1.1
// and 15.5 GMACs per sample: one float64 forward pass takes seconds to tens of seconds, and every
// checked element needs two) run only with CNNC_GRADCHECK_ALL=1, on a batch of 1 with one element
// per tensor: measured on 2 shared cores, AlexNet ~50 s and VGG-16 ~13 min (2.6 GB resident).
// `cnnc gradcheck FILE --batch 1 --samples 1` checks them by hand the same way.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import { formatGradcheckText, gradcheckSource } from '../../src/gradcheck/index.js';
import { LAYER_MODELS } from './models.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const ALL = process.env['CNNC_GRADCHECK_ALL'] === '1';
/** forward MACs per sample above which an example is "big" */
const BIG = 1e8;
/** MACs of finite-difference forward passes to spend per example */
const BUDGET = 1.5e9;

const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.cnn'));

function plan(text: string, file: string): { macs: number; batch: number; samples: number } {
  const network = checkSource(text, file).network!;
  const macs = network.layers.reduce((s, l) => s + l.macs, 0);
  if (macs > BIG) return { macs, batch: 1, samples: 1 };
  const tensors = network.layers.reduce((s, l) => s + l.params.length, 0) + 1;
  const samples = Math.max(2, Math.min(20, Math.floor(BUDGET / (2 * 2 * tensors * Math.max(macs, 1)))));
  return { macs, batch: 2, samples };
}

describe('gradcheck on examples/*.cnn', () => {
  it('finds the examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['lenet5.cnn', 'mnist-cnn.cnn', 'factorised.cnn', 'alexnet.cnn', 'vgg16.cnn']),
    );
  });

  for (const f of files) {
    const file = join(EXAMPLES, f);
    const text = readFileSync(file, 'utf8');
    const p = plan(text, file);
    const big = p.macs > BIG;
    it.skipIf(big && !ALL)(
      `${f}: every gradient matches (batch ${p.batch}, ${p.samples} elements per tensor)`,
      { timeout: big ? 3_600_000 : 120_000 },
      async () => {
        const { report, network } = await gradcheckSource(text, file, { seed: 11, batch: p.batch, samples: p.samples });
        expect(report, 'the example compiles').toBeDefined();
        const text_ = formatGradcheckText(report!, { file: f });
        expect(report!.passed, text_).toBe(true);
        // every tensor of the model, and the input, were checked on the backward path
        const names = network!.layers.flatMap((l) => l.params.map((t) => t.name));
        expect(report!.paths[0]!.tensors.map((t) => t.name)).toEqual([...names, 'input']);
        expect(report!.paths[0]!.tensors.every((t) => t.checked === Math.min(p.samples, t.size))).toBe(true);
        if (network!.loss) {
          expect(report!.paths[1]!.path).toBe('lossAndGrad');
          expect(report!.paths[1]!.tensors.map((t) => t.name)).toEqual(names);
        }
      },
    );
  }
});

describe('gradcheck on every layer kind', () => {
  for (const [name, text] of Object.entries(LAYER_MODELS)) {
    it(`${name}: every gradient matches, all elements of small tensors`, async () => {
      const { report, network, diagnostics } = await gradcheckSource(text, `${name}.cnn`, {
        seed: 5,
        batch: 3,
        samples: 40,
      });
      expect(diagnostics).toEqual([]);
      expect(report!.passed, formatGradcheckText(report!, { file: name })).toBe(true);
      expect(report!.paths).toHaveLength(network!.loss ? 2 : 1);
      if (text.includes('dropout')) expect(report!.dropoutReplay).toBe('rng');
    });
  }

  it('reports progress: one call before the reference pass, then one per forward pass', async () => {
    const calls: { done: number; total: number; tensor: string }[] = [];
    const { report } = await gradcheckSource(LAYER_MODELS['vector-softmax']!, 'v.cnn', {
      samples: 3,
      onProgress: (p) => calls.push(p),
    });
    expect(calls[0]).toEqual({ done: 0, total: report!.evaluations, tensor: '(forward and backward at the point)' });
    expect(calls.map((c) => c.done)).toEqual(Array.from({ length: report!.evaluations + 1 }, (_, i) => i));
    expect(report!.evaluations).toBe(2 * (6 * 3 + 3)); // six tensors of >= 3 elements, and the input
    expect(calls[calls.length - 1]!.tensor).toBe('input');
  });

  it('checks the same elements of a tensor whether or not other tensors are checked', async () => {
    const text = LAYER_MODELS['kinds-mse']!;
    const all = await gradcheckSource(text, 'k.cnn', { seed: 9, samples: 5 });
    const one = await gradcheckSource(text, 'k.cnn', { seed: 9, samples: 5, tensors: ['b.weight'] });
    expect(one.report!.paths[0]!.tensors).toEqual(all.report!.paths[0]!.tensors.filter((t) => t.name === 'b.weight'));
  });

  it('is reproducible from the seed, and another seed draws other elements', async () => {
    const text = LAYER_MODELS['pools-ce']!;
    const a = await gradcheckSource(text, 'a.cnn', { seed: 3, samples: 4 });
    const b = await gradcheckSource(text, 'a.cnn', { seed: 3, samples: 4 });
    const c = await gradcheckSource(text, 'a.cnn', { seed: 4, samples: 4 });
    expect(b.report).toEqual(a.report);
    expect(c.report!.paths[0]!.tensors[0]!.worst).not.toEqual(a.report!.paths[0]!.tensors[0]!.worst);
  });
});
