#!/usr/bin/env node
// `npm run fuzz [-- --scale N] [--seed S] [--all]`: the long fuzzing run, for local use.
//
// Runs the scalable robustness tests (test/robustness: the in-process fuzzer, the real binary on
// fuzz cases, the type-checked modules and the module guards) with CNNC_FUZZ_SCALE times their CI
// case counts (default 20: some 60,000 inputs) and a fresh seed, printed first so that a failure
// replays exactly:
//
//   CNNC_FUZZ_SEED=<seed> CNNC_FUZZ_SCALE=<scale> npx vitest run test/robustness
//
// --all adds the fixed robustness tests (limits, files, names, and the back end's). Builds dist/
// first, since half of it runs the real binary. Exit status: vitest's.

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const SCALED = ['fuzz', 'binary', 'typecheck', 'guards'];

function usage(message) {
  if (message) process.stderr.write(`fuzz: ${message}\n`);
  process.stderr.write('usage: npm run fuzz [-- --scale N] [--seed S] [--all]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let scale = 20;
let seed = randomInt(1, 2 ** 31 - 1);
let all = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = Number(args[++i]);
    if (!Number.isFinite(v) || v <= 0) usage(`${a} needs a positive number`);
    return v;
  };
  if (a === '--scale') scale = value();
  else if (a === '--seed') seed = Math.trunc(value());
  else if (a === '--all') all = true;
  else if (a === '--help' || a === '-h') usage();
  else usage(`unknown argument '${a}'`);
}

const tsc = require.resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  process.stderr.write('fuzz: npm run build failed\n');
  process.exit(build.status ?? 2);
}

process.stdout.write(
  `fuzz: seed ${seed}, scale ${scale}${all ? ', all robustness tests' : ''}\n` +
    `fuzz: replay with CNNC_FUZZ_SEED=${seed} CNNC_FUZZ_SCALE=${scale} npx vitest run test/robustness\n`,
);
const files = all ? ['test/robustness'] : SCALED.map((f) => `test/robustness/${f}.test.ts`);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const timeout = String(Math.round(60_000 * Math.max(1, scale)));
const run = spawnSync(process.execPath, [vitest, 'run', ...files, '--testTimeout', timeout, '--hookTimeout', timeout], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CNNC_FUZZ_SEED: String(seed), CNNC_FUZZ_SCALE: String(scale) },
});
process.stdout.write(
  `fuzz: seed ${seed}, scale ${scale}: ${run.status === 0 ? 'no problem found' : 'FAILED (replay as above)'}\n`,
);
process.exit(run.status ?? 1);
