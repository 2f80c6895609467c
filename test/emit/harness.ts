// The emitter's own test harness: compile a .cnn source in memory, and a central finite-difference
// gradient check of a float64 module.

import { compileSourceSync, loadModuleSync, type CompileOptions } from '../../src/compile.js';
import { emitModule } from '../../src/emit/index.js';
import { lower } from '../../src/lower/index.js';
import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';

export interface Compiled {
  readonly code: string;
  readonly mod: GeneratedModule;
}

export function compile(src: string, options: CompileOptions = {}, method?: 'gather' | 'scatter'): Compiled {
  const r = compileSourceSync(src, 'test.cnn', { version: 'test', ...options });
  if (r.code === undefined || r.network === undefined) {
    throw new Error(`does not compile:\n${r.diagnostics.map((d) => `${d.range.start.line}: ${d.message}`).join('\n')}`);
  }
  if (method === undefined) return { code: r.code, mod: loadModuleSync(r.code) };
  // the same network with one input-gradient method forced on every conv layer
  const unroll = options.unroll ?? 'auto';
  const lowered = lower(r.network, { unroll, inputGradMethod: method });
  const code = emitModule(lowered, { unroll, dtype: options.dtype ?? 'f32', sourceName: 'test.cnn', version: 'test' });
  return { code, mod: loadModuleSync(code) };
}

/** mulberry32, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => scale * (2 * r() - 1));
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The fields of a generated Workspace the checks use (see the module's Workspace type). */
interface TestWorkspace extends Workspace {
  rng: number;
  readonly dInput: FloatArray;
}

export interface GradCheckResult {
  /** max over the checked coordinates of |analytic - numeric| / max(|a|, |n|, 1% of max |a|) */
  readonly maxRel: number;
  readonly worst: string;
  readonly checked: number;
}

/**
 * Checks backward() (or lossAndGrad() with `loss`) of a float64 module against central differences
 * (h = 1e-5) on up to `maxChecks` parameters (every tensor's first and last element among them) and
 * input elements. The scalar checked is sum(c * output) for random c, or the declared loss. Dropout
 * masks are replayed by resetting ws.rng before every forward pass.
 */
export function gradCheck(
  mod: GeneratedModule,
  batch: number,
  opts: { loss?: 'cross_entropy' | 'mse'; seed?: number; maxChecks?: number; h?: number } = {},
): GradCheckResult {
  const seed = opts.seed ?? 1;
  const h = opts.h ?? 1e-5;
  const params = mod.initParams(seed) as Float64Array;
  const input = randomArray(batch * size(mod.inputShape), seed + 1);
  const outN = batch * size(mod.outputShape);
  const coef = randomArray(outN, seed + 2);
  let target = randomArray(outN, seed + 3);
  if (opts.loss) {
    // a distribution per sample (what cross-entropy expects; fine for mse too)
    const k = size(mod.outputShape);
    target = target.map((v) => Math.abs(v) + 0.1);
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += target[b * k + i]!;
      for (let i = 0; i < k; i++) target[b * k + i]! /= s;
    }
  }
  const ws = mod.createWorkspace(batch, seed) as TestWorkspace;
  const rng0 = ws.rng;
  const scratch = new Float64Array(mod.paramCount);
  const value = (p: FloatArray, x: FloatArray): number => {
    ws.rng = rng0;
    if (opts.loss) return mod.lossAndGrad!(p, x, target, scratch, ws);
    const y = mod.forward(p, x, ws, true);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += coef[i]! * y[i]!;
    return s;
  };

  const grad = new Float64Array(mod.paramCount);
  let dInput: Float64Array;
  ws.rng = rng0;
  if (opts.loss) {
    mod.lossAndGrad!(params, input, target, grad, ws);
    // lossAndGrad leaves dL/dinput out (as PyTorch does for inputs that do not require grad):
    // backward from dL/dy gives it, -t/(B p) after softmax for cross-entropy, (y - t)/B for mse
    ws.rng = rng0;
    const y = mod.forward(params, input, ws, true);
    const dOut = new Float64Array(outN);
    for (let i = 0; i < outN; i++) dOut[i] = opts.loss === 'mse' ? (y[i]! - target[i]!) / batch : -target[i]! / (batch * y[i]!);
    dInput = Float64Array.from(mod.backward(params, ws, dOut, new Float64Array(mod.paramCount)) as Float64Array);
  } else {
    mod.forward(params, input, ws, true);
    dInput = Float64Array.from(mod.backward(params, ws, coef, grad) as Float64Array);
  }

  const r = rng(seed + 4);
  const max = opts.maxChecks ?? 48;
  const pick = (n: number, must: number[]): number[] => {
    if (n <= max) return Array.from({ length: n }, (_, i) => i);
    const set = new Set(must.filter((i) => i >= 0 && i < n));
    while (set.size < max) set.add(Math.floor(r() * n));
    return [...set].sort((a, b) => a - b);
  };
  const must = mod.paramLayout.flatMap((t) => [t.offset, t.offset + size(t.shape) - 1]);
  const checks: { what: string; analytic: number; numeric: () => number }[] = [];
  for (const i of pick(mod.paramCount, must)) {
    checks.push({
      what: `param ${i} (${mod.paramLayout.filter((t) => t.offset <= i).at(-1)?.name})`,
      analytic: grad[i]!,
      numeric: () => central(params, i, () => value(params, input)),
    });
  }
  for (const i of pick(input.length, [0, input.length - 1])) {
    checks.push({ what: `input ${i}`, analytic: dInput[i]!, numeric: () => central(input, i, () => value(params, input)) });
  }
  function central(v: Float64Array, i: number, f: () => number): number {
    const old = v[i]!;
    v[i] = old + h;
    const up = f();
    v[i] = old - h;
    const down = f();
    v[i] = old;
    return (up - down) / (2 * h);
  }

  const results = checks.map((c) => ({ ...c, n: c.numeric() }));
  const scale = Math.max(...results.map((c) => Math.abs(c.analytic)), 1e-12);
  let maxRel = 0;
  let worst = '';
  for (const c of results) {
    const rel = Math.abs(c.analytic - c.n) / Math.max(Math.abs(c.analytic), Math.abs(c.n), 0.01 * scale);
    if (rel > maxRel || worst === '') {
      maxRel = Math.max(maxRel, rel);
      worst = `${c.what}: analytic ${c.analytic}, numeric ${c.n}`;
    }
  }
  return { maxRel, worst, checked: results.length };
}
