// Completion from the text of the current line up to the cursor: statement keywords and layer
// kinds at the start of a line (layers and `repeat` only, inside a `repeat` block), layer kinds
// after a label, the options a layer still takes once its required arguments are written
// (`conv 6 5x5 ` -> stride, pad, dilation, nobias and the activations, less those the line has
// before or after the cursor), the pad modes after `pad`, and the loss functions after `loss`.
// What a layer takes comes from its shape rule (src/layers).

import type { IToken } from 'chevrotain';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import {
  ACTIVATION_KEYWORDS, LAYER_KEYWORDS, LOSS_FUNCTIONS, PAD_MODES, STATEMENT_KEYWORDS, tokenMatcher, tokenTypes,
} from '../../grammar/index.js';
import { cnnLexer } from '../../grammar/lexer.js';
import type { LayerKeyword } from '../ast/types.js';
import { getShapeRule } from '../layers/shapes.js';

const T = tokenTypes;

const DOCS: Readonly<Record<string, string>> = {
  network: 'network NAME: the network\'s name (optional, first)',
  input: 'input SHAPE: one sample\'s shape, `784`, `28x28` or `3x32x32` (required, before every layer)',
  repeat: 'repeat N { ... }: the lines inside, N times',
  loss: 'loss cross_entropy | mse (optional, after the last layer)',
  conv: 'conv FILTERS SIZE [stride S] [pad P] [dilation D] [nobias] [ACT]',
  maxpool: 'maxpool SIZE [stride S] [pad P] (stride defaults to SIZE)',
  avgpool: 'avgpool SIZE [stride S] [pad P] (stride defaults to SIZE)',
  globalavgpool: 'globalavgpool: CxHxW -> C',
  flatten: 'flatten: CxHxW -> C*H*W',
  dense: 'dense UNITS [nobias] [ACT]',
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh',
  leakyrelu: 'leakyrelu [SLOPE] (slope 0.01 by default)',
  dropout: 'dropout RATE, 0 <= RATE < 1',
  softmax: 'softmax: only as the last layer',
  stride: 'stride S: a size, `2` or `2x1`',
  pad: 'pad P: a size, or valid, same, full',
  dilation: 'dilation D: a size',
  nobias: 'nobias: no bias term',
  valid: 'valid: no padding (0)',
  same: 'same: keeps the size (stride 1, odd kernel)',
  full: 'full: P = D*(F-1), the wide convolution',
  cross_entropy: 'cross_entropy: needs softmax as the last layer',
  mse: 'mse: mean squared error / 2',
};

function item(label: string, kind: CompletionItemKind, sortGroup: number): CompletionItem {
  return { label, kind, detail: DOCS[label] ?? label, sortText: `${sortGroup}${label}` };
}

const statementItems = (inBlock: boolean): CompletionItem[] => [
  ...(inBlock ? ['repeat'] : STATEMENT_KEYWORDS).map((k) => item(k, CompletionItemKind.Keyword, 1)),
  ...LAYER_KEYWORDS.map((k) => item(k, CompletionItemKind.Function, 0)),
];

/** Completion items at `offset` of `text`. Never throws on any text. */
export function completionsAt(text: string, offset: number): CompletionItem[] {
  const at = Math.max(0, Math.min(offset, text.length));
  let lineStart = at;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const prefix = text.slice(lineStart, at);
  const lexed = cnnLexer.tokenize(prefix);
  if ((lexed.groups['comments'] ?? []).length > 0 || lexed.errors.length > 0) return [];
  let tokens = lexed.tokens;
  // A word being typed is not context: `co|` completes like an empty line.
  if (/[A-Za-z0-9_.]$/.test(prefix) && tokens.length > 0) tokens = tokens.slice(0, -1);
  const inBlock = blockDepth(text, lineStart) > 0;

  if (tokens.length === 0) return statementItems(inBlock);
  const [t0, t1] = tokens;
  if (tokens.length === 2 && tokenMatcher(t0!, T.Ident) && tokenMatcher(t1!, T.Colon)) {
    return LAYER_KEYWORDS.map((k) => item(k, CompletionItemKind.Function, 0));
  }
  if (tokens.length === 1 && tokenMatcher(t0!, T.Loss) && !inBlock) {
    return LOSS_FUNCTIONS.map((k) => item(k, CompletionItemKind.Constant, 0));
  }
  const labeled = tokens.length >= 2 && tokenMatcher(t1!, T.Colon);
  const kw = labeled ? tokens[2] : t0;
  if (kw === undefined || !tokenMatcher(kw, T.LayerKw)) return [];
  return layerOptions(kw.image as LayerKeyword, tokens.slice(labeled ? 3 : 1), laterOnLine(text, at, prefix));
}

