// Scalar JavaScript matrix multiply kernels, C[M,N] += A[M,K] * B[K,N], Float32Array storage,
// row-major B and C, A stored transposed (At[K,M], "packed", so the MR values of one k are adjacent).
// The register-blocked ones hold an MR x NR block of C in local variables (independent accumulators,
// no loop-carried dependence between them) across the whole k loop, and load MR + NR values per
// MR * NR multiply-adds. Their speed is the ceiling for any plain-JS convolution or dense layer on
// this machine, since those are this loop nest in disguise. M, N must be multiples of the block.

export type Kernel = (At: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number) => void;

/** i-k-j order, one accumulator: the loop a first implementation writes. */
export const naive: Kernel = (At, B, C, M, N, K) => {
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const a = At[k * M + i]!;
      const bo = k * N;
      const co = i * N;
      for (let j = 0; j < N; j++) C[co + j] = C[co + j]! + a * B[bo + j]!;
    }
  }
};

export const block4x4: Kernel = (At, B, C, M, N, K) => {
  for (let i = 0; i < M; i += 4) {
    for (let j = 0; j < N; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const ao = k * M + i;
        const a0 = At[ao]!, a1 = At[ao + 1]!, a2 = At[ao + 2]!, a3 = At[ao + 3]!;
        const bo = k * N + j;
        const b0 = B[bo]!, b1 = B[bo + 1]!, b2 = B[bo + 2]!, b3 = B[bo + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let o = i * N + j;
      C[o] = C[o]! + c00; C[o + 1] = C[o + 1]! + c01; C[o + 2] = C[o + 2]! + c02; C[o + 3] = C[o + 3]! + c03;
      o += N;
      C[o] = C[o]! + c10; C[o + 1] = C[o + 1]! + c11; C[o + 2] = C[o + 2]! + c12; C[o + 3] = C[o + 3]! + c13;
      o += N;
      C[o] = C[o]! + c20; C[o + 1] = C[o + 1]! + c21; C[o + 2] = C[o + 2]! + c22; C[o + 3] = C[o + 3]! + c23;
      o += N;
      C[o] = C[o]! + c30; C[o + 1] = C[o + 1]! + c31; C[o + 2] = C[o + 2]! + c32; C[o + 3] = C[o + 3]! + c33;
    }
  }
};

export const block4x8: Kernel = (At, B, C, M, N, K) => {
  for (let i = 0; i < M; i += 4) {
    for (let j = 0; j < N; j += 8) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
      for (let k = 0; k < K; k++) {
        const ao = k * M + i;
        const a0 = At[ao]!, a1 = At[ao + 1]!, a2 = At[ao + 2]!, a3 = At[ao + 3]!;
        const bo = k * N + j;
        const b0 = B[bo]!, b1 = B[bo + 1]!, b2 = B[bo + 2]!, b3 = B[bo + 3]!;
        const b4 = B[bo + 4]!, b5 = B[bo + 5]!, b6 = B[bo + 6]!, b7 = B[bo + 7]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3; c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3; c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3; c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3; c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
      }
      const rows = [
        [c00, c01, c02, c03, c04, c05, c06, c07],
        [c10, c11, c12, c13, c14, c15, c16, c17],
        [c20, c21, c22, c23, c24, c25, c26, c27],
        [c30, c31, c32, c33, c34, c35, c36, c37],
      ];
      for (let r = 0; r < 4; r++) {
        const o = (i + r) * N + j;
        const row = rows[r]!;
        for (let q = 0; q < 8; q++) C[o + q] = C[o + q]! + row[q]!;
      }
    }
  }
};

export const KERNELS: readonly { readonly name: string; readonly kernel: Kernel; readonly blocked: boolean }[] = [
  { name: 'naive i-k-j loop', kernel: naive, blocked: false },
  { name: '4x4 register block', kernel: block4x4, blocked: true },
  { name: '4x8 register block', kernel: block4x8, blocked: true },
];
