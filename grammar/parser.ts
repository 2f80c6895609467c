// The `.cnn` parser: a chevrotain parser with embedded actions, built once per process.
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
//
// After changing the rules: `npm run diagram` (grammar/diagram.html) and
// `npx tsx grammar/lookahead-gen.ts` (grammar/lookahead-table.ts); tests fail while either is stale.

import type { ILookaheadStrategy, IOrAlt, IParserErrorMessageProvider, IToken, ITokenGrammarPath, TokenType } from 'chevrotain';
import { EmbeddedActionsParser, EOF } from './chevrotain.js';
import { PrecomputedLookahead } from './lookahead.js';
import { FOLLOWS, LOOKAHEAD } from './lookahead-table.js';
import {
  allTokens, BadNumeric, Colon, Dilation, Dims, Ident, Input, LayerKw, LBrace,
  LeakyRelu, Loss, Network, Newline, NoBias, NumberLit, Pad, PadModeKw, PlainLayerKw, RBrace,
  Relu, Repeat, Sigmoid, StatementKw, Stride, Tanh,
} from './lexer.js';
import {
  type ActivationNode, type ArgsNode, type BlockNode, type LabelNode, type LineNode, newActivation, newArgs, newBlock,
  newLabel, newLine, newOption, newProgram, newStatement, newStmt, type OptionNode, type ParseNode, type ProgramNode,
  type StatementNode, type StmtNode, type StmtRule,
} from './tree.js';

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

/** Tokens of lookahead the grammar needs (a label `name:` against a statement starting with a name). */
export const MAX_LOOKAHEAD = 2;

export interface ParserOptions {
  /**
   * Run chevrotain's grammar validations (ambiguities, left recursion, ...). They pass for this
   * grammar and take ~25 ms of every start-up, so the shipped parser skips them and
   * test/grammar/validation.test.ts builds one with them on.
   */
  readonly validate?: boolean;
  /** Default: the paths of grammar/lookahead-table.ts (see grammar/lookahead.ts). */
  readonly lookahead?: ILookaheadStrategy;
}

const TYPES_BY_NAME: ReadonlyMap<string, TokenType> = new Map([...allTokens, EOF].map((t) => [t.name, t]));

/** The follow sets of the table, by chevrotain's key (`rule + occurrence + _~IN~_ + caller`). */
function followSets(named: Readonly<Record<string, readonly string[]>>): Record<string, TokenType[]> {
  const sets: Record<string, TokenType[]> = {};
  for (const key of Object.keys(named)) sets[key] = named[key]!.map((name) => TYPES_BY_NAME.get(name)!);
  return sets;
}

/**
 * The parser. Embedded actions rather than chevrotain's CST: each rule fills one node of
 * grammar/tree.ts. A node is created and attached to its parent before its rule runs, so a rule
 * cut short by error recovery leaves what it read in the tree, as a CST node would
 * (`recovered: true`). Inside a rule, its node is the top of `nodes`.
 */
/** Entries of the follow-set cache before it starts over (a file with errors uses a few dozen; about 300 bytes each). */
const FOLLOW_CACHE_LIMIT = 512;

export class CnnParser extends EmbeddedActionsParser {
  private readonly followCache = new Map<string, TokenType[]>();
  /** The node of every rule being parsed, innermost last. */
  private readonly nodes: ParseNode[] = [];
  /** The node a caller made for the rule it is about to invoke (absent while recording the grammar). */
  private handoff: ParseNode | undefined;
  /** The last parse's tree. */
  tree: ProgramNode = newProgram();

