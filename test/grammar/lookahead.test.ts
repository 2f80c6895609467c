// The shipped parser takes its lookahead paths from grammar/lookahead-table.ts (grammar/lookahead.ts).
// The table must be what chevrotain computes from the grammar now, and a parser using it must read
// every file exactly as one computing its own lookahead does.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLkLookaheadStrategy } from '../../grammar/chevrotain.js';
import { parseCnn } from '../../grammar/index.js';
import { lookaheadTableSource } from '../../grammar/lookahead-gen.js';
import type { TokenType } from 'chevrotain';
import { CnnParser, cnnParser, MAX_LOOKAHEAD } from '../../grammar/parser.js';

const root = join(import.meta.dirname, '..', '..');

function cnnFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) cnnFiles(p, out);
    else if (name.endsWith('.cnn')) out.push(p);
  }
  return out;
}

describe('precomputed lookahead', () => {
  it('is up to date in grammar/lookahead-table.ts (regenerate with `npx tsx grammar/lookahead-gen.ts`)', () => {
    expect(readFileSync(join(root, 'grammar', 'lookahead-table.ts'), 'utf8')).toBe(lookaheadTableSource());
  });

  it('parses every example and fixture as chevrotain\'s own lookahead does', () => {
    const own = new CnnParser({ lookahead: new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD }) });
    const files = [...cnnFiles(join(root, 'examples')), ...cnnFiles(join(root, 'test', 'fixtures'))];
    expect(files.length).toBeGreaterThan(40);
    const broken = ['repeat 2 { relu\n}\n} dense\nc1:\n{\nconv 6 5x5 }\nrepeat {', 'c1 conv: 6 {\n  stride\n'];
    for (const text of [...files.map((f) => readFileSync(f, 'utf8')), ...broken]) {
      const shipped = parseCnn(text);
      own.input = [...shipped.tokens];
      own.program();
      expect(JSON.stringify(own.tree)).toBe(JSON.stringify(shipped.tree));
      expect(own.errors.map((e) => `${e.name}: ${e.message}`)).toEqual(shipped.parseErrors.map((e) => `${e.name}: ${e.message}`));
    }
    const follows = (p: CnnParser) => Object.entries((p as unknown as { resyncFollows: Record<string, TokenType[]> }).resyncFollows)
      .map(([key, types]) => `${key}: ${types.map((t) => t.name).join(' ')}`).sort();
    expect(follows(cnnParser)).toEqual(follows(own));
    expect(follows(cnnParser).length).toBeGreaterThan(20);
  });
});
