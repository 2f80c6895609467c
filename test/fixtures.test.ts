// Fixture runner: every folder test/fixtures/<case>/ with a model.cnn is checked, and its
// diagnostics (all stages, sorted) must equal expected.json. A new folder joins without code.
// `UPDATE_FIXTURES=1 npx vitest run test/fixtures.test.ts` (re)writes expected.json from the
// current output; review the diff before keeping it.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../src/check/index.js';
import type { Diagnostic } from '../src/diagnostics.js';

const root = fileURLToPath(new URL('./fixtures/', import.meta.url));
const update = process.env['UPDATE_FIXTURES'] === '1';

interface Expected {
  severity: string;
  code: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** present when the diagnostic offers fixes: each title and replacement text */
  fixes?: { title: string; replacement: string }[];
}

function toExpected(d: Diagnostic): Expected {
  return {
    severity: d.severity,
    code: d.code,
    line: d.range.start.line,
    column: d.range.start.column,
    endLine: d.range.end.line,
    endColumn: d.range.end.column,
    message: d.message,
    ...(d.fixes && d.fixes.length > 0 ? { fixes: d.fixes.map((f) => ({ title: f.title, replacement: f.replacement })) } : {}),
  };
}

const cases = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'model.cnn')))
      .map((e) => e.name)
      .sort()
  : [];

describe('fixtures', () => {
  it('exist', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(root, name);
    const text = readFileSync(join(dir, 'model.cnn'), 'utf8');
    const actual = checkSource(text, 'model.cnn').diagnostics.map(toExpected);
    const file = join(dir, 'expected.json');
    if (update) {
      writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
      return;
    }
    if (!existsSync(file)) throw new Error(`${name}: no expected.json; run UPDATE_FIXTURES=1 to create it`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')) as Expected[]);
  });
});
