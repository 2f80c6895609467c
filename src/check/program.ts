// The statements around the layers: `network`, `input`, `loss`, their number and their order.

import { INVALID_NAME, invalidNameMessage, isName } from '../ast/names.js';
import type { InputStmt, LayerStmt, LossStmt, NetworkStmt, Program, Stmt } from '../ast/types.js';
import type { SourceRange } from '../diagnostics.js';
import type { LossKind, Shape } from '../network.js';
import { readInt } from './numbers.js';
import type { DiagnosticSink } from './sink.js';
import { nearest } from './text.js';

export const LOSSES: readonly LossKind[] = ['cross_entropy', 'mse'];

/** Names other frameworks use for the same losses, for "did you mean". */
const LOSS_ALIASES: Readonly<Record<string, LossKind>> = {
  ce: 'cross_entropy',
  xent: 'cross_entropy',
  crossentropy: 'cross_entropy',
  categorical_crossentropy: 'cross_entropy',
  nll: 'cross_entropy',
  l2: 'mse',
  mse_loss: 'mse',
  mean_squared_error: 'mse',
};

export interface ProgramFacts {
  readonly name: string;
  readonly inputStmt?: InputStmt;
  /** undefined when there is no usable input statement */
  readonly input?: Shape;
  readonly lossStmt?: LossStmt;
  readonly loss?: LossKind;
}

/**
 * The default network name: the file name's stem made into a name. Directories and the last
 * extension go; every character outside [A-Za-z0-9_] becomes `_`; a leading digit gets a `_` in
 * front; an empty stem (or "<input>") gives `model`. `my-model.cnn` -> `my_model`.
 */
export function networkNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? '';
  if (base === '<input>') return 'model';
  const dot = base.lastIndexOf('.');
  const stem = (dot > 0 ? base.slice(0, dot) : base).replace(/[^A-Za-z0-9_]/g, '_');
  if (stem === '') return 'model';
  return /^[0-9]/.test(stem) ? `_${stem}` : stem;
}

function hasLayers(s: Stmt): boolean {
  return s.kind === 'layer' || (s.kind === 'repeat' && s.body.some(hasLayers));
}

function firstLayerStmt(s: Stmt): LayerStmt | undefined {
  if (s.kind === 'layer') return s;
  if (s.kind === 'repeat') {
    for (const b of s.body) {
      const l = firstLayerStmt(b);
      if (l) return l;
    }
  }
  return undefined;
}

const START: SourceRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** `nameOf` gives the (first) name of a layer statement, for messages. */
export function checkProgramStatements(
  program: Program,
  sink: DiagnosticSink,
  nameOf: (s: LayerStmt) => string,
): ProgramFacts {
  const stmts = program.statements;
  let network: NetworkStmt | undefined;
  let inputStmt: InputStmt | undefined;
  let lossStmt: LossStmt | undefined;
  let firstLayer: LayerStmt | undefined;

  stmts.forEach((s, i) => {
    if (s.kind === 'network') {
      if (network) {
        sink.error('duplicate-network', s.range, `network is named twice; the first is on line ${network.range.start.line}`);
      } else {
        network = s;
        if (i !== 0) sink.error('network-not-first', s.range, '`network` must be the first statement');
      }
    } else if (s.kind === 'input') {
      if (inputStmt) {
        sink.error('duplicate-input', s.range, `input is given twice; the first is on line ${inputStmt.range.start.line}`);
      } else {
        inputStmt = s;
        if (firstLayer) {
          sink.error(
            'input-after-layer',
            s.range,
            `input must come before every layer, but ${nameOf(firstLayer)} on line ` +
              `${firstLayer.range.start.line} comes first`,
          );
        }
      }
    } else if (s.kind === 'loss') {
      if (lossStmt) {
        sink.error('duplicate-loss', s.range, `loss is given twice; the first is on line ${lossStmt.range.start.line}`);
      } else {
        lossStmt = s;
      }
    } else if (hasLayers(s)) {
      const layer = firstLayerStmt(s)!;
      firstLayer ??= layer;
      if (lossStmt) {
        sink.error(
          'loss-not-last',
          lossStmt.range,
          `loss must come after the last layer, but ${nameOf(layer)} on line ${layer.range.start.line} follows it`,
          undefined,
        );
      }
    }
  });

  if (network && !isName(network.name.name)) {
    sink.error(INVALID_NAME, network.name.range, invalidNameMessage('the network name', network.name.name));
  }
  if (!inputStmt && !sink.hasAstErrors) {
    sink.error(
      'missing-input',
      firstLayer?.range ?? stmts[0]?.range ?? START,
      'the network has no input statement; add one before the first layer, e.g. `input 1x28x28`',
    );
  }
  if (!firstLayer && !sink.hasAstErrors) {
    sink.error('no-layers', inputStmt?.range ?? stmts[0]?.range ?? START, 'the network has no layers');
  }

  return {
    name: network?.name.name ?? networkNameFromFile(program.file),
    inputStmt,
    input: inputStmt && readInputShape(inputStmt, sink),
    lossStmt,
    loss: lossStmt && readLoss(lossStmt, sink),
  };
}

/** `input N` is the vector [N]; `HxW` is [1, H, W]; `CxHxW` is [C, H, W]. */
function readInputShape(s: InputStmt, sink: DiagnosticSink): Shape | undefined {
  const values = s.shape.values;
  if (values.length < 1 || values.length > 3) {
    sink.error(
      'too-many-dims',
      s.shape.range,
      `input is written N, HxW or CxHxW, got ${values.map((v) => v.text).join('x')}`,
    );
    return undefined;
  }
  const dims = values.map((v) => readInt(v, 'the input size', 1, 'input', sink));
  if (dims.some((d) => d === undefined)) return undefined;
  const shape = dims as number[];
  return shape.length === 2 ? [1, shape[0]!, shape[1]!] : shape;
}

function readLoss(s: LossStmt, sink: DiagnosticSink): LossKind | undefined {
  const name = s.fn.name;
  if ((LOSSES as readonly string[]).includes(name)) return name as LossKind;
  const alias = Object.prototype.hasOwnProperty.call(LOSS_ALIASES, name.toLowerCase())
    ? LOSS_ALIASES[name.toLowerCase()]
    : undefined;
  const guess = alias ?? nearest(name, LOSSES);
  if (guess !== undefined) {
    sink.error('unknown-loss', s.fn.range, `unknown loss \`${name}\`; did you mean \`${guess}\`?`, [
      { title: `replace with \`${guess}\``, range: s.fn.range, replacement: guess },
    ]);
  } else {
    sink.error('unknown-loss', s.fn.range, `unknown loss \`${name}\`; the losses are \`cross_entropy\` and \`mse\``);
  }
  return undefined;
}
