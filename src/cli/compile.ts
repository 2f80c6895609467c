// `cnnc compile FILE [-o OUT] [--unroll none|auto|max] [--dtype f32|f64]`: one TypeScript module.
// OUT defaults to FILE with a .ts extension. The module is written to a temporary file beside OUT
// and renamed over it (files.ts), so OUT is either the old file or the whole new one; on any
// failure or interruption the temporary file is removed. A model with errors writes nothing: its
// diagnostics go to stderr as `cnnc check` renders them, exit 1. Writing over the input itself (by
// any path or link to it) is refused (exit 2). Nothing but OUT (and, for a moment, the temporary
// file beside it) is ever written.
// On success: warnings (if any) on stderr, one line on stdout: path, parameters, bytes.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { compileSource } from '../compile.js';
import { parseArgs, type OptionSpec } from './args.js';
import { CliError, EXIT } from './errors.js';
import { readSourceFile, writeFileAtomic } from './files.js';
import type { CliIo } from './io.js';
import { countDiagnostics, countLine, renderDiagnostics } from './render.js';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'output', short: 'o', value: 'OUT' },
  { name: 'unroll', value: 'MODE', choices: ['none', 'auto', 'max'] },
  { name: 'dtype', value: 'TYPE', choices: ['f32', 'f64'] },
];

export const help =
  'usage: cnnc compile FILE [-o OUT] [--unroll none|auto|max] [--dtype f32|f64]\n\n' +
  'Writes one dependency-free TypeScript module with the forward and backward passes of the\n' +
  'network (see MODULE-API.md), specialised for its shapes.\n\n' +
  'options:\n' +
  '  -o, --output OUT     where to write the module (default: FILE with a .ts extension)\n' +
  '  --unroll MODE        none: plain loops; auto (default): unroll kernel windows and small\n' +
  '                       blocks of channels within a 20 KB bytecode budget per function;\n' +
  '                       max: unroll as much as V8 still optimises (50 KB per function)\n' +
  '  --dtype TYPE         f32 (default): Float32Array; f64: Float64Array (gradient checks)\n';

export function defaultOutput(file: string): string {
  return file.endsWith('.cnn') ? `${file.slice(0, -4)}.ts` : `${file}.ts`;
}

const group = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The same file, by path or by identity (a link to it counts too). */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Writes `text` to `path` through a temporary file in the same directory and a rename (files.ts). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs('compile', args, OPTIONS);
  if (parsed.positionals.length !== 1) {
    const got = parsed.positionals.length === 0 ? 'none' : `${parsed.positionals.length}`;
    throw new CliError(`compile takes one .cnn file, got ${got} (see 'cnnc compile --help')`);
  }
  const file = parsed.positionals[0]!;
  const output = parsed.options.get('output');
  const out = typeof output === 'string' ? output : defaultOutput(file);
  if (await sameFile(file, out)) {
    throw new CliError(`refusing to write the module over its own input ${file}; choose another -o`);
  }
  const unroll = (parsed.options.get('unroll') as 'none' | 'auto' | 'max' | undefined) ?? 'auto';
  const dtype = (parsed.options.get('dtype') as 'f32' | 'f64' | undefined) ?? 'f32';

  const text = await readSourceFile(file);
  const result = await compileSource(text, file, { unroll, dtype });
  const opts = { color: io.stderr.color };
  if (result.code === undefined || result.network === undefined) {
    io.stderr.write(renderDiagnostics(result.diagnostics, file, text, opts));
    io.stderr.write(`${countLine(countDiagnostics(result.diagnostics), opts)}\n`);
    return EXIT.modelErrors;
  }
  if (result.diagnostics.length > 0) io.stderr.write(renderDiagnostics(result.diagnostics, file, text, opts));
  await writeAtomic(out, result.code);
  const bytes = Buffer.byteLength(result.code, 'utf8');
  io.stdout.write(`${out}: ${group(result.network.paramCount)} parameters, ${group(bytes)} bytes\n`);
  return EXIT.ok;
}
