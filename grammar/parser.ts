// The `.cnn` parser: a chevrotain CstParser, built once per process.
//
// The grammar fixes the shape of a file (lines, labels, statements, blocks) and of the pieces of a
// line (values, options with their values, activations), but it accepts any sequence of pieces
// after a statement's keyword. Which pieces a statement takes (`conv FILTERS SIZE ...`, `stride`
// not on `dense`, ...) is checked by the AST builder, which knows the whole line and can say
// "`conv 5x5` is missing the filter count" instead of "expected NumberLit". What is left to the
// parser, and to its error recovery, is the structure: one statement per line and matched braces.
//
// program    := topLine*
// topLine    := Newline | '}' Newline | statement Newline        ('}' here is unmatched)
// blockLine  := Newline | statement Newline
// statement  := label body? | body
// body       := networkStmt | inputStmt | lossStmt | repeatStmt | layerStmt | unknownStmt
//             | strayStmt | block                             (inlined in `statement`)
// xxxStmt    := KEYWORD arguments block?                       (`residual {` etc. leave room)
// arguments  := (size | number | optionClause | activation | word)*
// block      := '{' Newline blockLine* '}'

import type { IParserErrorMessageProvider, IToken, ITokenGrammarPath, TokenType } from 'chevrotain';
import { CstParser, EOF } from './chevrotain.js';
import {
  allTokens, BadNumeric, Colon, Dilation, Dims, Ident, Input, LayerKw, LBrace,
  LeakyRelu, Loss, Network, Newline, NoBias, NumberLit, Pad, PadModeKw, PlainLayerKw, RBrace,
  Relu, Repeat, Sigmoid, StatementKw, Stride, Tanh,
} from './lexer.js';

/** Plain words for a token kind, as used in messages ("expected a size"). */
export function describeTokenType(t: TokenType): string {
  switch (t.name) {
    case 'Newline': return 'the end of the line';
    case 'EOF': return 'the end of the file';
    case 'NumberLit': return 'a number';
    case 'Dims': return 'a size such as `5x5`';
    case 'BadNumeric': return 'a malformed number';
    case 'Ident': return 'a name';
    case 'LBrace': return '`{`';
    case 'RBrace': return '`}`';
    case 'Colon': return '`:`';
    case 'Keyword': return 'a keyword';
    case 'StatementKw': return 'a statement keyword';
    case 'LayerKw': case 'PlainLayerKw': return 'a layer keyword';
    case 'ActivationKw': return 'an activation';
    case 'OptionKw': return 'an option';
    case 'PadModeKw': return '`valid`, `same` or `full`';
    default: return `\`${String(t.PATTERN instanceof RegExp ? t.PATTERN.source : t.name)}\``;
  }
}

/** Plain words for one token as found in the text ("the keyword `conv`", "the number `5`"). */
export function describeToken(tok: IToken): string {
  const t = tok.tokenType;
  if (t === EOF) return 'the end of the file';
  if (t === Newline) return tok.image === '' ? 'the end of the file' : 'the end of the line';
  if (t === NumberLit) return `the number \`${tok.image}\``;
  if (t === Dims) return `the size \`${tok.image}\``;
  if (t === Ident) return `the name \`${tok.image}\``;
  if (t === BadNumeric) return `\`${tok.image}\``;
  if (t.CATEGORIES?.length) return `the keyword \`${tok.image}\``;
  return `\`${tok.image}\``;
}

