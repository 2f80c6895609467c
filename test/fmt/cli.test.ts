// `cnnc fmt`: in place, --check, exit codes, syntax errors, unreadable files, symbolic links.

import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { writeAtomically } from '../../src/cli/fmt.js';
import { main } from '../../src/cli/main.js';
import { CNNC_LSP, root } from '../lsp/client.js';

const MESSY = 'input   28x28\nc1:conv 6 5x5 relu # a\n\n\n  pool: maxpool 2\n';
const TIDY = 'input 28x28\nc1: conv 6 5x5 relu  # a\n\npool: maxpool 2\n';
const BROKEN = 'input 28x28\nconvv 6 5x5\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-fmt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cnnc(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('cnnc fmt', () => {
  it('rewrites files in place, keeps their mode, leaves no temporary file, exits 0', async () => {
    const a = await file('a.cnn', MESSY);
    const b = await file('b.cnn', TIDY);
    await chmod(a, 0o640);
    const r = await cnnc('fmt', a, b);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    expect(await readFile(a, 'utf8')).toBe(TIDY);
    expect(await readFile(b, 'utf8')).toBe(TIDY);
    expect((await stat(a)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).filter((n) => n.includes('cnnc-fmt'))).toEqual([]);
  });

  it('--check writes nothing, lists the files that would change, exits 1', async () => {
    const messy = await file('messy.cnn', MESSY);
    const tidy = await file('tidy.cnn', TIDY);
    expect(await cnnc('fmt', '--check', tidy)).toEqual({ code: 0, out: '', err: '' });
    const r = await cnnc('fmt', tidy, messy, '--check');
    expect(r).toEqual({ code: 1, out: `${messy}\n`, err: '' });
    expect(await readFile(messy, 'utf8')).toBe(MESSY);
  });

  it('leaves a file with syntax errors alone and prints its errors as check does', async () => {
    const bad = await file('bad.cnn', BROKEN);
    const messy = await file('messy2.cnn', MESSY);
    const r = await cnnc('fmt', bad, messy);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${bad}:2:1: error: `);
    expect(r.out).toContain('[unknown-keyword]');
    expect(r.out).toMatch(/1 error\n$/);
    expect(r.err).toBe(`cnnc: ${bad}: not formatted: 1 syntax error\n`);
    expect(await readFile(bad, 'utf8')).toBe(BROKEN);
    expect(await readFile(messy, 'utf8')).toBe(TIDY);
    const check = await cnnc('check', bad);
    expect(r.out.split('\n').slice(0, 4)).toEqual(check.out.split('\n').slice(0, 4));
  });

  it('exits 2 for a file it cannot read, after handling the others, and for bad usage', async () => {
    const messy = await file('messy3.cnn', MESSY);
    const missing = join(dir, 'missing.cnn');
    const r = await cnnc('fmt', missing, messy);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cnnc: cannot read ${missing}: no such file\n`);
    expect(await readFile(messy, 'utf8')).toBe(TIDY);
    expect((await cnnc('fmt')).code).toBe(2);
    expect((await cnnc('fmt', '--chek', messy)).err).toMatch(/unknown option '--chek' for fmt; did you mean '--check'/);
  });

  it('formats the target of a symbolic link and keeps the link', async () => {
    const target = await file('target.cnn', MESSY);
    const link = join(dir, 'link.cnn');
    await symlink(target, link);
    expect((await cnnc('fmt', link)).code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(TIDY);
  });

  it('leaves the target as it was and no temporary file when the final rename fails', async () => {
    const sub = join(dir, 'atomic');
    await mkdir(sub);
    const target = join(sub, 'model.cnn');
    await mkdir(target); // a directory in its place: writing the temporary file works, renaming over it cannot
    await expect(writeAtomically(target, TIDY)).rejects.toThrow();
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readdir(sub)).toEqual(['model.cnn']);
  });

  it('gives the same exit codes as a real process', async () => {
    const messy = await file('proc.cnn', MESSY);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [...CNNC_LSP.slice(0, 3), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const check = run('fmt', '--check', messy);
    expect([check.status, check.stdout]).toEqual([1, `${messy}\n`]);
    expect(run('fmt', messy).status).toBe(0);
    expect(run('fmt', '--check', messy).status).toBe(0);
  });
});
