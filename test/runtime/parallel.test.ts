// dataParallel (src/runtime/parallel.ts): the batch split across worker threads gives what one
// lossAndGrad over the whole batch gives, a few SGD steps in parallel retrace the single-threaded
// ones, errors in a worker reject (never hang), and close() ends every thread.
//
// Tolerances. With slices of n_w of n samples, the trainer returns sum_w (n_w/n) * (slice mean), the
// same sum over samples as the module's, grouped differently. In float64 the grouping moves a
// result by a few units in the 16th digit, so 1e-12 of the tensor's scale is a tight bound; in
// float32 every gradient entry is a float32 sum over samples and positions, which regrouping moves
// by a few ulps of its largest terms: 1e-5 of the tensor's largest entry is about 100 ulps of slack.
// A wrong slice weight (1/2 instead of 4/7, or a slice left out) moves entries by > 10% of the
// scale, far outside either bound.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource, transpile } from '../../src/compile.js';
import type { FloatArray, GeneratedModule } from '../../src/module-api.js';
import { dataParallel, sgd } from '../../src/runtime/index.js';
import { mulberry32 } from '../support/rng.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LENET = readFileSync(join(ROOT, 'examples', 'lenet5.cnn'), 'utf8');
const TINY_MSE = 'network tiny\ninput 6\nd1: dense 5 tanh\nd2: dense 3\nloss mse\n';

let dir = '';
const file = (name: string): string => join(dir, name);

async function writeModule(name: string, source: string, dtype: 'f32' | 'f64'): Promise<void> {
  const r = await compileSource(source, name, { dtype, format: false });
  if (r.code === undefined) throw new Error(`${name} does not compile`);
  writeFileSync(file(name), transpile(r.code));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-parallel-'));
  await writeModule('lenet5.mjs', LENET, 'f32');
  await writeModule('lenet5-f64.mjs', LENET, 'f64');
  // The real module, made to fail in a worker on request: input[0] = -1 throws, -2 ends the thread.
  writeFileSync(
    file('faulty.mjs'),
    `import { isMainThread } from 'node:worker_threads';
import * as net from './lenet5.mjs';
export * from './lenet5.mjs';
export function lossAndGrad(params, input, target, grad, ws) {
  if (!isMainThread && input[0] === -1) throw new Error('negative pixel');
  if (!isMainThread && input[0] === -2) process.exit(3);
  return net.lossAndGrad(params, input, target, grad, ws);
}
`,
  );
  writeFileSync(
    file('no-workers.mjs'),
    `import { isMainThread } from 'node:worker_threads';\nif (!isMainThread) throw new Error('cannot start in a worker');\nexport * from './lenet5.mjs';\n`,
  );
}, 60_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function batchOf(mod: GeneratedModule, n: number, seed: number, like: FloatArray): { x: FloatArray; t: FloatArray } {
  const rng = mulberry32(seed);
  const size = mod.inputShape.reduce((a, b) => a * b, 1);
  const classes = mod.outputShape.reduce((a, b) => a * b, 1);
  const make = (len: number): FloatArray =>
    like instanceof Float64Array ? new Float64Array(len) : new Float32Array(len);
  const x = make(n * size).map(() => rng());
  const t = make(n * classes);
  for (let b = 0; b < n; b++) t[b * classes + Math.floor(rng() * classes)] = 1;
  return { x, t };
}

/** The module's own lossAndGrad over the whole batch, single-threaded. */
function single(
  mod: GeneratedModule,
  params: FloatArray,
  x: FloatArray,
  t: FloatArray,
  n: number,
): { loss: number; grad: FloatArray } {
  const grad = params instanceof Float64Array ? new Float64Array(mod.paramCount) : new Float32Array(mod.paramCount);
  const loss = mod.lossAndGrad!(params, x, t, grad, mod.createWorkspace(n));
  return { loss, grad };
}

function maxAbs(a: FloatArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** max_i |a_i - b_i| over max_i |b_i|: the error at the scale of the tensor. */
function scaledDiff(a: FloatArray, b: FloatArray): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / maxAbs(b);
}

