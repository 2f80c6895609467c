// Limits instead of crashes (SECURITY.md, "Limits"): sizes and counts that would overflow or
// exhaust memory give a located error, or finish in bounded time and memory. Every case checks
// where the error points, that the other stages cope with it too (fmt, summary), and how long it
// took; the largest inputs also go through the real binary under a capped heap
// (--max-old-space-size), which turns unbounded memory into a failing exit code.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BLOCK_DEPTH } from '../../grammar/index.js';
import { MAX_DIAGNOSTICS, MAX_SOURCE_LENGTH } from '../../src/ast/index.js';
import { checkSource, ELEMENT_LIMIT, MAX_EXPANDED_LAYERS } from '../../src/check/index.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { formatCnn } from '../../src/fmt/index.js';
import { formatSummaryText, summarize } from '../../src/summary/index.js';
import { cnnc, cnncAsync, runProblems } from './support/binary.js';
import { diagnosticProblems, fmtProblems } from './support/invariants.js';

/** check (and fmt, and summary when there is a network), timed; every invariant of the fuzzer holds. */
function limit(text: string): { diagnostics: Diagnostic[]; errors: Diagnostic[]; ms: number; networkLayers?: number } {
  const t0 = performance.now();
  const r = checkSource(text, 'limit.cnn');
  if (r.network) formatSummaryText(summarize(r.network));
  const ms = performance.now() - t0;
  expect(diagnosticProblems(text, r.diagnostics)).toEqual([]);
  return {
    diagnostics: r.diagnostics,
    errors: r.diagnostics.filter((d) => d.severity === 'error'),
    ms,
    ...(r.network ? { networkLayers: r.network.layers.length } : {}),
  };
}

/** The one error, with the text it points at. */
function theError(
  text: string,
  r: { errors: Diagnostic[] },
): { code: string; at: string; line: number; message: string } {
  expect(
    r.errors.map((d) => d.code),
    JSON.stringify(r.errors.map((d) => d.message)),
  ).toHaveLength(1);
  const d = r.errors[0]!;
  return {
    code: d.code,
    at: text.slice(d.range.start.offset, d.range.end.offset),
    line: d.range.start.line,
    message: d.message,
  };
}

describe('limits: sizes that would overflow', () => {
  it('an input of 3x100000x100000 (3e10 elements, past 2^31)', () => {
    const text = 'input 3x100000x100000\nconv 8 3x3\nflatten\ndense 10\n';
    const r = limit(text);
    expect(r.errors.map((d) => [d.code, text.slice(d.range.start.offset, d.range.end.offset)])).toEqual([
      ['too-many-activations', '3x100000x100000'],
      ['too-many-params', '10'], // 8 x 99998 x 99998 inputs to dense 10
    ]);
    expect(r.errors[0]!.message).toContain('30,000,000,000 elements');
    expect(r.ms).toBeLessThan(2000);
  });

  it('parameters past 2^31: dense 100000 on 100000 inputs', () => {
    const text = 'input 100000\ndense 100000\n';
    expect(theError(text, limit(text))).toMatchObject({ code: 'too-many-params', at: '100000', line: 2 });
    expect(ELEMENT_LIMIT).toBe(2 ** 31);
  });

  it('integers beyond 2^31 and 2^53: a located integer-too-large, never a rounded value', () => {
    const cases = [
      ['dense N', '2147483648'],
      ['dense N', '9007199254740993'],
      ['conv 2 N', '9007199254740993'],
      ['maxpool 2 stride N', '4294967296'],
      ['repeat N {\nrelu\n}', '9007199254740993'],
      ['dropout 0.5\nleakyrelu N', '1e20'],
    ] as const;
    for (const [line, n] of cases) {
      const text = `input 4x4x4\n${line.replace('N', n)}\n`;
      if (n === '1e20') {
        expect(limit(text).errors).toEqual([]); // a slope is a float, and 1e20 is one
        continue;
      }
      const r = limit(text);
      expect(
        r.errors.map((d) => d.code),
        text,
      ).toContain('integer-too-large');
      const d = r.errors.find((e) => e.code === 'integer-too-large')!;
      expect(text.slice(d.range.start.offset, d.range.end.offset)).toBe(n);
    }
    const input = 'input 99999999999999999999x1x1\nrelu\n';
    expect(theError(input, limit(input))).toMatchObject({ code: 'integer-too-large', at: '99999999999999999999' });
  });

  it('1e309 (infinity as a float) wherever a number goes', () => {
    const cases: [string, string][] = [
      ['input 8\nleakyrelu 1e309\n', 'slope-not-finite'],
      ['input 8\nleakyrelu -1e309\n', 'slope-not-finite'],
      ['input 8\ndropout 1e309\n', 'dropout-rate'],
      ['input 8\ndense 1e309\n', 'not-integer'],
      ['input 1e309\ndense 2\n', 'not-integer'],
      ['input 4x4x4\nconv 2 3x3 stride 1e309\n', 'not-integer'],
      ['input 4x4x4\nrepeat 1e309 {\nrelu\n}\n', 'not-integer'],
    ];
    for (const [text, code] of cases) {
      const r = limit(text);
      expect(theError(text, r), text).toMatchObject({ code });
      expect(theError(text, r).at, text).toMatch(/^-?1e309$/);
    }
    // the smallest denormal is a number like any other
    expect(limit('input 8\nleakyrelu 1e-320\ndropout 1e-320\ndense 2\n').errors).toEqual([]);
  });
});

