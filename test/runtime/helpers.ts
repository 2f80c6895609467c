// Shared by the runtime tests: the committed PyTorch fixtures and a float32-aware comparison.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const fixturesDir = fileURLToPath(new URL('../fixtures-runtime/', import.meta.url));

export function fixturePath(file: string): string {
  return fixturesDir + file;
}

export function readFixtureJson<T>(file: string): T {
  return JSON.parse(readFileSync(fixturePath(file), 'utf8')) as T;
}

export function readFixtureBytes(file: string): Uint8Array {
  const b = readFileSync(fixturePath(file));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Element-wise |a - b| <= rel * max(|b|, floor), floor a number or one per element. The floor keeps
 * values that pass near zero (a parameter crossing 0, a moment after a sign change) from demanding
 * an impossible relative match.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  floor: number | ArrayLike<number>,
  what = '',
): number {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const err = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), typeof floor === 'number' ? floor : floor[i]!);
    worst = Math.max(worst, err);
    if (!(err <= rel)) expect.fail(`${what}[${i}]: got ${a}, expected ${b} (relative error ${err.toExponential(2)} > ${rel})`);
  }
  return worst;
}

export interface StateDictFixture {
  readonly torch: string;
  readonly layout: { readonly name: string; readonly offset: number; readonly shape: number[] }[];
  readonly paramCount: number;
  readonly metadata: Record<string, string>;
  readonly values: Record<string, number[]>;
}

export interface TrajectoryCase {
  readonly name: string;
  readonly optimizer: 'sgd' | 'adam' | 'adamw';
  readonly options: Record<string, unknown>;
  readonly lrs: number[];
  readonly params0: number[];
  readonly grads: number[][];
  readonly params: number[][];
  readonly state: Record<string, number[] | null>[];
}
