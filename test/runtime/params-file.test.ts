// saveParams / loadParams on real files. The atomic save is tested with real failures at each stage
// (no mocked file system): the temporary file cannot be created, the write itself fails (a child
// process under `ulimit -f`, so the kernel refuses with EFBIG), and the final rename fails.

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadParams, saveParams, SafetensorsError, type ParamLayoutEntry } from '../../src/runtime/index.js';
import { fixturePath, readFixtureJson, type StateDictFixture } from './helpers.js';

const LAYOUT: ParamLayoutEntry[] = [
  { name: 'c1.weight', offset: 0, shape: [2, 1, 3, 3] },
  { name: 'c1.bias', offset: 18, shape: [2] },
  { name: 'd1.weight', offset: 20, shape: [3, 8] },
  { name: 'd1.bias', offset: 44, shape: [3] },
];
const params = Float32Array.from({ length: 47 }, (_, i) => Math.sin(i) / 3);

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-runtime-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveParams / loadParams', () => {
  it('round trip, then overwrite, with nothing else left in the directory', async () => {
    const path = join(dir, 'model.safetensors');
    await saveParams(path, params, LAYOUT, { epoch: '1' });
    expect(await loadParams(path, LAYOUT)).toEqual(params);
    const next = params.map((v) => v * 2);
    await saveParams(path, next, LAYOUT);
    expect(await loadParams(path, LAYOUT)).toEqual(next);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('loads into a given vector, Float32Array or Float64Array', async () => {
    const path = join(dir, 'p.safetensors');
    await saveParams(path, params, LAYOUT);
    const out64 = new Float64Array(47);
    expect(await loadParams(path, LAYOUT, out64)).toBe(out64);
    expect(out64).toEqual(Float64Array.from(params));
  });

  it('loads the file PyTorch wrote', async () => {
    const fx = readFixtureJson<StateDictFixture>('state_dict.json');
    const loaded = await loadParams(fixturePath('state_dict.safetensors'), LAYOUT);
    for (const e of fx.layout) expect([...loaded.subarray(e.offset, e.offset + fx.values[e.name]!.length)]).toEqual(fx.values[e.name]);
  });

  it('a mismatch names the file and the tensor, and leaves the vector alone', async () => {
    const path = join(dir, 'other.safetensors');
    await saveParams(path, new Float32Array(9), [{ name: 'c1.weight', offset: 0, shape: [1, 1, 3, 3] }]);
    const out = new Float32Array(47).fill(3);
    const error = await loadParams(path, LAYOUT, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).file).toBe(path);
    expect((error as Error).message).toContain(`${path}: the file does not match the parameter layout (4 problems):`);
    expect((error as Error).message).toContain('c1.weight: expected shape [2,1,3,3], file has [1,1,3,3]');
    expect(out.every((v) => v === 3)).toBe(true);
  });

  it('a truncated file names the file', async () => {
    const path = join(dir, 'cut.safetensors');
    await saveParams(path, params, LAYOUT);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadParams(path, LAYOUT)).rejects.toThrow(`${path}: not a valid safetensors file: d1.bias: data_offsets`);
  });

  it('a missing file is the file system error', async () => {
    await expect(loadParams(join(dir, 'nope.safetensors'), LAYOUT)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the save is atomic', () => {
  it('a failure to create the temporary file (no such directory) writes nothing', async () => {
    await expect(saveParams(join(dir, 'missing', 'p.safetensors'), params, LAYOUT)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('an encoding failure happens before the file system is touched', async () => {
    const path = join(dir, 'p.safetensors');
    await writeFile(path, 'old contents');
    await expect(saveParams(path, new Float32Array(3), LAYOUT)).rejects.toThrow(/outside the parameter vector/);
    expect(await readFile(path, 'utf8')).toBe('old contents');
    expect(await readdir(dir)).toEqual(['p.safetensors']);
  });

  it('a failing rename (the target is a directory) leaves the target as it was and no temporary file', async () => {
    const path = join(dir, 'p.safetensors');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    await expect(saveParams(path, params, LAYOUT)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('x');
  });

  it.runIf(process.platform === 'linux')('a failing write (file size limit, EFBIG) leaves the old file intact and no temporary file', async () => {
    const path = join(dir, 'p.safetensors');
    await saveParams(path, params, LAYOUT);
    const before = await readFile(path);
    const child = fileURLToPath(new URL('./child/save-big.ts', import.meta.url));
    // ulimit -f counts 1024-byte blocks in bash: a 1 MB limit against a 4 MB file
    const run = spawnSync('bash', ['-c', 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, '--import', 'tsx', child, path], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'EFBIG' });
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    expect(await loadParams(path, LAYOUT)).toEqual(params);
  });

  it('without the limit the same child succeeds (so the failure above is the limit)', async () => {
    const path = join(dir, 'p.safetensors');
    const child = fileURLToPath(new URL('./child/save-big.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child, path], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(run.stdout)).toEqual({ ok: true });
    const n = 1 << 20;
    const loaded = await loadParams(path, [{ name: 'w', offset: 0, shape: [n] }]);
    expect(loaded.length).toBe(n);
    expect(loaded[n - 1]).toBe(0.25);
  });
});
