// Stochastic gradient descent with momentum, torch.optim.SGD semantics (PyTorch 1.13, the
// single-tensor path), element by element:
//   d = g + weightDecay * p                        (L2, when weightDecay != 0)
//   first step:  buf = d                           (PyTorch clones d; no dampening on step 1)
//   later:       buf = momentum * buf + (1 - dampening) * d
//   nesterov:    d = d + momentum * buf   else   d = buf      (when momentum != 0)
//   p -= lr * d
// Arithmetic is float64; each stored value (p, buf) is rounded to the state's element type.

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

export interface SgdOptions {
  /** Learning rate (required, as in PyTorch). */
  readonly lr: number;
  /** Momentum factor; 0 (default) is plain SGD and keeps no state. */
  readonly momentum?: number;
  /** Dampening for momentum, default 0; must be 0 with Nesterov. */
  readonly dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0), default false. */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient, default 0. */
  readonly weightDecay?: number;
}

export interface Sgd extends Optimizer {
  readonly kind: 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  /** The momentum buffer (allocated once; null when momentum is 0). */
  readonly momentumBuffer: FloatArray | null;
}

class SgdImpl implements Sgd {
  readonly kind = 'sgd' as const;
  readonly paramCount: number;
  readonly dtype: 'f32' | 'f64';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly momentumBuffer: FloatArray | null;
  private lrValue: number;
  private stepCount = 0;
  private readonly spec: StateSpec;

  constructor(spec: StateSpec, o: SgdOptions) {
    if (o === undefined || o.lr === undefined) throw new RangeError('sgd: the option lr is required');
    this.spec = spec;
    this.paramCount = spec.paramCount;
    this.dtype = spec.dtype;
    this.lrValue = checkRange('sgd', 'lr', o.lr, 0);
    this.momentum = checkRange('sgd', 'momentum', o.momentum ?? 0, 0);
    this.dampening = checkRange('sgd', 'dampening', o.dampening ?? 0, 0, 1);
    this.nesterov = o.nesterov ?? false;
    this.weightDecay = checkRange('sgd', 'weightDecay', o.weightDecay ?? 0, 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0))
      throw new RangeError('sgd: Nesterov momentum requires momentum > 0 and dampening 0 (as in PyTorch)');
    this.momentumBuffer = this.momentum !== 0 ? allocState(spec) : null;
  }

  get lr(): number {
    return this.lrValue;
  }
  set lr(value: number) {
    this.lrValue = checkRange('sgd', 'lr', value, 0);
  }
  get steps(): number {
    return this.stepCount;
  }

  step(params: FloatArray, grad: FloatArray): void {
    checkStepArgs('sgd', this.spec, params, grad);
    const n = this.paramCount;
    const lr = this.lrValue;
    const wd = this.weightDecay;
    const buf = this.momentumBuffer;
    if (buf === null && wd === 0) {
      // plain SGD, the common case: one load of params fewer and no multiply-add (measured 2x faster)
      for (let i = 0; i < n; i++) params[i] = params[i]! - lr * grad[i]!;
    } else if (buf === null) {
      for (let i = 0; i < n; i++) params[i] = params[i]! - lr * (grad[i]! + wd * params[i]!);
    } else {
      const mu = this.momentum;
      const first = this.stepCount === 0;
      const keep = 1 - this.dampening;
      const nesterov = this.nesterov;
      for (let i = 0; i < n; i++) {
        const d = grad[i]! + wd * params[i]!;
        buf[i] = first ? d : mu * buf[i]! + keep * d;
        const b = buf[i]!; // the rounded value, as PyTorch reads it back
        params[i] = params[i]! - lr * (nesterov ? d + mu * b : b);
      }
    }
    this.stepCount++;
  }

  reset(): void {
    this.momentumBuffer?.fill(0);
    this.stepCount = 0;
  }
}

/**
 * SGD over a flat parameter vector. `what` is the vector itself (state of the same element type) or
 * its length (float32 state).
 *
 *   const opt = sgd(params, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 *   opt.step(params, grad);
 */
export function sgd(what: ParamsOrCount, options: SgdOptions): Sgd {
  return new SgdImpl(stateSpec(what, 'sgd'), options);
}
