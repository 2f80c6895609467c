// Mini-batches for training: each epoch visits the training digits in a new seeded order, in
// batches of a fixed size (the last, incomplete batch of an epoch is dropped: the workspace is
// made for one batch size, and the next epoch's order covers those digits). The input and one-hot
// target buffers are allocated once and refilled, so the loop allocates nothing per step.
//
// Optional augmentation: a random translation by up to `shift` pixels in each direction, the
// vacated border filled with the background value; digits are 20x20 inside the 32x32 field, so a
// shift of 2 never cuts a stroke.

import { CLASSES, PIXELS, SIDE, permutation, type Digits } from './data.js';
import { mulberry32 } from './random.js';

export interface Batch {
  readonly input: Float32Array; // batch x 1 x 32 x 32
  readonly target: Float32Array; // batch x 10, one-hot
  readonly labels: Uint8Array;
}

export interface BatcherOptions {
  readonly batch: number;
  readonly seed: number;
  /** largest translation in pixels (default 0: none) */
  readonly shift?: number;
  /** the value of an empty pixel, after normalisation (default 0) */
  readonly background?: number;
}

export class Batcher {
  readonly batch: number;
  readonly stepsPerEpoch: number;
  private readonly data: Digits;
  private readonly options: BatcherOptions;
  private readonly current: Batch;
  private readonly rand: () => number;

  constructor(data: Digits, options: BatcherOptions) {
    if (!Number.isInteger(options.batch) || options.batch < 1 || options.batch > data.count) {
      throw new RangeError(`batch must be a whole number in [1, ${data.count}], got ${options.batch}`);
    }
    this.data = data;
    this.options = options;
    this.batch = options.batch;
    this.stepsPerEpoch = Math.floor(data.count / options.batch);
    this.current = {
      input: new Float32Array(options.batch * PIXELS),
      target: new Float32Array(options.batch * CLASSES),
      labels: new Uint8Array(options.batch),
    };
    this.rand = mulberry32(options.seed ^ 0x2545f491);
  }

  /** The batches of one epoch; each yielded Batch is the same object, refilled. */
  *epoch(index: number): Generator<Batch> {
    const order = permutation(this.data.count, (this.options.seed * 1000003 + index) | 0);
    const { input, target, labels } = this.current;
    for (let step = 0; step < this.stepsPerEpoch; step++) {
      target.fill(0);
      for (let b = 0; b < this.batch; b++) {
        const i = order[step * this.batch + b]!;
        const label = this.data.labels[i]!;
        labels[b] = label;
        target[b * CLASSES + label] = 1;
        this.copyImage(i, input, b * PIXELS);
      }
      yield this.current;
    }
  }

  private copyImage(i: number, out: Float32Array, at: number): void {
    const src = this.data.images.subarray(i * PIXELS, (i + 1) * PIXELS);
    const s = this.options.shift ?? 0;
    if (s === 0) {
      out.set(src, at);
      return;
    }
    const dy = Math.floor(this.rand() * (2 * s + 1)) - s;
    const dx = Math.floor(this.rand() * (2 * s + 1)) - s;
    const bg = this.options.background ?? 0;
    for (let r = 0; r < SIDE; r++) {
      const sr = r - dy;
      for (let c = 0; c < SIDE; c++) {
        const sc = c - dx;
        out[at + r * SIDE + c] = sr >= 0 && sr < SIDE && sc >= 0 && sc < SIDE ? src[sr * SIDE + sc]! : bg;
      }
    }
  }
}
