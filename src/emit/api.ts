// The module's public surface (shared/MODULE-API.md): shapes, parameter layout, initParams, the
// Workspace type and createWorkspace, forward, backward, lossAndGrad, and the internal drivers
// runForward / runBackward that call the step functions in order.

import type { LoweredNet } from '../lower/types.js';
import { mulberry32Lines } from '../layers/dropout/emit.js';
import { emitLoss, lossBackwardFrom } from './loss.js';
import { doc, float, quote, type EmitContext, type Writer } from './writer.js';

const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/** FNV-1a of the text, as 8 hex digits: tells one model's workspaces from another's. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function emitConstants(w: Writer, net: LoweredNet, modelId: string): void {
  w.writeLine(`/** One sample's input shape. */`);
  w.writeLine(`export const inputShape: readonly number[] = ${list(net.input)};`);
  w.writeLine(`/** One sample's output shape. */`);
  w.writeLine(`export const outputShape: readonly number[] = ${list(net.output)};`);
  w.writeLine(`/** Length of the flat parameter vector. */`);
  w.writeLine(`export const paramCount = ${net.paramCount};`);
  w.writeLine('/** Where each tensor lives in the flat vector: weight then bias per layer, PyTorch layouts. */');
  w.write('export const paramLayout: readonly { readonly name: string; readonly offset: number; readonly shape: readonly number[] }[] = [');
  if (net.params.length === 0) {
    w.write('];').newLine();
  } else {
    w.newLine();
    w.indent(() => {
      for (const p of net.params) w.writeLine(`{ name: ${quote(p.name)}, offset: ${p.offset}, shape: ${list(p.shape)} },`);
    });
    w.writeLine('];');
  }
  w.blankLine();
  w.writeLine(`const MODEL = ${quote(modelId)};`);
}

export function emitWorkspace(w: Writer, net: LoweredNet, ctx: EmitContext): void {
  doc(w, [
    'Buffers for one batch size, made by createWorkspace. Every array holds `batch` samples one after another.',
  ]);
  w.write('export interface Workspace').block(() => {
    w.writeLine('/** the model that made it: forward and backward refuse a workspace of another model */');
    w.writeLine('readonly model: string;');
    w.writeLine('readonly batch: number;');
    w.writeLine('/** state of the dropout PRNG (mulberry32); set it to replay the same masks */');
    w.writeLine('rng: number;');
    for (const b of net.buffers) {
      w.writeLine(`/** ${b.doc}, ${b.perSample}${b.batched ? ' per sample' : ''} */`);
      w.writeLine(`readonly ${b.name}: ${b.int32 ? 'Int32Array' : ctx.float};`);
    }
    w.writeLine('/** dL/dinput after backward() (lossAndGrad does not compute it): what backward returns, a view of a gradient buffer */');
    w.writeLine(`readonly dInput: ${ctx.float};`);
    w.writeLine('/** the dropout masks in layer order (the m* fields above): 0 or 1/(1 - rate) per element */');
    w.writeLine(`readonly dropoutMasks: readonly ${ctx.float}[];`);
  });
  w.blankLine();
  doc(w, [
    'A workspace for `batch` samples. `seed` starts the dropout PRNG (ws.rng), so training runs replay exactly.',
  ]);
  w.write('export function createWorkspace(batch = 1, seed = 0): Workspace').block(() => {
    w.write('if (!Number.isInteger(batch) || batch < 1)').block(() => {
      w.writeLine('throw new Error(`createWorkspace: batch must be a whole number >= 1, got ${batch}`);');
    });
    const masks = net.buffers.filter((b) => b.role === 'mask');
    for (const b of net.buffers) {
      w.writeLine(`const ${b.name} = new ${b.int32 ? 'Int32Array' : ctx.float}(${b.batched ? `batch * ${b.perSample}` : b.perSample});`);
    }
    w.writeLine('return {');
    w.indent(() => {
      w.writeLine('model: MODEL,');
      w.writeLine('batch,');
      w.writeLine('rng: (seed ^ 0x5bd1e995) | 0,');
      w.writeLine(`${net.buffers.map((b) => b.name).join(', ')},`);
      w.writeLine(`dInput: ${net.inputGrad}.subarray(0, batch * ${net.inputSize}),`);
      w.writeLine(`dropoutMasks: [${masks.map((b) => b.name).join(', ')}],`);
    });
    w.writeLine('};');
  });
}

export function emitInitParams(w: Writer, net: LoweredNet, ctx: EmitContext): void {
  doc(w, [
    "A fresh parameter vector: PyTorch's default initialisation of conv and dense layers",
    '(kaiming_uniform with a = sqrt(5)), every weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),',
    'drawn in layout order from mulberry32(seed).',
  ]);
  w.write(`export function initParams(seed = 0): ${ctx.float}`).block(() => {
    w.writeLine(`const p = new ${ctx.float}(${net.paramCount});`);
    if (net.params.length > 0) {
      w.writeLine('let s = seed | 0;');
      for (const step of net.steps) {
        if (!step.weight) continue;
        const fanIn = step.weight.size / step.weight.shape[0]!;
        const bound = float(1 / Math.sqrt(fanIn));
        for (const slot of [step.weight, step.bias]) {
          if (!slot) continue;
          w.writeLine(`s = uniform(p, ${slot.offset}, ${slot.offset + slot.size}, ${bound}, s); // ${slot.name}, fan_in ${fanIn}`);
        }
      }
    }
    w.writeLine('return p;');
  });
  if (net.params.length === 0) return;
  w.blankLine();
  doc(w, ['p[from..to) ~ U(-bound, bound) from mulberry32 state s; returns the next state.']);
  w.write(`function uniform(p: ${ctx.float}, from: number, to: number, bound: number, state: number): number`).block(() => {
    w.writeLine('let s = state;');
    w.write('for (let i = from; i < to; i++)').block(() => {
      for (const l of mulberry32Lines('s', 'r')) w.writeLine(l);
      w.writeLine('p[i] = (2 * r - 1) * bound;');
    });
    w.writeLine('return s;');
  });
}

