// Generated modules type-check under `tsc --strict` (generated/tsconfig.json, one tsc run for all
// of them, since tsc is slow) and run: a few clean random models; through the real binary, a model
// whose every layer and the network are named with words that mean something to JavaScript or to
// the module itself, and a model whose path holds `*/`, quotes, a line break, `${`, a backslash
// and U+2028 (a line terminator for JavaScript).

import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compile.js';
import { cnncAsync, runProblems } from './support/binary.js';
import { runs, SEED, timeout } from './support/config.js';
import { arbClean, namesModel, root, SPECIAL_NAMES } from './support/corpus.js';
import { runProblems as moduleProblems } from './support/invariants.js';
import { loadFast } from './support/load.js';

/** Relative to the test folder, as given on the command line: the header names the file so. */
const WEIRD_FILE = 'd*/we"ird\'\n ${x} \\ \u2028 name.cnn';

let dir: string;
const modules: { name: string; source: string; path: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-tsc-'));
  const sources = fc
    .sample(arbClean(), { numRuns: runs(5), seed: SEED + 21 })
    .map((c, i) => ({ name: `random${i}`, source: c.text }));
  sources.push({ name: 'names', source: namesModel(SPECIAL_NAMES) });
  for (const s of sources) {
    const file = join(dir, `${s.name}.cnn`);
    await writeFile(file, s.source);
    modules.push({ ...s, path: join(dir, `${s.name}.ts`) });
  }
  await mkdir(join(dir, 'd*'));
  await writeFile(join(dir, WEIRD_FILE), 'input 1x5x5\nconv 2 3x3\nflatten\ndense 2\n');
  modules.push({ name: 'weird file name', source: '', path: join(dir, 'weird.ts') });
  await copyFile(join(root, 'generated', 'tsconfig.json'), join(dir, 'tsconfig.json'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generated modules type-check and run', () => {
  it('compile writes each module (exit 0, no crash)', async () => {
    // the random models in process (the binary writes the same bytes: binary.test.ts runs it on
    // fuzz cases), the two whose names and path are the point through the real binary
    const viaBinary = modules.filter((m) => m.name === 'names' || m.name === 'weird file name');
    for (const m of modules.filter((x) => !viaBinary.includes(x))) {
      const r = await compileSource(m.source, `${m.name}.cnn`);
      expect(r.code, m.source).toBeDefined();
      await writeFile(m.path, r.code!);
    }
    const runs = await Promise.all(
      viaBinary.map((m) =>
        cnncAsync(['compile', m.name === 'names' ? 'names.cnn' : WEIRD_FILE, '-o', m.path], { cwd: dir }),
      ),
    );
    runs.forEach((r, i) => {
      expect(runProblems(r, `compile ${viaBinary[i]!.name}`)).toEqual([]);
      expect(r.code, `${viaBinary[i]!.name}: ${r.stderr}`).toBe(0);
    });
  });

  it(
    'tsc --strict accepts every module (one run)',
    () => {
      const tsc = spawnSync(
        process.execPath,
        [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')],
        {
          cwd: dir,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    },
    timeout(120_000),
  );

  it('each module runs forward, backward and lossAndGrad with finite results', async () => {
    for (const m of modules) {
      const mod = loadFast(await readFile(m.path, 'utf8'));
      expect(moduleProblems(mod, 7, true), m.name).toEqual([]);
    }
  });

  it('the named layers keep their names as data: parameter names, and nothing else exported', async () => {
    const code = await readFile(join(dir, 'names.ts'), 'utf8');
    const mod = loadFast(code);
    const [conv, , , , , ...dense] = SPECIAL_NAMES;
    const names = mod.paramLayout.map((p) => p.name);
    expect(names.slice(0, 2)).toEqual([`${conv}.weight`, `${conv}.bias`]);
    expect(names).toEqual(expect.arrayContaining(dense.flatMap((n) => [`${n}.weight`, `${n}.bias`])));
    expect(Object.keys(mod).sort()).toEqual(
      ['backward', 'createWorkspace', 'forward', 'initParams', 'inputShape', 'lossAndGrad', 'outputShape', 'paramCount', 'paramLayout'].sort(),
    );
    // a plain object's prototype is untouched by a layer named __proto__ or constructor
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect({}.constructor).toBe(Object);
  });

  it('a file name that is not a safe comment becomes one: the header stays a comment', async () => {
    const code = await readFile(join(dir, 'weird.ts'), 'utf8');
    const header = code.slice(0, code.indexOf('\n\n'));
    expect(header.split('\n').every((l) => l.startsWith('//'))).toBe(true);
    expect(/[\u2028\u2029\r]/.test(header)).toBe(false);
  });
});
