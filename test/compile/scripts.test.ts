// scripts/generate.mjs (deterministic output that type-checks under tsc --strict) and
// scripts/check-optimized.mjs (every function TurboFan-optimised), run as child processes on the
// sources (CNNC_FROM_SRC=1 with tsx), so that they need no build.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function node(args: string[], timeout = 240_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CNNC_FROM_SRC: '1' },
    timeout,
    maxBuffer: 1 << 26,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/generate.mjs', () => {
  it('compiles every example the same way twice, and the modules type-check strictly', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'cnnc-gen-')), mkdtempSync(join(tmpdir(), 'cnnc-gen-'))];
    for (const out of [a, b]) {
      const r = node(['--import', 'tsx', 'scripts/generate.mjs', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.cnn'));
    const files = readdirSync(a).sort();
    expect(files).toEqual(examples.map((f) => f.replace(/\.cnn$/, '.ts')).sort());
    for (const f of files) expect(readFileSync(join(a, f), 'utf8') === readFileSync(join(b, f), 'utf8'), f).toBe(true);

    // generated/ in the tree is what `npm run generate` writes now (it is committed output)
    for (const f of readdirSync(join(root, 'generated')).filter((g) => g.endsWith('.ts'))) {
      const fresh = join(a, f);
      expect(existsSync(fresh), `generated/${f} has no example any more: run npm run generate`).toBe(true);
      const same = readFileSync(join(root, 'generated', f), 'utf8') === readFileSync(fresh, 'utf8');
      expect(same, `generated/${f} is stale: run npm run generate`).toBe(true);
    }

    copyFileSync(join(root, 'generated', 'tsconfig.json'), join(a, 'tsconfig.json'));
    const tsc = node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(a, 'tsconfig.json')]);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});

describe('scripts/check-optimized.mjs', () => {
  it('finds every function of LeNet-5 and MNIST-CNN optimised by TurboFan', () => {
    const r = node(['--allow-natives-syntax', '--import', 'tsx', 'scripts/check-optimized.mjs']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/all \d+ functions optimised by TurboFan/);
    for (const fn of ['lenet5.c1_fwd', 'lenet5.c1_bwd', 'lenet5.lossAndGrad', 'mnist-cnn.conv2_bwd', 'mnist-cnn.dropout1_fwd']) {
      expect(r.stdout).toMatch(new RegExp(`^${fn.replace('.', '\\.')}\\s+yes`, 'm'));
    }
    expect(r.code).toBe(0);
  }, 300_000);

  it('refuses to run without --allow-natives-syntax', () => {
    const r = node(['--import', 'tsx', 'scripts/check-optimized.mjs'], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/allow-natives-syntax/);
  });
});
