// Section B: compile speed. The whole `cnnc compile MODEL -o OUT.ts` command, and what it wrote.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { timeCommand, type CommandTiming } from '../lib/spawn.js';

export interface CompileResult {
  readonly model: string;
  readonly file: string;
  readonly targetMs: number;
  readonly timing: CommandTiming;
  readonly bytes?: number;
  readonly lines?: number;
}

const MODELS = [
  { model: 'LeNet-5', file: 'examples/lenet5.cnn', targetMs: 1500, runs: 5 },
  { model: 'VGG-16', file: 'examples/vgg16.cnn', targetMs: 5000, runs: 3 },
] as const;

export function runCompile(tmp: string, speed: 'quick' | 'full', log: (s: string) => void): CompileResult[] {
  return MODELS.map(({ model, file, targetMs, runs }) => {
    const out = join(tmp, `${model.toLowerCase().replace(/[^a-z0-9]+/g, '')}.ts`);
    const n = speed === 'quick' ? 1 : runs;
    log(`B: cnnc compile ${file}, ${n} runs`);
    const timing = timeCommand(['bin/cnnc.js', 'compile', file, '-o', out], n, 0);
    if (timing.error !== undefined) return { model, file, targetMs, timing };
    const text = readFileSync(out, 'utf8');
    return { model, file, targetMs, timing, bytes: statSync(out).size, lines: text.split('\n').length };
  });
}