describe('dataParallel: the summed result equals one lossAndGrad over the batch', () => {
  const cases: { label: string; module: string; workers: number; batch: number; n: number; tol: number }[] = [
    { label: 'f32, 7 samples on 2 workers (4 + 3)', module: 'lenet5.mjs', workers: 2, batch: 7, n: 7, tol: 1e-5 },
    {
      label: 'f64, 7 samples on 3 workers (3 + 2 + 2)',
      module: 'lenet5-f64.mjs',
      workers: 3,
      batch: 7,
      n: 7,
      tol: 1e-12,
    },
    {
      label: 'f64, a short batch: 5 of 7 samples on 2 workers (3 + 2)',
      module: 'lenet5-f64.mjs',
      workers: 2,
      batch: 7,
      n: 5,
      tol: 1e-12,
    },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const trainer = await dataParallel<FloatArray>({
        module: file(c.module),
        workers: c.workers,
        batch: c.batch,
        params: 3,
      });
      try {
        const mod = trainer.module;
        const { x, t } = batchOf(mod, c.n, 11, trainer.params);
        const ref = single(mod, trainer.params, x, t, c.n);
        const loss = await trainer.lossAndGrad(trainer.params, x, t);
        expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(c.tol);
        expect(scaledDiff(trainer.grad, ref.grad)).toBeLessThan(c.tol);
        expect(maxAbs(ref.grad)).toBeGreaterThan(1e-3); // a real gradient, not zeros on both sides
      } finally {
        await trainer.close();
      }
    });
  }

  it('workers = 1, and 1 sample on 2 workers (one idle): the module result, bit for bit', async () => {
    for (const workers of [1, 2]) {
      const trainer = await dataParallel({ module: file('lenet5.mjs'), workers, batch: 4 });
      try {
        const mod = trainer.module;
        const n = workers === 1 ? 4 : 1;
        const { x, t } = batchOf(mod, n, 5, trainer.params);
        const ref = single(mod, trainer.params, x, t, n);
        const grad = new Float32Array(trainer.paramCount);
        expect(await trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array, grad)).toBe(ref.loss);
        expect(grad).toEqual(ref.grad);
      } finally {
        await trainer.close();
      }
    }
  });

  it('a model compiled from { source }, loss mse, 5 samples on 2 workers; caller-owned params are copied in', async () => {
    const trainer = await dataParallel<Float64Array>({
      module: { source: TINY_MSE, file: 'tiny.cnn', options: { dtype: 'f64' } },
      workers: 2,
      batch: 5,
    });
    try {
      const mod = trainer.module;
      const params = mod.initParams(9) as Float64Array;
      const rng = mulberry32(2);
      const x = new Float64Array(5 * 6).map(() => rng() * 2 - 1);
      const t = new Float64Array(5 * 3).map(() => rng());
      const ref = single(mod, params, x, t, 5);
      const loss = await trainer.lossAndGrad(params, x, t);
      expect(trainer.params).toEqual(params);
      expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(1e-12);
      expect(scaledDiff(trainer.grad, ref.grad)).toBeLessThan(1e-12);
    } finally {
      await trainer.close();
    }
  });

  it('four SGD steps (momentum 0.9) on 2 workers retrace the single-threaded steps', async () => {
    const trainer = await dataParallel({ module: file('lenet5.mjs'), workers: 2, batch: 6, params: 1 });
    try {
      const mod = trainer.module;
      const mine = Float32Array.from(trainer.params);
      const grad = new Float32Array(mod.paramCount);
      const ws = mod.createWorkspace(6);
      const optParallel = sgd(trainer.params, { lr: 0.05, momentum: 0.9 });
      const optSingle = sgd(mine, { lr: 0.05, momentum: 0.9 });
      for (let step = 0; step < 4; step++) {
        // filled in place: the shared input and target, no copy
        const { x, t } = batchOf(mod, 6, 100 + step, mine);
        trainer.input.set(x);
        trainer.target.set(t);
        const lossP = await trainer.lossAndGrad(trainer.params, trainer.input, trainer.target);
        optParallel.step(trainer.params, trainer.grad);
        const lossS = mod.lossAndGrad!(mine, x, t, grad, ws);
        optSingle.step(mine, grad);
        expect(Math.abs(lossP - lossS) / lossS).toBeLessThan(1e-5);
      }
      // Each step's gradients agree to 1e-5 of their scale; lr 0.05 x 4 steps x momentum sums
      // keep the parameter difference far below 1e-5 of the parameters' scale.
      expect(scaledDiff(trainer.params, mine)).toBeLessThan(1e-5);
      expect(scaledDiff(trainer.params, mod.initParams(1))).toBeGreaterThan(1e-3); // they did move
    } finally {
      await trainer.close();
    }
  });
});