function emitChecks(w: Writer): void {
  doc(w, ['Thrown before anything is written: names what was passed, what was expected, and the fix.']);
  w.write(
    'function lengthError(where: string, what: string, actual: number, expected: number, perSample: number, batch: number): Error',
  ).block(() => {
    w.write('if (perSample === 0)').block(() => {
      w.writeLine('return new Error(`${where}: ${what} has length ${actual}, expected ${expected} (paramCount)`);');
    });
    w.writeLine('let msg = `${where}: ${what} has length ${actual}, expected ${expected} (batch ${batch} x ${perSample} per sample)`;');
    w.write('if (actual > 0 && actual % perSample === 0)').block(() => {
      w.writeLine(
        'msg += `; it holds ${actual / perSample} samples but the workspace was created for batch ${batch}: use createWorkspace(${actual / perSample})`;',
      );
    });
    w.writeLine('return new Error(msg);');
  });
  w.blankLine();
  w.write('function checkWorkspace(where: string, ws: Workspace): void').block(() => {
    w.write("if (ws === null || typeof ws !== 'object' || ws.model !== MODEL)").block(() => {
      w.writeLine('throw new Error(`${where}: the workspace was not made by this module\'s createWorkspace (model ${MODEL})`);');
    });
  });
}

function checkLine(w: Writer, where: string, what: string, expected: string, perSample: string): void {
  w.write(`if (${what}.length !== ${expected})`).block(() => {
    w.writeLine(`throw lengthError('${where}', '${what}', ${what}.length, ${expected}, ${perSample}, ws.batch);`);
  });
}

