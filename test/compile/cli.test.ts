// `cnnc compile`, in-process (src/cli/compile.ts's run with captured output), in temporary folders.

import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultOutput, run, writeAtomic } from '../../src/cli/compile.js';
import { CliError } from '../../src/cli/errors.js';
import { memoryIo } from '../../src/cli/io.js';
import { loadModule } from '../../src/compile.js';

const MODEL = 'network tiny\ninput 1x6x6\nconv 2 3x3 relu\nflatten\ndense 3\nsoftmax\nloss cross_entropy\n';
const BROKEN = 'input 1x6x6\nconv 2 9x9\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-compile-'));
});

async function compile(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  try {
    const code = await run(args, io);
    return { code, out: io.out(), err: io.err() };
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, out: io.out(), err: `cnnc: ${e.message}\n` };
    throw e;
  }
}

describe('cnnc compile', () => {
  it('writes FILE.ts by default and prints path, parameters and bytes', async () => {
    const file = join(dir, 'tiny.cnn');
    await writeFile(file, MODEL);
    const r = await compile([file]);
    expect(r.code).toBe(0);
    const out = join(dir, 'tiny.ts');
    const text = await readFile(out, 'utf8');
    expect(r.out).toBe(`${out}: 119 parameters, ${Buffer.byteLength(text).toLocaleString('en-US')} bytes\n`);
    expect(text).toContain(`from ${file}`);
    const mod = await loadModule(text);
    expect(mod.paramCount).toBe(119);
    expect(await readdir(dir)).toEqual(['tiny.cnn', 'tiny.ts']);
  });

  it('honours -o, --unroll and --dtype', async () => {
    const file = join(dir, 'm.cnn');
    await writeFile(file, MODEL);
    const out = join(dir, 'out.ts');
    expect((await compile([file, '-o', out, '--unroll', 'none', '--dtype', 'f64'])).code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text).toContain('Float64Array');
    expect(text).toContain('unroll none');
    expect((await compile([file, '--output', out, '--unroll', 'sometimes'])).code).toBe(2);
  });

  it('writes nothing for a model with errors and prints the diagnostics as check does', async () => {
    const file = join(dir, 'bad.cnn');
    await writeFile(file, BROKEN);
    const r = await compile([file]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${file}:2:`);
    expect(r.err).toContain('error');
    expect(existsSync(join(dir, 'bad.ts'))).toBe(false);
  });

  it('keeps the old output when the model has errors', async () => {
    const file = join(dir, 'bad.cnn');
    await writeFile(file, BROKEN);
    await writeFile(join(dir, 'bad.ts'), 'old\n');
    expect((await compile([file])).code).toBe(1);
    expect(await readFile(join(dir, 'bad.ts'), 'utf8')).toBe('old\n');
  });

  it('refuses to write over its own input', async () => {
    const file = join(dir, 'self.cnn');
    await writeFile(file, MODEL);
    const r = await compile([file, '-o', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/own input/);
    await symlink(file, join(dir, 'link.ts'));
    expect((await compile([file, '-o', join(dir, 'link.ts')])).code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(MODEL);
  });

  it('reports an unwritable output in one line, leaving no temporary file', async () => {
    const file = join(dir, 'm.cnn');
    await writeFile(file, MODEL);
    const r = await compile([file, '-o', join(dir, 'missing', 'm.ts')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cnnc: cannot write .*missing.*: no such directory\n$/);
    await mkdir(join(dir, 'locked'));
    await writeFile(join(dir, 'locked', 'm.ts'), 'old\n');
    await chmod(join(dir, 'locked'), 0o500);
    try {
      const locked = await compile([file, '-o', join(dir, 'locked', 'm.ts')]);
      if (process.getuid?.() !== 0) {
        expect(locked.code).toBe(2);
        expect(await readFile(join(dir, 'locked', 'm.ts'), 'utf8')).toBe('old\n');
      }
      expect((await readdir(join(dir, 'locked'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await chmod(join(dir, 'locked'), 0o700);
    }
  });

  it('needs exactly one file', async () => {
    expect((await compile([])).code).toBe(2);
    expect((await compile(['a.cnn', 'b.cnn'])).code).toBe(2);
    expect((await compile([join(dir, 'absent.cnn')])).err).toMatch(/cannot read/);
  });
});

describe('helpers', () => {
  it('defaultOutput swaps .cnn for .ts', () => {
    expect(defaultOutput('a/b.cnn')).toBe('a/b.ts');
    expect(defaultOutput('model')).toBe('model.ts');
  });

  it('writeAtomic replaces the whole file and leaves nothing else behind', async () => {
    const path = join(dir, 'x.ts');
    await writeFile(path, 'old');
    await writeAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['x.ts']);
  });
});
