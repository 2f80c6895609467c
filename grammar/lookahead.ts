// The parser's lookahead, from paths computed ahead of time.
//
// For every OR, OPTION and MANY of the grammar, chevrotain computes at start-up which sequences of
// up to `maxLookahead` tokens start each alternative (`getLookaheadPaths`), then builds a function
// that picks the alternative from the next tokens. Computing the paths is most of that work, ~8 ms
// of every `cnnc check`. They depend only on the grammar, so they are computed once, kept in
// grammar/lookahead-table.ts (token names), and turned back into the same functions here.
//
// The follow sets error recovery re-syncs to are kept in the same table (CnnParser installs them).
// The table is regenerated with `npx tsx grammar/lookahead-gen.ts` after a grammar change;
// test/grammar/lookahead.test.ts fails while it is stale. A production missing from the table (a
// stale table in a build that skipped the tests) falls back to chevrotain's own computation, so a
// stale table costs time, never correctness. The functions below are chevrotain 11.2's
// (buildAlternativesLookAheadFunc, buildSingleAlternativeLookaheadFunction) for a grammar without
// gates and dynamic tokens, which this one is.

import type { IToken, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { getLookaheadPaths, LLkLookaheadStrategy, tokenMatcher } from './chevrotain.js';

/** Per alternative, the token sequences that start it. */
type Paths = readonly (readonly TokenType[])[][];

/** Productions by key (see productionKey), each with its paths as token type names. */
export type LookaheadTable = Readonly<Record<string, readonly (readonly (readonly string[])[])[]>>;

type ProductionType = OptionalProductionType | 'Alternation';

export function productionKey(rule: string, type: ProductionType, occurrence: number, maxLookahead: number): string {
  return `${rule} ${type} ${occurrence} k=${maxLookahead}`;
}

/** The next token, without a bounds check: chevrotain pads the input with EOF tokens while parsing. */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
}

function alternationFunction(alts: Paths): (this: Lookahead) => number | undefined {
  if (alts.every((alt) => alt.every((path) => path.length === 1))) {
    const choiceToAlt: Record<number, number> = {};
    alts.forEach((alt, idx) => {
      for (const [type] of alt) {
        if (!Object.prototype.hasOwnProperty.call(choiceToAlt, type!.tokenTypeIdx!)) choiceToAlt[type!.tokenTypeIdx!] = idx;
        for (const sub of type!.categoryMatches ?? []) {
          if (!Object.prototype.hasOwnProperty.call(choiceToAlt, sub)) choiceToAlt[sub] = idx;
        }
      }
    });
    return function () {
      return choiceToAlt[this.LA_FAST(1).tokenTypeIdx];
    };
  }
  return function () {
    for (let t = 0; t < alts.length; t++) {
      const alt = alts[t]!;
      nextPath: for (let j = 0; j < alt.length; j++) {
        const path = alt[j]!;
        for (let i = 0; i < path.length; i++) {
          if (!tokenMatcher(this.LA_FAST(i + 1), path[i]!)) continue nextPath;
        }
        return t;
      }
    }
    return undefined;
  };
}

function optionalFunction(alt: Paths[number]): (this: Lookahead) => boolean {
  if (alt.every((path) => path.length === 1)) {
    const types = alt.map((path) => path[0]!);
    if (types.length === 1 && (types[0]!.categoryMatches ?? []).length === 0) {
      const expected = types[0]!.tokenTypeIdx;
      return function () {
        return this.LA_FAST(1).tokenTypeIdx === expected;
      };
    }
    const starts: boolean[] = [];
    for (const type of types) {
      starts[type.tokenTypeIdx!] = true;
      for (const sub of type.categoryMatches ?? []) starts[sub] = true;
    }
    return function () {
      return starts[this.LA_FAST(1).tokenTypeIdx] === true;
    };
  }
  return function () {
    nextPath: for (let j = 0; j < alt.length; j++) {
      const path = alt[j]!;
      for (let i = 0; i < path.length; i++) {
        if (!tokenMatcher(this.LA_FAST(i + 1), path[i]!)) continue nextPath;
      }
      return true;
    }
    return false;
  };
}

type AlternationOptions = Parameters<InstanceType<typeof LLkLookaheadStrategy>['buildLookaheadForAlternation']>[0];
type OptionalOptions = Parameters<InstanceType<typeof LLkLookaheadStrategy>['buildLookaheadForOptional']>[0];

/** chevrotain's LL(k) strategy, with the paths taken from `table`. */
export class PrecomputedLookahead extends LLkLookaheadStrategy {
  constructor(
    private readonly table: LookaheadTable,
    private readonly types: ReadonlyMap<string, TokenType>,
    maxLookahead: number,
  ) {
    super({ maxLookahead });
  }

  private paths(rule: Rule, type: ProductionType, occurrence: number, maxLookahead: number): Paths | undefined {
    const named = this.table[productionKey(rule.name, type, occurrence, maxLookahead)];
    if (named === undefined) return undefined;
    const paths: TokenType[][][] = [];
    for (const alt of named) {
      const out: TokenType[][] = [];
      for (const path of alt) {
        const types = path.map((name) => this.types.get(name));
        if (types.some((t) => t === undefined)) return undefined; // a token the table knows but the parser does not
        out.push(types as TokenType[]);
      }
      paths.push(out);
    }
    return paths;
  }

  override buildLookaheadForAlternation(options: AlternationOptions): ReturnType<InstanceType<typeof LLkLookaheadStrategy>['buildLookaheadForAlternation']> {
    const paths = options.hasPredicates || options.dynamicTokensEnabled
      ? undefined
      : this.paths(options.rule, 'Alternation', options.prodOccurrence, options.maxLookahead);
    return paths !== undefined ? (alternationFunction(paths) as never) : super.buildLookaheadForAlternation(options);
  }

  override buildLookaheadForOptional(options: OptionalOptions): () => boolean {
    const paths = options.dynamicTokensEnabled
      ? undefined
      : this.paths(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead);
    return paths !== undefined && paths[0] !== undefined ? (optionalFunction(paths[0]) as never) : super.buildLookaheadForOptional(options);
  }
}

/** chevrotain's LL(k) strategy, writing down the paths of every production it builds a function for. */
export class RecordingLookahead extends LLkLookaheadStrategy {
  readonly table: Record<string, string[][][]> = {};

  private record(rule: Rule, type: ProductionType, occurrence: number, maxLookahead: number): void {
    const paths = getLookaheadPaths({ occurrence, rule, prodType: type, maxLookahead });
    this.table[productionKey(rule.name, type, occurrence, maxLookahead)] = paths.map((alt) =>
      alt.map((path) => path.map((t) => t.name)),
    );
  }

  override buildLookaheadForAlternation(options: AlternationOptions): ReturnType<InstanceType<typeof LLkLookaheadStrategy>['buildLookaheadForAlternation']> {
    this.record(options.rule, 'Alternation', options.prodOccurrence, options.maxLookahead);
    return super.buildLookaheadForAlternation(options);
  }

  override buildLookaheadForOptional(options: OptionalOptions): () => boolean {
    this.record(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead);
    return super.buildLookaheadForOptional(options);
  }
}
