// chevrotain, loaded from its one-file bundle (lib/chevrotain.mjs, shipped in the same package).
//
// Why: the package's entry point (lib/src/api.js) is ~100 modules plus ~600 modules of lodash-es;
// importing it takes ~350 ms of Node startup, the bundle ~12 ms (measured on this machine). The
// package's `exports` map hides the bundle, so it is found next to the resolved entry point. When
// that fails (a different layout, a bundler), the entry point is used: same API, just slower.
//
// Import chevrotain's runtime functions from here (or grammar/index.ts), not from 'chevrotain', so a
// process loads one copy. Types may come from 'chevrotain' (`import type`): they are the same.

import type * as Chevrotain from 'chevrotain';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain'); // .../lib/src/api.js
    const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
    const mod = (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
    if (typeof mod.CstParser === 'function' && mod.VERSION === '11.2.0') return mod;
  } catch {
    // fall through to the entry point
  }
  return import('chevrotain');
}

const chevrotain = await load();

export const {
  createSyntaxDiagramsCode, createToken, createTokenInstance, CstParser, EOF, Lexer, tokenMatcher, VERSION,
} = chevrotain;
