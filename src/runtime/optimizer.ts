// What every optimiser shares: the interface, the state arrays' element type, option checks.
//
// An optimiser owns its state (momentum buffers, moment estimates) as typed arrays sized to the
// flat parameter vector, allocated once when it is created. `step` updates the parameters in place
// and allocates nothing, so a training loop can call it every batch without garbage.

import type { FloatArray } from '../module-api.js';

export type { FloatArray };

export interface Optimizer {
  /** Learning rate of the next step; assign to it to follow a schedule (see schedule.ts). */
  lr: number;
  /** Length of the parameter vector this optimiser was made for. */
  readonly paramCount: number;
  /** Element type of the state arrays; `step` requires parameters of the same type. */
  readonly dtype: 'f32' | 'f64';
  /** Steps taken so far (PyTorch's `state['step']`). */
  readonly steps: number;
  /** One update: `params` in place, from `grad` (dL/dparams, same length; not modified). */
  step(params: FloatArray, grad: FloatArray): void;
  /** Zeroes the state and the step count, as a freshly made optimiser (keeps `lr`). */
  reset(): void;
}

/** What the optimiser is for: the parameter vector itself, or only its length (then float32). */
export type ParamsOrCount = number | FloatArray;

export interface StateSpec {
  readonly paramCount: number;
  readonly dtype: 'f32' | 'f64';
}

export function stateSpec(what: ParamsOrCount, optimizer: string): StateSpec {
  if (typeof what === 'number') {
    if (!Number.isSafeInteger(what) || what < 0)
      throw new RangeError(`${optimizer}: the parameter count must be a non-negative integer, got ${what}`);
    return { paramCount: what, dtype: 'f32' };
  }
  if (what instanceof Float32Array) return { paramCount: what.length, dtype: 'f32' };
  if (what instanceof Float64Array) return { paramCount: what.length, dtype: 'f64' };
  throw new TypeError(`${optimizer}: expected a parameter count, a Float32Array or a Float64Array`);
}

export function allocState(spec: StateSpec): FloatArray {
  return spec.dtype === 'f32' ? new Float32Array(spec.paramCount) : new Float64Array(spec.paramCount);
}

/** Checks a step's arguments before anything is written (cheap: no loop over the data). */
export function checkStepArgs(name: string, spec: StateSpec, params: FloatArray, grad: FloatArray): void {
  if (params.length !== spec.paramCount)
    throw new Error(`${name}.step: params has length ${params.length}, expected ${spec.paramCount}`);
  if (grad.length !== spec.paramCount)
    throw new Error(`${name}.step: grad has length ${grad.length}, expected ${spec.paramCount}`);
  const isF32 = params instanceof Float32Array;
  if (isF32 !== (spec.dtype === 'f32'))
    throw new TypeError(
      `${name}.step: params is a ${isF32 ? 'Float32Array' : 'Float64Array'} but the optimiser keeps ${spec.dtype} state; ` +
        `create it from the parameter vector itself (${name}(params, ...)) to match`,
    );
}

/** A hyperparameter must be a finite number within [min, max] (max exclusive when `open`). */
export function checkRange(optimizer: string, option: string, value: number, min: number, max = Infinity, open = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (open ? value < max : value <= max);
  if (!ok) {
    const bound = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${open ? ')' : ']'}`;
    throw new RangeError(`${optimizer}: ${option} must be a finite number ${bound}, got ${String(value)}`);
  }
  return value;
}
