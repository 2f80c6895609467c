// src/summary: per-layer and total parameters, MACs and memory of a checked Network.
export type { LayerSummary, Summary, SummaryTotals, TrainingMemory } from './summary.js';
export { BYTES_PER_FLOAT32, describeLayer, summarize, summarizeLayer } from './summary.js';
export { binaryBytes, formatSummaryJson, formatSummaryText, siUnits, thousands } from './format.js';
