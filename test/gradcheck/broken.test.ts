// The check must fail when the backward pass is wrong, and name the tensor that is wrong. Bugs
// are injected here, into the loaded module or its generated text, never into the product.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource, loadModule, loadModuleSync } from '../../src/compile.js';
import { formatGradcheckText, gradcheckModule, gradcheckSource } from '../../src/gradcheck/index.js';
import type { FloatArray, GeneratedModule } from '../../src/module-api.js';

const LENET = join(import.meta.dirname, '..', '..', 'examples', 'lenet5.cnn');
const text = readFileSync(LENET, 'utf8');
const options = { seed: 2, batch: 2, samples: 10 };

function scaleTensor(module: GeneratedModule, name: string, grad: FloatArray, factor: number): void {
  const entry = module.paramLayout.find((p) => p.name === name)!;
  const size = entry.shape.reduce((a, b) => a * b, 1);
  for (let i = entry.offset; i < entry.offset + size; i++) grad[i]! *= factor;
}

/** Names of the tensors that failed, per path. */
function failures(
  report: NonNullable<Awaited<ReturnType<typeof gradcheckSource>>['report']>,
): Record<string, string[]> {
  return Object.fromEntries(report.paths.map((p) => [p.path, p.tensors.filter((t) => !t.passed).map((t) => t.name)]));
}

describe('gradcheck catches a broken backward pass', () => {
  it('passes the module as generated (the control)', async () => {
    const { report } = await gradcheckSource(text, LENET, options);
    expect(report!.passed).toBe(true);
  });

  it('fails backward() when one gradient tensor is 1% off, and names only that tensor', async () => {
    const { report } = await gradcheckSource(text, LENET, {
      ...options,
      wrap: (m) => ({
        ...m,
        backward: (p, ws, d, g) => {
          const dx = m.backward(p, ws, d, g);
          scaleTensor(m, 'c3.weight', g, 1.01);
          return dx;
        },
      }),
    });
    expect(report!.passed).toBe(false);
    expect(failures(report!)).toEqual({ backward: ['c3.weight'], lossAndGrad: [] });
    const row = report!.paths[0]!.tensors.find((t) => t.name === 'c3.weight')!;
    expect(row.maxRelError).toBeGreaterThan(0.005);
    expect(formatGradcheckText(report!)).toMatch(
      /c3\.weight .* FAIL\n[\s\S]*worst c3\.weight\[\d+,\d+,\d+,\d+\]: analytic/,
    );
  });

  it('fails lossAndGrad() when the fused softmax/cross-entropy gradient is off', async () => {
    const { report } = await gradcheckSource(text, LENET, {
      ...options,
      wrap: (m) => ({
        ...m,
        lossAndGrad: (p, x, t, g, ws) => {
          const loss = m.lossAndGrad!(p, x, t, g, ws);
          scaleTensor(m, 'out.bias', g, 0.99);
          return loss;
        },
      }),
    });
    expect(failures(report!)).toEqual({ backward: [], lossAndGrad: ['out.bias'] });
  });

  it('fails when lossAndGrad returns a wrong loss value, even with right gradients', async () => {
    const { report } = await gradcheckSource(text, LENET, {
      ...options,
      wrap: (m) => ({ ...m, lossAndGrad: (p, x, t, g, ws) => m.lossAndGrad!(p, x, t, g, ws) * 1.001 }),
    });
    expect(report!.passed).toBe(false);
    expect(report!.paths[1]!.loss!.passed).toBe(false);
    expect(failures(report!)).toEqual({ backward: [], lossAndGrad: [] });
  });

  it('fails the input row when dL/dinput is off', async () => {
    const { report } = await gradcheckSource(text, LENET, {
      ...options,
      wrap: (m) => ({
        ...m,
        backward: (p, ws, d, g) => {
          const dx = m.backward(p, ws, d, g);
          return dx.map((v) => -v) as FloatArray;
        },
      }),
    });
    expect(failures(report!)).toEqual({ backward: ['input'], lossAndGrad: [] });
  });

  it('finds one wrong element inside a layer of the generated code, on both paths', async () => {
    // Append `grad[f6.bias + 3] *= 1.01` to the end of f6's backward step function, which both
    // backward() and lossAndGrad() call. Step functions are named <layer>_bwd (see the header).
    const compiled = await compileSource(text, LENET, { dtype: 'f64' });
    const code = compiled.code!;
    const entry = compiled.network!.layers.find((l) => l.name === 'f6')!;
    const biasOffset = compiled
      .network!.layers.slice(0, compiled.network!.layers.indexOf(entry))
      .reduce((s, l) => s + l.params.reduce((n, t) => n + t.size, 0), entry.params[0]!.size);
    const start = code.search(/^function f6_bwd\(/m);
    expect(start, 'the generated code has a step function f6_bwd').toBeGreaterThan(0);
    const signature = /^function f6_bwd\(\w+: \w+, \w+: \w+, (\w+): \w+\)/m.exec(code.slice(start))!;
    const end = code.indexOf('\n}\n', start);
    const broken = `${code.slice(0, end)}\n  ${signature[1]}[${biasOffset + 3}] *= 1.01;${code.slice(end)}`;
    const module = await loadModule(broken);

    const report = gradcheckModule(module, { ...options, samples: 100, loss: 'cross_entropy' });
    expect(failures(report)).toEqual({ backward: ['f6.bias'], lossAndGrad: ['f6.bias'] });
    for (const path of report.paths) expect(path.tensors.find((t) => t.name === 'f6.bias')!.worst!.index).toBe(3);
    // and the unmodified text passes the same check
    expect(gradcheckModule(await loadModule(code), { ...options, samples: 100, loss: 'cross_entropy' }).passed).toBe(
      true,
    );
  });

  it('refuses a float32 module: finite differences need float64', async () => {
    const compiled = await compileSource(text, LENET, { dtype: 'f32' });
    expect(() => gradcheckModule(loadModuleSync(compiled.code!))).toThrow(/dtype f64/);
  });
});