/** What the rest of the line already has: its options and whether it ends in an activation. */
interface Later {
  readonly options: ReadonlySet<string>;
  readonly activation: boolean;
}

/** The tokens after the cursor on its line (less the rest of a word the cursor is inside). */
function laterOnLine(text: string, at: number, prefix: string): Later {
  let end = at;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const suffix = text.slice(at, end);
  let tokens = cnnLexer.tokenize(suffix).tokens;
  if (/[A-Za-z0-9_.]$/.test(prefix) && /^[A-Za-z0-9_.]/.test(suffix)) tokens = tokens.slice(1);
  return {
    options: new Set(tokens.filter((t) => tokenMatcher(t, T.OptionKw)).map((t) => t.image)),
    activation: tokens.some((t) => tokenMatcher(t, T.ActivationKw)),
  };
}

/**
 * What may follow `args` (the tokens after the layer keyword) on a layer line, and still go before
 * what the line has after the cursor: an option written later is not offered again, nor an
 * activation when the line already ends in one.
 */
function layerOptions(kind: LayerKeyword, args: readonly IToken[], later: Later): CompletionItem[] {
  const rule = getShapeRule(kind);
  const required = (rule.args.count ? 1 : 0) + (rule.args.size ? 1 : 0) + (rule.args.rate && !rule.args.rate.optional ? 1 : 0);
  let i = 0;
  while (i < required && i < args.length && isNumeric(args[i]!)) i++;
  if (i < required) return [];
  const used = new Set<string>();
  let expectsValue: string | undefined;
  let activation = false;
  for (const t of args.slice(i)) {
    if (activation) return []; // nothing follows the trailing activation (or its slope)
    if (expectsValue !== undefined) {
      const ok = isNumeric(t) || (expectsValue === 'pad' && tokenMatcher(t, T.PadModeKw));
      if (!ok) return [];
      expectsValue = undefined;
    } else if (tokenMatcher(t, T.OptionKw)) {
      used.add(t.image);
      if (t.image !== 'nobias') expectsValue = t.image;
    } else if (tokenMatcher(t, T.ActivationKw)) {
      activation = true;
    } else {
      return [];
    }
  }
  if (activation) return [];
  if (expectsValue === 'pad') return PAD_MODES.map((m) => item(m, CompletionItemKind.EnumMember, 0));
  if (expectsValue !== undefined) return [];
  const options = rule.options.filter((o) => !used.has(o) && !later.options.has(o)).map((o) => item(o, CompletionItemKind.Property, 0));
  const acts = rule.trailingActivation && !later.activation
    ? ACTIVATION_KEYWORDS.map((k) => item(k, CompletionItemKind.Function, 1))
    : [];
  return [...options, ...acts];
}

function isNumeric(t: IToken): boolean {
  return tokenMatcher(t, T.NumberLit) || tokenMatcher(t, T.Dims);
}

/**
 * `{` minus `}` in `text` before `end`, outside comments: what the lexer would count (a brace is
 * always a token, `#` always starts a comment that a line break ends), as one pass over the
 * characters, since a completion in a 50,000-line file should not lex all of it.
 */
export function blockDepth(text: string, end = text.length): number {
  let depth = 0;
  let comment = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) comment = false;
    else if (comment) continue;
    else if (c === 35) comment = true;
    else if (c === 123) depth++;
    else if (c === 125 && depth > 0) depth--;
  }
  return depth;
}