describe('dataParallel: errors reject, close() ends the threads', () => {
  it('bad arguments and a second call before the first settles reject with the reason', async () => {
    const trainer = await dataParallel({ module: file('lenet5.mjs'), workers: 2, batch: 4 });
    try {
      const { x, t } = batchOf(trainer.module, 4, 1, trainer.params);
      await expect(trainer.lossAndGrad(trainer.params, new Float32Array(5 * 1024), t as Float32Array)).rejects.toThrow(
        'input has length 5120, expected 1024 per sample for 1 to 4 samples',
      );
      await expect(trainer.lossAndGrad(trainer.params, x as Float32Array, new Float32Array(30))).rejects.toThrow(
        'target has length 30, expected 40',
      );
      await expect(trainer.lossAndGrad(new Float32Array(3), x as Float32Array, t as Float32Array)).rejects.toThrow(
        'params has length 3',
      );
      const first = trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array);
      await expect(trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array)).rejects.toThrow(
        'already running',
      );
      expect(Number.isFinite(await first)).toBe(true);
    } finally {
      await trainer.close();
    }
    await expect(trainer.lossAndGrad(trainer.params, trainer.input, trainer.target)).rejects.toThrow('closed');
  });

  it('the module throwing in a worker rejects with its message; the trainer goes on working', async () => {
    const trainer = await dataParallel({ module: file('faulty.mjs'), workers: 2, batch: 4 });
    try {
      const { x, t } = batchOf(trainer.module, 4, 1, trainer.params);
      x[2 * 1024] = -1; // first pixel of sample 2: worker 1's slice
      await expect(trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array)).rejects.toThrow(
        'worker 1 (samples 2..3): negative pixel',
      );
      x[2 * 1024] = 0.5;
      expect(Number.isFinite(await trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array))).toBe(
        true,
      );
      x[0] = -2; // worker 0 ends its thread mid-step
      await expect(trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array)).rejects.toThrow(
        'worker 0 exited with code 3',
      );
      await expect(trainer.lossAndGrad(trainer.params, x as Float32Array, t as Float32Array)).rejects.toThrow(
        'worker 0 exited with code 3',
      );
    } finally {
      await trainer.close();
    }
  });

  it('start-up failures reject: a missing file, a model with an error, a module that fails in the worker', async () => {
    await expect(dataParallel({ module: file('missing.mjs'), batch: 2 })).rejects.toThrow('cannot load');
    await expect(
      dataParallel({ module: { source: 'network x\ninput 4\nconv 3 3x3\nloss mse\n' }, batch: 2 }),
    ).rejects.toThrow('does not compile');
    await expect(dataParallel({ module: file('no-workers.mjs'), workers: 2, batch: 2 })).rejects.toThrow(
      'cannot start in a worker',
    );
    await expect(dataParallel({ module: file('lenet5.mjs'), workers: 0, batch: 2 })).rejects.toThrow(
      'workers must be a whole number >= 1',
    );
  });

  it.runIf(existsSync('/proc/self/task'))('close() ends every worker thread of this process', async () => {
    const threads = (): number => readdirSync('/proc/self/task').length;
    const before = threads();
    const trainer = await dataParallel({ module: file('lenet5.mjs'), workers: 2, batch: 2 });
    expect(threads()).toBeGreaterThanOrEqual(before + 2);
    await trainer.close();
    expect(trainer.closed).toBe(true);
    for (let i = 0; i < 100 && threads() > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(threads()).toBe(before);
  });

  it('as built (plain node, worker file beside parallel.js): the process exits after close(), and without it', () => {
    // What tsc emits for dist/, file by file (the same transform), in a folder of its own.
    const out = join(dir, 'built', 'runtime');
    mkdirSync(out, { recursive: true });
    for (const name of ['parallel', 'parallel-module', 'parallel-protocol', 'parallel-worker']) {
      writeFileSync(
        join(out, `${name}.js`),
        transpile(readFileSync(join(ROOT, 'src', 'runtime', `${name}.ts`), 'utf8')),
      );
    }
    writeFileSync(
      join(dir, 'built', 'main.mjs'),
      `import { dataParallel } from './runtime/parallel.js';
const [close, module] = process.argv.slice(2);
const trainer = await dataParallel({ module, workers: 2, batch: 3 });
const loss = await trainer.lossAndGrad(trainer.params, trainer.input.fill(0.5), trainer.target.fill(0.1));
if (close === 'close') await trainer.close();
console.log('loss', loss.toFixed(4));
`,
    );
    for (const close of ['close', 'no-close']) {
      const r = spawnSync(process.execPath, [join(dir, 'built', 'main.mjs'), close, file('lenet5.mjs')], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^loss \d+\.\d{4}\n$/);
      expect(r.status).toBe(0);
    }
  });
});
