// Source text -> module text (check + lower + emit), and in-memory loading of a module: the
// TypeScript is transpiled with the compiler ts-morph bundles and imported from a data: URL, so
// nothing touches the disk (cnnc gradcheck, the tests, scripts/check-optimized.mjs).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { checkSource } from './check/index.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { emitModule, type Dtype } from './emit/index.js';
import { lower } from './lower/index.js';
import type { LoweredNet, UnrollMode } from './lower/types.js';
import type { GeneratedModule } from './module-api.js';
import type { Network } from './network.js';

export interface CompileOptions {
  readonly unroll?: UnrollMode; // default 'auto'
  readonly dtype?: Dtype; // default 'f32'
  /** run prettier over the module when it is small enough to be quick (FORMAT_LIMIT) */
  readonly format?: boolean;
  /** the source file as the header names it; default: `file` */
  readonly sourceName?: string;
  /** the version the header records; default: this package's */
  readonly version?: string;
  /** also export `__layers` (every internal function), for optimisation checks */
  readonly exposeLayers?: boolean;
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** present when the checker found no error */
  readonly network?: Network;
  readonly lowered?: LoweredNet;
  readonly code?: string;
}

/** Prettier takes seconds on megabytes of unrolled code; beyond this the writer's layout stands. */
export const FORMAT_LIMIT = 300_000;

let cachedVersion: string | undefined;

/** This package's version (src/compile.ts and dist/src/compile.js both sit below package.json). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cnnc' && typeof pkg.version === 'string') return (cachedVersion = pkg.version);
    } catch {
      // not here; go up
    }
    dir = dirname(dir);
  }
  return (cachedVersion = 'unknown');
}

/**
 * The largest module cnnc writes, in characters of TypeScript. VGG-16 is 0.2 MB; past this a module
 * takes minutes and gigabytes to write and no engine would load it well. Checked before emitting,
 * from the lowering's size estimates.
 */
export const MODULE_LIMIT = 64 * 1024 * 1024;

/** Characters of module text a step is expected to take: its bytecode estimates, plus comments. */
function stepText(s: LoweredNet['steps'][number]): number {
  return Math.ceil(1.5 * (s.estimate.forward + s.estimate.backward + (s.estimate.inputGrad ?? 0))) + 1024;
}

/** An error located at the layer where the module passes MODULE_LIMIT, or undefined. */
export function moduleSizeError(lowered: LoweredNet): Diagnostic | undefined {
  let total = 16 * 1024;
  let at: LoweredNet['steps'][number] | undefined;
  for (const s of lowered.steps) {
    total += stepText(s);
    if (at === undefined && total > MODULE_LIMIT) at = s;
  }
  if (at === undefined) return undefined;
  const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  return {
    severity: 'error',
    code: 'module-too-large',
    message:
      `${at.layer.name}: the generated module passes cnnc's limit of ${mb(MODULE_LIMIT)} of code at this layer ` +
      `(it would be about ${mb(total)}, ${lowered.steps.length.toLocaleString('en-US')} steps)`,
    range: at.layer.range,
  };
}

/** Lower and emit a checked network. Throws an Error when the module would pass MODULE_LIMIT. */
export function compileNetwork(network: Network, options: CompileOptions = {}): { lowered: LoweredNet; code: string } {
  const unroll = options.unroll ?? 'auto';
  const lowered = lower(network, { unroll });
  const tooLarge = moduleSizeError(lowered);
  if (tooLarge) throw new Error(tooLarge.message);
  return { lowered, code: emit(lowered, network, options) };
}

function emit(lowered: LoweredNet, network: Network, options: CompileOptions): string {
  return emitModule(lowered, {
    unroll: lowered.unroll,
    dtype: options.dtype ?? 'f32',
    sourceName: options.sourceName ?? network.file,
    version: options.version ?? packageVersion(),
    ...(options.exposeLayers ? { exposeLayers: true } : {}),
  });
}

/** check + lower + emit, without formatting. A module past MODULE_LIMIT is an error diagnostic. */
export function compileSourceSync(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const checked = checkSource(text, file);
  if (hasErrors(checked.diagnostics) || checked.network === undefined) return { diagnostics: checked.diagnostics };
  const network = checked.network;
  const lowered = lower(network, { unroll: options.unroll ?? 'auto' });
  const tooLarge = moduleSizeError(lowered);
  if (tooLarge) return { diagnostics: sortDiagnostics([...checked.diagnostics, tooLarge]) };
  const code = emit(lowered, network, { sourceName: file, ...options });
  return { diagnostics: checked.diagnostics, network, lowered, code };
}

export async function compileSource(text: string, file: string, options: CompileOptions = {}): Promise<CompileResult> {
  const result = compileSourceSync(text, file, options);
  if (!options.format || result.code === undefined || result.code.length >= FORMAT_LIMIT) return result;
  const prettier = await import('prettier');
  const code = await prettier.format(result.code, { parser: 'typescript', printWidth: 120, singleQuote: true });
  return { ...result, code };
}

/** TypeScript -> JavaScript (ES2022 module), types erased; no type checking. */
export function transpile(code: string): string {
  const out = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, removeComments: false },
  });
  return out.outputText;
}

/** Imports a generated module's text without writing a file. */
export async function loadModule(code: string): Promise<GeneratedModule> {
  const url = `data:text/javascript;base64,${Buffer.from(transpile(code)).toString('base64')}`;
  return (await import(url)) as GeneratedModule;
}

/**
 * The same, synchronously: the module body evaluated with `new Function` after its `export`
 * keywords are turned into a returned object. Generated modules import nothing and declare their
 * exports at the top level, which is what makes this sound.
 */
export function loadModuleSync(code: string): GeneratedModule {
  const js = transpile(code);
  const names: string[] = [];
  const body = js.replace(/^export (const|function|let|class) ([A-Za-z_$][\w$]*)/gm, (_m, kw: string, name: string) => {
    names.push(name);
    return `${kw} ${name}`;
  });
  if (/^export\s/m.test(body)) throw new Error('loadModuleSync: unexpected export form in a generated module');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`'use strict';\n${body}\nreturn { ${names.join(', ')} };`)() as GeneratedModule;
}
