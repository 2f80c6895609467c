// What must hold for every input, whatever it is. Each check returns readable problems (an empty
// list when all is well), so that a fuzz failure says what went wrong and on which text.
//
// - diagnostics: every range (and every fix's range) lies in the text, ends after it starts, and
//   its lines and columns agree with its offsets (computed here, independently of src/ast);
//   messages are one printable line; no `internal-error`; a network exactly when there is no error;
// - summary: text and JSON for every network, the JSON parses;
// - fmt: never throws; refuses exactly the files with syntax errors; keeps every token and comment
//   in order; is idempotent; the formatted model draws the same diagnostic codes;
// - compile: a model that checks clean compiles; when small, its module loads and runs forward,
//   backward and lossAndGrad on random input with finite results of the right lengths.

import { parseCnn, tokenMatcher, tokenTypes } from '../../../grammar/index.js';
import { checkSource } from '../../../src/check/index.js';
import { compileSourceSync } from '../../../src/compile.js';
import type { Diagnostic } from '../../../src/diagnostics.js';
import { formatCnn, isFormatError } from '../../../src/fmt/index.js';
import type { FloatArray, GeneratedModule } from '../../../src/module-api.js';
import { shapeSize, type Network } from '../../../src/network.js';
import { formatSummaryJson, formatSummaryText, summarize } from '../../../src/summary/index.js';
import { mulberry32 } from '../../support/rng.js';
import { loadFast } from './load.js';

/** 1-based line and column of every offset 0..length; a line ends at \n, \r\n or a lone \r. */
export function positions(text: string): { line: Int32Array; column: Int32Array } {
  const line = new Int32Array(text.length + 1);
  const column = new Int32Array(text.length + 1);
  let l = 1;
  let c = 1;
  for (let i = 0; i <= text.length; i++) {
    line[i] = l;
    column[i] = c;
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      l++;
      c = 1;
    } else c++;
  }
  return { line, column };
}

/** One line of printable text: no control characters (a terminal would act on ESC), no line breaks. */
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/;

export function diagnosticProblems(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  const pos = positions(text);
  const inText = (name: string, what: string, r: Diagnostic['range']): void => {
    const { start, end } = r;
    if (!(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length)) {
      out.push(`${name}: ${what} ${start.offset}-${end.offset} is not inside the text (length ${text.length})`);
      return;
    }
    for (const p of [start, end]) {
      if (p.line !== pos.line[p.offset] || p.column !== pos.column[p.offset]) {
        out.push(
          `${name}: ${what} says ${p.line}:${p.column} at offset ${p.offset}, which is ${pos.line[p.offset]}:${pos.column[p.offset]}`,
        );
      }
    }
  };
  for (const d of diagnostics) {
    const name = `${d.code}@${d.range.start.offset}`;
    if (d.code === 'internal-error') out.push(`${name}: ${d.message}`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(d.code)) out.push(`${name}: the code is not kebab-case`);
    if (!['error', 'warning', 'info'].includes(d.severity)) out.push(`${name}: severity ${String(d.severity)}`);
    if (!ONE_LINE.test(d.message))
      out.push(`${name}: the message is not one printable line: ${JSON.stringify(d.message)}`);
    inText(name, 'range', d.range);
    for (const f of d.fixes ?? []) {
      inText(name, `fix ${JSON.stringify(f.title)}`, f.range);
      if (!ONE_LINE.test(f.title)) out.push(`${name}: fix title ${JSON.stringify(f.title)}`);
    }
  }
  return out;
}

