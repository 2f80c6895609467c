// Names are data, never code. Every word that means something to JavaScript, TypeScript or the
// generated module itself works as a layer name (inside repeat blocks too) and as the network
// name, and gives a module that loads, keeps the names as data and runs; an AST from another tool
// with a name that is not one is refused by the checker (`invalid-name`), so no such name reaches
// the emitter. (typecheck.test.ts type-checks a module with every such name.)

import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../src/check/check.js';
import { compileSourceSync } from '../../src/compile.js';
import { formatSummaryJson, summarize } from '../../src/summary/index.js';
import { buildProgram } from '../check/ast-builder.js';
import { namesModel, SPECIAL_NAMES } from './support/corpus.js';
import { runProblems } from './support/invariants.js';
import { loadFast } from './support/load.js';

const API = ['backward', 'createWorkspace', 'forward', 'initParams', 'inputShape', 'lossAndGrad', 'outputShape', 'paramCount', 'paramLayout'];

describe('names are data', () => {
  it('every special name as a layer name and as the network name: a module that loads and runs', () => {
    for (const network of ['constructor', '__proto__', 'toString', 'default', 'await', 'then']) {
      const text = namesModel(SPECIAL_NAMES).replace('network constructor', `network ${network}`);
      const r = compileSourceSync(text, 'names.cnn');
      expect(r.diagnostics, network).toEqual([]);
      const mod = loadFast(r.code!);
      expect(Object.keys(mod).sort()).toEqual(API);
      expect(runProblems(mod, 3, true)).toEqual([]);
      const names = mod.paramLayout.map((p) => p.name);
      for (const n of SPECIAL_NAMES.slice(5)) expect(names).toContain(`${n}.weight`);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('inside repeat blocks (constructor_1, __proto___2, ...) and in the summary', () => {
    const body = SPECIAL_NAMES.slice(0, 12)
      .map((n) => `  ${n}: dense 4 relu`)
      .join('\n');
    const text = `input 4\nrepeat 2 {\n${body}\n}\ndense 3\nsoftmax\nloss cross_entropy\n`;
    const r = compileSourceSync(text, 'repeat.cnn');
    expect(r.diagnostics).toEqual([]);
    const mod = loadFast(r.code!);
    expect(runProblems(mod, 4, true)).toEqual([]);
    expect(mod.paramLayout.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'constructor_1.weight',
        '__proto___2.bias',
        'toString_1.weight',
        'hasOwnProperty_2.weight',
      ]),
    );
    const summary = JSON.parse(formatSummaryJson(summarize(r.network!))) as { layers: { name: string }[] };
    expect(summary.layers.map((l) => l.name)).toEqual(
      expect.arrayContaining(['__proto___1', 'constructor_2', 'prototype_1']),
    );
  });

  it('an AST from another tool with names that are not names: refused, nothing compiled', () => {
    for (const bad of [
      "a'b",
      'x\n}',
      "evil'); throw 1; ('",
      'a b',
      '1a',
      '',
      'a-b',
      'é',
      '\u2028',
      'a'.repeat(100) + '"',
    ]) {
      for (const where of ['label', 'network'] as const) {
        const descs =
          where === 'label'
            ? [{ input: '4' }, { layer: 'dense' as const, label: bad, count: '2' }]
            : [{ network: bad }, { input: '4' }, { layer: 'dense' as const, count: '2' }];
        const { program } = buildProgram('x.cnn', descs);
        const r = checkProgram(program);
        expect(r.network, JSON.stringify(bad)).toBeUndefined();
        expect(
          r.diagnostics.map((d) => d.code),
          JSON.stringify(bad),
        ).toEqual(['invalid-name']);
        expect(r.diagnostics[0]!.message).toMatch(/^the (label|network name) ".* is not a name: /);
        expect(r.diagnostics[0]!.message).not.toMatch(/[\n\r\u2028\u2029]/);
      }
    }
  });
});
