// Entry point of the grammar stage: text -> tokens + parse tree (chevrotain; the tree: grammar/tree.ts).

import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { createTokenInstance } from './chevrotain.js';
import { Ident, LBrace, lexWords, Newline, RBrace, retypeKeyword } from './lexer.js';
import { cnnParser } from './parser.js';
import type { ProgramNode } from './tree.js';

export interface ParseOutput {
  /** The `program` rule's node. Nodes cut short by error recovery have `recovered: true`. */
  readonly tree: ProgramNode;
  /**
   * Tokens in source order, without comments. When the text does not end with a line break, a
   * zero-width `Newline` (image `''`, at `text.length`, or at `truncatedAt`) ends the last statement.
   */
  readonly tokens: readonly IToken[];
  /** `#` comments, in source order (the lexer's `comments` group). */
  readonly comments: readonly IToken[];
  readonly lexErrors: readonly ILexingError[];
  readonly parseErrors: readonly IRecognitionException[];
  /**
   * Set when blocks nest deeper than MAX_BLOCK_DEPTH: the offset of the first `{` too deep. Tokens
   * from there on are not parsed (the parser recurses per block and would exhaust the stack).
   */
  readonly truncatedAt?: number;
}

/** Deepest block nesting that is parsed (chevrotain overflows the default stack near 250). */
export const MAX_BLOCK_DEPTH = 64;

/**
 * One pass over the tokens: keywords get their types (see lexer.ts), and the first `{` that opens a
 * block too deep is found (its index; the tokens after it are left as they are, they are not read).
 */
function prepare(tokens: IToken[]): number | undefined {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const t = tok.tokenType;
    if (t === Ident) retypeKeyword(tok);
    else if (t === LBrace && ++depth > MAX_BLOCK_DEPTH) return i;
    else if (t === RBrace && depth > 0) depth--;
  }
  return undefined;
}

export function parseCnn(text: string): ParseOutput {
  const lexed = lexWords(text);
  let tokens = lexed.tokens;
  const cut = prepare(tokens);
  const truncatedAt = cut !== undefined ? tokens[cut]!.startOffset : undefined;
  if (cut !== undefined) {
    // drop the whole line that opens the block too deep, so no statement is left half read
    let lineStart = cut;
    while (lineStart > 0 && tokens[lineStart - 1]!.tokenType !== Newline) lineStart--;
    tokens = tokens.slice(0, lineStart);
  }
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.tokenType !== Newline || cut !== undefined) {
    tokens.push(createTokenInstance(Newline, '', truncatedAt ?? text.length, (truncatedAt ?? text.length) - 1, NaN, NaN, NaN, NaN));
  }
  // Recovery creates an Error per syntax error; their stack traces are never read and cost more
  // than the rest of the parse, so none are captured while parsing.
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    cnnParser.input = tokens;
    cnnParser.program();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return {
    tree: cnnParser.tree,
    tokens,
    comments: lexed.groups['comments'] ?? [],
    lexErrors: lexed.errors,
    parseErrors: cnnParser.errors,
    ...(truncatedAt !== undefined ? { truncatedAt } : {}),
  };
}

export {
  ACTIVATION_KEYWORDS, KEYWORDS, LAYER_KEYWORDS, LOSS_FUNCTIONS, OPTION_KEYWORDS, PAD_MODES,
  STATEMENT_KEYWORDS,
} from './lexer.js';
export * as tokenTypes from './lexer.js';
export { describeToken, describeTokenType, serializedGrammar } from './parser.js';
export type * from './tree.js';
export { isToken } from './tree.js';
/** chevrotain's token matcher (token categories included), from the one copy of chevrotain loaded. */
export { tokenMatcher } from './chevrotain.js';
