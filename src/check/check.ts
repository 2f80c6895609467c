// checkProgram: the shape checker on an AST (src/check/index.ts adds checkSource on top).
// Stage 3: the shape checker. AST in; repeat expanded, layers named, every shape, parameter and
// MAC count resolved, diagnostics out. A Network is produced only when nothing is an error
// (the AST builder's errors included). Total on any Program: it reports, it does not throw.
//
// Order of work: expand `repeat` and name the layers (expand.ts); check network/input/loss
// statements (program.ts); walk the layers through their kinds' shape rules (walk.ts); then the
// rules about layer order and the loss (sequence.ts).

import type { LayerStmt, Program } from '../ast/types.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Layer, Network } from '../network.js';
import { expandLayers } from './expand.js';
import { checkProgramStatements } from './program.js';
import { checkLoss, checkSequence } from './sequence.js';
import { DiagnosticSink } from './sink.js';
import { walkLayers } from './walk.js';

export interface CheckResult {
  program?: Program;
  network?: Network;
  diagnostics: Diagnostic[];
}

export function checkProgram(program: Program, astDiagnostics: readonly Diagnostic[] = []): CheckResult {
  const sink = new DiagnosticSink(astDiagnostics);
  const expanded = expandLayers(program.statements, sink);

  // A statement's first name, for the few messages about statement order (built when one needs it).
  let firstNames: Map<LayerStmt, string> | undefined;
  const nameOf = (s: LayerStmt): string => {
    if (firstNames === undefined) {
      firstNames = new Map();
      for (const e of expanded) {
        if (e.type === 'layer' && e.node === e.source.stmt && !firstNames.has(e.source.stmt)) {
          firstNames.set(e.source.stmt, e.name);
        }
      }
    }
    return firstNames.get(s) ?? s.label?.name ?? s.layer;
  };
  const facts = checkProgramStatements(program, sink, nameOf);

  const walk = walkLayers(expanded, facts.input, facts.inputStmt, sink);
  if (!sink.layersCut) {
    checkSequence(walk.layers, walk.output, sink);
    checkLoss(facts.lossStmt, facts.loss, walk.layers, sink);
  }

  const diagnostics = sortDiagnostics([...astDiagnostics, ...sink.diagnostics, ...sink.overflow()]);
  if (sink.hasErrors) return { program, diagnostics };

  // No error means every layer resolved and was shaped (each failure path reports an error).
  const layers: Layer[] = walk.layers.map((w) => {
    if (w.layer === undefined) throw new Error(`checker invariant: ${w.item.name} has no shape but no error`);
    return w.layer;
  });
  const input = facts.input;
  if (input === undefined || walk.output === undefined || layers.length === 0) {
    throw new Error('checker invariant: no input or no layers, but no error');
  }
  const network: Network = {
    name: facts.name,
    file: program.file,
    input,
    output: walk.output,
    layers,
    ...(facts.loss !== undefined ? { loss: facts.loss } : {}),
    paramCount: countParams(layers),
  };
  return { program, network, diagnostics };
}

/** The length of the flat parameter vector: every layer's tensors, in order (plain loops: no closures). */
function countParams(layers: readonly Layer[]): number {
  let n = 0;
  for (let i = 0; i < layers.length; i++) {
    let own = 0;
    const params = layers[i]!.params;
    for (let j = 0; j < params.length; j++) own += params[j]!.size;
    n += own;
  }
  return n;
}
