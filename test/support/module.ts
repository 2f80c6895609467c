// Driving a generated module the way a user would (compileSource + loadModule, then the exports of
// shared/MODULE-API.md), and turning what it computes into `Observed` results for
// test/support/differential.ts. Parameters and gradients cross between the module and the reference
// by name through `paramLayout`, so a wrong offset, order or shape in the layout is caught too.
//
// Dropout: the generated Workspace exposes `dropoutMasks` (one array per dropout layer, in layer
// order, 0 or 1/(1 - rate) per element, as last drawn). After a training-mode call we read them and
// replay the same keep-masks in the reference and in TF.js. This is the one place where the tests
// rely on more than MODULE-API.md promises; a module without the field fails loudly here.

import { compileSource, loadModule } from '../../src/compile.js';
import type { UnrollMode } from '../../src/lower/types.js';
import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';
import type { Network } from '../../src/network.js';
import { paramTable, type TestData } from './data.js';
import type { Observed, Precision } from './differential.js';

export interface Compiled {
  readonly network: Network;
  readonly mod: GeneratedModule;
  readonly code: string;
}

/** compileSource + loadModule; throws with the diagnostics when the source does not compile. */
export async function compile(source: string, file: string, dtype: Precision, unroll: UnrollMode): Promise<Compiled> {
  const r = await compileSource(source, file, { dtype, unroll, format: false }).catch((e: unknown) => {
    throw new Error(`compileSource threw on ${file} (${dtype}, unroll ${unroll}): ${String(e)}\n${source}`, { cause: e });
  });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !r.code || !r.network) {
    throw new Error(`${file} does not compile:\n${errors.map((e) => `${e.code}: ${e.message}`).join('\n')}\n${source}`);
  }
  const mod = await loadModule(r.code).catch((e: unknown) => {
    throw new Error(`loadModule failed on the module for ${file} (${dtype}, unroll ${unroll}): ${String(e)}\n${source}`, { cause: e });
  });
  return { network: r.network, mod, code: r.code };
}

const arrayOf = (dtype: Precision, n: number): FloatArray => (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));

/** Our flat layout (test/support/data.ts) -> the module's, by parameter name. */
export function toModuleParams(network: Network, mod: GeneratedModule, params: Float64Array, dtype: Precision): FloatArray {
  const byName = new Map(mod.paramLayout.map((p) => [p.name, p]));
  const out = arrayOf(dtype, mod.paramCount);
  if (mod.paramCount !== network.paramCount) throw new Error(`paramCount ${mod.paramCount}, expected ${network.paramCount}`);
  for (const p of paramTable(network)) {
    const m = byName.get(p.name);
    if (!m) throw new Error(`paramLayout has no ${p.name} (it has ${[...byName.keys()].join(', ')})`);
    if (m.shape.join('x') !== p.shape.join('x')) throw new Error(`paramLayout: ${p.name} is ${m.shape.join('x')}, expected ${p.shape.join('x')}`);
    out.set(params.subarray(p.offset, p.offset + p.size), m.offset);
  }
  return out;
}

/** The module's flat gradient -> our layout, by parameter name. */
export function fromModuleParams(network: Network, mod: GeneratedModule, grad: FloatArray): Float64Array {
  const byName = new Map(mod.paramLayout.map((p) => [p.name, p]));
  const out = new Float64Array(network.paramCount);
  for (const p of paramTable(network)) {
    const m = byName.get(p.name)!;
    out.set(grad.subarray(m.offset, m.offset + p.size), p.offset);
  }
  return out;
}

function keepMasks(ws: Workspace): Float64Array[] {
  const masks = (ws as Workspace & { dropoutMasks?: readonly FloatArray[] }).dropoutMasks;
  if (!masks) throw new Error('the workspace has no dropoutMasks field: cannot replay the dropout masks');
  return masks.map((m) => Float64Array.from(m, (v) => (v !== 0 ? 1 : 0)));
}

/**
 * Leaves every workspace buffer dirty with unrelated, large numbers (a training step on other data),
 * as in a training loop that reuses its workspace: a step that forgets to write part of its output
 * then reads garbage instead of a lucky zero.
 */
function dirty(c: Compiled, ws: Workspace, params: FloatArray, dtype: Precision): void {
  const { mod } = c;
  const n = ws.batch * mod.inputShape.reduce((a, b) => a * b, 1);
  const m = ws.batch * mod.outputShape.reduce((a, b) => a * b, 1);
  const fill = (len: number, k: number) => {
    const v = arrayOf(dtype, len);
    for (let i = 0; i < len; i++) v[i] = 50 * Math.sin(i * 1.7 + k);
    return v;
  };
  mod.forward(params, fill(n, 1), ws, true);
  mod.backward(params, ws, fill(m, 2), arrayOf(dtype, mod.paramCount));
}

export interface ModuleRun {
  readonly inference: Float64Array;
  readonly training: { readonly obs: Observed; readonly masks: Float64Array[] };
  readonly loss?: { readonly obs: Observed; readonly masks: Float64Array[] };
}

/**
 * Runs forward (inference), forward (training) + backward(dOutput), and lossAndGrad when declared,
 * on one workspace that is dirtied before each (see `dirty`) unless `dirtyFirst` is false.
 */
export function runModule(c: Compiled, d: TestData, dtype: Precision, wsSeed = 7, dirtyFirst = true): ModuleRun {
  const { mod, network } = c;
  const cast = (v: Float64Array): FloatArray => (dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v));
  const params = toModuleParams(network, mod, d.params, dtype);
  const input = cast(d.input);
  const ws = mod.createWorkspace(d.batch, wsSeed);
  if (dirtyFirst) dirty(c, ws, params, dtype);
  const inference = Float64Array.from(mod.forward(params, input, ws, false));

  const output = Float64Array.from(mod.forward(params, input, ws, true));
  const trainingMasks = keepMasks(ws);
  const grad = arrayOf(dtype, mod.paramCount);
  const dInput = Float64Array.from(mod.backward(params, ws, cast(d.dOutput), grad));
  const training = { obs: { output, dParams: fromModuleParams(network, mod, grad), dInput }, masks: trainingMasks };

  if (!network.loss) return { inference, training };
  if (dirtyFirst) dirty(c, ws, params, dtype);
  if (!mod.lossAndGrad) throw new Error('the network declares a loss but the module has no lossAndGrad');
  const grad2 = arrayOf(dtype, mod.paramCount);
  const loss = mod.lossAndGrad(params, input, cast(d.target), grad2, ws);
  const lossMasks = keepMasks(ws);
  // lossAndGrad returns only the loss and the parameter gradients: like PyTorch for an input that
  // does not require grad, it leaves dL/dinput out (backward() above computed it)
  const dParams = fromModuleParams(network, mod, grad2);
  const obs: Observed = { loss, dParams };
  return { inference, training, loss: { obs, masks: lossMasks } };
}
