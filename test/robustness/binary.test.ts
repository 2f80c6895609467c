// The same fuzz cases through the real binary (`node bin/cnnc.js`), many files per process where
// the command takes several (check, fmt), one process per file where it takes one (summary,
// compile). Beyond support/binary.ts's rules for every run: the binary reports exactly what the
// library finds in process, unreadable (non-UTF-8) files are exit-2 one-liners that do not stop the
// other files, and fmt writes exactly the formatted text (or leaves the file alone).

import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import { formatCnn, isFormatError } from '../../src/fmt/index.js';
import { cnnc, cnncAsync, runProblems } from './support/binary.js';
import { runs, SEED } from './support/config.js';
import { arbBytes, arbClean, arbMutant, arbSoup, decodeUtf8 } from './support/corpus.js';
import { jsonDiagnosticProblems } from './support/invariants.js';

interface FileCase {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** undefined: not UTF-8, the CLI must refuse it */
  readonly text?: string;
}

let dir: string;
const files: FileCase[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-fuzz-bin-'));
  const enc = new TextEncoder();
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] =>
    fc.sample(arb, { numRuns: runs(n), seed: SEED + salt });
  const texts = [
    ...sample(arbSoup(), 80, 11).map((c) => c.text),
    ...sample(arbMutant(), 140, 12).map((c) => c.text),
    ...sample(arbClean(), 20, 13).map((c) => c.text),
  ];
  const byteCases = [...texts.map((t) => enc.encode(t)), ...sample(arbBytes(), 60, 14)];
  // a byte-order mark is dropped when the file is read; the diagnostics are about the rest
  byteCases.push(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode('input 4\ndense 2 relu\n')]));
  byteCases.push(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode('input   4\n  dense 2   relu\n')]));
  for (const [i, bytes] of byteCases.entries()) {
    const path = join(dir, `case${String(i).padStart(4, '0')}.cnn`);
    await writeFile(path, bytes);
    const text = decodeUtf8(bytes);
    files.push({ path, bytes, ...(text !== undefined ? { text } : {}) });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface JsonReport {
  files: {
    file: string;
    diagnostics: {
      code: string;
      severity: string;
      message: string;
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
    }[];
  }[];
  errors: number;
  warnings: number;
}

describe('the real binary on fuzz cases', () => {
  it('check --format json over every file at once: what the library finds, located in each file', () => {
    const r = cnnc(['check', '--format', 'json', ...files.map((f) => f.path)]);
    expect(runProblems(r, 'check --format json')).toEqual([]);
    const unreadable = files.filter((f) => f.text === undefined);
    expect(r.code).toBe(unreadable.length > 0 ? 2 : 1);
    const refused = r.stderr.split('\n').filter((l) => l !== '');
    expect(refused).toEqual(
      unreadable.map((f) =>
        expect.stringMatching(
          new RegExp(`^cnnc: cannot read ${escape(f.path)}: not UTF-8 text \\(invalid byte at offset \\d+\\)$`),
        ),
      ),
    );

    const report = JSON.parse(r.stdout) as JsonReport;
    const readable = files.filter((f) => f.text !== undefined);
    expect(report.files.map((f) => f.file)).toEqual(readable.map((f) => f.path));
    let errors = 0;
    for (const [i, f] of readable.entries()) {
      const got = report.files[i]!.diagnostics;
      expect(jsonDiagnosticProblems(f.text!, got), f.text).toEqual([]);
      const want = checkSource(f.text!, f.path).diagnostics;
      expect(
        got.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column} ${d.message}`),
        f.text,
      ).toEqual(want.map((d) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column} ${d.message}`));
      errors += want.filter((d) => d.severity === 'error').length;
    }
    expect(report.errors).toBe(errors);
  });

  it('check in text mode over every file: the same exit code, a count line, no crash', () => {
    const r = cnnc(['check', ...files.map((f) => f.path)]);
    expect(runProblems(r, 'check')).toEqual([]);
    expect(r.code).toBe(files.some((f) => f.text === undefined) ? 2 : 1);
    expect(r.stdout).toMatch(/\n(\d+ errors?(, \d+ warnings?)?|\d+ warnings?|no problems)\n$/);
  });

  it('fmt --check lists exactly the files fmt would change; fmt writes exactly that text', async () => {
    const copies = join(dir, 'fmt');
    await mkdir(copies);
    const paths = await Promise.all(
      files.map(async (f, i) => {
        const p = join(copies, `${i}.cnn`);
        await copyFile(f.path, p);
        return p;
      }),
    );
    const expected = files.map((f) => (f.text === undefined ? undefined : formatCnn(f.text)));
    const check = cnnc(['fmt', '--check', ...paths]);
    expect(runProblems(check, 'fmt --check')).toEqual([]);
    const wouldChange = paths.filter((_, i) => {
      const e = expected[i];
      return e !== undefined && !isFormatError(e) && e.changed;
    });
    // (stdout also holds the syntax errors of the files fmt leaves alone, as check prints them)
    expect(check.stdout.split('\n').filter((l) => paths.includes(l))).toEqual(wouldChange);
    for (const [i, p] of paths.entries())
      expect(await readFile(p), 'fmt --check wrote a file').toEqual(Buffer.from(files[i]!.bytes));

    const write = cnnc(['fmt', ...paths]);
    expect(runProblems(write, 'fmt')).toEqual([]);
    const broken = expected.some((e) => e === undefined || isFormatError(e));
    expect(write.code).toBe(files.some((f) => f.text === undefined) ? 2 : broken ? 1 : 0);
    for (const [i, p] of paths.entries()) {
      const e = expected[i];
      // fmt keeps a byte-order mark (the text it formats is read without it)
      const bom = files[i]!.bytes[0] === 0xef && files[i]!.bytes[1] === 0xbb && files[i]!.bytes[2] === 0xbf;
      const want =
        e === undefined || isFormatError(e) || !e.changed
          ? Buffer.from(files[i]!.bytes)
          : Buffer.from(`${bom ? '\ufeff' : ''}${e.text}`);
      expect((await readFile(p)).equals(want), `${p}: ${files[i]!.text}`).toBe(true);
    }
  });

  it('summary and compile, one file each: exit 0 exactly when the model checks clean; output only then', async () => {
    const clean = files.filter((f) => f.text !== undefined && checkSource(f.text, f.path).network !== undefined);
    const broken = files.filter((f) => f.text !== undefined && checkSource(f.text, f.path).network === undefined);
    const unreadable = files.filter((f) => f.text === undefined);
    const pick = [...clean.slice(0, 1), ...broken.slice(0, 1), ...unreadable.slice(0, 1)];
    expect(pick.length).toBe(3);
    await Promise.all(
      pick.map(async (f) => {
        const want = f.text === undefined ? 2 : clean.includes(f) ? 0 : 1;
        const out = `${f.path}.out.ts`;
        const [summary, compile] = await Promise.all([
          cnncAsync(['summary', f.path]),
          cnncAsync(['compile', f.path, '-o', out]),
        ]);
        expect(runProblems(summary, `summary ${f.path}`)).toEqual([]);
        expect(runProblems(compile, `compile ${f.path}`)).toEqual([]);
        expect([summary.code, compile.code], `${f.path}: ${summary.stderr}${compile.stderr}`).toEqual([want, want]);
        expect(existsSync(out)).toBe(want === 0);
        if (want === 0)
          expect(compile.stdout).toMatch(new RegExp(`^${escape(out)}: [\\d,]+ parameters, [\\d,]+ bytes\\n$`));
        else expect(compile.stdout).toBe('');
      }),
    );
  });
});
