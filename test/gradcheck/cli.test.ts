// `cnnc gradcheck`, run in-process through its command module (src/cli/gradcheck.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { help, run } from '../../src/cli/gradcheck.js';
import { memoryIo } from '../../src/cli/io.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

async function usage(args: string[]): Promise<string> {
  const err = await run(args, memoryIo()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).exitCode).toBe(2);
  return (err as CliError).message;
}

describe('cnnc gradcheck', () => {
  it('prints a table per path with every tensor and exits 0 when every gradient matches', async () => {
    const io = memoryIo();
    const code = await run([join(EXAMPLES, 'lenet5.cnn'), '--samples', '5', '--seed', '3', '--batch', '1'], io);
    const out = io.out();
    expect(code, out).toBe(0);
    expect(out).toMatch(
      /^gradcheck .*lenet5\.cnn: float64, seed 3, batch 1, eps 0\.000001, tol 0\.00001; up to 5 random elements per tensor/,
    );
    expect(out).toContain('\nbackward: sum(dOutput * forward(params, input))');
    expect(out).toContain('\nlossAndGrad: cross_entropy loss');
    expect(out).toMatch(/^ {2}tensor +shape +checked +max abs err +max rel err +result$/m);
    expect(out).toMatch(/^ {2}c1\.weight +6x1x5x5 +5 of 150 +\S+ +\S+ +ok$/m);
    expect(out).toMatch(/^ {2}out\.bias +10 +5 of 10 +/m);
    expect(out).toMatch(/^ {2}input +1x1x32x32 +5 of 1,024 +/m);
    expect(out).toMatch(/ok: every gradient matches \(21 tensor checks and the loss value\)\n$/);
    expect(io.err()).toBe('');
  });

  it('checks only the tensors named with --only', async () => {
    const io = memoryIo();
    expect(await run([join(EXAMPLES, 'lenet5.cnn'), '--only', 'c3.bias,input', '--samples', '3'], io)).toBe(0);
    const rows = io
      .out()
      .split('\n')
      .filter((l) => /^ {2}\S+ +\S+ +(\d+ of|all) /.test(l));
    expect(rows.map((l) => l.trim().split(/ +/)[0])).toEqual(['c3.bias', 'input', 'c3.bias']);
    expect(await usage([join(EXAMPLES, 'lenet5.cnn'), '--only', 'c3.bais'])).toMatch(
      /^the model has no tensor 'c3\.bais'; it has c1\.weight, .*, out\.bias, input$/,
    );
  });

  it('writes the report as JSON with --format json', async () => {
    const io = memoryIo();
    expect(await run([join(EXAMPLES, 'lenet5.cnn'), '--samples', '2', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as {
      passed: boolean;
      paths: { path: string; tensors: unknown[] }[];
      samples: number;
    };
    expect(report.passed).toBe(true);
    expect(report.samples).toBe(2);
    expect(report.paths.map((p) => p.path)).toEqual(['backward', 'lossAndGrad']);
    expect(report.paths[0]!.tensors).toHaveLength(11);
  });

  it('exits 1 and marks the failing tensors when gradients do not match', async () => {
    // A step of 0.05 is far too coarse for ReLU networks: truncation and kinks spoil the differences.
    const io = memoryIo();
    expect(await run([join(EXAMPLES, 'lenet5.cnn'), '--samples', '3', '--eps', '0.05'], io)).toBe(1);
    expect(io.out()).toMatch(/ FAIL$/m);
    expect(io.out()).toMatch(/^ {2}worst \S+\[[\d,]+\]: analytic \S+, numeric \S+$/m);
    expect(io.out()).toMatch(/FAIL: \d+ of 22 checks failed\n$/);
  });

  it('exits 1 with the diagnostics for a model with errors', async () => {
    const io = memoryIo();
    expect(await run([join(EXAMPLES, 'errors', 'kernel-too-big.cnn')], io)).toBe(1);
    expect(io.err()).toMatch(/error: .*\[window-too-large\]/);
    expect(io.err()).toMatch(/1 error/);
    expect(io.out()).toBe('');
  });

  it('exits 2 on bad usage and unreadable files', async () => {
    expect(await usage([])).toMatch(/takes one \.cnn file, got none/);
    expect(await usage(['a.cnn', 'b.cnn'])).toMatch(/got 2/);
    expect(await usage([join(EXAMPLES, 'no-such.cnn')])).toMatch(/cannot read .*no such file/);
    expect(await usage(['x.cnn', '--eps', '2'])).toMatch(/'--eps' must be a number between 0 and 1/);
    expect(await usage(['x.cnn', '--tol', 'abc'])).toMatch(/'--tol' must be a number/);
    expect(await usage(['x.cnn', '--samples', '0'])).toMatch(/'--samples' must be a whole number >= 1/);
    expect(await usage(['x.cnn', '--batch', '1.5'])).toMatch(/'--batch' must be a whole number/);
    expect(await usage(['x.cnn', '--sample', '3'])).toMatch(/did you mean '--samples'/);
  });

  it('explains float64, the step and the sampling in its help', () => {
    expect(help).toMatch(/float64/);
    expect(help).toMatch(/--samples K/);
    expect(help).toMatch(/kink/);
  });
});
