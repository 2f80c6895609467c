// The language server's pure features, each a function of a document's text (through analyze) to an
// LSP result, testable without a connection; server.ts wires them.
export {
  analyze, MAX_DOCUMENT_CHARS, MAX_DOCUMENT_LINES, TOO_LARGE_CODE, type Analysis, type StatementLayers,
} from './analysis.js';
export { codeActions } from './actions.js';
export { blockDepth, completionsAt } from './completion.js';
export { inDocument, SOURCE, toLspDiagnostic, toLspRange } from './convert.js';
export { formattingEdits, minimalEdit } from './formatting.js';
export { hoverAt, layerText, sizeFormula } from './hover.js';
export { inlayHints } from './inlay.js';
export { documentSymbols } from './symbols.js';
