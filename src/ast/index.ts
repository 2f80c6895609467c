// The AST stage: source text -> Program (src/ast/types.ts) + syntax diagnostics.
export { buildAst, type AstResult, type Comment } from './build.js';
export { MAX_DIAGNOSTICS, MAX_SOURCE_LENGTH, TOO_MANY_DIAGNOSTICS } from './limits.js';
export { LineMap } from './positions.js';
export { editDistance, suggest } from './suggest.js';
export type * from './types.js';