describe('limits: counts that would exhaust time or memory', () => {
  it('a billion-fold repeat, and a repeat of repeats (10^9 layers), at once', () => {
    const one = 'input 8\nrepeat 1000000000 {\n  dense 8 relu\n}\ndense 2\n';
    const r1 = limit(one);
    expect(theError(one, r1)).toMatchObject({ code: 'repeat-too-large', at: '1000000000', line: 2 });
    const nested = 'input 8\nrepeat 1000 {\n  repeat 1000 {\n    repeat 1000 {\n      dense 8\n    }\n  }\n}\n';
    const r2 = limit(nested);
    // the outer repeat and the one inside it both pass the limit on their own
    expect(r2.errors.map((d) => [d.code, d.range.start.line])).toEqual([
      ['repeat-too-large', 2],
      ['repeat-too-large', 3],
    ]);
    expect(r1.ms + r2.ms).toBeLessThan(2000);
  });

  it(`100 nested blocks: too-deep at block ${MAX_BLOCK_DEPTH + 1}, nothing after it read`, () => {
    const text = `input 8\n${'repeat 1 {\n'.repeat(100)}relu\n${'}\n'.repeat(100)}`;
    const r = limit(text);
    const e = theError(text, r);
    expect(e).toMatchObject({ code: 'too-deep', at: '{', line: MAX_BLOCK_DEPTH + 2 });
    expect(fmtProblems(text, r.diagnostics)).toEqual([]);
    // 100,000 braces on one line are no deeper a problem
    expect(theError('{'.repeat(100_000), limit('{'.repeat(100_000)))).toMatchObject({ code: 'too-deep' });
  });

  it(`more than ${MAX_EXPANDED_LAYERS.toLocaleString('en-US')} layers written out one by one`, () => {
    const text = `input 8\n${'relu\ntanh\n'.repeat(MAX_EXPANDED_LAYERS / 2)}sigmoid\nsoftmax\n`;
    const r = limit(text);
    expect(r.errors.map((d) => d.code)).toEqual(['too-many-layers']);
    expect(r.errors[0]!.range.start.line).toBe(MAX_EXPANDED_LAYERS + 2);
    // the layers after it are not looked at: no warning about 100,000 pairs of activations
    expect(r.diagnostics).toHaveLength(1);
    expect(r.ms).toBeLessThan(10_000);
  });

  it(`a file of one error per line: ${MAX_DIAGNOSTICS.toLocaleString('en-US')} diagnostics kept, then one that counts the rest`, () => {
    const text = `input 8\n${'convv 3\n'.repeat(5000)}`;
    const r = limit(text);
    expect(r.errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = r.errors.find((d) => d.code === 'too-many-diagnostics')!;
    expect(last.message).toBe('more than 1,000 syntax errors: 4,000 more from here on are not shown');
    expect(last.range.start.line).toBe(MAX_DIAGNOSTICS + 2);
    // warnings alone: the network is still built
    const warned = `input 8\n${'relu\n'.repeat(3000)}`;
    const w = limit(warned);
    expect(w.networkLayers).toBe(3000);
    expect(w.diagnostics.filter((d) => d.code === 'too-many-diagnostics').map((d) => d.severity)).toEqual(['warning']);
  });

  it('a 1,000,000-character name and a 1,000,000-digit number', () => {
    const name = `n${'a'.repeat(999_999)}`;
    expect(limit(`input 8\n${name}: dense 2\n`).networkLayers).toBe(1);
    const digits = '9'.repeat(1_000_000);
    const text = `input 8\ndense ${digits}\n`;
    expect(theError(text, limit(text))).toMatchObject({ code: 'integer-too-large', at: digits });
    const dims = `input 3x3x3x${'3x'.repeat(100_000)}3\ndense 2\n`;
    expect(theError(dims, limit(dims))).toMatchObject({ code: 'too-many-dims' });
  });

  it(`a source past ${MAX_SOURCE_LENGTH.toLocaleString('en-US')} characters is not read: one located error`, () => {
    const text = `input 8\n${'dense 8\n'.repeat(MAX_SOURCE_LENGTH / 8)}`;
    const r = limit(text);
    const e = theError(text, r);
    expect(e.code).toBe('source-too-large');
    expect(r.errors[0]!.range.start.offset).toBe(MAX_SOURCE_LENGTH);
    expect(r.ms).toBeLessThan(2000);
    expect('error' in formatCnn(text)).toBe(true);
  });
});

describe('limits through the real binary, with a capped heap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cnnc-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a 100,000-line model: check, summary and fmt finish within 300 MB of heap', async () => {
    // 100,001 lines, 100,000 layers: the largest network there may be, and clean
    const text = `input 16\n${'dense 16\nrelu\n'.repeat(49_999)}dense 10\nsoftmax\n`;
    expect(text.split('\n').length - 1).toBe(100_001);
    const file = join(dir, 'lines.cnn');
    await writeFile(file, text);
    const node = ['--max-old-space-size=300'];
    const runs = await Promise.all([
      cnncAsync(['check', file], { node }),
      cnncAsync(['summary', file], { node }),
      cnncAsync(['fmt', '--check', file], { node }),
    ]);
    for (const r of runs) expect(runProblems(r, 'lines.cnn')).toEqual([]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[0]!.stdout).toBe('no problems\n');
    expect(runs[1]!.stdout).toMatch(/\nparameters +13,599,898 /); // 49,999 x 272 + 170
  }, 120_000);

  it('the worst 2 MiB file found (a layer per line) finishes within 800 MB of heap; one byte more is refused unread', async () => {
    const text = `input 16\n${'relu\n'.repeat(Math.ceil(MAX_SOURCE_LENGTH / 5))}`.slice(0, MAX_SOURCE_LENGTH);
    const file = join(dir, 'worst.cnn');
    await writeFile(file, text);
    const r = cnnc(['check', file], { node: ['--max-old-space-size=800'] });
    expect(runProblems(r, 'worst.cnn')).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error: relu100001: a network may have at most 100,000 layers/);
    const big = join(dir, 'big.cnn');
    await writeFile(big, `${text}\n`);
    const refused = cnnc(['check', big]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `cnnc: cannot read ${big}: too large: 2,097,153 bytes; cnnc reads files of at most 2,097,152 bytes\n`,
    ]);
  }, 120_000);

  it('16,000 errors on one 32 KB line: the excerpts are windows, the output stays small', async () => {
    const file = join(dir, 'line.cnn');
    await writeFile(file, `input 8\n${'@ '.repeat(16_000)}\n`);
    const r = cnnc(['check', file], { node: ['--max-old-space-size=200'] });
    expect(runProblems(r, 'line.cnn')).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(1_000_000);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThan(200);
    expect(r.stdout).toMatch(/\n1001 errors\n$/);
  }, 60_000);
});
