// Tokens of the `.cnn` language (LANGUAGE.md, "Lexical rules").
//
// Newlines are tokens: one statement per line. Spaces, tabs and comments are not in the token
// stream; comments go to their own group so a formatter can put them back.
//
// A number may carry a minus sign (`-1`, `leakyrelu -0.1`, `pad -1x2`): LANGUAGE.md does not forbid one, and
// the checker, which sees the value, explains what is wrong with `pad -1` better than "unexpected
// character `-`" would.
//
// Numbers and sizes: `Dims` (`5x5`, `1x28x28`) and `NumberLit` (`32`, `0.5`, `.5`, `1e-2`) both
// give way to `BadNumeric` when it matches a longer run (`5x`, `5.`, `3px`, `1.2.3`, `5X5`), so a
// malformed number is one token the AST builder can name, not a shower of unexpected characters.
// (`5×5` with a multiplication sign is one of them.)

import type { ILexerConfig, ILexingResult, IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// `start_chars_hint`: the characters a token can start with. chevrotain would find them by parsing
// each pattern with its regexp-to-ast library, ~3 ms of every start-up; the hints spare that (and
// loading the library's code). test/grammar/validation.test.ts checks them against the patterns.
const DIGITS = '0123456789';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const hint = (chars: string): string[] => [...chars];

export const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/, start_chars_hint: hint(LETTERS) });

// Categories: match any of their members in the parser (`CONSUME(LayerKw)`).
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
export const StatementKw = createToken({ name: 'StatementKw', pattern: Lexer.NA, categories: [Keyword] });
export const LayerKw = createToken({ name: 'LayerKw', pattern: Lexer.NA, categories: [Keyword] });
/** Layer keywords that cannot trail a `conv`/`dense` line (everything but the activations). */
export const PlainLayerKw = createToken({ name: 'PlainLayerKw', pattern: Lexer.NA, categories: [LayerKw] });
export const ActivationKw = createToken({ name: 'ActivationKw', pattern: Lexer.NA, categories: [LayerKw] });
export const OptionKw = createToken({ name: 'OptionKw', pattern: Lexer.NA, categories: [Keyword] });
export const PadModeKw = createToken({ name: 'PadModeKw', pattern: Lexer.NA, categories: [Keyword] });

// Keywords are words. Each keyword's token type has the classic definition (its word, giving way to a
// longer `Ident`), which is what `allTokens` and the railroad diagram show; but the lexer itself is
// built without them (`lexerTokens`): it reads every word as an `Ident`, and an `Ident` whose whole
// text is a keyword is then given the keyword's type (`conv`, but not `convv` or `conv2d`). Same
// tokens (test/grammar/validation.test.ts lexes with both), one pattern instead of 24 for chevrotain
// to analyse at start-up and to try at every word.
const keywordTypes = new Map<string, TokenType>();

function keyword(word: string, name: string, category: TokenType): TokenType {
  const type = createToken({ name, pattern: new RegExp(word), longer_alt: Ident, categories: [category] });
  keywordTypes.set(word, type);
  return type;
}

/** The keyword token type of a word, if it is one. */
export function keywordType(word: string): TokenType | undefined {
  return keywordTypes.get(word);
}

export const Network = keyword('network', 'Network', StatementKw);
export const Input = keyword('input', 'Input', StatementKw);
export const Loss = keyword('loss', 'Loss', StatementKw);
export const Repeat = keyword('repeat', 'Repeat', StatementKw);

export const Conv = keyword('conv', 'Conv', PlainLayerKw);
export const MaxPool = keyword('maxpool', 'MaxPool', PlainLayerKw);
export const AvgPool = keyword('avgpool', 'AvgPool', PlainLayerKw);
export const GlobalAvgPool = keyword('globalavgpool', 'GlobalAvgPool', PlainLayerKw);
export const Flatten = keyword('flatten', 'Flatten', PlainLayerKw);
export const Dense = keyword('dense', 'Dense', PlainLayerKw);
export const Dropout = keyword('dropout', 'Dropout', PlainLayerKw);
export const Softmax = keyword('softmax', 'Softmax', PlainLayerKw);
export const Relu = keyword('relu', 'Relu', ActivationKw);
export const Sigmoid = keyword('sigmoid', 'Sigmoid', ActivationKw);
export const Tanh = keyword('tanh', 'Tanh', ActivationKw);
export const LeakyRelu = keyword('leakyrelu', 'LeakyRelu', ActivationKw);

export const Stride = keyword('stride', 'Stride', OptionKw);
export const Pad = keyword('pad', 'Pad', OptionKw);
export const Dilation = keyword('dilation', 'Dilation', OptionKw);
export const NoBias = keyword('nobias', 'NoBias', OptionKw);

export const Valid = keyword('valid', 'Valid', PadModeKw);
export const Same = keyword('same', 'Same', PadModeKw);
export const Full = keyword('full', 'Full', PadModeKw);

