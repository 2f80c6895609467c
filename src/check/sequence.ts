// Rules about the order of layers after expansion: softmax last, and the things a reviewer flags
// (two activations in a row, dropout or an activation right before softmax, a hidden dense layer
// narrower than the output).

import type { LossStmt } from '../ast/types.js';
import { getShapeRule } from '../layers/shapes.js';
import type { LossKind, Shape } from '../network.js';
import type { DiagnosticSink } from './sink.js';
import { pointRange } from './text.js';
import type { WalkedLayer } from './walk.js';

function isActivation(w: WalkedLayer): boolean {
  return getShapeRule(w.item.source.keyword).activation;
}

export function checkSequence(layers: readonly WalkedLayer[], output: Shape | undefined, sink: DiagnosticSink): void {
  for (let i = 0; i < layers.length; i++) {
    const a = layers[i]!.item;
    const next = layers[i + 1]?.item;
    if (next === undefined) break;
    const kind = a.source.keyword;
    if (kind === 'softmax') {
      sink.error(
        'softmax-not-last',
        a.source.keywordRange,
        `${a.name}: softmax must be the last layer, but ${next.name} comes after it`,
      );
    }
    if (isActivation(layers[i]!) && isActivation(layers[i + 1]!)) {
      sink.warning(
        'double-activation',
        next.source.keywordRange,
        `${next.name}: two activations in a row, ${a.name} (${kind}) then ${next.name} (${next.source.keyword})`,
      );
    }
    if (next.source.keyword === 'softmax' && kind === 'dropout') {
      sink.warning(
        'dropout-before-softmax',
        a.source.keywordRange,
        `${a.name}: dropout right before softmax zeroes class scores at random; put it before the last dense layer`,
      );
    }
    if (next.source.keyword === 'softmax' && isActivation(layers[i]!)) {
      sink.warning(
        'activation-before-softmax',
        a.source.keywordRange,
        `${a.name}: ${kind} right before softmax squashes the class scores; softmax normally takes a dense ` +
          `layer's output directly`,
      );
    }
  }
  checkBottleneck(layers, output, sink);
}

/** A dense layer before the last one with fewer units than the network's output vector. */
function checkBottleneck(layers: readonly WalkedLayer[], output: Shape | undefined, sink: DiagnosticSink): void {
  if (output === undefined || output.length !== 1) return;
  const classes = output[0]!;
  let last = -1;
  layers.forEach((w, i) => {
    if (w.spec?.kind === 'dense') last = i;
  });
  for (let i = 0; i < last; i++) {
    const { item, spec } = layers[i]!;
    if (spec?.kind !== 'dense' || spec.units >= classes) continue;
    sink.warning(
      'dense-bottleneck',
      item.source.count?.range ?? item.source.keywordRange,
      `${item.name}: dense ${spec.units} has fewer units than the ${classes} classes that follow it; ` +
        `the output is squeezed through ${spec.units} values`,
    );
  }
}

/** `loss cross_entropy` needs softmax as the last layer. */
export function checkLoss(
  lossStmt: LossStmt | undefined,
  loss: LossKind | undefined,
  layers: readonly WalkedLayer[],
  sink: DiagnosticSink,
): void {
  const last = layers[layers.length - 1]?.item;
  if (lossStmt === undefined || loss !== 'cross_entropy' || last === undefined) return;
  if (last.source.keyword === 'softmax') return;
  const at = lossStmt.range.start;
  sink.error(
    'loss-needs-softmax',
    lossStmt.fn.range,
    `loss cross_entropy needs softmax as the last layer, but the last layer is ${last.name} (${last.source.keyword})`,
    [{ title: 'add `softmax` before the loss', range: pointRange(at), replacement: `softmax\n${' '.repeat(at.column - 1)}` }],
  );
}
