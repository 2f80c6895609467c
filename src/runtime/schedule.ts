// Learning-rate schedules: pure functions of the epoch (or step) number, counting from 0, in the
// closed forms of torch.optim.lr_scheduler.StepLR and CosineAnnealingLR. Use them as
//   for (let epoch = 0; epoch < epochs; epoch++) { opt.lr = schedule(epoch); ...train... }

export type LrSchedule = (epoch: number) => number;

export interface StepLrOptions {
  /** The learning rate at epoch 0. */
  readonly lr: number;
  /** Epochs between decays (a positive integer). */
  readonly stepSize: number;
  /** Factor applied every stepSize epochs, default 0.1. */
  readonly gamma?: number;
}

/** lr * gamma^floor(epoch / stepSize), as StepLR. */
export function stepLr(options: StepLrOptions): LrSchedule {
  const { lr, stepSize } = options;
  const gamma = options.gamma ?? 0.1;
  checkFinite('stepLr', 'lr', lr);
  checkFinite('stepLr', 'gamma', gamma);
  if (!Number.isSafeInteger(stepSize) || stepSize < 1)
    throw new RangeError(`stepLr: stepSize must be a positive integer, got ${stepSize}`);
  return (epoch) => lr * gamma ** Math.floor(checkEpoch('stepLr', epoch) / stepSize);
}

export interface CosineLrOptions {
  /** The learning rate at epoch 0 (the maximum). */
  readonly lr: number;
  /** Epochs from the maximum to the minimum (a positive integer). */
  readonly tMax: number;
  /** The minimum, reached at epoch tMax, default 0. */
  readonly lrMin?: number;
}

/**
 * lrMin + (lr - lrMin) * (1 + cos(pi * epoch / tMax)) / 2, as CosineAnnealingLR. Like PyTorch's,
 * it is periodic: after tMax it rises again (back to lr at 2 * tMax). Stop at tMax, or clamp the
 * epoch, if that is not wanted.
 */
export function cosineLr(options: CosineLrOptions): LrSchedule {
  const { lr, tMax } = options;
  const lrMin = options.lrMin ?? 0;
  checkFinite('cosineLr', 'lr', lr);
  checkFinite('cosineLr', 'lrMin', lrMin);
  if (!Number.isSafeInteger(tMax) || tMax < 1) throw new RangeError(`cosineLr: tMax must be a positive integer, got ${tMax}`);
  return (epoch) => lrMin + ((lr - lrMin) * (1 + Math.cos((Math.PI * checkEpoch('cosineLr', epoch)) / tMax))) / 2;
}

function checkFinite(fn: string, option: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${fn}: ${option} must be a finite number >= 0, got ${String(value)}`);
}

function checkEpoch(fn: string, epoch: number): number {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`${fn}: the epoch must be an integer >= 0, got ${epoch}`);
  return epoch;
}
