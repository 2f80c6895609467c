// The parse tree that grammar/parser.ts builds: one node per rule invocation, holding the tokens and
// the child nodes of that rule in source order. It has the information of chevrotain's CST (what
// each rule consumed, nodes cut short by error recovery included) in plain objects of fixed shape,
// which the AST builder reads without sorting and which cost far less to build than a CST.
//
// Tokens may have been inserted by error recovery (`isInsertedInRecovery`, offset NaN): readers
// check before using one (src/ast/context.ts, `isReal`).

import type { IToken } from 'chevrotain';

/** `recovered`: error recovery cut the rule short; what it read so far is kept. */
interface TreeNode {
  recovered: boolean;
}

export interface ProgramNode extends TreeNode {
  readonly rule: 'program';
  readonly lines: LineNode[];
}

/** `topLine` or `blockLine`: an empty line, a `}` (top level only: an unmatched one), or a statement. */
export interface LineNode extends TreeNode {
  readonly rule: 'line';
  rbrace: IToken | undefined;
  statement: StatementNode | undefined;
}

export interface StatementNode extends TreeNode {
  readonly rule: 'statement';
  label: LabelNode | undefined;
  body: StmtNode | BlockNode | undefined;
}

export interface LabelNode extends TreeNode {
  readonly rule: 'label';
  name: IToken | undefined;
  colon: IToken | undefined;
}

export type StmtRule =
  | 'networkStmt' | 'inputStmt' | 'lossStmt' | 'repeatStmt' | 'layerStmt' | 'unknownStmt' | 'strayStmt';

/** `KEYWORD arguments block?`; a `strayStmt` has its first piece in `lead` instead of a keyword. */
export interface StmtNode extends TreeNode {
  readonly rule: StmtRule;
  head: IToken | undefined;
  lead: IToken | OptionNode | undefined;
  args: ArgsNode | undefined;
  block: BlockNode | undefined;
}

/** The pieces after a statement's keyword, in source order. */
export interface ArgsNode extends TreeNode {
  readonly rule: 'arguments';
  readonly items: (IToken | OptionNode | ActivationNode)[];
}

/** `stride S`, `pad P`, `dilation D`, `nobias`: the keyword and its value when it has one. */
export interface OptionNode extends TreeNode {
  readonly rule: 'optionClause';
  keyword: IToken | undefined;
  value: IToken | undefined;
}

/** `relu`, `leakyrelu 0.2`, ... after `conv` or `dense`. */
export interface ActivationNode extends TreeNode {
  readonly rule: 'activation';
  keyword: IToken | undefined;
  slope: IToken | undefined;
}

export interface BlockNode extends TreeNode {
  readonly rule: 'block';
  lbrace: IToken | undefined;
  readonly lines: LineNode[];
  rbrace: IToken | undefined;
}

export type ParseNode =
  | ProgramNode | LineNode | StatementNode | LabelNode | StmtNode | ArgsNode | OptionNode | ActivationNode | BlockNode;

// Constructors: every field present from the start, so each kind of node keeps one shape.
export const newProgram = (): ProgramNode => ({ rule: 'program', recovered: false, lines: [] });
export const newLine = (): LineNode => ({ rule: 'line', recovered: false, rbrace: undefined, statement: undefined });
export const newStatement = (): StatementNode => ({ rule: 'statement', recovered: false, label: undefined, body: undefined });
export const newLabel = (): LabelNode => ({ rule: 'label', recovered: false, name: undefined, colon: undefined });
export const newStmt = (rule: StmtRule): StmtNode => ({
  rule, recovered: false, head: undefined, lead: undefined, args: undefined, block: undefined,
});
export const newArgs = (): ArgsNode => ({ rule: 'arguments', recovered: false, items: [] });
export const newOption = (): OptionNode => ({ rule: 'optionClause', recovered: false, keyword: undefined, value: undefined });
export const newActivation = (): ActivationNode => ({ rule: 'activation', recovered: false, keyword: undefined, slope: undefined });
export const newBlock = (): BlockNode => ({ rule: 'block', recovered: false, lbrace: undefined, lines: [], rbrace: undefined });

/** A token, as opposed to a node, among an `ArgsNode`'s items or a stray statement's lead. */
export function isToken(x: IToken | ParseNode): x is IToken {
  return (x as Partial<ParseNode>).rule === undefined;
}
