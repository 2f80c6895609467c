// How much fuzzing a run does. CI runs the defaults (seeded, so every run sees the same cases);
// `npm run fuzz` (scripts/fuzz.mjs) sets CNNC_FUZZ_SCALE and a fresh CNNC_FUZZ_SEED and prints them,
// so a failure found there replays with `CNNC_FUZZ_SEED=<seed> CNNC_FUZZ_SCALE=<scale> npx vitest run test/robustness`.

export const SEED = Number(process.env['CNNC_FUZZ_SEED'] ?? 20_260_707);
export const SCALE = Math.max(0.01, Number(process.env['CNNC_FUZZ_SCALE'] ?? 1));

/** `n` cases at scale 1. */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/** A per-test timeout that grows with the scale (vitest's default here is 60 s). */
export function timeout(ms: number): number {
  return Math.round(ms * Math.max(1, SCALE));
}

/** fast-check parameters: seeded, and with the seed and path in the report of a failure. */
export function params(n: number, salt: number): { numRuns: number; seed: number; endOnFailure: true } {
  return { numRuns: runs(n), seed: (SEED + salt) | 0, endOnFailure: true };
}
