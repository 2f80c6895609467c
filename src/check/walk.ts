// The layer walk: for every expanded layer, in order, its arguments, its spec (resolved once per
// statement), its name's uniqueness, and its shape through the kind's rule; plus the 2^31-element
// limits. A layer whose shape cannot be found makes every later shape unknown (undefined), so a
// mistake is reported once rather than at every layer after it.

import type { InputStmt } from '../ast/types.js';
import type { SourceRange } from '../diagnostics.js';
import { getShapeRule, type RuleContext, type ShapeRule } from '../layers/shapes.js';
import { formatShape, type Layer, type LayerSpec, type ParamTensor, type Shape } from '../network.js';
import type { Expanded, ExpandedLayer } from './expand.js';
import type { DiagnosticSink } from './sink.js';
import { formatInt, pointRange } from './text.js';

/** Parameters and activations for one sample must stay at or below 2^31 elements each. */
export const ELEMENT_LIMIT = 2 ** 31;

export interface WalkedLayer {
  readonly item: ExpandedLayer;
  readonly spec?: LayerSpec;
  /** present when the layer's shape is known */
  readonly layer?: Layer;
}

export interface WalkResult {
  readonly layers: readonly WalkedLayer[];
  /** the last layer's output, when every shape is known */
  readonly output?: Shape;
}

export function walkLayers(
  expanded: readonly Expanded[],
  input: Shape | undefined,
  inputStmt: InputStmt | undefined,
  sink: DiagnosticSink,
): WalkResult {
  // specs of statements inside `repeat`, for their later repetitions (see ExpandedLayer.first)
  const specs = new Map<object, LayerSpec | undefined>();
  const names = new Map<string, ExpandedLayer>();
  const walked: WalkedLayer[] = [];
  let shape = input;
  // Where the data became a vector, for "spatial layer after a vector" messages.
  let vectorSince = input && input.length === 1 && inputStmt ? `the input on line ${inputStmt.range.start.line}` : '';
  let params = 0;
  let acts = input ? elements(input) : 0;
  let paramsReported = false;
  let actsReported = false;
  if (input && inputStmt && acts > ELEMENT_LIMIT) {
    actsReported = true;
    sink.error(
      'too-many-activations',
      inputStmt.shape.range,
      `input: the input ${formatShape(input)} has ${formatInt(acts)} elements, more than 2^31 = ${formatInt(ELEMENT_LIMIT)}`,
    );
  }

  for (const item of expanded) {
    if (item.type === 'barrier') {
      shape = undefined;
      continue;
    }
    const rule = getShapeRule(item.source.keyword);
    const ctx: RuleContext = { name: item.name, source: item.source, sink };
    let spec: LayerSpec | undefined;
    if (item.first) {
      checkArguments(item, rule, sink);
      spec = rule.resolve(ctx);
      if (item.inRepeat) specs.set(item.node, spec);
    } else {
      spec = specs.get(item.node);
    }
    checkName(item, names, sink);

    if (spec === undefined || shape === undefined) {
      shape = undefined;
      walked.push({ item, spec });
      continue;
    }
    if (!fitsInput(rule, shape, ctx, vectorSince)) {
      shape = undefined;
      walked.push({ item, spec });
      continue;
    }
    const outcome = rule.infer(spec, shape, ctx);
    if (outcome === undefined) {
      shape = undefined;
      walked.push({ item, spec });
      continue;
    }
    const tensors: ParamTensor[] = [];
    let own = 0;
    for (let i = 0; i < outcome.params.length; i++) {
      const p = outcome.params[i]!;
      const size = elements(p.shape);
      tensors.push({ name: `${item.name}.${p.name}`, shape: p.shape, size });
      own += size;
    }
    const layer: Layer = {
      name: item.name,
      spec,
      input: shape,
      output: outcome.output,
      params: tensors,
      macs: outcome.macs,
      range: item.source.stmt.range,
    };
    walked.push({ item, spec, layer });

    params += own;
    if (!paramsReported && params > ELEMENT_LIMIT) {
      paramsReported = true;
      sink.error(
        'too-many-params',
        item.source.count?.range ?? item.source.keywordRange,
        `${item.name}: the parameters pass 2^31 = ${formatInt(ELEMENT_LIMIT)} elements here: ` +
          `${formatInt(params)} in total, ${formatInt(own)} of them in ${item.name}`,
      );
    }
    const outSize = elements(outcome.output);
    acts += outSize;
    if (!actsReported && acts > ELEMENT_LIMIT) {
      actsReported = true;
      sink.error(
        'too-many-activations',
        item.source.count?.range ?? item.source.keywordRange,
        `${item.name}: the activations of one sample pass 2^31 = ${formatInt(ELEMENT_LIMIT)} elements here: ` +
          `${formatInt(acts)} in total, ${formatInt(outSize)} of them in the ${formatShape(outcome.output)} ` +
          `output of ${item.name}`,
      );
    }
    if (outcome.output.length === 1 && shape.length !== 1) {
      vectorSince = `${item.name} on line ${item.source.stmt.range.start.line}`;
    }
    shape = outcome.output;
  }
  return { layers: walked, output: shape };
}

