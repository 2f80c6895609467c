// The networks of the throughput section and the data fed to them. Every peer builds its network
// from the same checked .cnn file (the checker's Network), so they cannot drift apart.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Network } from '../../src/network.js';
import { forwardMacs, loadChecker, networkOf } from './cnnc.js';
import { ROOT } from './paths.js';

export interface NetEntry {
  readonly id: string;
  readonly label: string;
  /** relative to the package root */
  readonly file: string;
  readonly note: string;
}

export const NETS: readonly NetEntry[] = [
  { id: 'lenet5', label: 'LeNet-5', file: 'examples/lenet5.cnn', note: 'examples/lenet5.cnn' },
  {
    id: 'mnist-cnn',
    label: 'MNIST-CNN',
    file: 'bench/models/mnist-cnn.cnn',
    note: 'bench/models/mnist-cnn.cnn: examples/mnist-cnn.cnn without its dropout',
  },
];

export type Mode = 'infer' | 'train';
export const MODES: readonly Mode[] = ['infer', 'train'];
export const BATCHES: readonly number[] = [1, 32];
export const LEARNING_RATE = 0.01;

export interface BenchNet {
  readonly entry: NetEntry;
  readonly text: string;
  readonly network: Network;
  /** forward multiply-accumulates of one sample */
  readonly macs: number;
  readonly classes: number;
}

export function netEntry(id: string): NetEntry {
  const e = NETS.find((n) => n.id === id);
  if (e === undefined) throw new Error(`unknown network ${id}`);
  return e;
}

export async function loadNet(id: string): Promise<BenchNet> {
  const entry = netEntry(id);
  const text = readFileSync(join(ROOT, entry.file), 'utf8');
  const check = (await loadChecker()).value;
  const network = networkOf(check, text, entry.file);
  const classes = network.output.reduce((a, b) => a * b, 1);
  return { entry, text, network, macs: forwardMacs(network), classes };
}

/** FLOPs of one batch: 2 per MAC; a training step counts 3 forward passes (forward + backward). */
export function batchFlops(macs: number, mode: Mode, batch: number): number {
  return 2 * macs * batch * (mode === 'train' ? 3 : 1);
}

/** mulberry32: a small deterministic generator, so every run feeds the same numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs in [0, 1), like scaled pixels, and a class label per sample. */
export function makeBatch(size: number, batch: number, classes: number, seed = 7): { input: Float32Array; labels: Int32Array } {
  const r = rng(seed);
  const input = new Float32Array(size * batch);
  for (let i = 0; i < input.length; i++) input[i] = r();
  const labels = new Int32Array(batch);
  for (let b = 0; b < batch; b++) labels[b] = Math.floor(r() * classes);
  return { input, labels };
}

export function oneHot(labels: Int32Array, classes: number): Float32Array {
  const t = new Float32Array(labels.length * classes);
  labels.forEach((l, b) => {
    t[b * classes + l] = 1;
  });
  return t;
}
