// Every code the checker can report is documented in docs/diagnostics.md and exercised by a
// fixture or a test; nothing documented in the checker's section is stale.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

function sources(): string[] {
  const files = readdirSync(join(root, 'src/check')).map((f) => `src/check/${f}`);
  for (const kind of readdirSync(join(root, 'src/layers'), { withFileTypes: true })) {
    if (kind.isDirectory() && existsSync(join(root, 'src/layers', kind.name, 'shape.ts'))) {
      files.push(`src/layers/${kind.name}/shape.ts`);
    }
  }
  return files.filter((f) => f.endsWith('.ts'));
}

/** Codes are the kebab-case string literals passed to the sink (or chosen just before). */
function emittedCodes(): Set<string> {
  const codes = new Set<string>();
  for (const f of sources()) {
    for (const m of read(f).matchAll(/'([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) codes.add(m[1]!);
  }
  return codes;
}

function documentedCheckerCodes(): Set<string> {
  const doc = read('docs/diagnostics.md');
  const section = doc.slice(doc.indexOf('## Checker'));
  const end = section.indexOf('\n## ', 3);
  const body = end === -1 ? section : section.slice(0, end);
  return new Set([...body.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!));
}

function exercised(): string {
  const parts: string[] = [];
  const fixtures = join(root, 'test/fixtures');
  for (const d of readdirSync(fixtures, { withFileTypes: true })) {
    const p = join(fixtures, d.name, 'expected.json');
    if (d.isDirectory() && existsSync(p)) parts.push(readFileSync(p, 'utf8'));
  }
  for (const f of readdirSync(join(root, 'test/check'))) if (f.endsWith('.test.ts')) parts.push(read(`test/check/${f}`));
  return parts.join('\n');
}

describe('checker codes', () => {
  const emitted = emittedCodes();
  const documented = documentedCheckerCodes();

  it('are all documented, and the docs list no code the checker does not emit', () => {
    expect([...emitted].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !emitted.has(c)).sort()).toEqual([]);
    expect(emitted.size).toBeGreaterThan(35);
  });

  it('are each exercised by a fixture or a test', () => {
    const text = exercised();
    expect([...emitted].filter((c) => !text.includes(`'${c}'`) && !text.includes(`"${c}"`)).sort()).toEqual([]);
  });
});
