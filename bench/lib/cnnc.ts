// Access to cnnc's own modules from the benchmark. The built package (dist/, what `npm run bench`
// builds first) is preferred; without it, the TypeScript sources are imported through tsx. Parts that
// other people are still writing (src/compile.ts, src/runtime) may be missing: the loaders say so
// with a reason instead of failing the whole run.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../../src/diagnostics.js';
import type { FloatArray, GeneratedModule } from '../../src/module-api.js';
import type { Network } from '../../src/network.js';
import { ROOT } from './paths.js';

export interface Loaded<T> {
  readonly value: T;
  /** "dist" or "src (tsx)" */
  readonly from: string;
}

/** Imports src/<rel>.ts's build output when it exists, else the source. Undefined when neither does. */
async function importPart(rel: string): Promise<Loaded<Record<string, unknown>> | undefined> {
  const dist = join(ROOT, 'dist', 'src', `${rel}.js`);
  const src = join(ROOT, 'src', `${rel}.ts`);
  if (existsSync(dist)) return { value: (await import(pathToFileURL(dist).href)) as Record<string, unknown>, from: 'dist' };
  if (existsSync(src)) return { value: (await import(pathToFileURL(src).href)) as Record<string, unknown>, from: 'src (tsx)' };
  return undefined;
}

export interface CheckResultLike {
  readonly network?: Network;
  readonly diagnostics: readonly Diagnostic[];
}
export type CheckSource = (text: string, file: string) => CheckResultLike;

export async function loadChecker(): Promise<Loaded<CheckSource>> {
  const m = await importPart('check/index');
  if (m === undefined || typeof m.value.checkSource !== 'function') throw new Error('src/check/index.ts has no checkSource');
  return { value: m.value.checkSource as CheckSource, from: m.from };
}

/** The checked network of a source text; throws with the diagnostics when it has errors. */
export function networkOf(check: CheckSource, text: string, file: string): Network {
  const r = check(text, file);
  if (r.network === undefined) {
    const errs = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line}: ${d.message}`);
    throw new Error(`${file} does not check: ${errs.join('; ')}`);
  }
  return r.network;
}

/** Forward MACs of one sample, from the checker. */
export function forwardMacs(network: Network): number {
  return network.layers.reduce((s, l) => s + l.macs, 0);
}

export type Compile = (text: string, file: string) => Promise<GeneratedModule>;

/** The module text out of whatever compileSource returns (a string, or a result object). */
function codeOf(result: unknown, file: string): string {
  if (typeof result === 'string') return result;
  if (result !== null && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    for (const key of ['code', 'text', 'source', 'module', 'output']) {
      if (typeof r[key] === 'string') return r[key] as string;
    }
    const diags = Array.isArray(r.diagnostics) ? (r.diagnostics as Diagnostic[]) : [];
    const errs = diags.filter((d) => d.severity === 'error').map((d) => d.message);
    if (errs.length > 0) throw new Error(`${file}: ${errs.join('; ')}`);
  }
  throw new Error(`compileSource returned no module text for ${file}`);
}

/** compileSource + loadModule from src/compile.ts (in memory, unformatted). */
export async function loadCompiler(): Promise<Loaded<Compile>> {
  const m = await importPart('compile');
  if (m === undefined) throw new Error('src/compile.ts does not exist yet');
  const { compileSource, loadModule } = m.value;
  if (typeof compileSource !== 'function' || typeof loadModule !== 'function') {
    throw new Error('src/compile.ts does not export compileSource and loadModule');
  }
  const compile: Compile = async (text, file) => {
    const code = codeOf(await (compileSource as (t: string, f: string, o: object) => unknown)(text, file, { format: false }), file);
    return (await (loadModule as (code: string) => unknown)(code)) as GeneratedModule;
  };
  return { value: compile, from: m.from };
}

export type Step = (params: FloatArray, grad: FloatArray) => void;

/** Plain SGD without momentum: the runtime's `sgd` when it exists, else the same loop inline. */
export async function loadSgd(params: FloatArray, lr: number): Promise<Loaded<Step>> {
  for (const rel of ['runtime/index', 'runtime/sgd']) {
    const m = await importPart(rel).catch(() => undefined);
    if (m !== undefined && typeof m.value.sgd === 'function') {
      const opt = (m.value.sgd as (p: FloatArray, o: { lr: number }) => { step: Step })(params, { lr });
      return { value: (p, g) => opt.step(p, g), from: `runtime sgd (${m.from})` };
    }
  }
  const step: Step = (p, g) => {
    const n = p.length;
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * g[i]!;
  };
  return { value: step, from: 'inline loop' };
}