  constructor(options: ParserOptions = {}) {
    super([...allTokens], {
      recoveryEnabled: true,
      maxLookahead: MAX_LOOKAHEAD,
      lookaheadStrategy: options.lookahead ?? new PrecomputedLookahead(LOOKAHEAD, TYPES_BY_NAME, MAX_LOOKAHEAD),
      errorMessageProvider: messages,
      skipValidations: options.validate !== true,
    });
    // chevrotain's in-repetition recovery runs at the end of every MANY loop (every line) and walks
    // the follow sets each time. This grammar does not need it: any token but a line break, `}` and
    // the end of input starts another line or argument, and those three are handled by in-rule
    // recovery (token insertion/deletion) and re-sync. Recovery stays on; this one pass is off.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => {};
    if (options.lookahead !== undefined) {
      this.performSelfAnalysis();
      return;
    }
    // The shipped parser: the follow sets that error recovery re-syncs to come from the table too.
    // chevrotain computes them in performSelfAnalysis only when recovery is on, so it is off there.
    const internals = this as unknown as { recoveryEnabled: boolean; resyncFollows: Record<string, TokenType[]> };
    internals.recoveryEnabled = false;
    this.performSelfAnalysis();
    internals.recoveryEnabled = true;
    internals.resyncFollows = followSets(FOLLOWS);
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
      // the paths are unbounded (nested repeats make ever deeper rule stacks), so is the cache
      // without a bound: the language server parses for as long as the editor is open
      if (this.followCache.size >= FOLLOW_CACHE_LIMIT) this.followCache.clear();
      this.followCache.set(key, follows);
    }
    return follows;
  }

  /**
   * The node the caller handed over. While chevrotain records the grammar, rules run without their
   * callers (and what they build is dropped): then a fresh one.
   */
  private take<N extends ParseNode>(fresh: () => N): N {
    const node = this.handoff;
    this.handoff = undefined;
    return node !== undefined && !this.RECORDING_PHASE ? (node as N) : fresh();
  }

  /** Runs a rule's body with `node` on top of `nodes`; a body that fails marks it recovered. */
  private within<N extends ParseNode>(node: N, body: (node: N) => void): N {
    this.nodes.push(node);
    try {
      body(node);
    } catch (e) {
      node.recovered = true;
      throw e;
    } finally {
      this.nodes.pop();
    }
    return node;
  }

  private top<N extends ParseNode>(): N {
    return this.nodes[this.nodes.length - 1] as N;
  }

  /** Hands `node` to the rule about to be invoked (the caller has attached it to its own node). */
  private child<N extends ParseNode>(node: N): N {
    this.handoff = node;
    return node;
  }

  // A rule's body runs on every invocation. Arrays of alternatives and closures written inline in
  // it would be allocated each time (on a 2,000-line model, 1.2 KB per token), so each is built
  // once, here, as chevrotain's performance guide advises. They read their rule's node from `nodes`.

  private readonly programLine = (): void => {
    this.top<ProgramNode>().lines.push(this.child(newLine()));
    this.SUBRULE(this.topLine);
  };

  private readonly topLineAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Newline) },
    {
      ALT: () => {
        this.top<LineNode>().rbrace = this.CONSUME(RBrace);
        this.CONSUME2(Newline);
      },
    },
    {
      ALT: () => {
        this.top<LineNode>().statement = this.child(newStatement());
        this.SUBRULE(this.statement);
        this.CONSUME3(Newline);
      },
    },
  ];

  private readonly blockLineAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Newline) },
    {
      ALT: () => {
        this.top<LineNode>().statement = this.child(newStatement());
        this.SUBRULE(this.statement);
        this.CONSUME2(Newline);
      },
    },
  ];

  private readonly labelledBody = (): void => this.statementBody(1);

  private readonly statementAlts: IOrAlt<unknown>[] = [
    {
      IGNORE_AMBIGUITIES: true,
      ALT: () => {
        this.top<StatementNode>().label = this.child(newLabel());
        this.SUBRULE(this.label);
        this.OPTION(this.labelledBody);
      },
    },
    { ALT: () => this.statementBody(2) },
  ];

  /** One alternative of `statementBody(occurrence)`: the statement rule `name` as the body. */
  private bodyAlt(occurrence: number, name: StmtRule): IOrAlt<unknown> {
    return {
      ALT: () => {
        this.top<StatementNode>().body = this.child(newStmt(name));
        this.subrule(occurrence, this[name]);
      },
    };
  }

  /** The alternatives of `statementBody(occurrence)`, one array per occurrence (1: after a label). */
  private readonly bodyAlts: readonly IOrAlt<unknown>[][] = [1, 2].map((occurrence) => [
    this.bodyAlt(occurrence, 'networkStmt'),
    this.bodyAlt(occurrence, 'inputStmt'),
    this.bodyAlt(occurrence, 'lossStmt'),
    this.bodyAlt(occurrence, 'repeatStmt'),
    this.bodyAlt(occurrence, 'layerStmt'),
    this.bodyAlt(occurrence, 'unknownStmt'),
    this.bodyAlt(occurrence, 'strayStmt'),
    {
      ALT: () => {
        this.top<StatementNode>().body = this.child(newBlock());
        this.subrule(occurrence, this.block);
      },
    },
  ]);

  private readonly strayAlts: IOrAlt<unknown>[] = [
    { ALT: () => void (this.top<StmtNode>().lead = this.CONSUME(Dims)) },
    { ALT: () => void (this.top<StmtNode>().lead = this.CONSUME(NumberLit)) },
    {
      ALT: () => {
        this.top<StmtNode>().lead = this.child(newOption());
        this.SUBRULE(this.optionClause);
      },
    },
    { ALT: () => void (this.top<StmtNode>().lead = this.CONSUME(PadModeKw)) },
    { ALT: () => void (this.top<StmtNode>().lead = this.CONSUME(BadNumeric)) },
    { ALT: () => void (this.top<StmtNode>().lead = this.CONSUME(Colon)) },
  ];

  private readonly optionalBlock = (): void => {
    this.top<StmtNode>().block = this.child(newBlock());
    this.SUBRULE(this.block);
  };

  private readonly blockLineLoop = (): void => {
    this.top<BlockNode>().lines.push(this.child(newLine()));
    this.SUBRULE(this.blockLine);
  };

  private readonly argumentAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(Dims)) },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(NumberLit)) },
    {
      ALT: () => {
        this.top<ArgsNode>().items.push(this.child(newOption()));
        this.SUBRULE(this.optionClause);
      },
    },
    {
      ALT: () => {
        this.top<ArgsNode>().items.push(this.child(newActivation()));
        this.SUBRULE(this.activation);
      },
    },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(PadModeKw)) },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(Ident)) },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(BadNumeric)) },
    // Misplaced words, kept so the builder can say what went wrong ("one statement per line").
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(StatementKw)) },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(PlainLayerKw)) },
    { ALT: () => this.top<ArgsNode>().items.push(this.CONSUME(Colon)) },
  ];
  private readonly argumentLoop = (): unknown => this.OR(this.argumentAlts);

  private readonly strideValueAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(Dims) },
    { ALT: () => this.CONSUME(NumberLit) },
  ];
  private readonly strideValue = (): void => void (this.top<OptionNode>().value = this.OR2(this.strideValueAlts));
  private readonly dilationValueAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME2(Dims) },
    { ALT: () => this.CONSUME2(NumberLit) },
  ];
  private readonly dilationValue = (): void => void (this.top<OptionNode>().value = this.OR3(this.dilationValueAlts));
  private readonly padValueAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME3(Dims) },
    { ALT: () => this.CONSUME3(NumberLit) },
    { ALT: () => this.CONSUME(PadModeKw) },
  ];
  private readonly padValue = (): void => void (this.top<OptionNode>().value = this.OR4(this.padValueAlts));

  private readonly optionAlts: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.top<OptionNode>().keyword = this.CONSUME(Stride);
        this.OPTION(this.strideValue);
      },
    },
    {
      ALT: () => {
        this.top<OptionNode>().keyword = this.CONSUME(Dilation);
        this.OPTION2(this.dilationValue);
      },
    },
    {
      ALT: () => {
        this.top<OptionNode>().keyword = this.CONSUME(Pad);
        this.OPTION3(this.padValue);
      },
    },
    { ALT: () => void (this.top<OptionNode>().keyword = this.CONSUME(NoBias)) },
  ];

  private readonly leakySlope = (): void => void (this.top<ActivationNode>().slope = this.CONSUME(NumberLit));
  private readonly activationAlts: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.top<ActivationNode>().keyword = this.CONSUME(LeakyRelu);
        this.OPTION(this.leakySlope);
      },
    },
    { ALT: () => void (this.top<ActivationNode>().keyword = this.CONSUME(Relu)) },
    { ALT: () => void (this.top<ActivationNode>().keyword = this.CONSUME(Sigmoid)) },
    { ALT: () => void (this.top<ActivationNode>().keyword = this.CONSUME(Tanh)) },
  ];

  // The rules. Each body is a closure made once; `within` puts the rule's node on top of `nodes`.

  private readonly programBody = (): void => this.MANY(this.programLine);
  program = this.RULE('program', () => {
    this.tree = this.take(newProgram);
    this.within(this.tree, this.programBody);
  });

  private readonly topLineBody = (): unknown => this.OR(this.topLineAlts);
  topLine = this.RULE('topLine', () => void this.within(this.take(newLine), this.topLineBody));

  private readonly blockLineBody = (): unknown => this.OR(this.blockLineAlts);
  blockLine = this.RULE('blockLine', () => void this.within(this.take(newLine), this.blockLineBody));

  // `c1:` alone on its line is a statement too (the builder reports it), so that the parser never
  // fails in the middle of a line: `label` first, the ambiguity with `name : ...` resolved for it.
  private readonly statementBodyRule = (): unknown => this.OR(this.statementAlts);
  statement = this.RULE('statement', () => void this.within(this.take(newStatement), this.statementBodyRule));

  /** The statement after its label. Inlined (not a rule of its own): one node less per line. */
  private statementBody(occurrence: number): void {
    this.or(occurrence + 1, this.bodyAlts[occurrence - 1]!);
  }

  private readonly labelBody = (node: LabelNode): void => {
    node.name = this.CONSUME(Ident);
    node.colon = this.CONSUME(Colon);
  };
  label = this.RULE('label', () => void this.within(this.take(newLabel), this.labelBody));

  /** `KEYWORD arguments block?` */
  private statementRule(name: StmtRule, keyword: TokenType): () => void {
    const fresh = (): StmtNode => newStmt(name);
    const body = (node: StmtNode): void => {
      node.head = this.CONSUME(keyword);
      this.tail(node);
    };
    return this.RULE(name, () => void this.within(this.take(fresh), body));
  }

  networkStmt = this.statementRule('networkStmt', Network);
  inputStmt = this.statementRule('inputStmt', Input);
  lossStmt = this.statementRule('lossStmt', Loss);
  repeatStmt = this.statementRule('repeatStmt', Repeat);
  layerStmt = this.statementRule('layerStmt', LayerKw);
  /** A line that starts with a name that is not a keyword: a typo, or a future block (`residual {`). */
  unknownStmt = this.statementRule('unknownStmt', Ident);

  /** A line that starts with what belongs in the middle of one: often the rest of the line above. */
  private readonly strayBody = (node: StmtNode): void => {
    this.OR(this.strayAlts);
    this.tail(node);
  };
  strayStmt = this.RULE('strayStmt', () => void this.within(this.take(() => newStmt('strayStmt')), this.strayBody));

  private tail(node: StmtNode): void {
    node.args = this.child(newArgs());
    this.SUBRULE(this.arguments);
    this.OPTION(this.optionalBlock);
  }

  private readonly blockBody = (node: BlockNode): void => {
    node.lbrace = this.CONSUME(LBrace);
    this.CONSUME(Newline);
    this.MANY(this.blockLineLoop);
    node.rbrace = this.CONSUME(RBrace);
  };
  block = this.RULE('block', () => void this.within(this.take(newBlock), this.blockBody));

  /**
   * Everything after a statement's keyword, up to the end of the line or a block. One node for all
   * of them: a node per argument would double the parse time.
   */
  private readonly argumentsBody = (): void => this.MANY(this.argumentLoop);
  arguments = this.RULE('arguments', () => void this.within(this.take(newArgs), this.argumentsBody));

  /** An option takes the value that follows it when there is one (greedy). */
  private readonly optionBody = (): unknown => this.OR(this.optionAlts);
  optionClause = this.RULE('optionClause', () => void this.within(this.take(newOption), this.optionBody));

  private readonly activationBody = (): unknown => this.OR(this.activationAlts);
  activation = this.RULE('activation', () => void this.within(this.take(newActivation), this.activationBody));
}

/** The one parser instance: chevrotain's self-analysis is the slow part, so it is done once. */
export const cnnParser = new CnnParser();

/** The grammar as chevrotain serializes it, for the railroad diagram. */
export function serializedGrammar(): ReturnType<CnnParser['getSerializedGastProductions']> {
  return cnnParser.getSerializedGastProductions();
}

export { EOF };
