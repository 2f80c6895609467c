// src/gradcheck: compares every gradient a generated module computes with central finite
// differences of its own forward pass (`cnnc gradcheck`, and the tests).
export type {
  GradcheckOptions,
  GradcheckProgress,
  GradcheckReport,
  LossValueCheck,
  PathKind,
  PathReport,
  TensorReport,
  WorstElement,
} from './types.js';
export { GradcheckOptionError } from './types.js';
export { DEFAULTS, gradcheckModule, referenceLoss } from './check.js';
export {
  judge,
  judgeRefined,
  REFINEMENT,
  noiseFloor,
  relativeError,
  type ElementJudgement,
  type Evaluations,
  type Verdict,
} from './compare.js';
export { gradcheckSource, type GradcheckSourceOptions, type GradcheckSourceResult } from './source.js';
export { formatGradcheckText, formatIndex } from './format.js';