/** The check JSON report's diagnostics against the file: 1-based, end exclusive, inside the text. */
export function jsonDiagnosticProblems(
  text: string,
  diagnostics: readonly { code: string; line: number; column: number; endLine: number; endColumn: number }[],
): string[] {
  const out: string[] = [];
  const lineLengths = text.split(/\r\n|\r|\n/).map((l) => l.length);
  const valid = (line: number, column: number): boolean =>
    Number.isInteger(line) &&
    Number.isInteger(column) &&
    line >= 1 &&
    line <= lineLengths.length &&
    column >= 1 &&
    column <= lineLengths[line - 1]! + 1;
  for (const d of diagnostics) {
    const name = `${d.code}@${d.line}:${d.column}-${d.endLine}:${d.endColumn}`;
    if (d.code === 'internal-error') out.push(`${name}: internal error`);
    if (!valid(d.line, d.column) || !valid(d.endLine, d.endColumn)) out.push(`${name}: not inside the file`);
    else if (d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column))
      out.push(`${name}: ends before it starts`);
  }
  return out;
}

/** Tokens (newlines aside: fmt may merge blank lines) and comments, as strings, in order. */
function tokenImages(text: string): string[] {
  const parsed = parseCnn(text);
  const all = [
    ...parsed.tokens
      .filter((t) => !tokenMatcher(t, tokenTypes.Newline))
      .map((t) => ({ at: t.startOffset, s: t.image })),
    ...parsed.comments.map((t) => ({ at: t.startOffset, s: t.image.trimEnd() })),
  ];
  return all.sort((a, b) => a.at - b.at).map((t) => t.s);
}

const codes = (ds: readonly Diagnostic[]): string =>
  ds
    .map((d) => `${d.severity}:${d.code}`)
    .sort()
    .join(' ');

export function fmtProblems(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  let r: ReturnType<typeof formatCnn>;
  try {
    r = formatCnn(text);
  } catch (e) {
    return [`fmt threw: ${(e as Error).stack ?? String(e)}`];
  }
  if (isFormatError(r)) {
    if (r.diagnostics.length === 0) out.push(`fmt refused without a diagnostic: ${r.error}`);
    out.push(...diagnosticProblems(text, r.diagnostics).map((p) => `fmt: ${p}`));
    return out;
  }
  if (r.changed !== (r.text !== text)) out.push('fmt: `changed` is wrong');
  if (!r.changed) return out;
  const before = tokenImages(text);
  const after = tokenImages(r.text);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push(`fmt changed the tokens:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
  }
  const again = formatCnn(r.text);
  if (isFormatError(again)) out.push(`fmt output does not format again: ${again.error}`);
  else if (again.text !== r.text)
    out.push(`fmt is not idempotent:\n${JSON.stringify(r.text)}\n${JSON.stringify(again.text)}`);
  const checked = checkSource(r.text, 'x.cnn');
  if (codes(checked.diagnostics) !== codes(diagnostics)) {
    out.push(`fmt changed the diagnostics: ${codes(diagnostics)} -> ${codes(checked.diagnostics)}\n${r.text}`);
  }
  return out;
}

export interface Cost {
  readonly params: number;
  readonly activations: number;
  readonly macs: number;
  readonly layers: number;
}

export function cost(n: Network): Cost {
  return {
    params: n.paramCount,
    activations: n.layers.reduce((a, l) => a + shapeSize(l.output), shapeSize(n.input)),
    macs: n.layers.reduce((a, l) => a + l.macs, 0),
    layers: n.layers.length,
  };
}

/** Small enough to compile in a few milliseconds (the largest examples are compiled elsewhere). */
export function compilable(c: Cost): boolean {
  return c.layers <= 500;
}

/** Small enough to run a batch of two in a few milliseconds. */
export function runnable(c: Cost): boolean {
  return c.layers <= 200 && c.params <= 1e5 && c.activations <= 5e4 && c.macs <= 1e5;
}

/** Numbers that keep float32 results finite on inputs in [-1, 1] (a slope of 1e30 need not). */
export function tame(n: Network): boolean {
  return n.layers.every((l) =>
    l.spec.kind === 'leakyrelu'
      ? Math.abs(l.spec.slope) <= 10
      : l.spec.kind === 'dropout'
        ? l.spec.rate <= 0.999
        : true,
  );
}

function finite(name: string, a: ArrayLike<number>, length: number, out: string[]): void {
  if (a.length !== length) out.push(`${name} has length ${a.length}, expected ${length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      out.push(`${name}[${i}] = ${a[i]}`);
      return;
    }
  }
}

