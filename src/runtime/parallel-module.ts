// Where dataParallel's generated module comes from, turned into one URL that the main thread and
// every worker `import()`: the module is compiled (or transpiled) once, here, never per worker.
//
//   'model.js' | 'file:///.../model.mjs' | new URL(...)   JavaScript, imported as it is
//   'model.ts'                                           a generated module (`cnnc compile -o model.ts`), transpiled
//   'model.cnn'                                          a model, compiled with this package's compiler
//   { source, file?, options? }                          a model's text, compiled
//   { code }                                             a generated module's TypeScript (or JavaScript) text
// Relative paths are relative to the working directory. Compiled and transpiled modules are passed
// as data: URLs, so nothing is written to disk. The compiler (src/compile.ts, which loads the
// TypeScript compiler) is imported only for the forms that need it.

import type { CompileOptions } from '../compile.js';

export type ModuleSpec =
  | string
  | URL
  | { readonly source: string; readonly file?: string; readonly options?: CompileOptions }
  | { readonly code: string };

export interface ResolvedModule {
  /** what import() takes, in the main thread and in the workers */
  readonly url: string;
  /** for messages: the path, URL or `file` given */
  readonly label: string;
}

type Compiler = typeof import('../compile.js');

/**
 * The compiler, from the same tree as this file (src/*.ts under tsx or vitest, dist/ as built). The
 * specifier is computed so that a bundler making a browser build of cnnc/runtime does not pull the
 * compiler (and TypeScript with it) in.
 */
async function importCompiler(): Promise<Compiler> {
  const specifier = `../compile${/\.[mc]?ts$/.test(import.meta.url) ? '.ts' : '.js'}`;
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as Compiler;
}

function dataUrl(js: string): string {
  return `data:text/javascript;base64,${Buffer.from(js).toString('base64')}`;
}

async function fromSource(text: string, file: string, options: CompileOptions | undefined): Promise<string> {
  const { compileSource, transpile } = await importCompiler();
  const result = await compileSource(text, file, { ...options, format: false });
  if (result.code === undefined) {
    const errors = result.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${file}:${d.range.start.line}:${d.range.start.column}: ${d.message} [${d.code}]`);
    throw new Error(`dataParallel: ${file} does not compile:\n${errors.join('\n')}`);
  }
  return dataUrl(transpile(result.code));
}

export async function resolveModule(spec: ModuleSpec): Promise<ResolvedModule> {
  if (typeof spec === 'object' && !(spec instanceof URL)) {
    if ('source' in spec && typeof spec.source === 'string') {
      const file = spec.file ?? 'model.cnn';
      return { url: await fromSource(spec.source, file, spec.options), label: file };
    }
    if ('code' in spec && typeof spec.code === 'string') {
      const { transpile } = await importCompiler();
      return { url: dataUrl(transpile(spec.code)), label: '(module text)' };
    }
    throw new TypeError('dataParallel: module must be a path, a URL, { source } or { code }');
  }
  if (typeof spec !== 'string' && !(spec instanceof URL)) {
    throw new TypeError('dataParallel: module must be a path, a URL, { source } or { code }');
  }
  const { pathToFileURL, fileURLToPath } = await import('node:url');
  const { resolve } = await import('node:path');
  const text = spec instanceof URL ? spec.href : spec;
  // A scheme of two letters or more: a URL (one letter is a Windows drive).
  const url = /^[a-z][a-z0-9+.-]+:/i.test(text) ? new URL(text) : pathToFileURL(resolve(text));
  const label = spec instanceof URL ? spec.href : spec;
  const kind = /\.(cnn|m?ts)$/i.exec(url.pathname)?.[1]?.toLowerCase();
  if (kind === undefined || url.protocol !== 'file:') return { url: url.href, label };
  const { readFile } = await import('node:fs/promises');
  const path = fileURLToPath(url);
  const body = await readFile(path, 'utf8');
  if (kind === 'cnn') return { url: await fromSource(body, text, undefined), label };
  const { transpile } = await importCompiler();
  return { url: dataUrl(transpile(body)), label };
}
