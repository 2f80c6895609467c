// Stage 5: LoweredNet -> the text of one TypeScript module (shared/MODULE-API.md). The module is
// written in one pass through a single CodeBlockWriter (2-space indentation), so it comes out
// indented and the same input always gives the same bytes. It imports nothing.
//
// Layout: header comment; Workspace type; shapes and parameter layout; per step, its constants,
// forward and backward functions; the drivers (runForward, runBackward, the loss); checks; the
// exported API. With `exposeLayers`, `export const __layers` lists every internal function by
// name (scripts/check-optimized.mjs uses it to check that V8 optimises each one).

import type { LoweredNet } from '../lower/types.js';
import { getEmitter } from '../layers/emitters.js';
import { emitApi, emitConstants, emitInitParams, emitWorkspace, fingerprint } from './api.js';
import { emitHeader } from './header.js';
import { checkIdentifier, newWriter, type Dtype, type EmitContext } from './writer.js';

export type { Dtype } from './writer.js';

export interface EmitOptions {
  /** recorded in the header; the unroll decisions themselves were made by lower() */
  readonly unroll: 'none' | 'auto' | 'max';
  readonly dtype: Dtype;
  /** the source file as the header should name it */
  readonly sourceName: string;
  /** the cnnc version, for the header */
  readonly version: string;
  /** also export `__layers`: every step function and driver, for optimisation checks */
  readonly exposeLayers?: boolean;
}

export function emitModule(lowered: LoweredNet, options: EmitOptions): string {
  if (options.unroll !== lowered.unroll) {
    throw new Error(`emitModule: the network was lowered with unroll ${lowered.unroll}, not ${options.unroll}`);
  }
  // Names reach the code as parts of function names: the checker allows identifiers only, and a
  // hand-made Network must keep to that too.
  for (const layer of lowered.network.layers) checkIdentifier('layer name', layer.name);
  const ctx: EmitContext = { float: options.dtype === 'f64' ? 'Float64Array' : 'Float32Array' };
  const w = newWriter();
  emitHeader(w, lowered, options);
  w.blankLine();
  const modelId = `${lowered.name} ${options.dtype} ${fingerprint(JSON.stringify(lowered.network.layers.map((l) => [l.name, l.spec, l.input, l.output])))}`;
  emitWorkspace(w, lowered, ctx);
  w.blankLine();
  emitConstants(w, lowered, modelId);
  w.blankLine();
  emitInitParams(w, lowered, ctx);

  const internal: string[] = [];
  for (const step of lowered.steps) {
    if (!step.forwardFn || !step.backwardFn) continue;
    const emitter = getEmitter(step.kind);
    w.blankLine();
    w.writeLine(`// ---- ${step.layers.map((l) => l.name).join(' + ')} ----`);
    w.blankLine();
    emitter.forward(w, step, ctx);
    w.blankLine();
    emitter.backward(w, step, ctx);
    internal.push(step.forwardFn, step.backwardFn);
    if (step.inputGradFn) {
      if (!emitter.inputGrad) throw new Error(`emitModule: the ${step.kind} emitter has no input gradient`);
      w.blankLine();
      emitter.inputGrad(w, step, ctx);
      internal.push(step.inputGradFn);
    }
  }
  w.blankLine();
  w.writeLine('// ---- drivers and the public API ----');
  w.blankLine();
  emitApi(w, lowered, ctx);
  internal.push('runForward', 'runBackward');
  if (lowered.loss === 'cross_entropy') internal.push('crossEntropy');
  if (lowered.loss === 'mse') internal.push('meanSquaredError');
  if (options.exposeLayers) {
    w.blankLine();
    w.writeLine('/** Internal functions, exported for optimisation checks (compiled with exposeLayers). */');
    w.writeLine(`export const __layers = { ${internal.join(', ')} };`);
  }
  return w.toString().replace(/\n*$/, '\n');
}