/** forward (inference and training), backward and lossAndGrad on a batch of two random samples. */
export function runProblems(mod: GeneratedModule, seed: number, mustBeFinite: boolean): string[] {
  const out: string[] = [];
  const rng = mulberry32(seed);
  const batch = 2;
  const inSize = shapeSize(mod.inputShape);
  const outSize = shapeSize(mod.outputShape);
  const vec = (n: number): Float32Array => Float32Array.from({ length: n }, () => 2 * rng() - 1);
  const params = mod.initParams(seed);
  const ws = mod.createWorkspace(batch, seed);
  const input = vec(batch * inSize);
  const grad = new Float32Array(mod.paramCount);
  const problems: string[] = [];
  const check = (name: string, a: ArrayLike<number>, length: number): void => finite(name, a, length, problems);
  check('initParams', params, mod.paramCount);
  check('forward', mod.forward(params, input, ws, false), batch * outSize);
  check('forward (training)', mod.forward(params, input, ws, true), batch * outSize);
  check('backward dL/dinput', mod.backward(params, ws, vec(batch * outSize), grad), batch * inSize);
  check('backward dL/dparams', grad, mod.paramCount);
  if (mod.lossAndGrad) {
    const target = new Float32Array(batch * outSize);
    for (let b = 0; b < batch; b++) target[b * outSize + Math.floor(rng() * outSize)] = 1;
    const loss = mod.lossAndGrad(params, input, target as FloatArray, grad, ws);
    if (!Number.isFinite(loss)) problems.push(`lossAndGrad returned ${loss}`);
    check('lossAndGrad dL/dparams', grad, mod.paramCount);
  }
  // lengths are always checked; finiteness only where the numbers allow it
  out.push(...problems.filter((p) => mustBeFinite || / has length /.test(p)));
  return out;
}

export interface ProbeResult {
  readonly problems: string[];
  readonly network?: Network;
  readonly code?: string;
  readonly ran: boolean;
}

/** Every stage in process on one text. */
export function probe(text: string, file = 'fuzz.cnn', seed = 1): ProbeResult {
  const problems: string[] = [];
  let checked: ReturnType<typeof checkSource>;
  try {
    checked = checkSource(text, file);
  } catch (e) {
    return { problems: [`checkSource threw: ${(e as Error).stack ?? String(e)}`], ran: false };
  }
  const { network, diagnostics } = checked;
  problems.push(...diagnosticProblems(text, diagnostics));
  const errors = diagnostics.some((d) => d.severity === 'error');
  if (errors === (network !== undefined)) problems.push(`errors: ${errors}, but network: ${network !== undefined}`);
  problems.push(...fmtProblems(text, diagnostics));
  if (network === undefined) return { problems, ran: false };

  try {
    const s = summarize(network);
    formatSummaryText(s);
    JSON.parse(formatSummaryJson(s));
  } catch (e) {
    problems.push(`summary threw: ${(e as Error).stack ?? String(e)}`);
  }
  const c = cost(network);
  if (!compilable(c)) return { problems, network, ran: false };
  let code: string | undefined;
  try {
    const r = compileSourceSync(text, file);
    code = r.code;
    if (code === undefined) problems.push(`a clean model did not compile: ${JSON.stringify(r.diagnostics)}`);
  } catch (e) {
    problems.push(`compile threw on a clean model: ${(e as Error).stack ?? String(e)}`);
  }
  if (code === undefined || !runnable(c)) return { problems, network, ...(code ? { code } : {}), ran: false };
  try {
    problems.push(...runProblems(loadFast(code), seed, tame(network)));
  } catch (e) {
    problems.push(`the module threw: ${(e as Error).stack ?? String(e)}`);
  }
  return { problems, network, code, ran: true };
}