/**
 * Missing, unexpected and repeated arguments, unless the AST builder already reported there.
 * Runs once per statement; allocates only when it has something to report.
 */
function checkArguments(item: ExpandedLayer, rule: ShapeRule, sink: DiagnosticSink): void {
  const { source, name } = item;
  const kw = source.keyword;
  const args = rule.args;
  const missCount = args.count && !source.count;
  const missSize = args.size && !source.size;
  const missRate = args.rate && !args.rate.optional && !source.rate;
  if ((missCount || missSize || missRate) && !sink.astErrorIn(source.stmt.range)) {
    const missing: string[] = [];
    if (missCount) missing.push(args.count!);
    if (missSize) missing.push(args.size!);
    if (missRate) missing.push(args.rate!.what);
    sink.error('missing-argument', source.keywordRange, `${name}: ${kw} needs ${missing.join(' and ')}`);
  }
  if (!args.count && source.count) extraArgument(source.count.range, name, kw, sink);
  if (!args.size && source.size) extraArgument(source.size.range, name, kw, sink);
  if (!args.rate && source.rate) extraArgument(source.rate.range, name, kw, sink);
  const options = source.options;
  let seen: string[] | undefined;
  for (let i = 0; i < options.length; i++) {
    const opt = options[i]!;
    if (sink.astErrorIn(opt.range)) continue;
    if (!rule.options.includes(opt.name)) {
      sink.error('option-not-allowed', opt.range, `${name}: ${kw} takes no \`${opt.name}\` option`);
    } else if (seen !== undefined && seen.includes(opt.name)) {
      sink.error('duplicate-option', opt.range, `${name}: \`${opt.name}\` is given twice`);
    }
    (seen ??= []).push(opt.name);
  }
  const act = source.stmt.activation;
  if (item.node === source.stmt && act && !rule.trailingActivation && !sink.astErrorIn(act.range)) {
    sink.error('option-not-allowed', act.range, `${name}: ${kw} takes no trailing activation; write it on its own line`);
  }
}

/** network.ts's shapeSize, in an indexed loop: no iterator to allocate before the JIT has run. */
function elements(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

function extraArgument(range: SourceRange, name: string, kw: string, sink: DiagnosticSink): void {
  if (!sink.astErrorIn(range)) sink.error('extra-argument', range, `${name}: ${kw} takes no argument here`);
}

function checkName(item: ExpandedLayer, names: Map<string, ExpandedLayer>, sink: DiagnosticSink): void {
  const first = names.get(item.name);
  if (first === undefined) {
    names.set(item.name, item);
    return;
  }
  const line = first.source.stmt.range.start.line;
  const message = item.labeled
    ? `${item.name}: the name ${item.name} is already used by the layer on line ${line}`
    : `${item.name}: this ${item.source.keyword} is named ${item.name} by default, but the layer on line ${line} ` +
      `already has that name; give one of them a name of its own`;
  sink.error('duplicate-name', item.nameRange, message);
}

/** The rule's input requirement (CxHxW or vector), reported with what made the data a vector. */
function fitsInput(rule: ShapeRule, shape: Shape, ctx: RuleContext, vectorSince: string): boolean {
  const { name, source, sink } = ctx;
  if (rule.input === 'spatial' && shape.length !== 3) {
    sink.error(
      'spatial-after-vector',
      source.keywordRange,
      `${name}: ${source.keyword} needs a CxHxW input, but its input is the vector ${formatShape(shape)}` +
        (vectorSince ? ` (a vector since ${vectorSince})` : ''),
    );
    return false;
  }
  if (rule.input === 'vector' && shape.length !== 1) {
    const at = source.stmt.range.start;
    sink.error(
      'needs-vector',
      source.keywordRange,
      `${name}: ${source.keyword} works on a vector, but its input is ${formatShape(shape)}; flatten it first`,
      [{ title: 'add `flatten` before it', range: pointRange(at), replacement: `flatten\n${' '.repeat(at.column - 1)}` }],
    );
    return false;
  }
  return true;
}