function oneOf(types: readonly TokenType[]): string {
  const words = [...new Set(types.map(describeTokenType))];
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${describeTokenType(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const first = expectedPathsPerAlt.flatMap((paths) => paths.map((p) => p[0])).filter((t) => t !== undefined);
    return `expected ${oneOf(first)}, found ${describeToken(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const first = expectedIterationPaths.map((p) => p[0]).filter((t) => t !== undefined);
    return `expected ${oneOf(first)}, found ${describeToken(actual[0]!)}`;
  },
};

export class CnnParser extends CstParser {
  private readonly followCache = new Map<string, TokenType[]>();

  constructor() {
    super([...allTokens], { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages });
    // chevrotain's in-repetition recovery runs at the end of every MANY loop (every line) and walks
    // the follow sets each time. This grammar does not need it: any token but a line break, `}` and
    // the end of input starts another line or argument, and those three are handled by in-rule
    // recovery (token insertion/deletion) and re-sync. Recovery stays on; this one pass is off.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => {};
    this.performSelfAnalysis();
  }

  /**
   * What may follow a token at a point of the grammar, asked by error recovery at every mismatch.
   * chevrotain walks the grammar from the top rule each time; the answer depends only on the path,
   * so it is kept (a file with an error on every line would otherwise spend most of its time here).
   */
  protected override getNextPossibleTokenTypes(path: ITokenGrammarPath): TokenType[] {
    const key = `${path.ruleStack.join('>')}|${path.occurrenceStack.join(',')}|${path.lastTok.name}|${path.lastTokOccurrence}`;
    let follows = this.followCache.get(key);
    if (follows === undefined) {
      follows = super.getNextPossibleTokenTypes(path);
      this.followCache.set(key, follows);
    }
    return follows;
  }

  program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.topLine));
  });

  topLine = this.RULE('topLine', () => {
    this.OR([
      { ALT: () => this.CONSUME(Newline) },
      {
        ALT: () => {
          this.CONSUME(RBrace);
          this.CONSUME2(Newline);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.statement);
          this.CONSUME3(Newline);
        },
      },
    ]);
  });

  blockLine = this.RULE('blockLine', () => {
    this.OR([
      { ALT: () => this.CONSUME(Newline) },
      {
        ALT: () => {
          this.SUBRULE(this.statement);
          this.CONSUME2(Newline);
        },
      },
    ]);
  });

  // `c1:` alone on its line is a statement too (the builder reports it), so that the parser never
  // fails in the middle of a line: `label` first, the ambiguity with `name : ...` resolved for it.
  statement = this.RULE('statement', () => {
    this.OR([
      {
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.SUBRULE(this.label);
          this.OPTION(() => this.statementBody(1));
        },
      },
      { ALT: () => this.statementBody(2) },
    ]);
  });

  /** The statement after its label. Inlined (not a rule of its own): one CST node less per line. */
  private statementBody(occurrence: number): void {
    this.or(occurrence + 1, [
      { ALT: () => this.subrule(occurrence, this.networkStmt) },
      { ALT: () => this.subrule(occurrence, this.inputStmt) },
      { ALT: () => this.subrule(occurrence, this.lossStmt) },
      { ALT: () => this.subrule(occurrence, this.repeatStmt) },
      { ALT: () => this.subrule(occurrence, this.layerStmt) },
      { ALT: () => this.subrule(occurrence, this.unknownStmt) },
      { ALT: () => this.subrule(occurrence, this.strayStmt) },
      { ALT: () => this.subrule(occurrence, this.block) },
    ]);
  }

  label = this.RULE('label', () => {
    this.CONSUME(Ident);
    this.CONSUME(Colon);
  });

  networkStmt = this.RULE('networkStmt', () => {
    this.CONSUME(Network);
    this.tail();
  });

  inputStmt = this.RULE('inputStmt', () => {
    this.CONSUME(Input);
    this.tail();
  });

  lossStmt = this.RULE('lossStmt', () => {
    this.CONSUME(Loss);
    this.tail();
  });

  repeatStmt = this.RULE('repeatStmt', () => {
    this.CONSUME(Repeat);
    this.tail();
  });

  layerStmt = this.RULE('layerStmt', () => {
    this.CONSUME(LayerKw);
    this.tail();
  });

  /** A line that starts with a name that is not a keyword: a typo, or a future block (`residual {`). */
  unknownStmt = this.RULE('unknownStmt', () => {
    this.CONSUME(Ident);
    this.tail();
  });

  /** A line that starts with what belongs in the middle of one: often the rest of the line above. */
  strayStmt = this.RULE('strayStmt', () => {
    this.OR([
      { ALT: () => this.CONSUME(Dims) },
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.SUBRULE(this.optionClause) },
      { ALT: () => this.CONSUME(PadModeKw) },
      { ALT: () => this.CONSUME(BadNumeric) },
      { ALT: () => this.CONSUME(Colon) },
    ]);
    this.tail();
  });

  private tail(): void {
    this.SUBRULE(this.arguments);
    this.OPTION(() => this.SUBRULE(this.block));
  }

  block = this.RULE('block', () => {
    this.CONSUME(LBrace);
    this.CONSUME(Newline);
    this.MANY(() => this.SUBRULE(this.blockLine));
    this.CONSUME(RBrace);
  });

  /**
   * Everything after a statement's keyword, up to the end of the line or a block. One node for all
   * of them (the builder orders them by offset): a node per argument would double the parse time.
   */
  arguments = this.RULE('arguments', () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(Dims) },
        { ALT: () => this.CONSUME(NumberLit) },
        { ALT: () => this.SUBRULE(this.optionClause) },
        { ALT: () => this.SUBRULE(this.activation) },
        { ALT: () => this.CONSUME(PadModeKw) },
        { ALT: () => this.CONSUME(Ident) },
        { ALT: () => this.CONSUME(BadNumeric) },
        // Misplaced words, kept so the builder can say what went wrong ("one statement per line").
        { ALT: () => this.CONSUME(StatementKw) },
        { ALT: () => this.CONSUME(PlainLayerKw) },
        { ALT: () => this.CONSUME(Colon) },
      ]),
    );
  });

  /** An option takes the value that follows it when there is one (greedy). */
  optionClause = this.RULE('optionClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Stride);
          this.OPTION(() => this.OR2([{ ALT: () => this.CONSUME(Dims) }, { ALT: () => this.CONSUME(NumberLit) }]));
        },
      },
      {
        ALT: () => {
          this.CONSUME(Dilation);
          this.OPTION2(() => this.OR3([{ ALT: () => this.CONSUME2(Dims) }, { ALT: () => this.CONSUME2(NumberLit) }]));
        },
      },
      {
        ALT: () => {
          this.CONSUME(Pad);
          this.OPTION3(() =>
            this.OR4([
              { ALT: () => this.CONSUME3(Dims) },
              { ALT: () => this.CONSUME3(NumberLit) },
              { ALT: () => this.CONSUME(PadModeKw) },
            ]),
          );
        },
      },
      { ALT: () => this.CONSUME(NoBias) },
    ]);
  });

  activation = this.RULE('activation', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LeakyRelu);
          this.OPTION(() => this.CONSUME(NumberLit));
        },
      },
      { ALT: () => this.CONSUME(Relu) },
      { ALT: () => this.CONSUME(Sigmoid) },
      { ALT: () => this.CONSUME(Tanh) },
    ]);
  });
}

/** The one parser instance: chevrotain's self-analysis is the slow part, so it is done once. */
export const cnnParser = new CnnParser();

/** The grammar as chevrotain serializes it, for the railroad diagram. */
export function serializedGrammar(): ReturnType<CnnParser['getSerializedGastProductions']> {
  return cnnParser.getSerializedGastProductions();
}

export { EOF };
