// In-process fuzzing of every stage (check, summary, fmt, compile, the module) on random text,
// random bytes, token soup and mutations of the project's own models; see support/invariants.ts
// for what must hold on each. Seeded: every run sees the same cases unless CNNC_FUZZ_SEED says
// otherwise; `npm run fuzz` runs many more (CNNC_FUZZ_SCALE).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { params, runs, timeout } from './support/config.js';
import { arbAnyText, arbBytes, arbClean, arbMutant, arbSoup, decodeUtf8, type Case } from './support/corpus.js';
import { probe } from './support/invariants.js';

/** Fails with the origin of the case, so it can be replayed by hand. */
function holds(c: Case): void {
  const r = probe(c.text);
  if (r.problems.length > 0) {
    throw new Error(`${r.problems.join('\n')}\n--- case: ${c.origin}\n--- text:\n${c.text}`);
  }
}

describe('every stage, in process, on any input', () => {
  it(
    `any UTF-16 text, lone surrogates included (${runs(600)} cases)`,
    () => {
      fc.assert(fc.property(arbAnyText(), holds), params(600, 1));
    },
    timeout(60_000),
  );

  it(
    `random bytes that decode as UTF-8 (${runs(400)} cases)`,
    () => {
      const text = arbBytes()
        .map(decodeUtf8)
        .filter((t): t is string => t !== undefined);
      fc.assert(
        fc.property(text, (t) => holds({ origin: `bytes ${JSON.stringify(t)}`, text: t })),
        params(400, 2),
      );
    },
    timeout(60_000),
  );

  it(
    `random sequences of the language's tokens (${runs(800)} cases)`,
    () => {
      fc.assert(fc.property(arbSoup(), holds), params(800, 3));
    },
    timeout(60_000),
  );

  it(
    `mutations of the examples and fixtures (${runs(600)} cases); some still check clean and are run`,
    () => {
      let clean = 0;
      let ran = 0;
      fc.assert(
        fc.property(arbMutant(), (c) => {
          const r = probe(c.text);
          if (r.network) clean++;
          if (r.ran) ran++;
          if (r.problems.length > 0)
            throw new Error(`${r.problems.join('\n')}\n--- case: ${c.origin}\n--- text:\n${c.text}`);
        }),
        params(600, 4),
      );
      // the mutations reach the back end, not only the error paths
      expect(clean).toBeGreaterThanOrEqual(Math.ceil(runs(600) / 40));
      expect(ran).toBeGreaterThanOrEqual(Math.ceil(runs(600) / 200));
    },
    timeout(60_000),
  );

  it(
    `clean random models, with JavaScript words as names, compile and run finite (${runs(150)} cases)`,
    () => {
      let ran = 0;
      fc.assert(
        fc.property(arbClean(), fc.nat(), (c, seed) => {
          const r = probe(c.text, 'model.cnn', seed);
          if (r.problems.length > 0) throw new Error(`${r.problems.join('\n')}\n--- ${c.origin}`);
          expect(r.network, c.origin).toBeDefined();
          expect(r.code, c.origin).toBeDefined();
          if (r.ran) ran++;
        }),
        params(150, 5),
      );
      // all but the few too costly to run here (over 10^5 multiply-accumulates a sample)
      expect(ran).toBeGreaterThan(runs(150) * 0.8);
    },
    timeout(60_000),
  );
});