export function emitApi(w: Writer, net: LoweredNet, ctx: EmitContext): void {
  const F = ctx.float;
  const steps = net.steps.filter((s) => s.forwardFn !== undefined);
  const inSize = String(net.inputSize);
  const outSize = String(net.outputSize);
  doc(w, ['Every step forward, in order, on a workspace whose input buffer is filled.']);
  w.write(`function runForward(p: ${F}, ws: Workspace, training: boolean): void`).block(() => {
    if (steps.length === 0) w.writeLine('void p, ws, training;');
    for (const s of steps) w.writeLine(`${s.forwardFn}(p, ws, training);`);
  });
  w.blankLine();
  doc(w, ['Every step backward, last to first, from the output gradient buffer.']);
  w.write(`function runBackward(p: ${F}, ws: Workspace, grad: ${F}): void`).block(() => {
    if (steps.length === 0) w.writeLine('void p, ws, grad;');
    for (const s of [...steps].reverse()) {
      w.writeLine(`${s.backwardFn}(p, ws, grad);`);
      if (s.inputGradFn) w.writeLine(`${s.inputGradFn}(p, ws, grad);`);
    }
  });
  w.blankLine();
  emitChecks(w);
  w.blankLine();

  doc(w, [
    'Forward pass over ws.batch samples laid out one after another in `input`. training=false is inference',
    '(dropout is the identity). The result belongs to the workspace and is overwritten by the next call.',
  ]);
  w.write(`export function forward(params: ${F}, input: ${F}, ws: Workspace, training = false): ${F}`).block(() => {
    w.writeLine("checkWorkspace('forward', ws);");
    checkLine(w, 'forward', 'params', String(net.paramCount), '0');
    checkLine(w, 'forward', 'input', `ws.batch * ${inSize}`, inSize);
    w.writeLine(`ws.${net.inputBuffer}.set(input);`);
    w.writeLine('runForward(params, ws, training === true);');
    w.writeLine(`return ws.${net.outputBuffer};`);
  });
  w.blankLine();
  doc(w, [
    'Backward pass after forward(..., training=true) on the same workspace. Writes dL/dparams into grad',
    '(overwritten, not accumulated) and returns dL/dinput (workspace-owned, also ws.dInput).',
  ]);
  w.write(`export function backward(params: ${F}, ws: Workspace, dOutput: ${F}, grad: ${F}): ${F}`).block(() => {
    w.writeLine("checkWorkspace('backward', ws);");
    checkLine(w, 'backward', 'params', String(net.paramCount), '0');
    checkLine(w, 'backward', 'dOutput', `ws.batch * ${outSize}`, outSize);
    checkLine(w, 'backward', 'grad', String(net.paramCount), '0');
    w.writeLine(`ws.${net.outputGrad}.set(dOutput);`);
    w.writeLine('runBackward(params, ws, grad);');
    w.writeLine('return ws.dInput;');
  });
  if (!net.loss) return;
  w.blankLine();
  const lossFn = emitLoss(w, net, ctx);
  w.blankLine();
  doc(w, [
    `Training-mode forward, the ${net.loss} loss (mean over the batch) and the backward pass into grad.`,
    'target: one row per sample. Like a PyTorch input that does not require grad, the input gets no',
    'gradient here (ws.dInput is left as it was): call forward and backward for dL/dinput.',
  ]);
  w.write(`export function lossAndGrad(params: ${F}, input: ${F}, target: ${F}, grad: ${F}, ws: Workspace): number`).block(() => {
    w.writeLine("checkWorkspace('lossAndGrad', ws);");
    checkLine(w, 'lossAndGrad', 'params', String(net.paramCount), '0');
    checkLine(w, 'lossAndGrad', 'input', `ws.batch * ${inSize}`, inSize);
    checkLine(w, 'lossAndGrad', 'target', `ws.batch * ${outSize}`, outSize);
    checkLine(w, 'lossAndGrad', 'grad', String(net.paramCount), '0');
    w.writeLine(`ws.${net.inputBuffer}.set(input);`);
    w.writeLine('runForward(params, ws, true);');
    w.writeLine(`const loss = ${lossFn}(ws, target);`);
    const from = lossBackwardFrom(net);
    if (from < net.steps.length) w.writeLine('// softmax + cross-entropy gave the gradient at the logits: the steps before softmax');
    // Like PyTorch, whose inputs do not require grad: nothing below the first layer with
    // parameters, and not that layer's input gradient.
    const first = net.steps.findIndex((s) => s.weight !== undefined);
    if (first < 0) w.writeLine('void grad; // no parameters: nothing to differentiate');
    const run = first < 0 ? [] : net.steps.slice(first, from).reverse();
    for (const s of run) {
      if (!s.backwardFn) continue;
      w.writeLine(`${s.backwardFn}(params, ws, grad);`);
      if (s.inputGradFn && s.index !== first) w.writeLine(`${s.inputGradFn}(params, ws, grad);`);
    }
    if (first >= 0) w.writeLine(`// (not ${net.steps[first]!.layer.name}'s input gradient: lossAndGrad does not compute dL/dinput)`);
    w.writeLine('return loss;');
  });
}
