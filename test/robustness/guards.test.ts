// Generated modules defend their callers: every argument of the wrong length (parameters, input,
// target, output gradient, gradient buffer), a workspace built for another batch size or by
// another module, and a bad batch size each throw an Error that names what was expected (and
// what was passed), before anything is written: the workspace's buffers and `grad` are as they
// were. On clean random models, with random wrong lengths.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSourceSync } from '../../src/compile.js';
import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';
import { shapeSize } from '../../src/network.js';
import { params, runs, timeout } from './support/config.js';
import { arbClean } from './support/corpus.js';
import { loadFast } from './support/load.js';

function compiled(text: string): GeneratedModule {
  const r = compileSourceSync(text, 'guard.cnn');
  if (r.code === undefined) throw new Error(`does not compile:\n${text}`);
  return loadFast(r.code);
}

/** Every typed array the workspace holds, copied. */
function buffers(ws: Workspace): Float64Array[] {
  return Object.values(ws)
    .filter((v): v is FloatArray | Int32Array => ArrayBuffer.isView(v))
    .map((a) => Float64Array.from(a));
}

/** `fn` throws an Error whose message holds every one of `words`; nothing in `ws` or `grad` changed. */
function refuses(fn: () => unknown, words: readonly (string | number)[], ws: Workspace, grad: FloatArray): void {
  const before = buffers(ws);
  const g = Float64Array.from(grad);
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `did not throw (expected ${words.join(', ')})`).toBeInstanceOf(Error);
  const message = (thrown as Error).message;
  for (const w of words) expect(message).toContain(String(w));
  expect(buffers(ws)).toEqual(before);
  expect(Float64Array.from(grad)).toEqual(g);
}

/** A length that is not `n`: near it, zero, or a multiple of the per-sample size. */
const wrong = (n: number, perSample: number, k: number): number => {
  const options = [n + 1, n - 1, 0, n + perSample, 2 * n, Math.max(0, n - perSample)].filter((m) => m !== n && m >= 0);
  return options[k % options.length]!;
};

describe('generated modules refuse wrong arguments with a message that says what was expected', () => {
  it(
    `wrong lengths everywhere, on clean random models (${runs(40)} models)`,
    () => {
      fc.assert(
        fc.property(arbClean(), fc.integer({ min: 1, max: 3 }), fc.nat(), (c, batch, k) => {
          const mod = compiled(c.text);
          const inSize = shapeSize(mod.inputShape);
          const outSize = shapeSize(mod.outputShape);
          const P = mod.paramCount;
          const p = mod.initParams(1);
          const ws = mod.createWorkspace(batch, 2);
          const x = new Float32Array(batch * inSize).fill(0.5);
          const dy = new Float32Array(batch * outSize).fill(0.25);
          const grad = new Float32Array(P).fill(7);
          const f32 = (n: number): Float32Array => new Float32Array(n).fill(3);
          mod.forward(p, x, ws, true); // a state worth keeping: the refusals below must not touch it

          const badP = wrong(P, P, k);
          const badX = wrong(batch * inSize, inSize, k);
          const badY = wrong(batch * outSize, outSize, k);
          refuses(() => mod.forward(f32(badP), x, ws), ['params', badP, P], ws, grad);
          refuses(() => mod.forward(p, f32(badX), ws), ['input', badX, batch * inSize], ws, grad);
          refuses(() => mod.backward(f32(badP), ws, dy, grad), ['params', badP, P], ws, grad);
          refuses(() => mod.backward(p, ws, f32(badY), grad), ['dOutput', badY, batch * outSize], ws, grad);
          refuses(() => mod.backward(p, ws, dy, f32(badP)), ['grad', badP, P], ws, grad);
          if (mod.lossAndGrad) {
            const t = new Float32Array(batch * outSize);
            refuses(() => mod.lossAndGrad!(f32(badP), x, t, grad, ws), ['params', badP, P], ws, grad);
            refuses(() => mod.lossAndGrad!(p, f32(badX), t, grad, ws), ['input', badX, batch * inSize], ws, grad);
            refuses(() => mod.lossAndGrad!(p, x, f32(badY), grad, ws), ['target', badY, batch * outSize], ws, grad);
            refuses(() => mod.lossAndGrad!(p, x, t, f32(badP), ws), ['grad', badP, P], ws, grad);
          }
          // a workspace for another batch size: says which one the data needs
          const other = mod.createWorkspace(batch + 1);
          refuses(
            () => mod.forward(p, x, other),
            [batch * inSize, (batch + 1) * inSize, `createWorkspace(${batch})`],
            other,
            grad,
          );
          refuses(() => mod.backward(p, other, dy, grad), [`createWorkspace(${batch})`], other, grad);
        }),
        params(40, 31),
      );
    },
    timeout(60_000),
  );

  it('a workspace from another model, or no workspace, and bad batch sizes', () => {
    const a = compiled('network a\ninput 4\ndense 3\nsoftmax\nloss cross_entropy\n');
    const b = compiled('network b\ninput 4\ndense 3\nsoftmax\nloss cross_entropy\n');
    const p = a.initParams();
    const grad = new Float32Array(a.paramCount);
    const wsB = b.createWorkspace(1);
    refuses(() => a.forward(p, new Float32Array(4), wsB), ['workspace', 'createWorkspace'], wsB, grad);
    refuses(() => a.backward(p, wsB, new Float32Array(3), grad), ['workspace'], wsB, grad);
    refuses(() => a.lossAndGrad!(p, new Float32Array(4), new Float32Array(3), grad, wsB), ['workspace'], wsB, grad);
    for (const ws of [undefined, null, {}, { batch: 1 }]) {
      expect(() => a.forward(p, new Float32Array(4), ws as unknown as Workspace)).toThrow(/workspace/);
    }
    for (const n of [0, -1, 1.5, Number.NaN, Infinity, '2' as unknown as number]) {
      expect(() => a.createWorkspace(n), String(n)).toThrow(/batch must be a whole number >= 1/);
    }
  });
});
