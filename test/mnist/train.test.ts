// Training LeNet-5 for real on a subset of the MNIST digits: the loss falls and held-out accuracy
// is far above chance. Then the weights survive a safetensors round trip, and the train.ts script
// runs end to end on a tiny split.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../examples/mnist/confusion.js';
import { loadSplit } from '../../examples/mnist/data.js';
import { compileModel, train, type TrainResult } from '../../examples/mnist/trainer.js';
import type { GeneratedModule } from '../../src/module-api.js';
import { loadParams, saveParams } from '../../src/runtime/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('LeNet-5 on 2,000 MNIST digits', () => {
  let net: GeneratedModule;
  let result: TrainResult;
  let tmp: string;
  const data = loadSplit(2000, 500, 7);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'cnnc-mnist-'));
    net = await compileModel();
    // 5 epochs of 62 steps: 310 steps of 32 digits
    result = train(net, data, { epochs: 5, batch: 32, lr: 0.05, seed: 7, optimizer: 'sgd', weightDecay: 5e-4 });
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('lowers the loss: the last 50 steps average well below the first 50', () => {
    expect(result.losses).toHaveLength(310);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    const first = mean(result.losses.slice(0, 50));
    const last = mean(result.losses.slice(-50));
    expect(first).toBeGreaterThan(1); // near ln 10 = 2.3 at the start
    expect(last).toBeLessThan(first / 4);
  });

  it('classifies held-out digits far better than chance (10%)', () => {
    const final = result.evaluations[result.evaluations.length - 1]!;
    expect(final.count).toBe(500);
    expect(final.accuracy).toBeGreaterThan(0.8);
    expect(final.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(final.confusion.reduce((s, row, d) => s + row[d]!, 0)).toBe(final.correct);
  });

  it('saves the weights as safetensors and loads them back to the same predictions', async () => {
    const file = join(tmp, 'lenet5.safetensors');
    await saveParams(file, result.params, net.paramLayout, { model: 'lenet5' });
    const loaded = await loadParams(file, net.paramLayout);
    expect(Buffer.from(loaded.buffer).equals(Buffer.from(result.params.buffer))).toBe(true);
    expect(evaluate(net, loaded, data.test).correct).toBe(result.evaluations[4]!.correct);
  });

  it('runs examples/mnist/train.ts end to end on a tiny split', async () => {
    const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
    const out = join(tmp, 'run.safetensors');
    const script = join(ROOT, 'examples', 'mnist', 'train.ts');
    const run = promisify(execFile);
    const { stdout, stderr } = await run(
      process.execPath,
      [tsx, script, '--epochs', '1', '--train', '320', '--test', '100', '--out', out],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(stdout).toMatch(/^LeNet-5 .*61,706 parameters\) on 320 MNIST digits, 100 held out;/);
    expect(stdout).toMatch(/^epoch 1\/1 {2}train loss \d\.\d{4} {2}held-out accuracy \d+\.\d\d% \(\d+\/100\)/m);
    expect(stdout).toMatch(/^true\\pred +0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +recall$/m);
    expect(stdout).toMatch(/held-out accuracy \d+\.\d\d% after 1 epochs; [\d.]+ s wall/);
    // stderr is not a terminal here: plain progress lines
    expect(stderr).toMatch(/^epoch 1\/1 step 10\/10 loss \d\.\d{4} +[\d,]+ samples\/s$/m);
    expect(stderr).not.toContain('\r');
    expect(existsSync(out)).toBe(true);

    const bad = await run(process.execPath, [tsx, script, '--epochs', '0'], { cwd: ROOT }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/--epochs must be a whole number >= 1, got '0'/);
  });
});
