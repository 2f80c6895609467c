// Files: input that cannot be read is a clear one-line error (exit 2) for every command; compile
// and fmt write atomically, so an interrupted or failing run leaves every existing file as it was;
// compile never writes over its input (by any path or link to it) nor anywhere but the path it
// was given; a device or a pipe given as the output is written to, never replaced.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { compileSourceSync } from '../../src/compile.js';
import { formatCnn, isFormatError } from '../../src/fmt/index.js';
import { BIN, cnnc, cnncAsync, runProblems } from './support/binary.js';

const MODEL = 'network tiny\ninput 1x6x6\nconv 2 3x3 relu\nflatten\ndense 3\nsoftmax\nloss cross_entropy\n';
const BROKEN = 'input 1x6x6\nconv 2 9x9\n';
const MESSY = 'input   28x28\nc1:conv 6 5x5 relu # a\n\n\n  pool: maxpool 2\n';
const TIDY = 'input 28x28\nc1: conv 6 5x5 relu  # a\n\npool: maxpool 2\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Every entry under `d` with its bytes (or what it is), to compare before and after a run. */
async function snapshot(d: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(d)).sort()) {
    const p = join(d, name);
    const info = await lstat(p);
    if (info.isSymbolicLink()) out[name] = `link -> ${await readlink(p)}`;
    else if (info.isDirectory()) out[name] = 'dir';
    else if (info.isFile()) out[name] = `${info.mode.toString(8)} ${(await readFile(p)).toString('base64')}`;
    else out[name] = 'special';
  }
  return out;
}

async function fresh(name: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d);
  return d;
}

describe('input that cannot be read: exit 2 and one line, for every command', () => {
  it('missing, a directory, not UTF-8, a pipe, a dangling link, a link loop, a path through a file', async () => {
    const d = await fresh('unreadable');
    const cases: [string, RegExp][] = [];
    const add = (name: string, why: RegExp): string => {
      cases.push([join(d, name), why]);
      return join(d, name);
    };
    add('missing.cnn', /no such file$/);
    await mkdir(add('dir.cnn', /is a directory, not a \.cnn file$/));
    await writeFile(
      add('latin1.cnn', /not UTF-8 text \(invalid byte at offset 13\)$/),
      Buffer.from('input 4\n# caf\xe9\ndense 2\n', 'latin1'),
    );
    execFileSync('mkfifo', [add('pipe.cnn', /not a regular file$/)]);
    await symlink(join(d, 'nowhere.cnn'), add('dangling.cnn', /no such file$/));
    await symlink(join(d, 'loop2.cnn'), add('loop1.cnn', /too many symbolic links$/));
    await symlink(join(d, 'loop1.cnn'), join(d, 'loop2.cnn'));
    await writeFile(join(d, 'plain'), MODEL);
    add('plain/model.cnn', /no such file \(a parent is not a directory\)$/);
    if (process.getuid?.() !== 0) {
      await writeFile(add('locked.cnn', /permission denied$/), MODEL);
      await chmod(join(d, 'locked.cnn'), 0o000);
    }
    const before = await snapshot(d);
    const expectOneLine = (err: string, path: string, why: RegExp): void => {
      expect(err.endsWith('\n') && !err.slice(0, -1).includes('\n'), err).toBe(true);
      expect(err.startsWith(`cnnc: cannot read ${path}: `), err).toBe(true);
      expect(err.trimEnd(), err).toMatch(why);
    };
    // check and fmt take many files: every one is reported, the run still ends, exit 2
    for (const command of [['check'], ['check', '--format', 'json'], ['fmt'], ['fmt', '--check']]) {
      const r = cnnc([...command, ...cases.map(([p]) => p)], { timeout: 20_000 });
      expect(runProblems(r, command.join(' '))).toEqual([]);
      expect(r.code, command.join(' ')).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(cases.length);
      cases.forEach(([p, why], i) => expectOneLine(`${lines[i]}\n`, p, why));
    }
    // summary and compile take one: in process for each case, and one real run
    for (const [p, why] of cases) {
      for (const command of ['summary', 'compile']) {
        const r = await inProcess(command, p, ...(command === 'compile' ? ['-o', join(dir, 'never.ts')] : []));
        expect([r.code, r.out], `${command} ${p}`).toEqual([2, '']);
        expectOneLine(r.err, p, why);
      }
    }
    const real = cnnc(['compile', join(d, 'pipe.cnn'), '-o', join(dir, 'never.ts')], { timeout: 20_000 });
    expect([real.code, real.stdout]).toEqual([2, '']);
    expectOneLine(real.stderr, join(d, 'pipe.cnn'), /not a regular file$/);
    expect(existsSync(join(dir, 'never.ts'))).toBe(false);
    expect(await snapshot(d)).toEqual(before);
  });
});

