// Adam and AdamW, torch.optim.Adam / torch.optim.AdamW semantics (PyTorch 1.13, single-tensor
// path), element by element, at step t (counting from 1):
//   Adam, L2:   g = g + weightDecay * p                      (when weightDecay != 0)
//   AdamW:      p = p * (1 - lr * weightDecay)              (decoupled, before the moments)
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g * g
//   amsgrad:    vmax = max(vmax, v), and vmax replaces v below
//   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)       (eps outside the sqrt)
// Arithmetic is float64; each stored value (p, m, v, vmax) is rounded to the state's element type.

import {
  allocState,
  checkRange,
  checkStepArgs,
  stateSpec,
  type FloatArray,
  type Optimizer,
  type ParamsOrCount,
  type StateSpec,
} from './optimizer.js';

export interface AdamOptions {
  /** Learning rate, default 1e-3. */
  readonly lr?: number;
  /** Decay rates of the first and second moment estimates, default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Added to the denominator outside the square root, default 1e-8. */
  readonly eps?: number;
  /** Weight decay: L2 added to the gradient (Adam), or decoupled (AdamW). Default 0 for adam, 1e-2 for adamw. */
  readonly weightDecay?: number;
  /** Decoupled weight decay (AdamW). `adamw(...)` sets it. Default false. */
  readonly decoupled?: boolean;
  /** The AMSGrad variant (keeps the running maximum of v), default false. */
  readonly amsgrad?: boolean;
}

export interface Adam extends Optimizer {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  /** First moment estimate m (allocated once). */
  readonly expAvg: FloatArray;
  /** Second moment estimate v (allocated once). */
  readonly expAvgSq: FloatArray;
  /** Running maximum of v, with amsgrad; null otherwise. */
  readonly maxExpAvgSq: FloatArray | null;
}

class AdamImpl implements Adam {
  readonly kind: 'adam' | 'adamw';
  readonly paramCount: number;
  readonly dtype: 'f32' | 'f64';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly expAvg: FloatArray;
  readonly expAvgSq: FloatArray;
  readonly maxExpAvgSq: FloatArray | null;
  private lrValue: number;
  private stepCount = 0;
  private readonly spec: StateSpec;

  constructor(spec: StateSpec, o: AdamOptions, name: 'adam' | 'adamw') {
    this.kind = name;
    this.spec = spec;
    this.paramCount = spec.paramCount;
    this.dtype = spec.dtype;
    this.lrValue = checkRange(name, 'lr', o.lr ?? 1e-3, 0);
    const betas = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new RangeError(`${name}: betas must be a pair [beta1, beta2]`);
    this.beta1 = checkRange(name, 'betas[0]', betas[0], 0, 1, true);
    this.beta2 = checkRange(name, 'betas[1]', betas[1], 0, 1, true);
    this.eps = checkRange(name, 'eps', o.eps ?? 1e-8, 0);
    this.decoupled = o.decoupled ?? name === 'adamw';
    this.weightDecay = checkRange(name, 'weightDecay', o.weightDecay ?? (this.decoupled ? 1e-2 : 0), 0);
    this.amsgrad = o.amsgrad ?? false;
    this.expAvg = allocState(spec);
    this.expAvgSq = allocState(spec);
    this.maxExpAvgSq = this.amsgrad ? allocState(spec) : null;
  }

  get lr(): number {
    return this.lrValue;
  }
  set lr(value: number) {
    this.lrValue = checkRange(this.kind, 'lr', value, 0);
  }
  get steps(): number {
    return this.stepCount;
  }

  step(params: FloatArray, grad: FloatArray): void {
    checkStepArgs(this.kind, this.spec, params, grad);
    const t = this.stepCount + 1;
    const n = this.paramCount;
    const lr = this.lrValue;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    // L2 adds wd * p to the gradient; decoupled decay scales p by (1 - lr * wd) first.
    const l2 = this.decoupled ? 0 : this.weightDecay;
    const shrink = this.decoupled ? 1 - lr * this.weightDecay : 1;
    const m = this.expAvg;
    const v = this.expAvgSq;
    const vmax = this.maxExpAvgSq;
    for (let i = 0; i < n; i++) {
      if (shrink !== 1) params[i] = params[i]! * shrink;
      const p = params[i]!;
      const g = grad[i]! + l2 * p;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      let vi = v[i]!;
      if (vmax !== null) {
        if (vi > vmax[i]!) vmax[i] = vi;
        vi = vmax[i]!;
      }
      params[i] = p - (stepSize * m[i]!) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
    this.stepCount = t;
  }

  reset(): void {
    this.expAvg.fill(0);
    this.expAvgSq.fill(0);
    this.maxExpAvgSq?.fill(0);
    this.stepCount = 0;
  }
}

/**
 * Adam over a flat parameter vector (L2 weight decay unless `decoupled`). `what` is the vector
 * itself (state of the same element type) or its length (float32 state).
 *
 *   const opt = adam(params, { lr: 1e-3 });
 *   opt.step(params, grad);
 */
export function adam(what: ParamsOrCount, options: AdamOptions = {}): Adam {
  return new AdamImpl(stateSpec(what, 'adam'), options, options.decoupled ? 'adamw' : 'adam');
}

/** AdamW (decoupled weight decay, default 1e-2, as torch.optim.AdamW). */
export function adamw(what: ParamsOrCount, options: Omit<AdamOptions, 'decoupled'> = {}): Adam {
  return new AdamImpl(stateSpec(what, 'adamw'), { ...options, decoupled: true }, 'adamw');
}
