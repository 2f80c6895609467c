// Child process: the scalar-JS ceiling. Each kernel of lib/matmul.ts is first checked against a
// float64 product (a kernel that computes the wrong thing fast would set a false ceiling), then timed
// on 256x256x256. argv: quick|full

import { KERNELS } from '../lib/matmul.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, measure } from '../lib/measure.js';
import { rng } from '../lib/nets.js';
import { errorText, send } from '../lib/protocol.js';

export interface CeilingRow {
  readonly name: string;
  readonly blocked: boolean;
  readonly size: readonly [number, number, number];
  readonly medianMs: number;
  readonly runs: number;
  readonly gflops: number;
}

function random(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() - 0.5;
  return a;
}

function verify(name: string, kernel: (typeof KERNELS)[number]['kernel']): void {
  const M = 32, N = 48, K = 40;
  const At = random(K * M, 1), B = random(K * N, 2), C = random(M * N, 3);
  const expect = Float64Array.from(C);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += At[k * M + i]! * B[k * N + j]!;
      expect[i * N + j] += s;
    }
  kernel(At, B, C, M, N, K);
  for (let i = 0; i < M * N; i++) {
    if (Math.abs(C[i]! - expect[i]!) > 1e-4) throw new Error(`${name}: wrong result at ${i}: ${C[i]} vs ${expect[i]}`);
  }
}

function main(): void {
  const budget = process.argv[2] === 'quick' ? QUICK_BUDGET : DEFAULT_BUDGET;
  const M = 256, N = 256, K = 256;
  const At = random(K * M, 4), B = random(K * N, 5), C = new Float32Array(M * N);
  const rows: CeilingRow[] = [];
  for (const { name, kernel, blocked } of KERNELS) {
    verify(name, kernel);
    const m = measure(() => kernel(At, B, C, M, N, K), budget);
    rows.push({ name, blocked, size: [M, N, K], medianMs: m.medianMs, runs: m.runs, gflops: (2 * M * N * K) / (m.medianMs * 1e6) });
  }
  send({ type: 'data', data: rows });
}

try {
  main();
} catch (e) {
  send({ type: 'fail', error: errorText(e) });
}
process.disconnect?.();