describe('compile never writes over its input, nor anywhere but OUT', () => {
  it('refuses every path that is the input: itself, ./, .., a symbolic link, a hard link', async () => {
    const d = await fresh('self');
    const input = join(d, 'model.cnn');
    await writeFile(input, MODEL);
    await symlink(input, join(d, 'soft.ts'));
    await link(input, join(d, 'hard.ts'));
    await symlink(join(d, 'model.cnn'), join(d, 'in-link.cnn'));
    const before = await snapshot(d);
    for (const [file, out] of [
      ['model.cnn', 'model.cnn'],
      ['model.cnn', './model.cnn'],
      ['./model.cnn', '../self/model.cnn'],
      ['model.cnn', 'soft.ts'],
      ['model.cnn', 'hard.ts'],
      ['in-link.cnn', 'model.cnn'],
    ] as const) {
      const r = await inProcess('compile', `${d}/${file}`, '-o', `${d}/${out}`);
      expect([r.code, r.out], `${file} -o ${out}`).toEqual([2, '']);
      expect(r.err).toBe(`cnnc: refusing to write the module over its own input ${d}/${file}; choose another -o\n`);
    }
    const real = cnnc(['compile', './model.cnn', '-o', '../self/model.cnn'], { cwd: d });
    expect([real.code, real.stdout, real.stderr]).toEqual([
      2,
      '',
      'cnnc: refusing to write the module over its own input ./model.cnn; choose another -o\n',
    ]);
    expect(await snapshot(d)).toEqual(before);
  });

  it('writes OUT and nothing else; a failing run writes nothing and keeps the old OUT', async () => {
    const d = await fresh('only-out');
    await writeFile(join(d, 'model.cnn'), MODEL);
    await writeFile(join(d, 'broken.cnn'), BROKEN);
    await writeFile(join(d, 'out.ts'), 'old\n');
    await mkdir(join(d, 'outdir'));
    const before = await snapshot(d);
    // model errors, an output directory that does not exist, an output that is a directory
    for (const args of [
      ['broken.cnn', '-o', 'out.ts'],
      ['model.cnn', '-o', 'missing/out.ts'],
      ['model.cnn', '-o', 'outdir'],
    ]) {
      const r = await inProcess('compile', ...args.map((a, i) => (i === 1 ? a : join(d, a))));
      expect(r.code, args.join(' ')).toBe(args[0] === 'broken.cnn' ? 1 : 2);
      expect(r.out).toBe('');
      expect(await snapshot(d), args.join(' ')).toEqual(before);
    }
    const ok = cnnc(['compile', 'model.cnn', '-o', 'out.ts'], { cwd: d });
    expect(ok.code).toBe(0);
    const after = await snapshot(d);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect({ ...after, 'out.ts': '' }).toEqual({ ...before, 'out.ts': '' });
    expect(await readFile(join(d, 'out.ts'), 'utf8')).toMatch(/^\/\/ Generated by cnnc .* from model\.cnn\./);
    // the default output: FILE with .cnn swapped for .ts, or .ts added
    await writeFile(join(d, 'plain'), MODEL);
    expect(cnnc(['compile', 'plain'], { cwd: d }).code).toBe(0);
    expect(Object.keys(await snapshot(d)).filter((f) => !(f in before))).toEqual(['plain', 'plain.ts']);
  });

  it('an output that is a pipe or a link to /dev/null is written to, never replaced', async () => {
    const d = await fresh('special');
    await writeFile(join(d, 'model.cnn'), MODEL);
    await symlink('/dev/null', join(d, 'null.ts'));
    const r = cnnc(['compile', 'model.cnn', '-o', 'null.ts'], { cwd: d });
    expect(r.code).toBe(0);
    expect(await readlink(join(d, 'null.ts'))).toBe('/dev/null');
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);

    execFileSync('mkfifo', [join(d, 'pipe.ts')]);
    const reader = spawn('cat', [join(d, 'pipe.ts')]);
    let read = '';
    reader.stdout.setEncoding('utf8').on('data', (s: string) => void (read += s));
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    const w = await cnncAsync(['compile', 'model.cnn', '-o', 'pipe.ts'], { cwd: d, timeout: 30_000 });
    await done;
    expect(w.code, w.stderr).toBe(0);
    expect((await lstat(join(d, 'pipe.ts'))).isFIFO()).toBe(true);
    expect(read).toMatch(/^\/\/ Generated by cnnc/);
    expect(read).toMatch(/export function forward\(/);
    expect((await readdir(d)).sort()).toEqual(['model.cnn', 'null.ts', 'pipe.ts']);
  });
});

