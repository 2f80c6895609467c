// Small helpers over ts-morph's CodeBlockWriter shared by every layer emitter: index arithmetic
// with literal folding, loops, and the two function signatures every step uses.

import { CodeBlockWriter } from 'ts-morph';
import type { LoweredStep } from '../lower/types.js';

export type Writer = CodeBlockWriter;

export function newWriter(): Writer {
  return new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: true });
}

export type Dtype = 'f32' | 'f64';

export interface EmitContext {
  /** 'Float32Array' or 'Float64Array': the storage of parameters, activations and gradients */
  readonly float: string;
}

/** `expr + k` with the constant folded away: plus('i', 0) = 'i', plus('i', -3) = 'i - 3'. */
export function plus(expr: string, k: number): string {
  if (k === 0) return expr;
  if (expr === '' || expr === '0') return String(k);
  return k > 0 ? `${expr} + ${k}` : `${expr} - ${-k}`;
}

/** `v * k` without the trivial cases: times('oy', 1) = 'oy', times('oy', 0) = '0'. */
export function times(v: string, k: number): string {
  if (k === 0) return '0';
  if (k === 1) return v;
  return `${v} * ${k}`;
}

/** A sum of terms, each already folded; constant terms are added up. */
export function sum(...terms: (string | number)[]): string {
  let k = 0;
  const parts: string[] = [];
  for (const t of terms) {
    if (typeof t === 'number') k += t;
    else if (t !== '0' && t !== '') parts.push(t);
  }
  if (parts.length === 0) return String(k);
  return plus(parts.join(' + '), k);
}

/** A single-quoted string literal of any text (names are data, never code). */
export function quote(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}

/** Text for a `//` comment: line breaks and other control characters written as escapes. */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Layer names become parts of function names: anything else is a bug in the caller. */
export function checkIdentifier(what: string, name: string): void {
  if (!IDENTIFIER.test(name)) throw new Error(`cnnc: ${what} ${JSON.stringify(name)} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)`);
}

/** A float literal that reads back as the same double. */
export function float(x: number): string {
  if (Object.is(x, -0)) return '-0';
  const s = String(x);
  return s;
}

/**
 * `for (let v = from; v < to; v++) { body }`, even for a single iteration: bodies may `continue`.
 */
export function loop(w: Writer, v: string, from: number | string, to: number | string, body: () => void): void {
  w.write(`for (let ${v} = ${from}; ${v} < ${to}; ${v}++)`).block(body);
}

/** Writes `/** lines *\/` above a declaration. */
export function doc(w: Writer, lines: readonly string[]): void {
  if (lines.length === 1) {
    w.writeLine(`/** ${lines[0]} */`);
    return;
  }
  w.writeLine('/**');
  for (const l of lines) w.writeLine(l === '' ? ' *' : ` * ${l}`);
  w.writeLine(' */');
}

/**
 * Every step function has one of two signatures, so callers (and the optimisation check) can call
 * any of them alike: forward(p, ws, training), backward(p, ws, grad). Unused ones get a `_` prefix.
 */
export function forwardSignature(step: LoweredStep, ctx: EmitContext, uses: { p: boolean; training: boolean }): string {
  const p = uses.p ? 'p' : '_p';
  const t = uses.training ? 'training' : '_training';
  return `function ${step.forwardFn!}(${p}: ${ctx.float}, ws: Workspace, ${t}: boolean): void`;
}

export function backwardSignature(step: LoweredStep, ctx: EmitContext, uses: { p: boolean; grad: boolean }): string {
  const p = uses.p ? 'p' : '_p';
  const g = uses.grad ? 'grad' : '_grad';
  return `function ${step.backwardFn!}(${p}: ${ctx.float}, ws: Workspace, ${g}: ${ctx.float}): void`;
}

/** The input-gradient half of a conv or dense backward: the backward signature, its own name. */
export function inputGradSignature(step: LoweredStep, ctx: EmitContext): string {
  return `function ${step.inputGradFn!}(p: ${ctx.float}, ws: Workspace, _grad: ${ctx.float}): void`;
}

/** `const a = ws.a0, b = ws.a1, n = ws.batch;` from [local, field] pairs. */
export function bindWorkspace(w: Writer, fields: readonly (readonly [string, string])[], batch = true): void {
  const parts = fields.map(([local, field]) => `${local} = ws.${field}`);
  if (batch) parts.push('n = ws.batch');
  w.writeLine(`const ${parts.join(', ')};`);
}

/** Module-level table of rectangles [y0, y1, x0, x1, ...] for the checked border loops. */
export function rectTable(
  w: Writer,
  name: string,
  what: string,
  rects: readonly { y0: number; y1: number; x0: number; x1: number }[],
): void {
  w.writeLine(`// ${what}: [y0, y1, x0, x1] per rectangle`);
  const nums = rects.map((r) => `${r.y0}, ${r.y1}, ${r.x0}, ${r.x1}`).join(', ');
  w.writeLine(`const ${name}: readonly number[] = [${nums}];`);
}

/** `for (let e = 0; e < len; e += 4) { const y0 = T[e], ... ; body }` over a rectTable. */
export function forEachRect(w: Writer, table: string, count: number, body: () => void): void {
  w.write(`for (let e = 0; e < ${count * 4}; e += 4)`).block(() => {
    w.writeLine(`const y0 = ${table}[e], y1 = ${table}[e + 1], x0 = ${table}[e + 2], x1 = ${table}[e + 3];`);
    body();
  });
}
