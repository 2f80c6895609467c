// Entry point of the grammar stage: text -> tokens + concrete syntax tree (chevrotain).

import { createTokenInstance, type CstNode, type ILexingError, type IRecognitionException, type IToken } from 'chevrotain';
import { cnnLexer, Newline } from './lexer.js';
import { cnnParser } from './parser.js';

export interface ParseOutput {
  /** The `program` rule's node. Nodes cut short by error recovery have `recoveredNode: true`. */
  readonly cst: CstNode;
  /**
   * Tokens in source order, without comments. When the text does not end with a line break, a
   * zero-width `Newline` (image `''`, at `text.length`) ends the last statement.
   */
  readonly tokens: readonly IToken[];
  /** `#` comments, in source order (the lexer's `comments` group). */
  readonly comments: readonly IToken[];
  readonly lexErrors: readonly ILexingError[];
  readonly parseErrors: readonly IRecognitionException[];
}

export function parseCnn(text: string): ParseOutput {
  const lexed = cnnLexer.tokenize(text);
  const tokens = lexed.tokens;
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.tokenType !== Newline) {
    tokens.push(createTokenInstance(Newline, '', text.length, text.length - 1, NaN, NaN, NaN, NaN));
  }
  cnnParser.input = tokens;
  const cst = cnnParser.program();
  return {
    cst,
    tokens,
    comments: lexed.groups['comments'] ?? [],
    lexErrors: lexed.errors,
    parseErrors: cnnParser.errors,
  };
}

export {
  ACTIVATION_KEYWORDS, KEYWORDS, LAYER_KEYWORDS, LOSS_FUNCTIONS, OPTION_KEYWORDS, PAD_MODES,
  STATEMENT_KEYWORDS,
} from './lexer.js';
export * as tokenTypes from './lexer.js';
export { describeToken, describeTokenType, serializedGrammar } from './parser.js';
