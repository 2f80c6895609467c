// Stage 3 entry point: checkSource(text, file) = buildAst + checkProgram.
// See check.ts for what the checker does and docs/diagnostics.md for every code it reports.

import { buildAst } from '../ast/index.js';
import { checkProgram, type CheckResult } from './check.js';

export { checkProgram, type CheckResult } from './check.js';
export { MAX_EXPANDED_LAYERS } from './expand.js';
export { ELEMENT_LIMIT } from './walk.js';
export { networkNameFromFile } from './program.js';

/** Parse, build the AST and check; diagnostics from every stage, sorted. Never throws on input. */
export function checkSource(text: string, file: string): CheckResult {
  const ast = buildAst(text, file);
  return checkProgram(ast.program, ast.diagnostics);
}