/** Runs `args` in `cwd` and sends `signal` as soon as a temporary file appears there (or after `ms`). */
function interrupt(
  args: string[],
  cwd: string,
  signal: NodeJS.Signals,
  ms?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; sawTemp: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore' });
    let sawTemp = false;
    const watcher = watch(cwd, (_event, name) => {
      if (!sawTemp && name !== null && name.endsWith('.tmp')) {
        sawTemp = true;
        child.kill(signal);
      }
    });
    const timer = ms === undefined ? undefined : setTimeout(() => child.kill(signal), ms);
    child.on('close', (code, sig) => {
      watcher.close();
      if (timer) clearTimeout(timer);
      resolve({ code, signal: sig, sawTemp });
    });
  });
}

describe('an interrupted run leaves every existing file as it was', () => {
  // big enough that writing it takes a while: ~3.5 MB of module
  const BIG = `input 16\nrepeat 1000 {\n  dense 16 relu\n}\ndense 4\nsoftmax\nloss cross_entropy\n`;

  it('compile, interrupted while writing (SIGINT, SIGTERM) or at other times, or killed (SIGKILL)', async () => {
    const d = await fresh('interrupted');
    await writeFile(join(d, 'big.cnn'), BIG);
    const whole = compileSourceSync(BIG, 'big.cnn').code!; // what the binary writes (it is deterministic)
    const runs: [NodeJS.Signals, number | undefined][] = [
      ['SIGINT', undefined],
      ['SIGTERM', undefined],
      ['SIGKILL', undefined],
      ['SIGTERM', 100],
    ];
    let midWrite = 0;
    for (const [signal, ms] of runs) {
      await writeFile(join(d, 'out.ts'), 'old\n');
      const before = await snapshot(d);
      const r = await interrupt(['compile', 'big.cnn', '-o', 'out.ts'], d, signal, ms);
      const out = await readFile(join(d, 'out.ts'), 'utf8');
      // the old file, or the whole new one (when the signal came after the rename)
      expect(out === 'old\n' || out === whole, `${signal}: out.ts is neither the old file nor the whole module`).toBe(
        true,
      );
      if (r.sawTemp && r.signal === signal && out === 'old\n') midWrite++;
      const left = (await readdir(d)).filter((f) => f.endsWith('.tmp'));
      if (signal !== 'SIGKILL') {
        expect(left, `${signal}: a temporary file was left`).toEqual([]);
        // it ended as the signal ends a process (or finished first)
        expect(r.signal === signal || r.code === 0, JSON.stringify(r)).toBe(true);
      }
      for (const f of left) await rm(join(d, f));
      const now = await snapshot(d);
      expect({ ...now, 'out.ts': '' }).toEqual({ ...before, 'out.ts': '' });
    }
    // the signals did land while the temporary file was being written
    expect(midWrite).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('fmt, interrupted while writing: the file is old or formatted, never cut; the byte-order mark stays', async () => {
    const d = await fresh('fmt');
    const body = `${MESSY}${'dense   4\n'.repeat(60_000)}`;
    const formatted = formatCnn(body);
    if (isFormatError(formatted)) throw new Error(formatted.error);
    const [messy, tidy] = [`\ufeff${body}`, `\ufeff${formatted.text}`];
    expect(formatted.text.startsWith(TIDY.slice(0, 20))).toBe(true);
    await writeFile(join(d, 'model.cnn'), messy);
    await chmod(join(d, 'model.cnn'), 0o640);
    const r = await interrupt(['fmt', 'model.cnn'], d, 'SIGTERM');
    const now = await readFile(join(d, 'model.cnn'), 'utf8');
    expect(now === messy || now === tidy, 'the file is neither the old one nor the formatted one').toBe(true);
    expect((await readdir(d)).sort()).toEqual(['model.cnn']);
    expect(r.signal === 'SIGTERM' || r.code === 0).toBe(true);
    // uninterrupted: formatted, the mark and the mode kept
    expect(cnnc(['fmt', 'model.cnn'], { cwd: d }).code).toBe(0);
    expect((await readFile(join(d, 'model.cnn'), 'utf8')) === tidy, 'not the formatted text').toBe(true);
    expect((await stat(join(d, 'model.cnn'))).mode & 0o777).toBe(0o640);
  }, 60_000);
});