export const BadNumeric = createToken({
  name: 'BadNumeric',
  pattern: /-?[0-9.](?:[eE][+-]|[0-9A-Za-z_.\u00d7])*/,
  start_chars_hint: hint(`-.${DIGITS}`),
});
export const Dims = createToken({
  name: 'Dims', pattern: /-?[0-9]+(?:x-?[0-9]+)+/, longer_alt: BadNumeric, start_chars_hint: hint(`-${DIGITS}`),
});
export const NumberLit = createToken({
  name: 'NumberLit',
  pattern: /-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/,
  longer_alt: BadNumeric,
  start_chars_hint: hint(`-.${DIGITS}`),
});

export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true, start_chars_hint: hint('\r\n') });
export const WhiteSpace = createToken({
  name: 'WhiteSpace', pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, start_chars_hint: hint(' \t\f\v\u00a0\ufeff'),
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments', start_chars_hint: hint('#') });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, start_chars_hint: hint('{') });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, start_chars_hint: hint('}') });
export const Colon = createToken({ name: 'Colon', pattern: /:/, start_chars_hint: hint(':') });

const keywordTokens: readonly TokenType[] = [
  Network, Input, Loss, Repeat,
  Conv, MaxPool, AvgPool, GlobalAvgPool, Flatten, Dense, Dropout, Softmax,
  Relu, Sigmoid, Tanh, LeakyRelu,
  Stride, Pad, Dilation, NoBias,
  Valid, Same, Full,
];

/** Lexer order matters: first match wins, then `longer_alt` may take a longer match. */
export const allTokens: readonly TokenType[] = [
  WhiteSpace, Comment, Newline, LBrace, RBrace, Colon,
  Dims, NumberLit, BadNumeric,
  ...keywordTokens,
  Ident,
  Keyword, StatementKw, LayerKw, PlainLayerKw, ActivationKw, OptionKw, PadModeKw,
];

// Offsets only: the AST builder computes lines and columns itself (it also counts `\r` alone as a
// line break, as editors do), which keeps the lexer's hot loop small.
// chevrotain's checks of the token definitions pass for these tokens and cost ~15 ms of every
// start-up, so the shipped lexer skips them; test/grammar/lexer.test.ts runs them on LEXER_CONFIG.
export const LEXER_CONFIG = {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  lineTerminatorsPattern: /\r\n|\r|\n/,
  lineTerminatorCharacters: ['\n', '\r'],
} as const satisfies ILexerConfig;

/** What the lexer is built from: `allTokens` without the keywords. */
export const lexerTokens: readonly TokenType[] = allTokens.filter((t) => !keywordTokens.includes(t));

const lexer = new Lexer([...lexerTokens], { ...LEXER_CONFIG, skipValidations: true });

/** chevrotain's lexer alone: keywords are still `Ident` tokens (retypeKeyword gives them their type). */
export function lexWords(text: string): ILexingResult {
  return lexer.tokenize(text);
}

/** An `Ident` token that is a keyword gets the keyword's type, in place. */
export function retypeKeyword(tok: IToken): void {
  if (tok.tokenType !== Ident) return;
  const type = keywordTypes.get(tok.image);
  if (type !== undefined) {
    tok.tokenType = type;
    tok.tokenTypeIdx = type.tokenTypeIdx!;
  }
}

/** Gives each `Ident` that is a keyword its keyword's type, in place. */
export function retypeKeywords(result: ILexingResult): ILexingResult {
  const tokens = result.tokens;
  for (let i = 0; i < tokens.length; i++) retypeKeyword(tokens[i]!);
  return result;
}

/** The lexer: chevrotain's, then keywords retyped. */
export const cnnLexer = {
  tokenize: (text: string): ILexingResult => retypeKeywords(lexer.tokenize(text)),
} as const;

// Keyword lists, for completion and did-you-mean. Kept in the order a reader meets them.
export const STATEMENT_KEYWORDS = ['network', 'input', 'repeat', 'loss'] as const;
export const LAYER_KEYWORDS = [
  'conv', 'maxpool', 'avgpool', 'globalavgpool', 'flatten', 'dense',
  'relu', 'sigmoid', 'tanh', 'leakyrelu', 'dropout', 'softmax',
] as const;
export const ACTIVATION_KEYWORDS = ['relu', 'sigmoid', 'tanh', 'leakyrelu'] as const;
export const OPTION_KEYWORDS = ['stride', 'pad', 'dilation', 'nobias'] as const;
export const PAD_MODES = ['valid', 'same', 'full'] as const;
/** Loss functions are names, not keywords (`loss NAME`); the checker validates them. */
export const LOSS_FUNCTIONS = ['cross_entropy', 'mse'] as const;
export const KEYWORDS: readonly string[] = [
  ...STATEMENT_KEYWORDS, ...LAYER_KEYWORDS, ...OPTION_KEYWORDS, ...PAD_MODES,
];
